// SPDX-License-Identifier: BSD-3-Clause
// Per-operation latencies of a benchmark run, summarised as Google Benchmark
// counters (p50, p99, p999 in microseconds) and, on request, written out
// whole for plotting.
#ifndef RSM_BENCHMARKS_LATENCIES_H_
#define RSM_BENCHMARKS_LATENCIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"

namespace rsm::bench {

class Latencies {
 public:
  // `scale`: nanoseconds per unit of what Add is given (1 for ns; for TSC
  // cycles, 1e9 / rte_get_tsc_hz()).
  explicit Latencies(double scale = 1.0) : scale_(scale) {}

  // Room for `count` samples, so that Add never allocates inside a timed
  // loop.
  void Reserve(size_t count) { samples_.reserve(count); }
  void Add(uint64_t units) {
    samples_.push_back(units);
    sorted_ = false;
  }
  size_t size() const { return samples_.size(); }

  // The q-quantile (0..1) in microseconds; 0 with no samples.
  double QuantileMicros(double q);

  // Sets `<prefix>p50`, `<prefix>p99` and `<prefix>p999` (microseconds).
  void Report(benchmark::State& state, const std::string& prefix = "");

  // Appends every sample, in microseconds, one per line, to `path`: what
  // tools/bench.sh plots. Nothing when `path` is empty.
  void AppendTo(const std::string& path) const;

 private:
  double scale_;
  std::vector<uint64_t> samples_;
  bool sorted_ = false;
};

// Nanoseconds of the monotonic clock, the same on every CPU and in every
// process of this machine.
uint64_t MonotonicNanos();

}  // namespace rsm::bench

#endif  // RSM_BENCHMARKS_LATENCIES_H_
