#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What of examples/cluster runs without root (cluster_test, the four-node
# ring, needs it): its command line (--help, exit 2 on bad options and
# values), then a ring of one node on the embedded default, on dpdk0 (the
# tokens cross the protocol) and on loopback (local copies).
set -euo pipefail
unset RSM_CONFIG
runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
prog="$runfiles/examples/cluster"
source "$runfiles/examples/cli_checks.sh"

check_help "$prog" --nodes --rounds --timeout-ms --controller
check_usage_error "--nodes and --rounds are required" "$prog"
check_usage_error "--nodes and --rounds are required" "$prog" --nodes 4
check_usage_error "unrecognized option '--bogus'" "$prog" --bogus
check_usage_error "requires an argument -- 'r'" "$prog" -n 1 -r
check_usage_error "unexpected argument 'extra'" "$prog" -n 1 -r 1 extra
check_usage_error "--nodes: 'four' is not a number from 1 to 64" \
  "$prog" --nodes four --rounds 1
check_usage_error "--nodes: '65' is not a number from 1 to 64" "$prog" -n 65 -r 1
check_usage_error "--rounds: '0' is not a number from 1 to 1000000" \
  "$prog" -n 1 --rounds 0
check_usage_error "--rounds: '1e3' is not a number" "$prog" -n 1 -r 1e3
check_usage_error "--timeout-ms: '2147483648' is not a number from 1 to 2147483647" \
  "$prog" -n 1 -r 1 --timeout-ms 2147483648

# A ring of one: node 1 is its own successor.
out=$(timeout 60 "$prog" --nodes 1 --rounds 100 --timeout-ms 20000)
echo "$out"
grep -q "^cluster: node 1: connected to node 1's segment 0x400200 " <<<"$out"
grep -q '^cluster: node 1: first token from node 1 verified: the ring is closed$' <<<"$out"
grep -q '^cluster: node 1: 100 tokens received and verified$' <<<"$out"
grep -Eq '^cluster: node 1: dpdk0 frames in [1-9][0-9]*, .*puts applied 100$' <<<"$out"

out=$(timeout 60 "$prog" -n 1 -r 10 -c loopback)
echo "$out"
grep -q '^cluster: node 1: 10 tokens received and verified$' <<<"$out"
grep -Eq '^cluster: node 1: loopback frames in 0, .*puts applied 0$' <<<"$out"
echo "cluster_smoke_test: ok"
