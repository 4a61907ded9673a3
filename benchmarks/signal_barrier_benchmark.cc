// SPDX-License-Identifier: BSD-3-Clause
// Signals and barriers through the RSMAPI (issue #5).
//
//   BM_PostToWake/<setup>/spinning   one thread posts on an import handle
//                                    (rsm_intr_signal_post), another waits
//                                    on the export handle by calling
//                                    rsm_intr_signal_wait(handle, 0) in a
//                                    loop: time from just before the post to
//                                    the waiter's return.
//   BM_PostToWake/<setup>/sleeping   the same with the waiter blocked in
//                                    rsm_intr_signal_wait(handle, -1), i.e.
//                                    asleep in poll(2): each post comes 1 ms
//                                    after the previous wake (the pause is
//                                    not timed).
//   BM_ExplicitSpan/N                two nodes on cross-connected net_ring
//                                    ports, EXPLICIT mode: open_barrier, N
//                                    puts of 64 B, close_barrier.
//   BM_ImplicitPuts/N                the baseline, same nodes and run: N
//                                    puts of 64 B in IMPLICIT mode (each
//                                    returns once applied).
//
// Setups: loopback (local copies, no frames), dpdk0 (the embedded default's
// net_ring port importing from itself: every post crosses the protocol and
// the engine thread) and two nodes (rsm/testing/n_nodes.h: node 1 posts and
// imports, node 2 exports and waits). The setups come up in that order and
// each DPDK one stops the previous engine, so that no idle engine thread
// polls on a CPU the measured one needs.
//
// Times are manual (UseManualTime: what "Time" reports is the mean of the
// measured latencies); the counters p50, p99 and p999 are percentiles of the
// iterations' latencies in us; BM_ExplicitSpan also reports close_p50,
// close_p99 and close_p999, close_barrier alone. With --benchmark_repetitions,
// read the median aggregate of p50 and p99.
//
//   bazel run -c opt //benchmarks:signal_barrier_benchmark --
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "benchmarks/latencies.h"
#include "rsm/core/controller.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/n_nodes.h"

namespace {

using ::rsm::bench::Latencies;
using ::rsm::bench::MonotonicNanos;

enum class Setup { kLoopback, kDpdk0, kTwoNodes };

constexpr size_t kSegmentSize = 1 << 20;

// An export and one import of it on a setup.
struct Pair {
  rsm_memseg_export_handle_t exported = nullptr;
  rsm_memseg_import_handle_t imported = nullptr;
};

[[noreturn]] void Die(const char* what, int rc) {
  std::fprintf(stderr, "signal_barrier_benchmark: %s failed (%d)\n", what, rc);
  std::exit(1);
}

void Check(const char* what, int rc) {
  if (rc != RSM_SUCCESS) Die(what, rc);
}

Pair MakePair(rsmapi_controller_handle_t exporter, rsm_node_id_t exporter_node,
              rsmapi_controller_handle_t importer) {
  void* memory = nullptr;
  if (posix_memalign(&memory, sysconf(_SC_PAGESIZE), kSegmentSize) != 0) {
    Die("posix_memalign", -1);
  }
  Pair pair;
  rsm_memseg_id_t id = 0;
  Check("export_create", rsm_memseg_export_create(exporter, &pair.exported,
                                                  memory, kSegmentSize, 0));
  Check("export_publish",
        rsm_memseg_export_publish(pair.exported, &id, nullptr, 0));
  Check("import_connect",
        rsm_memseg_import_connect(importer, exporter_node, id, RSM_PERM_RDWR,
                                  &pair.imported));
  return pair;
}

rsmapi_controller_handle_t Open(const char* name) {
  rsmapi_controller_handle_t controller = nullptr;
  Check(name, rsm_get_controller(const_cast<char*>(name), &controller));
  return controller;
}

rsm_node_id_t LocalNode(rsmapi_controller_handle_t controller) {
  return (*rsm::core::ControllerRegistry::Instance().Find(controller))
      ->local_node();
}

// The pair of `setup`, brought up on first use. Bringing up a DPDK setup
// stops the engine of the one before (setups are used in order).
Pair& PairOn(Setup setup) {
  static Pair* pairs[3] = {nullptr, nullptr, nullptr};
  static rsm::testing::NodeCluster* cluster = nullptr;
  Pair*& pair = pairs[static_cast<int>(setup)];
  if (pair != nullptr) return *pair;
  switch (setup) {
    case Setup::kLoopback: {
      rsmapi_controller_handle_t loopback = Open("loopback");
      pair = new Pair(MakePair(loopback, LocalNode(loopback), loopback));
      break;
    }
    case Setup::kDpdk0: {
      rsmapi_controller_handle_t dpdk0 = Open("dpdk0");  // brings EAL up
      pair = new Pair(MakePair(dpdk0, LocalNode(dpdk0), dpdk0));
      break;
    }
    case Setup::kTwoNodes: {
      // The two nodes' engines run on the EAL that dpdk0 brings up; dpdk0's
      // engine then stops polling.
      rsmapi_controller_handle_t dpdk0 = Open("dpdk0");
      (*rsm::core::ControllerRegistry::Instance().Find(dpdk0))
          ->backend()
          .Shutdown();
      absl::StatusOr<std::unique_ptr<rsm::testing::NodeCluster>> created =
          rsm::testing::NodeCluster::Create("sigbench", 2);
      if (!created.ok()) Die("two nodes", -1);
      cluster = created->release();  // for the process's life
      pair = new Pair(MakePair(cluster->handle(2), 2, cluster->handle(1)));
      break;
    }
  }
  return *pair;
}

// Times in ns of the monotonic clock (the same on every CPU; EAL and its TSC
// rate are not up before the DPDK setups).
double ToSeconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// The waiter: takes events from the export handle and says when.
class Waiter {
 public:
  Waiter(rsm_memseg_export_handle_t exported, bool spinning)
      : exported_(exported), spinning_(spinning), thread_([this] { Run(); }) {}
  ~Waiter() {
    stop_.store(true);
    thread_.join();
  }
  uint64_t woken() const { return woken_.load(std::memory_order_acquire); }
  uint64_t woke_at() const { return woke_at_.load(std::memory_order_acquire); }

 private:
  void Run() {
    while (!stop_.load(std::memory_order_relaxed)) {
      // Spinning: timeout 0 returns at once when nothing is pending.
      // Sleeping: blocks in poll(2) (1 s, so that a stop is noticed).
      const int rc = rsm_intr_signal_wait(exported_, spinning_ ? 0 : 1000);
      if (rc != RSM_SUCCESS) continue;
      woke_at_.store(MonotonicNanos(), std::memory_order_relaxed);
      woken_.fetch_add(1, std::memory_order_release);
    }
  }

  const rsm_memseg_export_handle_t exported_;
  const bool spinning_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> woken_{0};
  std::atomic<uint64_t> woke_at_{0};
  std::thread thread_;  // last: starts once the rest is built
};

void BM_PostToWake(benchmark::State& state, Setup setup, bool spinning) {
  Pair& pair = PairOn(setup);
  // Nothing pending from an earlier run.
  while (rsm_intr_signal_wait(pair.exported, 0) == RSM_SUCCESS) {
  }
  Waiter waiter(pair.exported, spinning);
  Latencies latencies, posts;
  uint64_t expected = 0;
  for (auto _ : state) {
    if (!spinning) {
      // Long enough for the waiter to be asleep in poll(2).
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const uint64_t start = MonotonicNanos();
    if (rsm_intr_signal_post(pair.imported, 0) != RSM_SUCCESS) {
      state.SkipWithError("post failed");
      break;
    }
    posts.Add(MonotonicNanos() - start);
    ++expected;
    while (waiter.woken() < expected) sched_yield();
    const uint64_t latency = waiter.woke_at() - start;
    latencies.Add(latency);
    state.SetIterationTime(ToSeconds(latency));
  }
  latencies.Report(state);
  // How long the post call itself took (it returns once the exporter's node
  // has the event).
  posts.Report(state, "post_");
}

// Registered in setup order (they run in this order).
BENCHMARK_CAPTURE(BM_PostToWake, loopback / spinning, Setup::kLoopback, true)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_PostToWake, loopback / sleeping, Setup::kLoopback, false)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_PostToWake, dpdk0 / spinning, Setup::kDpdk0, true)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_PostToWake, dpdk0 / sleeping, Setup::kDpdk0, false)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_PostToWake, two_nodes / spinning, Setup::kTwoNodes, true)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_PostToWake, two_nodes / sleeping, Setup::kTwoNodes, false)
    ->UseManualTime();

constexpr size_t kPutSize = 64;

void BM_ExplicitSpan(benchmark::State& state) {
  Pair& pair = PairOn(Setup::kTwoNodes);
  const int puts = static_cast<int>(state.range(0));
  std::vector<uint8_t> data(kPutSize, 0x5A);
  rsmapi_barrier_t barrier;
  Check("init_barrier", rsm_memseg_import_init_barrier(
                            pair.imported, RSM_BARRIER_NODE, &barrier));
  Check("set_mode",
        rsm_memseg_import_set_mode(pair.imported, RSM_BARRIER_MODE_EXPLICIT));
  Latencies spans, closes;
  for (auto _ : state) {
    const uint64_t start = MonotonicNanos();
    int rc = rsm_memseg_import_open_barrier(&barrier);
    for (int i = 0; i < puts && rc == RSM_SUCCESS; ++i) {
      rc = rsm_memseg_import_put(pair.imported, i * kPutSize, data.data(),
                                 kPutSize);
    }
    const uint64_t closing = MonotonicNanos();
    if (rc == RSM_SUCCESS) rc = rsm_memseg_import_close_barrier(&barrier);
    const uint64_t end = MonotonicNanos();
    if (rc != RSM_SUCCESS) {
      state.SkipWithError("explicit span failed");
      break;
    }
    spans.Add(end - start);
    closes.Add(end - closing);
    state.SetIterationTime(ToSeconds(end - start));
  }
  Check("set_mode",
        rsm_memseg_import_set_mode(pair.imported, RSM_BARRIER_MODE_IMPLICIT));
  Check("destroy_barrier", rsm_memseg_import_destroy_barrier(&barrier));
  spans.Report(state);
  closes.Report(state, "close_");
  state.SetItemsProcessed(state.iterations() * puts);
}

void BM_ImplicitPuts(benchmark::State& state) {
  Pair& pair = PairOn(Setup::kTwoNodes);
  const int puts = static_cast<int>(state.range(0));
  std::vector<uint8_t> data(kPutSize, 0xA5);
  Latencies spans;
  for (auto _ : state) {
    const uint64_t start = MonotonicNanos();
    int rc = RSM_SUCCESS;
    for (int i = 0; i < puts && rc == RSM_SUCCESS; ++i) {
      rc = rsm_memseg_import_put(pair.imported, i * kPutSize, data.data(),
                                 kPutSize);
    }
    const uint64_t end = MonotonicNanos();
    if (rc != RSM_SUCCESS) {
      state.SkipWithError("implicit put failed");
      break;
    }
    spans.Add(end - start);
    state.SetIterationTime(ToSeconds(end - start));
  }
  spans.Report(state);
  state.SetItemsProcessed(state.iterations() * puts);
}

BENCHMARK(BM_ExplicitSpan)->Arg(1)->Arg(16)->Arg(256)->UseManualTime();
BENCHMARK(BM_ImplicitPuts)->Arg(1)->Arg(16)->Arg(256)->UseManualTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  unsetenv("RSM_CONFIG");  // the embedded default: loopback and dpdk0
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
