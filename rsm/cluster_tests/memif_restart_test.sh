#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A memif peer that comes and goes: node 1 (memif server) runs traffic_node
# throughout while node 2 (memif client) is started 20 times, every other
# time killed with SIGKILL mid-traffic and otherwise left to finish. Node 1
# must survive all of it (DPDK 22.11's memif PMD crashed the survivor when
# its peer went away mid-burst), reconnect to every new incarnation of node
# 2, and at the end agree with the last one on both their slices. Needs no
# root: memif is a Unix socket and shared memory.
set -euo pipefail

readonly RESTARTS=20

# shellcheck source=rsm/cluster_tests/cluster_lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/rsm/cluster_tests/cluster_lib.sh"

# memif's socket path must be under 108 characters.
sockdir="$tmp"
if ((${#sockdir} + 16 > 100)); then sockdir=$(mktemp -d /tmp/rsmmr.XXXXXX); fi
socket="$sockdir/memif.sock"

cleanup() {
  local status=$?
  trap - EXIT
  kill_nodes
  wait 2>/dev/null || true
  rm -f "$socket"
  if [[ "$sockdir" != "$tmp" ]]; then rm -rf "$sockdir"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# write_config NODE ROLE: a two-node cluster file for NODE.
write_config() {
  local node=$1 role=$2
  cat >"$tmp/node$node.ini" <<INI
[cluster]
node_id = $node
[eal]
args = --no-huge --no-pci -m 256 --no-shconf --no-telemetry --file-prefix=rsmmr$$n$node --log-level=*:warning
[controller.dpdk0]
device = net_memif0,role=$role,socket=$socket,socket-abstract=no
[node.1]
dpdk0 = 02:00:00:00:00:01
[node.2]
dpdk0 = 02:00:00:00:00:02
INI
}
write_config 1 server
write_config 2 client

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# wait_for_line FILE REGEX SECONDS
wait_for_line() {
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

mkdir -p "$tmp/sync"
RSM_CONFIG="$tmp/node1.ini" timeout 300 "$node_bin" --nodes 2 --seconds 280 \
  --size 64 --tolerate-failures --timeout-ms 30000 --sync-dir "$tmp/sync" \
  >"$tmp/server.log" 2>&1 &
server=$!
wait_for_line "$tmp/server.log" '^node 1: pid ' 20 || fail "node 1 did not start"

for ((run = 1; run <= RESTARTS; run++)); do
  log="$tmp/client.$run.log"
  if ((run % 2 == 1)); then
    RSM_CONFIG="$tmp/node2.ini" timeout 60 "$node_bin" --nodes 2 --seconds 30 \
      --size 64 --tolerate-failures --seed "$run" >"$log" 2>&1 &
    client=$!
    # It says its pid before it connects.
    if wait_for_line "$log" '^node 2: connected to 1 ' 20 &&
      victim=$(sed -nE 's/^node 2: pid ([0-9]+)$/\1/p' "$log") && [[ -n "$victim" ]]; then
      sleep 0.3
      kill -KILL "$victim"
    else
      fail "run $run: node 2 never connected (or never said its pid)"
    fi
    wait "$client" 2>/dev/null || true
  else
    code=0
    RSM_CONFIG="$tmp/node2.ini" timeout 60 "$node_bin" --nodes 2 --ops 300 \
      --size 64 --tolerate-failures --seed "$run" >"$log" 2>&1 || code=$?
    ((code == 0)) || fail "run $run: node 2 exited $code"
  fi
  kill -0 "$server" 2>/dev/null || fail "run $run: node 1 is gone"
  echo "=== run $run: $(grep -cE '^node 2: connected to 1 ' "$log") connect(s)," \
    "node 1 alive: $(kill -0 "$server" 2>/dev/null && echo yes || echo no)"
done

# The last incarnation stays while node 1 ends its traffic and checks.
RSM_CONFIG="$tmp/node2.ini" timeout 60 "$node_bin" --nodes 2 --seconds 3 \
  --size 64 --tolerate-failures --sync-dir "$tmp/sync" >"$tmp/last.log" 2>&1 &
last=$!
wait_for_line "$tmp/last.log" '^node 2: connected to 1 ' 20 || fail "the last node 2 never connected"
kill -TERM "$server"
code=0
wait "$server" || code=$?
((code == 0)) || fail "node 1 exited $code"
code=0
wait "$last" || code=$?
((code == 0)) || fail "the last node 2 exited $code"

echo "--- node 1"
grep -vE '^node 1: t=' "$tmp/server.log"
echo "--- last node 2"
cat "$tmp/last.log"

connects=$(grep -cE '^node 1: connected to 2 ' "$tmp/server.log" || true)
((connects >= RESTARTS + 1)) ||
  fail "node 1 connected to node 2 $connects times, want one per incarnation ($((RESTARTS + 1)))"
same_slice 1 2 "$tmp/server.log" "$tmp/last.log" || failures=$((failures + 1))
same_slice 2 1 "$tmp/last.log" "$tmp/server.log" || failures=$((failures + 1))

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: node 1 survived $RESTARTS restarts of its memif peer"
