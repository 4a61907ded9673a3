#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Four traffic_node processes, each in its own network namespace on a Linux
# bridge (tools/netns_cluster.sh, net_af_packet), in three phases:
#
#  1. faults: random put/get/putv/getv on every ordered pair with 5 % loss and
#     1 % duplication on the bridge (nftables), and in every engine
#     (tx_faults) 5 % of frames reordered and 5 % delayed by 100 us, then 50
#     signals from every node to
#     every other. Every node's model must equal the slice its peer holds,
#     every signal must arrive exactly once, and losses must have been
#     repaired by retransmission.
#  2. kill -9 of node 4 mid-traffic (default unreachable_after, 100 ms):
#     every survivor's first failed call to it returns RSMERR_CONN_ABORTED
#     (40) or RSMERR_REMOTE_NODE_UNREACHABLE (39) within 150 ms of the kill,
#     with the topology no longer showing node 4 active; calls to the other
#     nodes never fail; node 4 restarted with the same cluster file is
#     connected to again, and the survivors' old handles to it keep failing.
#  3. node 3's link cut for 2 x unreachable_after, then restored: its calls
#     and its peers' calls to it fail, nothing else does, and new connects
#     succeed after the restore.
#
# Needs root and network namespaces; prints SKIP and passes without them.
# Everything made here carries a prefix of its own (from this shell's pid);
# the EXIT trap kills the nodes and removes it all, pass or fail, then checks
# that nothing is left.
set -euo pipefail

# shellcheck source=rsm/cluster_tests/cluster_lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/rsm/cluster_tests/cluster_lib.sh"
require_namespaces

readonly NODES=4
readonly UNREACHABLE_MS=100
# unreachable_after + 50 %.
readonly DETECT_MS=150

prefix="cf$$"
cluster() { bash "$netns" --prefix "$prefix" "$@"; }

# node_pids: the `timeout` processes of the running phase's nodes (each
# node runs as their child; it prints its own pid).
node_pids=()
cleanup() {
  local status=$?
  trap - EXIT
  kill_nodes
  wait 2>/dev/null || true
  remove_cluster "$prefix" || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
now_ms() { date +%s%3N; }

# start_node PHASE I ARGS...: node I in the background with cluster file
# $tmp/<config>I.ini, its output in $tmp/PHASE.I.log (appended: a restarted
# node adds to it).
config=node
start_node() {
  local phase=$1 i=$2
  shift 2
  exec_node "$phase" "$i" "$@" >>"$tmp/$phase.$i.log" 2>&1 &
  node_pids+=($!)
  eval "pid_${phase}_$i=$!"
}
exec_node() {
  local phase=$1 i=$2
  shift 2
  exec timeout 120 ip netns exec "${prefix}n$i" \
    env RSM_CONFIG="$tmp/$config$i.ini" "$node_bin" --nodes "$NODES" \
    --sync-dir "$tmp/sync.$phase" "$@"
}

# wait_nodes: waits for every node of the phase; fails for a non-zero exit.
wait_nodes() {
  local pid code
  for pid in "${node_pids[@]}"; do
    code=0
    wait "$pid" || code=$?
    if ((code != 0)) && [[ " ${killed:-} " != *" $pid "* ]]; then
      fail "a node (pid $pid) exited $code"
    fi
  done
  node_pids=()
}

show_logs() {
  local phase=$1 i
  for ((i = 1; i <= NODES; i++)); do
    echo "--- $phase: node $i"
    cat "$tmp/$phase.$i.log"
  done
}

# check_models PHASE: what node i's model says slice i of node j holds is
# what node j reports it holds.
check_models() {
  local phase=$1 i j
  for ((i = 1; i <= NODES; i++)); do
    for ((j = 1; j <= NODES; j++)); do
      ((i != j)) || continue
      same_slice "$i" "$j" "$tmp/$phase.$i.log" "$tmp/$phase.$j.log" ||
        failures=$((failures + 1))
    done
  done
}

# failed_peers PHASE I: the peers node I reported failed calls to, one per line.
failed_peers() {
  sed -nE "s/^node $2: peer ([0-9]+) failed .*/\1/p" "$tmp/$1.$2.log" | sort -u
}

echo "=== prefix $prefix: $NODES nodes"
cluster up "$NODES"
for ((i = 1; i <= NODES; i++)); do
  cluster cluster-file "$i" "$NODES" "$tmp/node$i.ini"
done

# --- 1. faults -------------------------------------------------------------
for ((i = 1; i <= NODES; i++)); do
  # Engine faults go in the controller's section, right after its device.
  sed "s/^device = .*/&\ntx_faults = reorder=0.05,delay=0.05,delay_us=100/" \
    "$tmp/node$i.ini" >"$tmp/faulty$i.ini"
done
cluster loss 5
cluster dup 1
mkdir -p "$tmp/sync.faults"
config=faulty
for ((i = 1; i <= NODES; i++)); do
  start_node faults "$i" --ops 1500 --signals 50 --seed 7
done
wait_nodes
config=node
show_logs faults
check_models faults
retransmits=0
for ((i = 1; i <= NODES; i++)); do
  log="$tmp/faults.$i.log"
  grep -q "^node $i: ops 1500 in " "$log" || fail "faults: node $i did not finish its 1500 ops"
  grep -q "^node $i: signals received 150 of 150; extra 0$" "$log" ||
    fail "faults: node $i did not receive exactly the 150 signals posted to it"
  n=$(sed -nE "s/^node $i: retransmits ([0-9]+) .*/\1/p" "$log" | tail -1)
  retransmits=$((retransmits + ${n:-0}))
done
echo "=== faults: retransmissions, all nodes: $retransmits"
((retransmits > 0)) || fail "faults: no retransmissions at 5 % loss: was the loss applied?"
cluster clear


# --- 2. kill -9 and restart --------------------------------------------------
# put/get only: a putv/getv on a lost connection reports RSMERR_BAD_SGIO
# (14) for its entries, as Solaris's did for a failed entry.
mkdir -p "$tmp/sync.kill"
for ((i = 1; i <= NODES; i++)); do
  start_node kill "$i" --seconds 6 --size 64 --tolerate-failures --seed 11
done
sleep 2.5
victim=$(sed -nE 's/^node 4: pid ([0-9]+)$/\1/p' "$tmp/kill.4.log")
[[ -n "$victim" ]] || fail "kill: node 4 did not say its pid"
kill_ms=$(now_ms)
kill -KILL "$victim"
# Its timeout exits 137 then; that is no failure.
killed="$pid_kill_4"
sleep 1
restart_ms=$(now_ms)
echo "=== killed node 4 at $kill_ms, restarting it at $restart_ms"
start_node kill 4 --seconds 3 --size 64 --tolerate-failures --seed 12
wait_nodes
show_logs kill
check_models kill
for ((i = 1; i < NODES; i++)); do
  log="$tmp/kill.$i.log"
  line=$(grep -m1 -E "^node $i: peer 4 failed " "$log" || true)
  if [[ -z "$line" ]]; then
    fail "kill: node $i never saw a call to node 4 fail"
    continue
  fi
  [[ "$line" =~ rc=(39|40)\ at\ ([0-9]+)\ topology\ (active|inactive)$ ]] ||
    fail "kill: node $i: unexpected failure report: $line"
  at=${BASH_REMATCH[2]:-0}
  delay=$((at - kill_ms))
  echo "=== kill: node $i saw node 4 fail ${delay} ms after the kill (${BASH_REMATCH[3]:-?} in the topology)"
  ((delay >= 0 && delay <= DETECT_MS)) ||
    fail "kill: node $i reported node 4 failed $delay ms after the kill (want 0..$DETECT_MS)"
  [[ "${BASH_REMATCH[3]:-}" == inactive ]] || fail "kill: node $i's topology still showed node 4 active"
  others=$(failed_peers kill "$i" | grep -v '^4$' || true)
  [[ -z "$others" ]] || fail "kill: node $i had calls fail to live node(s) $others"
  # Connected again to the restarted node 4, after the restart.
  back=$(sed -nE "s/^node $i: connected to 4 at ([0-9]+)$/\1/p" "$log" | tail -1)
  ((${back:-0} > restart_ms)) || fail "kill: node $i did not connect to the restarted node 4"
  if grep -qE "^node $i: stale handle to 4 rc=0$" "$log"; then
    fail "kill: node $i's handle from before the kill still worked"
  fi
  grep -qE "^node $i: stale handle to 4 rc=[1-9]" "$log" ||
    fail "kill: node $i did not try its old handle to node 4"
done

# --- 3. link cut ----------------------------------------------------------
mkdir -p "$tmp/sync.cut"
for ((i = 1; i <= NODES; i++)); do
  start_node cut "$i" --seconds 5 --size 64 --tolerate-failures --seed 13
done
sleep 2
cluster linkdown 3
sleep "$(awk "BEGIN { print 2 * $UNREACHABLE_MS / 1000 }")"
cluster linkup 3
up_ms=$(now_ms)
echo "=== node 3's link was down for $((2 * UNREACHABLE_MS)) ms, up again at $up_ms"
wait_nodes
show_logs cut
check_models cut
[[ -n "$(failed_peers cut 3)" ]] || fail "cut: node 3's calls never failed while its link was down"
for i in 1 2 4; do
  log="$tmp/cut.$i.log"
  peers=$(failed_peers cut "$i" | tr '\n' ' ')
  [[ "$peers" == "3 " ]] || fail "cut: node $i had calls fail to '$peers', want only node 3"
  back=$(sed -nE "s/^node $i: connected to 3 at ([0-9]+)$/\1/p" "$log" | tail -1)
  ((${back:-0} >= up_ms - 50)) || fail "cut: node $i did not connect to node 3 again after the restore"
done

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS"
