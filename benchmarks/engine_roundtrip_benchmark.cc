// SPDX-License-Identifier: BSD-3-Clause
// Round trip of one message through the segment protocol, against the round
// trip of a bare frame over the same kind of ports: what the protocol adds.
//
// Two in-process net_ring ports, cross-connected (testing::RingFabric), one
// per node. The benchmark thread runs on CPU 0, the peer on CPU 1 (never two
// pollers on one core: that costs a scheduler time slice per round trip).
//
//   BM_ProtocolRoundTrip/N   node 1 (caller-driven) SendMessage(2, kPut, N
//                            bytes) + Engine::Wait; node 2's engine runs on
//                            its own thread (StartThread). One data frame
//                            out (more for N > MTU), one ACK back.
//   BM_ProtocolDrivenRoundTrip/N  the same, but node 1 spins on TryDrive()
//                            until the completion is done instead of calling
//                            Engine::Wait: the protocol without the waiting
//                            policy of Completion::Wait.
//   BM_EngineIdleIteration   one TryDrive() of node 1's engine with no
//                            traffic: the fixed cost of every poll.
//   BM_RawFrameRoundTrip/N   no protocol: an N-byte Ethernet frame built in an
//                            mbuf, tx_burst on port 1, rx_burst on port 1
//                            until the peer thread on port 2 echoes it back.
//   BM_RawAllocatingEchoRoundTrip/N  the same, but the echo answers with a
//                            fresh mbuf (70 bytes, like an ACK) from a pool
//                            of its own and frees the frame, as the
//                            protocol's receiver does: the cost of moving
//                            mbufs between cores through cache-less pools.
//
// Each round trip is also timed with the TSC and kept; the counters p50, p99
// and p999 are percentiles of those latencies, in us (with repetitions, the
// aggregates show e.g. the median p99 over them). "Time" is the mean, which
// on a shared VM a few descheduled round trips can dominate: read p50.
// The protocol benchmarks also count node 1's frames sent per round trip
// (frames/rt: data frames, plus heartbeats and retransmissions), its
// retransmissions during the run, and puts that completed with an error
// (failed: 0 unless something broke).
//
//   bazel run -c opt //benchmarks:engine_roundtrip_benchmark --
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <pthread.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "benchmarks/latencies.h"
#include "transport/config.h"
#include "transport/eal.h"
#include "transport/engine/completion.h"
#include "transport/engine/engine.h"
#include "transport/engine/engine_options.h"
#include "transport/engine/message_sink.h"
#include "transport/port.h"
#include "transport/result.h"
#include "transport/testing/ring_fabric.h"
#include "transport/wire/frame.h"

namespace rsm::transport {
namespace {

using ::rsm::bench::Latencies;

// The benchmark thread's CPU and the peer's (EAL gets `-l 0,1`).
constexpr int kBenchCpu = 0;
constexpr int kPeerCpu = 1;

constexpr uint32_t kSender = 1;
constexpr uint32_t kReceiver = 2;
constexpr uint32_t kSegmentId = 7;
// Untimed round trips at the start of every run: the handshake (first run),
// warm caches and branch predictors.
constexpr int kWarmUpRoundTrips = 2000;
// Deadline of each warm-up round trip (the first one includes the
// handshake). Generous: on a shared machine a thread may wait seconds.
constexpr absl::Duration kRoundTripTimeout = absl::Seconds(60);

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

MacAddress MacOf(uint32_t node) {
  return {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(node)};
}

// Node 2's application: takes every put and forgets it.
class DiscardSink : public MessageSink {
 public:
  void OnMessage(uint32_t, const wire::FrameHeader&,
                 absl::Span<const uint8_t> payload) override {
    bytes_ += payload.size();
  }

 private:
  uint64_t bytes_ = 0;
};

// ---------------------------------------------------------------------------
// The two protocol nodes. Set up once per process, on first use, and kept
// across runs of the protocol benchmarks (Google Benchmark calls a benchmark
// function several times). Node 2's engine thread spins on CPU 1, so the
// raw benchmark, whose echo thread needs that CPU, shuts the pair down
// first; a protocol benchmark after it brings up new engines on the same
// (stopped) ports, as a restarted node would.
class ProtocolPair {
 public:
  // Node 1's engine, with node 2's running on its thread.
  static absl::StatusOr<Engine*> Sender() {
    ProtocolPair& pair = Get();
    if (pair.engines_[0] == nullptr) {
      if (absl::Status status = pair.BringUp(); !status.ok()) return status;
    }
    return pair.engines_[0].get();
  }

  // Stops both engines (node 2's thread ends). Idempotent.
  static void Shutdown() {
    ProtocolPair& pair = Get();
    for (std::unique_ptr<Engine>& engine : pair.engines_) {
      if (engine == nullptr) continue;
      engine->Stop();
      // Kept: their frames may still sit in the fabric's rings.
      pair.retired_.push_back(std::move(engine));
    }
  }

 private:
  static ProtocolPair& Get() {
    static ProtocolPair* const pair = new ProtocolPair();
    return *pair;
  }

  absl::Status BringUp() {
    if (fabric_ == nullptr) {
      absl::StatusOr<std::unique_ptr<testing::RingFabric>> fabric =
          testing::RingFabric::Create("rtproto",
                                      {MacOf(kSender), MacOf(kReceiver)});
      if (!fabric.ok()) return fabric.status();
      fabric_ = *std::move(fabric);
    }
    for (uint32_t node : {kSender, kReceiver}) {
      EngineOptions options;
      options.node_id = node;
      options.mac = MacOf(node);
      options.port_id = fabric_->port(node - 1).port_id;
      options.peers = {{kSender, MacOf(kSender)},
                       {kReceiver, MacOf(kReceiver)}};
      // The machine is shared: a thread descheduled for a few hundred ms
      // must not fail the run. Only failure detection changes; the data
      // path and its timers run as with the defaults.
      options.unreachable_after = absl::Seconds(30);
      absl::StatusOr<std::unique_ptr<Engine>> engine =
          Engine::Create(options, &sinks_[node - 1]);
      if (!engine.ok()) return engine.status();
      engines_[node - 1] = *std::move(engine);
    }
    // The engine thread inherits the affinity of the thread that starts it.
    PinTo(kPeerCpu);
    const absl::Status started = engines_[1]->StartThread();
    PinTo(kBenchCpu);
    return started;
  }

  std::unique_ptr<testing::RingFabric> fabric_;
  DiscardSink sinks_[2];
  std::unique_ptr<Engine> engines_[2];
  std::vector<std::unique_ptr<Engine>> retired_;
};

// One put of `payload` to node 2, until node 2's ACK completes it. With
// `driven`, node 1 runs its engine in a loop instead of Engine::Wait.
// kOk, or why not (nullopt: the deadline passed).
std::optional<Result> PutRoundTrip(Engine& engine, Completion& completion,
                                   absl::Span<const uint8_t> payload,
                                   bool driven, absl::Time deadline) {
  completion.Reset();
  const Result sent = engine.SendMessage(
      kReceiver, wire::FrameType::kPut, kSegmentId, 0, 0, payload, &completion);
  if (sent != Result::kOk) return sent;
  if (driven) {
    while (!completion.IsDone()) engine.TryDrive();
  }
  return engine.Wait(completion, deadline);
}

void Fail(benchmark::State& state, const char* what,
          std::optional<Result> result) {
  const std::string message = absl::StrCat(
      what, ": ", result.has_value() ? ResultName(*result) : "timed out");
  state.SkipWithError(message.c_str());
}

void ProtocolRoundTrip(benchmark::State& state, bool driven) {
  PinTo(kBenchCpu);
  absl::StatusOr<Engine*> sender = ProtocolPair::Sender();
  if (!sender.ok()) {
    state.SkipWithError(sender.status().ToString().c_str());
    return;
  }
  Engine& engine = **sender;
  const std::vector<uint8_t> payload(static_cast<size_t>(state.range(0)), 0xA5);
  Completion completion;
  for (int i = 0; i < kWarmUpRoundTrips; ++i) {
    const std::optional<Result> result = PutRoundTrip(
        engine, completion, payload, driven, absl::Now() + kRoundTripTimeout);
    if (result != Result::kOk) {
      Fail(state, "warm-up put", result);
      return;
    }
  }
  const uint64_t retransmits_before = engine.port_counters().retransmits.Get();
  const uint64_t frames_before = engine.port_counters().frames_out.Get();
  Latencies latencies(1e9 / static_cast<double>(rte_get_tsc_hz()));
  latencies.Reserve(static_cast<size_t>(state.max_iterations));
  // One deadline for the run: computing one per round trip would be timed.
  const absl::Time deadline = absl::Now() + absl::Minutes(5);
  // Puts that completed with an error. They are counted rather than ending
  // the run: Google Benchmark 1.7.1 aborts the whole binary when one of
  // several repetitions stops early.
  uint64_t failed = 0;
  for (auto _ : state) {
    const uint64_t start = rte_rdtsc();
    const std::optional<Result> result =
        PutRoundTrip(engine, completion, payload, driven, deadline);
    if (!result.has_value()) {
      // Still in flight: the completion must not be reused.
      Fail(state, "put", result);
      break;
    }
    if (*result != Result::kOk) {
      ++failed;
      continue;
    }
    latencies.Add(rte_rdtsc() - start);
  }
  latencies.Report(state);
  state.counters["failed"] = static_cast<double>(failed);
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["retransmits"] = static_cast<double>(
      engine.port_counters().retransmits.Get() - retransmits_before);
  state.counters["frames/rt"] =
      static_cast<double>(engine.port_counters().frames_out.Get() -
                          frames_before) /
      std::max(iterations, 1.0);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_ProtocolRoundTrip(benchmark::State& state) {
  ProtocolRoundTrip(state, /*driven=*/false);
}
BENCHMARK(BM_ProtocolRoundTrip)->Arg(64)->Arg(1024)->Arg(8192)->UseRealTime();

void BM_ProtocolDrivenRoundTrip(benchmark::State& state) {
  ProtocolRoundTrip(state, /*driven=*/true);
}
BENCHMARK(BM_ProtocolDrivenRoundTrip)->Arg(64)->UseRealTime();

// One iteration of node 1's engine loop (TryDrive) with nothing to do: what
// every poll costs before any frame moves. Node 2's thread runs meanwhile,
// as in the round trips.
void BM_EngineIdleIteration(benchmark::State& state) {
  PinTo(kBenchCpu);
  absl::StatusOr<Engine*> sender = ProtocolPair::Sender();
  if (!sender.ok()) {
    state.SkipWithError(sender.status().ToString().c_str());
    return;
  }
  Engine& engine = **sender;
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine.TryDrive());
  }
}
BENCHMARK(BM_EngineIdleIteration)->UseRealTime();

// ---------------------------------------------------------------------------
// Two more cross-connected ports, of their own fabric, that no engine ever
// touches: configured and started once, with a pool of their own.
class RawPair {
 public:
  struct Ports {
    uint16_t near;           // port 1: the benchmark thread's
    uint16_t far;            // port 2: the echo thread's
    rte_mempool* pool;       // the benchmark thread's frames
    rte_mempool* echo_pool;  // replies of the allocating echo
  };

  static absl::StatusOr<Ports> Get() {
    static RawPair* const pair = new RawPair();
    if (pair->fabric_ == nullptr) {
      if (absl::Status status = pair->BringUp(); !status.ok()) return status;
    }
    return pair->ports_;
  }

 private:
  absl::Status BringUp() {
    ports_.pool = rte_pktmbuf_pool_create(
        "rtrawpool", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
    // Like the engine's pools: no per-lcore cache.
    ports_.echo_pool = rte_pktmbuf_pool_create(
        "rtrawecho", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
    if (ports_.pool == nullptr || ports_.echo_pool == nullptr) {
      return absl::ResourceExhaustedError("cannot create the raw mbuf pools");
    }
    absl::StatusOr<std::unique_ptr<testing::RingFabric>> fabric =
        testing::RingFabric::Create("rtraw",
                                    {MacOf(kSender), MacOf(kReceiver)});
    if (!fabric.ok()) return fabric.status();
    for (size_t i = 0; i < 2; ++i) {
      // The same descriptor counts as the engine's ports.
      absl::StatusOr<uint16_t> mtu =
          StartPort((*fabric)->port(i).port_id, ports_.pool, 1024, 1024,
                    /*mtu=*/0);
      if (!mtu.ok()) return mtu.status();
    }
    ports_.near = (*fabric)->port(0).port_id;
    ports_.far = (*fabric)->port(1).port_id;
    fabric_ = *std::move(fabric);
    return absl::OkStatus();
  }

  std::unique_ptr<testing::RingFabric> fabric_;
  Ports ports_{};
};

// With `allocating_echo`, the echo answers each frame with a fresh mbuf from
// a pool of its own (reading the frame to fill it) and frees the frame, as a
// receiver that sends an ACK does; otherwise it sends the frame itself back.
void RawRoundTrip(benchmark::State& state, bool allocating_echo) {
  // The protocol pair's engine thread must not share CPU 1 with the echo.
  ProtocolPair::Shutdown();
  PinTo(kBenchCpu);
  absl::StatusOr<RawPair::Ports> ports = RawPair::Get();
  if (!ports.ok()) {
    state.SkipWithError(ports.status().ToString().c_str());
    return;
  }
  const auto size = static_cast<uint16_t>(state.range(0));
  // The frame: Ethernet header to port 2's MAC, then a payload pattern.
  std::vector<uint8_t> frame(size, 0xA5);
  {
    rte_ether_hdr header{};
    const MacAddress dst = MacOf(kReceiver);
    const MacAddress src = MacOf(kSender);
    std::memcpy(header.dst_addr.addr_bytes, dst.data(), dst.size());
    std::memcpy(header.src_addr.addr_bytes, src.data(), src.size());
    header.ether_type = rte_cpu_to_be_16(0x88B6);  // local experimental 2
    std::memcpy(frame.data(), &header, sizeof(header));
  }

  std::atomic<bool> stop{false};
  std::thread echo([&, far = ports->far, echo_pool = ports->echo_pool] {
    PinTo(kPeerCpu);
    rte_mbuf* burst[32];
    while (!stop.load(std::memory_order_relaxed)) {
      const uint16_t n = rte_eth_rx_burst(far, 0, burst, 32);
      if (n == 0) continue;
      for (uint16_t i = 0; allocating_echo && i < n; ++i) {
        rte_mbuf* reply = rte_pktmbuf_alloc(echo_pool);
        if (reply == nullptr) continue;  // echo the frame itself
        const uint16_t length = std::min<uint16_t>(
            rte_pktmbuf_data_len(burst[i]), wire::kFrameOverhead);
        std::memcpy(rte_pktmbuf_append(reply, length),
                    rte_pktmbuf_mtod(burst[i], const uint8_t*), length);
        rte_pktmbuf_free(burst[i]);
        burst[i] = reply;
      }
      const uint16_t sent = rte_eth_tx_burst(far, 0, burst, n);
      if (sent < n) rte_pktmbuf_free_bulk(burst + sent, n - sent);
    }
  });

  const uint16_t near = ports->near;
  rte_mempool* const pool = ports->pool;
  // One round trip; false if the frame could not be built.
  auto round_trip = [&]() {
    rte_mbuf* out = rte_pktmbuf_alloc(pool);
    if (out == nullptr) return false;
    std::memcpy(rte_pktmbuf_append(out, size), frame.data(), size);
    while (rte_eth_tx_burst(near, 0, &out, 1) == 0) {
    }
    rte_mbuf* in;
    while (rte_eth_rx_burst(near, 0, &in, 1) == 0) {
    }
    rte_pktmbuf_free(in);
    return true;
  };
  bool ok = true;
  for (int i = 0; ok && i < kWarmUpRoundTrips; ++i) ok = round_trip();
  Latencies latencies(1e9 / static_cast<double>(rte_get_tsc_hz()));
  latencies.Reserve(static_cast<size_t>(state.max_iterations));
  if (ok) {
    for (auto _ : state) {
      const uint64_t start = rte_rdtsc();
      if (!round_trip()) {
        ok = false;
        break;
      }
      latencies.Add(rte_rdtsc() - start);
    }
  }
  stop.store(true, std::memory_order_relaxed);
  echo.join();
  if (!ok) {
    state.SkipWithError("raw mbuf pool exhausted");
    return;
  }
  latencies.Report(state);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_RawFrameRoundTrip(benchmark::State& state) {
  RawRoundTrip(state, /*allocating_echo=*/false);
}
BENCHMARK(BM_RawFrameRoundTrip)->Arg(64)->Arg(1024)->UseRealTime();

void BM_RawAllocatingEchoRoundTrip(benchmark::State& state) {
  RawRoundTrip(state, /*allocating_echo=*/true);
}
BENCHMARK(BM_RawAllocatingEchoRoundTrip)->Arg(64)->UseRealTime();

// EAL once, before any benchmark: no hugepages, two lcores.
bool InitEal() {
  std::vector<std::string> args = {"engine_roundtrip_benchmark",
                                   "--no-huge",
                                   "--no-pci",
                                   "-m",
                                   "512",
                                   "--no-shconf",
                                   "--no-telemetry",
                                   "--file-prefix=rsm_engine_rt",
                                   "-l",
                                   "0,1",
                                   "--log-level=*:warning"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) {
    return false;
  }
  rsm::transport::RemoveEmptyRuntimeDir();
  return true;
}

}  // namespace
}  // namespace rsm::transport

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!rsm::transport::InitEal()) {
    std::fprintf(stderr, "rte_eal_init failed\n");
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  // Engines stopped, node 2's thread joined (the echo threads end with
  // their runs).
  rsm::transport::ProtocolPair::Shutdown();
  benchmark::Shutdown();
  return 0;
}
