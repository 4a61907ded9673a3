// SPDX-License-Identifier: BSD-3-Clause
#include "benchmarks/latencies.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rsm::bench {

double Latencies::QuantileMicros(double q) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  const auto rank = static_cast<size_t>(
      std::llround(q * static_cast<double>(samples_.size() - 1)));
  return static_cast<double>(samples_[rank]) * scale_ / 1e3;
}

void Latencies::Report(benchmark::State& state, const std::string& prefix) {
  if (samples_.empty()) return;
  state.counters[prefix + "p50"] = QuantileMicros(0.5);
  state.counters[prefix + "p99"] = QuantileMicros(0.99);
  state.counters[prefix + "p999"] = QuantileMicros(0.999);
}

void Latencies::AppendTo(const std::string& path) const {
  if (path.empty()) return;
  FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return;
  for (uint64_t sample : samples_) {
    std::fprintf(file, "%.3f\n", static_cast<double>(sample) * scale_ / 1e3);
  }
  std::fclose(file);
}

uint64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace rsm::bench
