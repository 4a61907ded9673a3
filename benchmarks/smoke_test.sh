#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every benchmark binary runs once with a tiny iteration count and exits 0
# with no benchmark reporting an error; the two-process benchmark's results
# go through tools/bench_report.py, which must find every figure it
# reports. The timed runs are tools/bench.sh's, not this test's.
set -euo pipefail

dir="${TEST_SRCDIR}/${TEST_WORKSPACE}"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

# run NAME ARGS...: runs benchmarks/NAME, output in $tmp/NAME.log.
run() {
  local name=$1
  shift
  local code=0
  "$dir/benchmarks/$name" --benchmark_min_time=0.001 "$@" >"$tmp/$name.log" 2>&1 || code=$?
  if ((code != 0)) || grep -q "ERROR OCCURRED" "$tmp/$name.log"; then
    echo "FAIL: $name (exit $code)"
    cat "$tmp/$name.log"
    failures=$((failures + 1))
  else
    echo "ok: $name ($(grep -c '^[A-Za-z].* ns ' "$tmp/$name.log" || true) results)"
  fi
}

run codec_benchmark
run ring_hop_benchmark --benchmark_out_format=json --benchmark_out="$tmp/ring.json"
run engine_roundtrip_benchmark
run put_get_benchmark
run signal_barrier_benchmark
mkdir -p "$tmp/samples"
run memif_pair_benchmark --idle_rounds=1 --samples_dir="$tmp/samples" \
  --benchmark_out_format=json --benchmark_out="$tmp/pair.1.json"
run memif_pair_benchmark --exporter_progress=caller --idle_rounds=1 \
  --benchmark_filter='^(raw/pingpong_64B|signal/.*)$' --samples_dir="$tmp/samples" \
  --benchmark_out_format=json --benchmark_out="$tmp/signals.1.json"

if python3 "$dir/tools/bench_report.py" "$tmp"; then
  echo "ok: bench_report.py"
  head -c 2000 "$tmp/results.csv"
  rows=$(($(wc -l <"$tmp/results.csv") - 1))
  ((rows == 9)) || { echo "FAIL: results.csv has $rows rows, want 9"; failures=$((failures + 1)); }
  head -1 "$tmp/results.csv" | grep -qx 'figure,value,unit,floor,ratio,target,met' ||
    { echo "FAIL: results.csv columns"; failures=$((failures + 1)); }
else
  echo "FAIL: bench_report.py"
  failures=$((failures + 1))
fi
((failures == 0))
