#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs the quickstart on the embedded default, as the README tells a newcomer
# to, and checks what it prints; then its other controller and segment id,
# and its command line (--help, bad options and values: exit 2).
set -euo pipefail
unset RSM_CONFIG
runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
prog="$runfiles/examples/quickstart"
source "$runfiles/examples/cli_checks.sh"

out=$("$prog")
echo "$out"
grep -q '^controller dpdk0$' <<<"$out"
grep -Eq "^  page size +$(getconf PAGESIZE)$" <<<"$out"
grep -Eq '^topology: this is node 1, 1 controller\(s\)$' <<<"$out"
grep -Eq '^  dpdk0  hwaddr ([0-9a-f]{2}:){5}[0-9a-f]{2}  0 remote controller\(s\)$' <<<"$out"
grep -q '^quickstart: ok$' <<<"$out"
# The full round on dpdk0 crossed the protocol: frames both ways, one put
# applied and one get served, and the data came back intact.
grep -Eq '^exported [0-9]+ bytes as segment 0x80000000 on node 1$' <<<"$out"
grep -q 'got back "hello, remote shared memory": identical$' <<<"$out"
grep -Eq '^frames out [1-9][0-9]*, in [1-9][0-9]*, .*puts applied 1, gets served 1$' <<<"$out"

# The same round on loopback: local copies, no frames. The controller as the
# argument (as the README shows), with --controller and with -c.
for args in "loopback" "--controller loopback" "-c loopback"; do
  # shellcheck disable=SC2086 # split on purpose
  out=$("$prog" $args)
  echo "$out"
  grep -q '^controller loopback$' <<<"$out"
  grep -q 'got back "hello, remote shared memory": identical$' <<<"$out"
  grep -Eq '^frames out 0, in 0, .*puts applied 0, gets served 0$' <<<"$out"
  grep -q '^quickstart: ok$' <<<"$out"
done

# A segment id of our own, in hexadecimal or decimal.
out=$("$prog" --segment-id 0x400123)
echo "$out"
grep -Eq '^exported [0-9]+ bytes as segment 0x400123 on node 1$' <<<"$out"
grep -q '^quickstart: ok$' <<<"$out"
out=$("$prog" -c loopback -s 4194305)
grep -Eq '^exported [0-9]+ bytes as segment 0x400001 on node 1$' <<<"$out"

check_help "$prog" --controller --segment-id
check_usage_error "unrecognized option '--bogus'" "$prog" --bogus
check_usage_error "invalid option -- 'x'" "$prog" -x
check_usage_error "requires an argument -- 's'" "$prog" -s
check_usage_error "--segment-id: 'abc' is not a number from 0x400000 to 0x7fffffff" \
  "$prog" --segment-id abc
check_usage_error "--segment-id: '0x3fffff' is not a number" "$prog" -s 0x3fffff
check_usage_error "--segment-id: '0x80000000' is not a number" "$prog" -s 0x80000000
check_usage_error "--segment-id: '-4194304' is not a number" "$prog" -s -4194304
check_usage_error "--segment-id: '4194304x' is not a number" "$prog" -s 4194304x
check_usage_error "give the controller once" "$prog" -c loopback dpdk0
check_usage_error "unexpected argument 'dpdk0'" "$prog" loopback dpdk0
check_usage_error "the controller name is empty" "$prog" --controller ''
echo "quickstart_test: ok"
