// SPDX-License-Identifier: BSD-3-Clause
// put and get through the RSMAPI on the embedded default: `dpdk0`, where the
// node imports its own segment through the in-process net_ring port (every
// access crosses the protocol: frames, acks, the engine thread), and
// `loopback` (local copies). The baseline, measured in the same run on the
// same engine, is one bare protocol message to this node and its ack
// (Engine::SendMessage + Engine::Wait): what the RSMAPI layer adds is the
// difference.
//
//   BM_EngineMessage/N      SendMessage(PUT, N bytes) to this node, wait ack
//   BM_Put/dpdk0/N          rsm_memseg_import_put of N bytes (IMPLICIT mode:
//                           returns once applied)
//   BM_Get/dpdk0/N          rsm_memseg_import_get of N bytes
//   BM_PutExplicit/dpdk0/N  EXPLICIT mode: 16 puts then close_barrier; time
//                           per put
//   BM_Put/loopback/N, BM_Get/loopback/N
//
// p50/p99/p999 counters are percentiles of per-operation latencies in us. The
// engine thread polls on its own core: keep the machine otherwise idle.
//
//   bazel run -c opt //benchmarks:put_get_benchmark --
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <rte_cycles.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "benchmark/benchmark.h"
#include "benchmarks/latencies.h"
#include "rsm/core/controller.h"
#include "rsm/rsmapi.h"
#include "transport/segments/segment_service.h"

namespace {

using ::rsm::bench::Latencies;

constexpr size_t kSegmentSize = 4 << 20;

// One export of this node's memory and an import of it, per controller.
struct Segment {
  rsmapi_controller_handle_t controller = nullptr;
  rsm_memseg_export_handle_t exported = nullptr;
  rsm_memseg_import_handle_t imported = nullptr;
  void* memory = nullptr;

  explicit Segment(const char* name) {
    rsm_topology_t* topology = nullptr;
    if (rsm_get_interconnect_topology(&topology) != RSM_SUCCESS) std::abort();
    const rsm_node_id_t node = topology->topology_hdr.local_nodeid;
    rsm_free_interconnect_topology(topology);
    rsm_memseg_id_t id = 0;
    if (posix_memalign(&memory, sysconf(_SC_PAGESIZE), kSegmentSize) != 0 ||
        rsm_get_controller(const_cast<char*>(name), &controller) != 0 ||
        rsm_memseg_export_create(controller, &exported, memory, kSegmentSize,
                                 0) != 0 ||
        rsm_memseg_export_publish(exported, &id, nullptr, 0) != 0 ||
        rsm_memseg_import_connect(controller, node, id, RSM_PERM_RDWR,
                                  &imported) != 0) {
      std::abort();
    }
  }
};

Segment& SegmentOn(const char* name) {
  static Segment* const dpdk0 = new Segment("dpdk0");
  static Segment* const loopback = new Segment("loopback");
  return name[0] == 'd' ? *dpdk0 : *loopback;
}

template <typename Op>
void Timed(benchmark::State& state, Op op) {
  Latencies latencies(1e9 / static_cast<double>(rte_get_tsc_hz()));
  for (auto _ : state) {
    const uint64_t start = rte_rdtsc();
    if (op() != 0) {
      state.SkipWithError("operation failed");
      break;
    }
    latencies.Add(rte_rdtsc() - start);
  }
  latencies.Report(state);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_EngineMessage(benchmark::State& state) {
  Segment& segment = SegmentOn("dpdk0");
  auto* controller =
      *rsm::core::ControllerRegistry::Instance().Find(segment.controller);
  auto& engine =
      static_cast<rsm::transport::SegmentService&>(controller->backend())
          .engine();
  std::vector<uint8_t> payload(state.range(0), 1);
  rsm::transport::Completion done;
  Timed(state, [&] {
    done.Reset();
    // Segment id 0 names nothing: the exporter refuses it after the ack,
    // which is all this measures.
    if (engine.SendMessage(engine.node_id(),
                           rsm::transport::wire::FrameType::kPut, 0, 0, 0,
                           payload, &done) != rsm::transport::Result::kOk) {
      return 1;
    }
    return static_cast<int>(*engine.Wait(done, absl::InfiniteFuture()));
  });
}

void BM_Put(benchmark::State& state, const char* name) {
  Segment& segment = SegmentOn(name);
  std::vector<uint8_t> data(state.range(0), 2);
  Timed(state, [&] {
    return rsm_memseg_import_put(segment.imported, 0, data.data(), data.size());
  });
}

void BM_Get(benchmark::State& state, const char* name) {
  Segment& segment = SegmentOn(name);
  std::vector<uint8_t> data(state.range(0));
  Timed(state, [&] {
    return rsm_memseg_import_get(segment.imported, 0, data.data(), data.size());
  });
}

void BM_PutExplicit(benchmark::State& state, const char* name) {
  constexpr int kSpan = 16;
  Segment& segment = SegmentOn(name);
  std::vector<uint8_t> data(state.range(0), 3);
  rsmapi_barrier_t barrier;
  rsm_memseg_import_init_barrier(segment.imported, rsm_barrier_type_t{},
                                 &barrier);
  rsm_memseg_import_set_mode(segment.imported, RSM_BARRIER_MODE_EXPLICIT);
  Latencies latencies(1e9 / static_cast<double>(rte_get_tsc_hz()));
  for (auto _ : state) {
    const uint64_t start = rte_rdtsc();
    int rc = rsm_memseg_import_open_barrier(&barrier);
    for (int i = 0; i < kSpan && rc == 0; ++i) {
      rc = rsm_memseg_import_put(segment.imported, i * data.size(), data.data(),
                                 data.size());
    }
    if (rc == 0) rc = rsm_memseg_import_close_barrier(&barrier);
    if (rc != 0) {
      state.SkipWithError("explicit span failed");
      break;
    }
    latencies.Add((rte_rdtsc() - start) / kSpan);
  }
  rsm_memseg_import_set_mode(segment.imported, RSM_BARRIER_MODE_IMPLICIT);
  rsm_memseg_import_destroy_barrier(&barrier);
  latencies.Report(state);
  state.SetItemsProcessed(state.iterations() * kSpan);
  state.SetBytesProcessed(state.iterations() * kSpan * state.range(0));
}

BENCHMARK(BM_EngineMessage)->Arg(64)->Arg(1024)->UseRealTime();
BENCHMARK_CAPTURE(BM_Put, dpdk0, "dpdk0")
    ->Arg(64)
    ->Arg(1024)
    ->Arg(65536)
    ->Arg(1 << 20)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Get, dpdk0, "dpdk0")
    ->Arg(64)
    ->Arg(1024)
    ->Arg(65536)
    ->Arg(1 << 20)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_PutExplicit, dpdk0, "dpdk0")
    ->Arg(64)
    ->Arg(1024)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Put, loopback, "loopback")->Arg(64)->Arg(65536);
BENCHMARK_CAPTURE(BM_Get, loopback, "loopback")->Arg(64)->Arg(65536);

}  // namespace

BENCHMARK_MAIN();
