#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs the libFuzzer targets of fuzz/ for as long as you like (bazel test
# runs each for 30 s). Crashing inputs land in fuzz-results/<name>/; add each
# to testdata/fuzz/<name>/ (or testdata/config/ for the config fuzzer) as a
# regression seed once fixed.
#
#   tools/fuzz.sh [decoder|config|all] [SECONDS]     (default: all, 600)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
which=${1:-all}
seconds=${2:-600}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a whole number" >&2; exit 2; }
case "$which" in
  decoder | config | all) ;;
  *) echo "fuzz: unknown fuzzer '$which' (decoder, config or all)" >&2; exit 2 ;;
esac
tools/bootstrap.sh

run() {
  local name=$1 seeds=$2
  mkdir -p "fuzz-results/$name"
  TEST_UNDECLARED_OUTPUTS_DIR="$PWD/fuzz-results/$name" \
    bash fuzz/run_fuzzer.sh "$name" "$seconds" "$seeds"
}
status=0
if [[ "$which" == decoder || "$which" == all ]]; then run decoder testdata/fuzz/decoder || status=1; fi
if [[ "$which" == config || "$which" == all ]]; then run config testdata/config || status=1; fi
exit "$status"
