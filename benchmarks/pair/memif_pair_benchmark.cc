// SPDX-License-Identifier: BSD-3-Clause
// Two processes over net_memif, as a user runs them, against the floor of
// the same two processes on the same port without the protocol.
//
// The benchmark process forks: the child is node 1 (memif server, pinned to
// the last CPU, its engine a dedicated thread pinned there too) and exports
// the segment; the parent is node 2 (memif client, pinned to CPU 0,
// `progress = caller`: the waiting caller drives its engine) and imports it
// and runs every benchmark below. They talk over a socketpair (control.h).
//
//   raw/pingpong_64B      64 B frame there and back (the RTT floor)
//   raw/one_way_64B       64 B frames one way, as fast as they go (pps floor)
//   raw/stream_bulk       frames of the protocol's bulk size one way (B/s)
//   memcpy_1MiB           one thread's memcpy of 1 MiB
//   put/8, put/64         rsm_memseg_import_put, IMPLICIT: applied on return
//   open_put_close/8      open_barrier, one 8 B put, close_barrier
//   get/8                 rsm_memseg_import_get
//   signal/spinning, /sleeping   post -> wake, one way (half a ping-pong),
//                         the waiters in rsm_intr_signal_wait(0) or (-1)
//   explicit_puts_64B     EXPLICIT 64 B puts, a barrier per 64 (puts/s)
//   put_bw/N, get_bw/N    N-byte puts and gets (B/s)
//   idle                  the exporter's CPU use over 1 s without traffic,
//                         its resident set, and the first put after it
//                         (run first, before the floor's frame pool exists)
//
// --exporter_progress=caller makes the exporter's engine caller-driven too:
// the placement for signal ping-pong on two cores, where a waiting thread
// should drive its own engine rather than share its core with an engine
// thread (the put and get figures then wait for the exporter's backstop, so
// run only raw/pingpong_64B and signal/* that way; tools/bench.sh does).
//
// Latencies are counters p50, p99, p999 in microseconds. --samples_dir=DIR
// appends each latency benchmark's samples to DIR/<name>.txt (for the
// plots of tools/bench.sh; DIR/caller_exporter_<name>.txt with
// --exporter_progress=caller). Run with tools/bench.sh, or
//   bazel run -c opt //benchmarks:memif_pair_benchmark --
//   --benchmark_repetitions=5
// Needs two CPUs for its meaning (it runs on one).
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "benchmarks/latencies.h"
#include "benchmarks/pair/control.h"
#include "benchmarks/pair/exporter_process.h"
#include "benchmarks/pair/raw_port.h"
#include "rsm/rsmapi.h"

namespace rsm::bench {
namespace {

constexpr uint16_t kBurst = 32;

std::string samples_dir;
bool exporter_drives_from_caller = false;
Control* control = nullptr;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "memif_pair_benchmark: %s\n", what.c_str());
  std::exit(1);
}

void Check(const char* what, int rc) {
  if (rc != 0) Die(absl::StrCat(what, " failed: ", rc));
}

void Ask(Command command) {
  const Reply reply = control->Ask(command);
  if (reply.status != 0) {
    Die(absl::StrCat("exporter: command '",
                     std::string(1, static_cast<char>(command)),
                     "' failed: ", reply.status));
  }
}

// Appends the samples to <samples_dir>/<name>.txt.
void SaveSamples(const std::string& name, const Latencies& latencies) {
  if (samples_dir.empty()) return;
  latencies.AppendTo(absl::StrCat(
      samples_dir, "/", exporter_drives_from_caller ? "caller_exporter_" : "",
      name, ".txt"));
}

// The importer's side of the segment protocol.
struct Importer {
  rsmapi_controller_handle_t controller = nullptr;
  rsm_memseg_export_handle_t own = nullptr;  // the exporter signals here
  rsm_memseg_import_handle_t remote = nullptr;
  void* memory = nullptr;
};

// Which of the two the port is used for now.
enum class Phase { kNone, kRsm, kRaw };
Phase phase = Phase::kNone;
Importer importer;
std::optional<RawPort> raw;

void RsmDown() {
  rsm_memseg_import_disconnect(importer.remote);
  rsm_memseg_export_unpublish(importer.own);
  rsm_memseg_export_destroy(importer.own);
  rsm_release_controller(importer.controller);
  free(importer.memory);
  importer = Importer{};
  Ask(Command::kRsmDown);
}

Importer& Rsm() {
  if (phase == Phase::kRsm) return importer;
  if (phase == Phase::kRaw) {
    raw->Stop();
    raw.reset();
    Ask(Command::kRawDown);
  }
  Ask(Command::kRsmUp);
  char name[] = "dpdk0";
  Check("rsm_get_controller", rsm_get_controller(name, &importer.controller));
  if (posix_memalign(&importer.memory, 4096, kSegmentBytes) != 0) Die("memory");
  std::memset(importer.memory, 0, kSegmentBytes);
  Check("export_create",
        rsm_memseg_export_create(importer.controller, &importer.own,
                                 importer.memory, kSegmentBytes, 0));
  rsm_memseg_id_t id = kImporterSegment;
  Check("export_publish",
        rsm_memseg_export_publish(importer.own, &id, nullptr, 0));
  int rc = RSM_SUCCESS;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    rc = rsm_memseg_import_connect(importer.controller, 1, kExporterSegment,
                                   RSM_PERM_RDWR, &importer.remote);
    if (rc == RSM_SUCCESS) break;
    usleep(10000);
  }
  Check("import_connect", rc);
  Ask(Command::kRsmConnect);
  phase = Phase::kRsm;
  return importer;
}

RawPort& Raw() {
  if (phase == Phase::kRaw) return *raw;
  if (phase == Phase::kRsm) RsmDown();
  Ask(Command::kRawUp);
  absl::StatusOr<RawPort> port = RawPort::Start("net_memif0");
  if (!port.ok()) Die(port.status().ToString());
  raw.emplace(*port);
  phase = Phase::kRaw;
  return *raw;
}

// ---- The floor -------------------------------------------------------------

void BM_RawPingPong(benchmark::State& state) {
  RawPort& port = Raw();
  Ask(Command::kRawEcho);
  Latencies latencies(1e9 / static_cast<double>(rte_get_tsc_hz()));
  rte_mbuf* frames[kBurst];
  for (auto _ : state) {
    rte_mbuf* ping = port.Frame(64);
    const uint64_t start = rte_rdtsc();
    port.SendAll(&ping, 1);
    uint16_t n = 0;
    while ((n = port.Receive(frames, kBurst)) == 0) {
    }
    latencies.Add(rte_rdtsc() - start);
    RawPort::Free(frames, n);
  }
  Ask(Command::kRawCount);
  latencies.Report(state);
  SaveSamples("raw_pingpong_64B", latencies);
}

// Frames of `length` one way; the exporter counts what arrives.
void SendOneWay(benchmark::State& state, uint16_t length) {
  RawPort& port = Raw();
  Ask(Command::kRawCount);
  const Reply before = control->Ask(Command::kRawCounts);
  const uint64_t start = MonotonicNanos();
  rte_mbuf* frames[kBurst];
  for (auto _ : state) {
    uint16_t made = 0;
    while (made < kBurst && (frames[made] = port.Frame(length)) != nullptr) {
      ++made;
    }
    port.SendOrDrop(frames, made);
  }
  usleep(2000);  // what is still in the ring arrives
  const Reply after = control->Ask(Command::kRawCounts);
  const double seconds =
      static_cast<double>(MonotonicNanos() - start) / 1e9 - 0.002;
  state.counters["frames_per_s"] =
      static_cast<double>(after.first - before.first) / seconds;
  state.counters["bytes_per_s"] =
      static_cast<double>(after.second - before.second) / seconds;
  state.counters["frame_bytes"] = length;
}

void BM_RawOneWay64(benchmark::State& state) { SendOneWay(state, 64); }

void BM_RawStreamBulk(benchmark::State& state) {
  SendOneWay(state, Raw().bulk_frame_bytes());
}

void BM_Memcpy1MiB(benchmark::State& state) {
  std::vector<uint8_t> from(1 << 20, 1), to(1 << 20);
  for (auto _ : state) {
    std::memcpy(to.data(), from.data(), from.size());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(from.size()));
  state.counters["bytes_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) *
                             static_cast<double>(from.size()),
                         benchmark::Counter::kIsRate);
}

// ---- The segment protocol --------------------------------------------------

// Runs `op` once per iteration, recording its latency.
template <typename Op>
void Timed(benchmark::State& state, const std::string& name, Op op) {
  Latencies latencies;
  for (auto _ : state) {
    const uint64_t start = MonotonicNanos();
    const int rc = op();
    latencies.Add(MonotonicNanos() - start);
    if (rc != RSM_SUCCESS) {
      state.SkipWithError(absl::StrCat("failed: ", rc).c_str());
      break;
    }
  }
  latencies.Report(state);
  SaveSamples(absl::StrCat(name, "_", state.range(0)), latencies);
}

void BM_Put(benchmark::State& state) {
  Importer& rsm = Rsm();
  std::vector<uint8_t> data(static_cast<size_t>(state.range(0)), 0x5a);
  Timed(state, "put", [&] {
    return rsm_memseg_import_put(rsm.remote, 0, data.data(), data.size());
  });
}

void BM_OpenPutClose(benchmark::State& state) {
  Importer& rsm = Rsm();
  std::vector<uint8_t> data(static_cast<size_t>(state.range(0)), 0x5a);
  rsmapi_barrier_t barrier;
  Check("init_barrier",
        rsm_memseg_import_init_barrier(rsm.remote, RSM_BARRIER_NODE, &barrier));
  Check("set_mode",
        rsm_memseg_import_set_mode(rsm.remote, RSM_BARRIER_MODE_EXPLICIT));
  Timed(state, "open_put_close", [&] {
    int rc = rsm_memseg_import_open_barrier(&barrier);
    if (rc == RSM_SUCCESS) {
      rc = rsm_memseg_import_put(rsm.remote, 0, data.data(), data.size());
    }
    if (rc == RSM_SUCCESS) rc = rsm_memseg_import_close_barrier(&barrier);
    return rc;
  });
  rsm_memseg_import_set_mode(rsm.remote, RSM_BARRIER_MODE_IMPLICIT);
  rsm_memseg_import_destroy_barrier(&barrier);
}

void BM_Get(benchmark::State& state) {
  Importer& rsm = Rsm();
  std::vector<uint8_t> data(static_cast<size_t>(state.range(0)));
  Timed(state, "get", [&] {
    return rsm_memseg_import_get(rsm.remote, 0, data.data(), data.size());
  });
}

// A signal to the exporter, which answers with one: half the round trip is
// one post -> wake.
void BM_Signal(benchmark::State& state, bool spinning) {
  Importer& rsm = Rsm();
  Ask(spinning ? Command::kEchoSpinning : Command::kEchoSleeping);
  Latencies one_way;
  for (auto _ : state) {
    const uint64_t start = MonotonicNanos();
    int rc = rsm_intr_signal_post(rsm.remote, 0);
    if (rc == RSM_SUCCESS) {
      // Spinning: timeout 0 answers RSMERR_TIMEOUT at once while nothing is
      // pending; a second without the answer is a failure.
      do {
        rc = rsm_intr_signal_wait(rsm.own, spinning ? 0 : 1000);
      } while (spinning && rc == RSMERR_TIMEOUT &&
               MonotonicNanos() - start < 1000000000u);
    }
    one_way.Add((MonotonicNanos() - start) / 2);
    if (rc != RSM_SUCCESS) {
      state.SkipWithError(absl::StrCat("signal failed: ", rc).c_str());
      break;
    }
  }
  Ask(Command::kEchoStop);
  one_way.Report(state);
  SaveSamples(spinning ? "signal_spinning" : "signal_sleeping", one_way);
}

void BM_ExplicitPuts64(benchmark::State& state) {
  constexpr int kPerBarrier = 64;
  Importer& rsm = Rsm();
  std::vector<uint8_t> data(64, 0x5a);
  rsmapi_barrier_t barrier;
  Check("init_barrier",
        rsm_memseg_import_init_barrier(rsm.remote, RSM_BARRIER_NODE, &barrier));
  Check("set_mode",
        rsm_memseg_import_set_mode(rsm.remote, RSM_BARRIER_MODE_EXPLICIT));
  const uint64_t start = MonotonicNanos();
  for (auto _ : state) {
    int rc = rsm_memseg_import_open_barrier(&barrier);
    for (int i = 0; i < kPerBarrier && rc == RSM_SUCCESS; ++i) {
      rc = rsm_memseg_import_put(rsm.remote, i * data.size(), data.data(),
                                 data.size());
    }
    if (rc == RSM_SUCCESS) rc = rsm_memseg_import_close_barrier(&barrier);
    if (rc != RSM_SUCCESS) {
      state.SkipWithError(absl::StrCat("span failed: ", rc).c_str());
      break;
    }
  }
  const double seconds = static_cast<double>(MonotonicNanos() - start) / 1e9;
  state.counters["puts_per_s"] =
      static_cast<double>(state.iterations() * kPerBarrier) / seconds;
  rsm_memseg_import_set_mode(rsm.remote, RSM_BARRIER_MODE_IMPLICIT);
  rsm_memseg_import_destroy_barrier(&barrier);
}

void Bandwidth(benchmark::State& state, bool put) {
  Importer& rsm = Rsm();
  std::vector<uint8_t> data(static_cast<size_t>(state.range(0)), 0x5a);
  const uint64_t start = MonotonicNanos();
  for (auto _ : state) {
    const int rc =
        put ? rsm_memseg_import_put(rsm.remote, 0, data.data(), data.size())
            : rsm_memseg_import_get(rsm.remote, 0, data.data(), data.size());
    if (rc != RSM_SUCCESS) {
      state.SkipWithError(absl::StrCat("failed: ", rc).c_str());
      break;
    }
  }
  const double seconds = static_cast<double>(MonotonicNanos() - start) / 1e9;
  state.counters["bytes_per_s"] =
      static_cast<double>(state.iterations()) * data.size() / seconds;
}

void BM_PutBandwidth(benchmark::State& state) { Bandwidth(state, true); }
void BM_GetBandwidth(benchmark::State& state) { Bandwidth(state, false); }

// Each iteration: 1 s without traffic, then one 8 B put.
void BM_Idle(benchmark::State& state) {
  Importer& rsm = Rsm();
  uint8_t byte = 1;
  Latencies first_put;
  double cpu_share = 0;
  uint64_t rss_kib = 0;
  for (auto _ : state) {
    const Reply before = control->Ask(Command::kUsage);
    const uint64_t start = MonotonicNanos();
    usleep(1000000);
    const Reply after = control->Ask(Command::kUsage);
    const uint64_t put_start = MonotonicNanos();
    const int rc = rsm_memseg_import_put(rsm.remote, 0, &byte, 1);
    first_put.Add(MonotonicNanos() - put_start);
    cpu_share =
        std::max(cpu_share, static_cast<double>(after.first - before.first) /
                                static_cast<double>(put_start - start));
    rss_kib = std::max(rss_kib, after.second);
    if (rc != RSM_SUCCESS) {
      state.SkipWithError("put after idle failed");
      break;
    }
  }
  state.counters["exporter_cpu_pct"] = 100 * cpu_share;
  state.counters["exporter_rss_kib"] = static_cast<double>(rss_kib);
  state.counters["segment_kib"] = static_cast<double>(kSegmentBytes / 1024);
  first_put.Report(state, "first_put_");
}

void RegisterAll(int idle_rounds) {
  // Idle first, while the exporter holds nothing but the node (the floor's
  // frames come from a pool of their own), then the floor.
  benchmark::RegisterBenchmark("idle", BM_Idle)->Iterations(idle_rounds);
  benchmark::RegisterBenchmark("raw/pingpong_64B", BM_RawPingPong);
  benchmark::RegisterBenchmark("raw/one_way_64B", BM_RawOneWay64);
  benchmark::RegisterBenchmark("raw/stream_bulk", BM_RawStreamBulk);
  benchmark::RegisterBenchmark("memcpy_1MiB", BM_Memcpy1MiB);
  benchmark::RegisterBenchmark("put", BM_Put)->Arg(8)->Arg(64);
  benchmark::RegisterBenchmark("open_put_close", BM_OpenPutClose)->Arg(8);
  benchmark::RegisterBenchmark("get", BM_Get)->Arg(8);
  benchmark::RegisterBenchmark("signal/spinning", BM_Signal, true);
  benchmark::RegisterBenchmark("signal/sleeping", BM_Signal, false);
  benchmark::RegisterBenchmark("explicit_puts_64B", BM_ExplicitPuts64);
  for (auto* bw : {benchmark::RegisterBenchmark("put_bw", BM_PutBandwidth),
                   benchmark::RegisterBenchmark("get_bw", BM_GetBandwidth)}) {
    bw->Arg(4096)->Arg(65536)->Arg(1 << 20);
  }
}

// The cluster file of node `node` (1: memif server, the exporter).
std::string WriteClusterFile(const std::string& dir, int node, int cpu,
                             const std::string& socket) {
  // This run's own name: outside bazel test `dir` is /tmp, shared.
  const std::string path =
      absl::StrCat(dir, "/rsmbench", getpid(), "node", node, ".ini");
  std::ofstream(path) << absl::StrCat(
      "[cluster]\nnode_id = ", node,
      "\n[eal]\nargs = --no-huge --no-pci -m 512 --no-shconf --no-telemetry "
      "--file-prefix=rsmbench",
      getpid(), "n", node, " -l ", cpu, " --log-level=*:warning\n[engine]\n",
      node == 1 && !exporter_drives_from_caller
          ? absl::StrCat("progress = thread\ncore = ", cpu, "\n")
          : "progress = caller\n",
      "[controller.dpdk0]\ndevice = net_memif0,role=",
      node == 1 ? "server" : "client", ",socket=", socket,
      "\n[node.1]\ndpdk0 = 02:00:00:00:00:01\n[node.2]\ndpdk0 = "
      "02:00:00:00:00:02\n");
  return path;
}

void PinTo(int cpu) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(cpu, &cpus);
  sched_setaffinity(0, sizeof cpus, &cpus);
}

}  // namespace
}  // namespace rsm::bench

int main(int argc, char** argv) {
  using namespace rsm::bench;
  int idle_rounds = 3;
  // Our own flags first; the rest are Google Benchmark's.
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--samples_dir=", 0) == 0) {
      samples_dir = arg.substr(14);
    } else if (arg.rfind("--exporter_progress=", 0) == 0) {
      const std::string progress = arg.substr(20);
      if (progress != "thread" && progress != "caller") {
        Die("--exporter_progress takes thread or caller");
      }
      exporter_drives_from_caller = progress == "caller";
    } else if (arg.rfind("--idle_rounds=", 0) == 0) {
      idle_rounds = std::max(1, std::atoi(arg.c_str() + 14));
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());

  const int last_cpu =
      static_cast<int>(std::thread::hardware_concurrency()) - 1;
  const char* tmp = getenv("TEST_TMPDIR");
  const std::string dir = absl::StrCat(tmp != nullptr ? tmp : "/tmp");
  // An abstract socket (no file to leave behind), unique to this run.
  const std::string socket = absl::StrCat("/rsmbench", getpid());
  const std::string exporter_file =
      WriteClusterFile(dir, 1, std::max(last_cpu, 0), socket);
  const std::string importer_file = WriteClusterFile(dir, 2, 0, socket);

  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) Die("socketpair");
  const pid_t child = fork();
  if (child < 0) Die("fork");
  if (child == 0) {
    close(fds[0]);
    PinTo(std::max(last_cpu, 0));
    setenv("RSM_CONFIG", exporter_file.c_str(), 1);
    Control exporter_control(fds[1]);
    _exit(RunExporter(exporter_control));
  }
  close(fds[1]);
  PinTo(0);
  setenv("RSM_CONFIG", importer_file.c_str(), 1);
  Control importer_control(fds[0]);
  control = &importer_control;

  Rsm();  // brings up EAL, which the floor's port needs
  RegisterAll(idle_rounds);
  benchmark::RunSpecifiedBenchmarks();
  if (phase == Phase::kRaw) {
    raw->Stop();
    Ask(Command::kRawDown);
  } else if (phase == Phase::kRsm) {
    RsmDown();
  }
  control->Ask(Command::kQuit);
  int status = 0;
  waitpid(child, &status, 0);
  benchmark::Shutdown();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
