// SPDX-License-Identifier: BSD-3-Clause
// traffic_node: one node of an N-node cluster under random traffic, every
// byte checked against a model. The multi-process tests run one per node
// (each with its own cluster file in RSM_CONFIG); it is also a load
// generator for measuring a cluster.
//
//   traffic_node --nodes N [--seconds S | --ops K] [--size B] [--seed X]
//                [--signals M] [--sync-dir D] [--tolerate-failures]
//                [--timeout-ms T]
//
// Every node exports N slices of kSlice bytes as segment kSegmentId, open to
// all, and imports every other node's. Node i writes only slice i of each
// peer's segment, so it alone knows what that slice must hold: it keeps a
// model of it, and every get (get, getv) is compared with the model. Ops are
// put, get, putv and getv of random ranges on random peers (--size B: puts
// and gets of B bytes only). What it prints, one fact per line, is what the
// test scripts check:
//
//   node <i>: pid <pid>
//   node <i>: connected to <j> at <ms>          (CLOCK_REALTIME milliseconds)
//   node <i>: peer <j> failed rc=<code> at <ms> topology <active|inactive>
//   node <i>: stale handle to <j> rc=<code>     (an ended connection's put)
// clang-format off
//   node <i>: ops <K> in <s> s: <R> ops/s; median <m> us p99 <p> us; failures <F>
//   node <i>: signals received <r> of <e>; extra <x>
//   node <i>: model <i>@<j> <hash>              (what slice i of j must hold)
//   node <i>: slice <k>@<i> <hash>              (what slice k of i holds)
//   node <i>: retransmits <r> dropped <d>
// clang-format on
//
// A failing call exits 1 unless --tolerate-failures: then a peer whose call
// fails is reconnected (every 20 ms), its slice re-read into the model, and
// traffic to the others goes on. A model mismatch always exits 1.
//
// --sync-dir D: at the end each node creates D/done.<i> and waits for all N
// before printing its own slices' hashes, so no peer still writes them.
//
// SIGTERM or SIGINT ends the traffic early; the rest (signals, checks,
// report) runs as usual.
#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr rsm_memseg_id_t kSegmentId = 0x400300;
constexpr size_t kSlice = 16384;
constexpr size_t kMaxLength = 2048;
constexpr int kRetryMs = 20;

volatile sig_atomic_t stop_requested = 0;

void RequestStop(int /*signal*/) { stop_requested = 1; }

struct Options {
  int nodes = 0;
  double seconds = 0;
  int64_t ops = 0;
  size_t size = 0;
  uint32_t seed = 1;
  int signals = 0;
  std::string sync_dir;
  bool tolerate_failures = false;
  int timeout_ms = 20000;
};

struct Peer {
  rsm_node_id_t id = 0;
  rsm_memseg_import_handle_t handle = nullptr;
  std::vector<rsm_memseg_import_handle_t> stale;
  std::vector<uint8_t> model = std::vector<uint8_t>(kSlice);
  bool up = false;
  int64_t next_retry_ms = 0;
};

int64_t RealtimeMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

uint64_t Fnv1a(const uint8_t* data, size_t length) {
  uint64_t hash = 14695981039346656037ull;
  for (size_t i = 0; i < length; ++i) {
    hash = (hash ^ data[i]) * 1099511628211ull;
  }
  return hash;
}

[[noreturn]] void Fail(int node, const std::string& what) {
  std::printf("node %d: FAILED: %s\n", node, what.c_str());
  std::fflush(stdout);
  std::exit(1);
}

bool ParseOptions(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tolerate-failures") {
      options->tolerate_failures = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    char* end = nullptr;
    if (arg == "--nodes") {
      options->nodes = static_cast<int>(std::strtol(value, &end, 10));
    } else if (arg == "--seconds") {
      options->seconds = std::strtod(value, &end);
    } else if (arg == "--ops") {
      options->ops = std::strtol(value, &end, 10);
    } else if (arg == "--size") {
      options->size = std::strtoul(value, &end, 10);
    } else if (arg == "--seed") {
      options->seed = static_cast<uint32_t>(std::strtoul(value, &end, 10));
    } else if (arg == "--signals") {
      options->signals = static_cast<int>(std::strtol(value, &end, 10));
    } else if (arg == "--timeout-ms") {
      options->timeout_ms = static_cast<int>(std::strtol(value, &end, 10));
    } else if (arg == "--sync-dir") {
      options->sync_dir = value;
      continue;
    } else {
      return false;
    }
    if (end == value || *end != '\0') return false;
  }
  return options->nodes >= 2 && options->nodes <= 64 &&
         (options->seconds > 0) != (options->ops > 0) &&
         options->size <= kMaxLength && options->signals >= 0 &&
         options->timeout_ms > 0;
}

class Node {
 public:
  Node(const Options& options, rsmapi_controller_handle_t controller,
       rsm_node_id_t id)
      : options_(options),
        controller_(controller),
        id_(id),
        random_(options.seed * 64 + id),
        memory_(static_cast<uint8_t*>(
            aligned_alloc(4096, kSlice * options.nodes))) {
    std::memset(memory_, 0, kSlice * options.nodes);
    for (int j = 1; j <= options.nodes; ++j) {
      if (j == static_cast<int>(id)) continue;
      Peer peer;
      peer.id = static_cast<rsm_node_id_t>(j);
      peers_.push_back(std::move(peer));
    }
  }

  void Export() {
    int rc = rsm_memseg_export_create(controller_, &export_, memory_,
                                      kSlice * options_.nodes, 0);
    if (rc != RSM_SUCCESS) Fail(id_, "export_create rc=" + std::to_string(rc));
    rsm_memseg_id_t segment = kSegmentId;
    rc = rsm_memseg_export_publish(export_, &segment, nullptr, 0);
    if (rc != RSM_SUCCESS) Fail(id_, "publish rc=" + std::to_string(rc));
  }

  // Every peer connected, each within the timeout (they start at their own
  // pace).
  void ConnectAll() {
    const int64_t deadline = RealtimeMs() + options_.timeout_ms;
    for (Peer& peer : peers_) {
      while (!TryConnect(peer)) {
        if (RealtimeMs() > deadline) {
          Fail(id_, "no connection to node " + std::to_string(peer.id));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(kRetryMs));
      }
    }
  }

  void RunTraffic() {
    const auto start = std::chrono::steady_clock::now();
    auto next_report = start + std::chrono::seconds(10);
    for (int64_t done = 0;; ++done) {
      const auto now = std::chrono::steady_clock::now();
      const double elapsed = std::chrono::duration<double>(now - start).count();
      if (stop_requested != 0 ||
          (options_.ops > 0 ? done >= options_.ops
                            : elapsed >= options_.seconds)) {
        break;
      }
      if (now >= next_report) {
        std::printf("node %u: t=%.0fs ops %zu failures %" PRId64 "\n", id_,
                    elapsed, latencies_ns_.size(), failures_);
        std::fflush(stdout);
        next_report += std::chrono::seconds(10);
      }
      Peer& peer = peers_[random_() % peers_.size()];
      if (!peer.up) {
        if (RealtimeMs() >= peer.next_retry_ms) Reconnect(peer);
        if (!peer.up) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        continue;
      }
      OneOp(peer);
    }
    elapsed_s_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }

  void ReportLatency() {
    std::vector<uint32_t> sorted = latencies_ns_;
    std::sort(sorted.begin(), sorted.end());
    const auto at = [&](double q) {
      return sorted.empty()
                 ? 0.0
                 : sorted[static_cast<size_t>(q * (sorted.size() - 1))] / 1e3;
    };
    std::printf(
        "node %u: ops %zu in %.1f s: %.0f ops/s; median %.1f us p99 %.1f us; "
        "failures %" PRId64 "\n",
        id_, sorted.size(), elapsed_s_, sorted.size() / elapsed_s_, at(0.5),
        at(0.99), failures_);
  }

  // Posts M signals to every peer, then takes the M x (N-1) the peers post
  // here, and checks no more come.
  void ExchangeSignals() {
    if (options_.signals == 0) return;
    for (Peer& peer : peers_) {
      for (int s = 0; s < options_.signals; ++s) {
        const int rc = rsm_intr_signal_post(peer.handle, 0);
        if (rc != RSM_SUCCESS) {
          Fail(id_, "signal_post to " + std::to_string(peer.id) +
                        " rc=" + std::to_string(rc));
        }
      }
    }
    const int64_t expected =
        static_cast<int64_t>(options_.signals * peers_.size());
    int64_t received = 0;
    const int64_t deadline = RealtimeMs() + options_.timeout_ms;
    while (received < expected && RealtimeMs() < deadline) {
      const int rc = rsm_intr_signal_wait(
          export_, static_cast<int>(deadline - RealtimeMs()) + 1);
      if (rc == RSM_SUCCESS) ++received;
    }
    int64_t extra = 0;
    while (rsm_intr_signal_wait(export_, 300) == RSM_SUCCESS) ++extra;
    std::printf("node %u: signals received %" PRId64 " of %" PRId64
                "; extra %" PRId64 "\n",
                id_, received, expected, extra);
  }

  // Reads back each peer's slice whole and reports the model's hash.
  void VerifyAll() {
    for (Peer& peer : peers_) {
      if (!peer.up) Reconnect(peer);
      if (!peer.up) Fail(id_, "node " + std::to_string(peer.id) + " is gone");
      CheckWhole(peer);
      std::printf("node %u: model %u@%u %016" PRIx64 "\n", id_, id_, peer.id,
                  static_cast<uint64_t>(Fnv1a(peer.model.data(), kSlice)));
    }
  }

  void SyncAndReportSlices() {
    if (!options_.sync_dir.empty()) {
      std::ofstream(options_.sync_dir + "/done." + std::to_string(id_))
          << "done\n";
      const int64_t deadline = RealtimeMs() + options_.timeout_ms;
      for (int j = 1; j <= options_.nodes; ++j) {
        const std::string path =
            options_.sync_dir + "/done." + std::to_string(j);
        while (access(path.c_str(), F_OK) != 0) {
          if (RealtimeMs() > deadline) Fail(id_, "no " + path);
          std::this_thread::sleep_for(std::chrono::milliseconds(kRetryMs));
        }
      }
    }
    for (const Peer& peer : peers_) {
      std::printf("node %u: slice %u@%u %016" PRIx64 "\n", id_, peer.id, id_,
                  static_cast<uint64_t>(
                      Fnv1a(memory_ + (peer.id - 1) * kSlice, kSlice)));
    }
    rsm_dpdk_counters_t counters{};
    if (rsm_dpdk_get_counters(controller_, &counters) == RSM_SUCCESS) {
      std::printf("node %u: retransmits %" PRIu64 " dropped %" PRIu64 "\n", id_,
                  static_cast<uint64_t>(counters.retransmits),
                  static_cast<uint64_t>(counters.frames_dropped));
    }
  }

  void Close() {
    for (Peer& peer : peers_) {
      if (peer.handle != nullptr) rsm_memseg_import_disconnect(peer.handle);
      for (rsm_memseg_import_handle_t stale : peer.stale) {
        rsm_memseg_import_disconnect(stale);
      }
    }
    rsm_memseg_export_unpublish(export_);
    rsm_memseg_export_destroy(export_);
    std::free(memory_);
  }

 private:
  size_t Base() const { return (id_ - 1) * kSlice; }

  bool TryConnect(Peer& peer) {
    rsm_memseg_import_handle_t handle = nullptr;
    if (rsm_memseg_import_connect(controller_, peer.id, kSegmentId,
                                  RSM_PERM_RDWR, &handle) != RSM_SUCCESS) {
      return false;
    }
    // What an earlier incarnation of either side left there is the truth.
    const int rc =
        rsm_memseg_import_get(handle, Base(), peer.model.data(), kSlice);
    if (rc != RSM_SUCCESS) {
      rsm_memseg_import_disconnect(handle);
      return false;
    }
    peer.handle = handle;
    peer.up = true;
    std::printf("node %u: connected to %u at %" PRId64 "\n", id_, peer.id,
                RealtimeMs());
    std::fflush(stdout);
    return true;
  }

  void Reconnect(Peer& peer) {
    peer.next_retry_ms = RealtimeMs() + kRetryMs;
    if (!TryConnect(peer)) return;
    // The connections that ended stay ended.
    uint8_t byte = 0;
    for (rsm_memseg_import_handle_t stale : peer.stale) {
      const int rc = rsm_memseg_import_put(stale, Base(), &byte, 1);
      std::printf("node %u: stale handle to %u rc=%d\n", id_, peer.id, rc);
    }
  }

  bool PeerActiveInTopology(rsm_node_id_t node) {
    rsm_topology_t* topology = nullptr;
    if (rsm_get_interconnect_topology(&topology) != RSM_SUCCESS) return false;
    bool active = false;
    for (uint_t c = 0; c < topology->topology_hdr.local_cntlr_count; ++c) {
      const rsm_connections_t* connections = topology->connections[c];
      for (int r = 0; r < connections->hdr.remote_cntlr_count; ++r) {
        const rsm_remote_cntlr_t& remote = connections->remote_cntlr[r];
        if (remote.remote_nodeid == node &&
            remote.connection_state == RSM_CONNECTION_ACTIVE) {
          active = true;
        }
      }
    }
    rsm_free_interconnect_topology(topology);
    return active;
  }

  void OnFailure(Peer& peer, int rc) {
    ++failures_;
    if (!options_.tolerate_failures) {
      Fail(id_, "call to node " + std::to_string(peer.id) +
                    " rc=" + std::to_string(rc));
    }
    const int64_t at = RealtimeMs();
    std::printf("node %u: peer %u failed rc=%d at %" PRId64 " topology %s\n",
                id_, peer.id, rc, at,
                PeerActiveInTopology(peer.id) ? "active" : "inactive");
    std::fflush(stdout);
    peer.stale.push_back(peer.handle);
    peer.handle = nullptr;
    peer.up = false;
    peer.next_retry_ms = at + kRetryMs;
  }

  void Compare(const Peer& peer, size_t offset, const uint8_t* got,
               size_t length) {
    if (std::memcmp(peer.model.data() + offset, got, length) == 0) return;
    Fail(id_, "slice " + std::to_string(id_) + "@" + std::to_string(peer.id) +
                  " differs from the model in [" + std::to_string(offset) +
                  ", +" + std::to_string(length) + ")");
  }

  void CheckWhole(Peer& peer) {
    std::vector<uint8_t> got(kSlice);
    const int rc =
        rsm_memseg_import_get(peer.handle, Base(), got.data(), kSlice);
    if (rc != RSM_SUCCESS) {
      Fail(id_, "final get from " + std::to_string(peer.id) +
                    " rc=" + std::to_string(rc));
    }
    Compare(peer, 0, got.data(), kSlice);
  }

  // A random range of the slice, split into up to 4 pieces with gaps.
  std::vector<rsm_iovec_t> Pieces(size_t offset, size_t length,
                                  uint8_t* buffer) {
    const size_t count = 1 + random_() % std::min<size_t>(4, length);
    std::vector<rsm_iovec_t> pieces;
    const size_t step = length / count;
    for (size_t k = 0; k < count; ++k) {
      const size_t start = k * step;
      const size_t piece = std::max<size_t>(1, (step * 3) / 4);
      rsm_iovec_t io{};
      io.io_type = RSM_VA_TYPE;
      io.local.vaddr = reinterpret_cast<caddr_t>(buffer + start);
      io.remote_offset = Base() + offset + start;
      io.transfer_length = std::min(piece, length - start);
      pieces.push_back(io);
    }
    return pieces;
  }

  int Vector(Peer& peer, std::vector<rsm_iovec_t>& pieces, bool put) {
    rsm_scat_gath_t sg{};
    sg.local_nodeid = id_;
    sg.io_request_count = pieces.size();
    sg.remote_handle = peer.handle;
    sg.iovec = pieces.data();
    return put ? rsm_memseg_import_putv(&sg) : rsm_memseg_import_getv(&sg);
  }

  void OneOp(Peer& peer) {
    const size_t length =
        options_.size != 0 ? options_.size : 1 + random_() % kMaxLength;
    const size_t offset = random_() % (kSlice - length + 1);
    const int kind = options_.size != 0 ? static_cast<int>(op_count_ % 2)
                                        : static_cast<int>(random_() % 4);
    ++op_count_;
    uint8_t buffer[kMaxLength];
    const bool put = kind == 0 || kind == 2;
    if (put) {
      for (size_t i = 0; i < length; ++i) buffer[i] = random_();
    }
    std::vector<rsm_iovec_t> pieces;
    if (kind >= 2) pieces = Pieces(offset, length, buffer);
    const auto start = std::chrono::steady_clock::now();
    int rc;
    if (kind == 0) {
      rc = rsm_memseg_import_put(peer.handle, Base() + offset, buffer, length);
    } else if (kind == 1) {
      rc = rsm_memseg_import_get(peer.handle, Base() + offset, buffer, length);
    } else {
      rc = Vector(peer, pieces, put);
    }
    const auto end = std::chrono::steady_clock::now();
    if (rc != RSM_SUCCESS) {
      OnFailure(peer, rc);
      return;
    }
    latencies_ns_.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start)
            .count()));
    if (kind < 2) {
      if (put) {
        std::memcpy(peer.model.data() + offset, buffer, length);
      } else {
        Compare(peer, offset, buffer, length);
      }
      return;
    }
    for (const rsm_iovec_t& io : pieces) {
      const size_t at = io.remote_offset - Base();
      const uint8_t* local = reinterpret_cast<const uint8_t*>(io.local.vaddr);
      if (put) {
        std::memcpy(peer.model.data() + at, local, io.transfer_length);
      } else {
        Compare(peer, at, local, io.transfer_length);
      }
    }
  }

  const Options options_;
  rsmapi_controller_handle_t controller_;
  const rsm_node_id_t id_;
  std::mt19937 random_;
  uint8_t* memory_;
  rsm_memseg_export_handle_t export_ = nullptr;
  std::vector<Peer> peers_;
  std::vector<uint32_t> latencies_ns_;
  int64_t failures_ = 0;
  uint64_t op_count_ = 0;
  double elapsed_s_ = 0;
};

rsm_node_id_t LocalNode() {
  rsm_topology_t* topology = nullptr;
  if (rsm_get_interconnect_topology(&topology) != RSM_SUCCESS) return 0;
  const rsm_node_id_t id = topology->topology_hdr.local_nodeid;
  rsm_free_interconnect_topology(topology);
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: traffic_node --nodes N (--seconds S | --ops K) "
                 "[--size B<=%zu] [--seed X] [--signals M] [--sync-dir D] "
                 "[--tolerate-failures] [--timeout-ms T]\n",
                 kMaxLength);
    return 2;
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);
  struct sigaction stop {};
  stop.sa_handler = RequestStop;
  sigaction(SIGTERM, &stop, nullptr);
  sigaction(SIGINT, &stop, nullptr);
  rsmapi_controller_handle_t controller = nullptr;
  char name[] = "dpdk0";
  const int rc = rsm_get_controller(name, &controller);
  if (rc != RSM_SUCCESS) {
    std::printf("traffic_node: rsm_get_controller(dpdk0) rc=%d\n", rc);
    return 1;
  }
  const rsm_node_id_t id = LocalNode();
  if (id < 1 || static_cast<int>(id) > options.nodes) {
    std::printf("traffic_node: node id %u is not in 1..%d\n", id,
                options.nodes);
    return 1;
  }
  std::printf("node %u: pid %d\n", id, static_cast<int>(getpid()));
  Node node(options, controller, id);
  node.Export();
  node.ConnectAll();
  node.RunTraffic();
  node.ReportLatency();
  node.ExchangeSignals();
  node.VerifyAll();
  node.SyncAndReportSlices();
  node.Close();
  rsm_release_controller(controller);
  return 0;
}
