// SPDX-License-Identifier: BSD-3-Clause
// Cost of handing a request to the engine and getting its result back: the
// caller enqueues on the request ring, the engine thread (spinning on the
// other core) dequeues it and completes it, the caller's Wait() returns. The
// single-threaded enqueue+dequeue is the ring's own cost; the cache-line
// round trip is the floor any cross-core hop pays on this machine today.
//
//   bazel run -c opt //benchmarks:ring_hop_benchmark --
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "transport/engine/completion.h"
#include "transport/engine/request_ring.h"

namespace rsm::transport {
namespace {

struct Request {
  Completion done;
  int32_t payload;
};

std::unique_ptr<RequestRing<Request>> MakeRing(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<RequestRing<Request>>> ring =
      RequestRing<Request>::Create("bench", 1024);
  if (!ring.ok()) {
    state.SkipWithError(ring.status().ToString().c_str());
    return nullptr;
  }
  return *std::move(ring);
}

// The first two CPUs this process may run on: the caller's and the engine's.
std::vector<int> TwoCpus() {
  cpu_set_t allowed;
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE && cpus.size() < 2; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
  }
  return cpus;
}

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

// Runs `body` (with the caller pinned to one CPU) while `peer` runs on a
// thread pinned to another; `peer` polls `stop`.
template <typename Body, typename Peer>
void OnTwoCpus(benchmark::State& state, Body body, Peer peer) {
  const std::vector<int> cpus = TwoCpus();
  if (cpus.size() < 2) {
    state.SkipWithError("needs two CPUs");
    return;
  }
  cpu_set_t saved;
  pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
  std::atomic<bool> stop{false};
  std::thread other([&] {
    PinTo(cpus[1]);
    peer(stop);
  });
  PinTo(cpus[0]);
  body();
  stop.store(true, std::memory_order_relaxed);
  other.join();
  pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
}

void BM_EnqueueDequeueOneThread(benchmark::State& state) {
  std::unique_ptr<RequestRing<Request>> ring = MakeRing(state);
  if (ring == nullptr) return;
  Request request;
  Request* out;
  for (auto _ : state) {
    ring->Enqueue(&request);
    benchmark::DoNotOptimize(ring->DequeueBurst(&out, 1));
  }
}
BENCHMARK(BM_EnqueueDequeueOneThread);

void BM_RingHop(benchmark::State& state) {
  std::unique_ptr<RequestRing<Request>> ring = MakeRing(state);
  if (ring == nullptr) return;
  OnTwoCpus(
      state,
      [&] {
        Request request;
        int32_t payload = 0;
        for (auto _ : state) {
          request.done.Reset();
          request.payload = payload++;
          // One request in flight at a time: the ring is never full.
          ring->Enqueue(&request);
          std::optional<int32_t> result =
              request.done.Wait(absl::InfiniteFuture());
          benchmark::DoNotOptimize(result);
        }
      },
      [&](const std::atomic<bool>& stop) {
        Request* burst[32];
        while (!stop.load(std::memory_order_relaxed)) {
          const unsigned n = ring->DequeueBurst(burst, 32);
          for (unsigned i = 0; i < n; ++i) {
            burst[i]->done.Complete(burst[i]->payload * 2);
          }
        }
      });
}
BENCHMARK(BM_RingHop)->UseRealTime();

// One iteration: the caller flips a shared word to odd, the peer sees it and
// flips it to even, the caller sees that.
void BM_CacheLineRoundTrip(benchmark::State& state) {
  alignas(64) std::atomic<uint64_t> word{0};
  OnTwoCpus(
      state,
      [&] {
        uint64_t value = 0;
        for (auto _ : state) {
          word.store(value + 1, std::memory_order_release);
          value += 2;
          while (word.load(std::memory_order_acquire) != value) {
          }
        }
      },
      [&](const std::atomic<bool>& stop) {
        uint64_t seen = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          const uint64_t value = word.load(std::memory_order_acquire);
          if (value != seen && value % 2 == 1) {
            seen = value + 1;
            word.store(seen, std::memory_order_release);
          }
        }
      });
}
BENCHMARK(BM_CacheLineRoundTrip)->UseRealTime();

}  // namespace
}  // namespace rsm::transport

BENCHMARK_MAIN();
