#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs examples/cluster as four nodes, each in its own network namespace on a
# Linux bridge (tools/netns_cluster.sh, net_af_packet), with 5 % of the
# frames dropped on the bridge: 50 rounds of a token round the ring. Expects
# every node to exit 0 having verified all 50 tokens, and the losses to have
# been repaired by retransmission. Needs root and network namespaces; prints
# SKIP and passes without them.
#
# Everything made here (namespaces, veths, bridge, nftables tables) carries a
# prefix of its own, derived from this shell's pid, and the EXIT trap kills
# the nodes and removes all of it, pass or fail, then checks nothing is left.
set -euo pipefail

# ip and nft live in sbin, which a test's PATH may lack.
export PATH="/usr/sbin:/sbin:$PATH"

readonly NODES=4
readonly ROUNDS=50
readonly LOSS_PCT=5
# Each node gives up on a connect or a token after 20 s, and is killed after
# 50 s: a failing run ends inside the test's 60 s (size small).
readonly WAIT_MS=20000
readonly NODE_TIMEOUT_S=50

runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
prog="$runfiles/examples/cluster"
netns="$runfiles/tools/netns_cluster.sh"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

skip() {
  echo "SKIP: $*"
  exit 0
}
[[ "$(id -u)" == 0 ]] || skip "needs root (network namespaces, veths, a bridge, nftables); run as root"
[[ -e /proc/self/ns/net ]] || skip "this kernel has no network namespaces (no /proc/self/ns/net)"

# netns_cluster.sh wants a lowercase letter then up to 9 letters or digits;
# a pid has at most 7 digits (pid_max <= 4194304).
prefix="ct$$"
cluster() { bash "$netns" --prefix "$prefix" "$@"; }

pids=()
cleanup() {
  local status=$? pid leftovers=()
  trap - EXIT
  # Each pid is a `timeout`, which passes the TERM on to its node; the node
  # must be gone before `down`, or its namespace outlives it.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  cluster down || status=1
  # Check that `down` left nothing of this prefix behind.
  if ip netns list | grep -q "^${prefix}n"; then leftovers+=("namespaces"); fi
  if compgen -G "/sys/class/net/${prefix}*" >/dev/null; then leftovers+=("links"); fi
  if nft list tables 2>/dev/null | grep -q " ${prefix}_"; then leftovers+=("nftables tables"); fi
  if ((${#leftovers[@]} > 0)); then
    echo "FAIL: prefix $prefix left behind: ${leftovers[*]}"
    status=1
  fi
  exit "$status"
}
trap cleanup EXIT
# Bazel ends a test that runs out of time with SIGTERM: clean up then too.
trap 'exit 143' TERM INT HUP

start=$SECONDS
echo "=== prefix $prefix: $NODES nodes, $ROUNDS rounds, $LOSS_PCT % loss"
cluster up "$NODES"
for ((i = 1; i <= NODES; i++)); do
  config="$tmp/node$i.ini"
  cluster cluster-file "$i" "$NODES" "$config"
  # Four engines busy-poll two cores here: a peer may not be scheduled for a
  # while, so allow it 2 s of silence (default 100 ms) before giving it up,
  # and heartbeat less often.
  cat >>"$config" <<INI
[engine]
unreachable_after = 2s
heartbeat_interval = 100ms
INI
done
cluster loss "$LOSS_PCT"

for ((i = 1; i <= NODES; i++)); do
  timeout "$NODE_TIMEOUT_S" bash "$netns" --prefix "$prefix" exec "$i" \
    env RSM_CONFIG="$tmp/node$i.ini" "$prog" --nodes "$NODES" \
    --rounds "$ROUNDS" --timeout-ms "$WAIT_MS" >"$tmp/node$i.log" 2>&1 &
  pids+=($!)
done

codes=()
for pid in "${pids[@]}"; do
  code=0
  wait "$pid" || code=$?
  codes+=("$code")
done
pids=()
echo "=== all nodes ended after $((SECONDS - start)) s"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# expect_line LOG REGEX: fails unless a line of LOG matches.
expect_line() {
  grep -Eq "$2" "$1" || fail "no line /$2/ in $(basename "$1")"
}

retransmits=0
for ((i = 1; i <= NODES; i++)); do
  log="$tmp/node$i.log"
  echo "--- node $i (exit ${codes[i - 1]})"
  cat "$log"
  ((codes[i - 1] == 0)) || fail "node $i exited ${codes[i - 1]}"
  expect_line "$log" "^cluster: node $i: connected to node $((i % NODES + 1))'s segment 0x400200 "
  expect_line "$log" "^cluster: node $i: first token from node $(((i + NODES - 2) % NODES + 1)) verified"
  expect_line "$log" "^cluster: node $i: $ROUNDS tokens received and verified$"
  # Every token crossed the wire into this node's segment.
  expect_line "$log" "^cluster: node $i: dpdk0 frames in [1-9][0-9]*, .*puts applied $ROUNDS$"
  n=$(sed -nE "s/^cluster: node $i: dpdk0 .*retransmitted ([0-9]+),.*/\1/p" "$log")
  retransmits=$((retransmits + ${n:-0}))
done
# At 5 % loss some of the ~1000 frames were dropped, and sent again.
echo "=== retransmissions, all nodes: $retransmits"
((retransmits > 0)) || fail "no retransmissions at $LOSS_PCT % loss: was the loss applied?"

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: $NODES nodes, $ROUNDS rounds, $((SECONDS - start)) s"
