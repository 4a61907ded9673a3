#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds one libFuzzer target with clang (-fsanitize=fuzzer,address,undefined)
# from the sources beside it and runs it for a bounded time over a copy of
# its seed corpus. Exit 0 only if the run found nothing; a crashing input is
# saved (under bazel test, in the test's undeclared outputs) and printed as
# hex, to become a regression seed in testdata/fuzz/<name>/.
#
#   run_fuzzer.sh NAME SECONDS SEED_DIR...      (NAME: decoder or config)
#
# Under `bazel test` the sources come from runfiles; tools/fuzz.sh runs the
# same thing from a checkout for as long as you like.
set -euo pipefail

name=${1:?fuzzer name}
seconds=${2:?seconds}
shift 2
root="${TEST_SRCDIR:+$TEST_SRCDIR/$TEST_WORKSPACE}"
root="${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
work="${TEST_TMPDIR:-$(mktemp -d)}/fuzz-$name"
out="${TEST_UNDECLARED_OUTPUTS_DIR:-$work}"
mkdir -p "$work/corpus" "$out"

for tool in clang++ pkg-config; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool missing (tools/bootstrap.sh installs it)"; exit 1; }
done

sources=(
  transport/wire/codec.cc transport/wire/crc32c.cc transport/wire/frame.cc
  transport/config.cc transport/engine_settings.cc transport/fault/fault_spec.cc
)
absl_libs=$(pkg-config --list-all | awk '/^absl_/ {print $1}' | sort)
echo "fuzz: building $name with clang"
# shellcheck disable=SC2046,SC2086
clang++ -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" $(pkg-config --cflags libdpdk) -include rte_config.h \
  "${sources[@]/#/$root/}" "$root/fuzz/${name}_fuzzer.cc" \
  $(pkg-config --libs libdpdk) $(pkg-config --libs $absl_libs) \
  -o "$work/$name"

for seeds in "$@"; do cp -r "$seeds"/. "$work/corpus/"; done
echo "fuzz: $name for ${seconds}s over $(ls "$work/corpus" | wc -l) seeds"
set +e
"$work/$name" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$out/" "$work/corpus" 2>&1 | tee "$work/log" |
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)'
rc=${PIPESTATUS[0]}
set -e
if ((rc != 0)); then
  echo "fuzz: $name FOUND A CRASH (exit $rc); log tail:"
  tail -40 "$work/log"
  for crash in "$out"/crash-* "$out"/leak-* "$out"/timeout-*; do
    [[ -e "$crash" ]] && { echo "input $crash:"; od -An -tx1 "$crash" | head -20; }
  done
  exit 1
fi
echo "fuzz: $name clean"
