#!/usr/bin/env bash
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
