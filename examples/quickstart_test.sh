#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs the quickstart on the embedded default, as the README tells a newcomer
# to, and checks what it prints.
set -euo pipefail
unset RSM_CONFIG
out=$("${TEST_SRCDIR}/${TEST_WORKSPACE}/examples/quickstart")
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

# The same round on loopback: local copies, no frames.
out=$("${TEST_SRCDIR}/${TEST_WORKSPACE}/examples/quickstart" loopback)
echo "$out"
grep -q 'got back "hello, remote shared memory": identical$' <<<"$out"
grep -Eq '^frames out 0, in 0, .*puts applied 0, gets served 0$' <<<"$out"
grep -q '^quickstart: ok$' <<<"$out"
