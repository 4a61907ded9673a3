#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Measures rsm-dpdk between two processes over net_memif against the raw
# floor of the same processes on the same port, in one run, and writes
#   bench-results/results.md   every figure, its floor and ratio; the targets
#   bench-results/results.csv  figure,value,unit,floor,ratio,target,met
#   bench-results/latency.png  latency distributions (CDFs)
# (docs/performance.md explains each figure). Installs what it uses
# (tools/bootstrap.sh, python3, gnuplot). Takes a few minutes; keep the
# machine otherwise idle: the figures are microseconds on two cores.
#
#   tools/bench.sh [--repetitions N] [--out DIR]    (N runs, default 5)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repetitions=5
out=bench-results
while (($# > 0)); do
  case "$1" in
    --repetitions) repetitions=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$repetitions" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --repetitions wants a whole number >= 1" >&2; exit 2; }

tools/bootstrap.sh
for pkg in python3 gnuplot-nox; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    echo "bench: installing $pkg" >&2
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" >&2
  fi
done

echo "bench: building (-c opt)"
bazel build -c opt //benchmarks:memif_pair_benchmark //benchmarks:ring_hop_benchmark
bin=$(bazel info -c opt bazel-bin 2>/dev/null)

rm -rf "$out"
mkdir -p "$out/samples"
# Each run measures the floor and then every figure between the same two
# processes; this machine's speed drifts between runs, so each figure is
# compared with its own run's floor (bench_report.py takes the medians).
# Google Benchmark prints a line as each benchmark finishes: the progress.
for ((run = 1; run <= repetitions; run++)); do
  echo "bench: run $run of $repetitions: two processes over net_memif"
  "$bin/benchmarks/memif_pair_benchmark" --benchmark_out_format=json \
    --benchmark_out="$out/pair.$run.json" --samples_dir="$out/samples"
  # Signals with each process's waiting thread driving its own engine (the
  # placement for ping-pong on two cores), against this pair's own RTT.
  echo "bench: run $run of $repetitions: signals, both engines caller-driven"
  "$bin/benchmarks/memif_pair_benchmark" --exporter_progress=caller \
    --benchmark_filter='^(raw/pingpong_64B|signal/.*)$' --idle_rounds=1 \
    --benchmark_out_format=json --benchmark_out="$out/signals.$run.json" \
    --samples_dir="$out/samples"
done
echo "bench: request-ring hop"
"$bin/benchmarks/ring_hop_benchmark" --benchmark_repetitions="$repetitions" \
  --benchmark_report_aggregates_only=true --benchmark_out_format=json \
  --benchmark_out="$out/ring.json" --benchmark_filter=BM_RingHop

python3 tools/bench_report.py "$out"
gnuplot "$out/latency.gp"
echo
cat "$out/results.md"
echo
echo "bench: wrote $out/results.md, $out/results.csv and $out/latency.png"
