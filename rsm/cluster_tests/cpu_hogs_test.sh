#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Liveness under CPU pressure: four traffic_node processes on a Linux bridge
# (tools/netns_cluster.sh, net_af_packet), default settings, all pairs busy,
# beside two CPU-bound processes per core, for HOG_SECONDS (default 60; the
# issue's soak is 300: HOG_SECONDS=300). No call may fail: a live node
# reported unreachable fails its caller, and traffic_node exits 1 on any
# failed call. Every node's model must match its peers' slices at the end.
# Needs root and network namespaces; prints SKIP and passes without them.
set -euo pipefail

# shellcheck source=rsm/cluster_tests/cluster_lib.sh
source "${TEST_SRCDIR}/${TEST_WORKSPACE}/rsm/cluster_tests/cluster_lib.sh"
require_namespaces

readonly NODES=4
readonly SECONDS_OF_LOAD="${HOG_SECONDS:-60}"
[[ "$SECONDS_OF_LOAD" =~ ^[1-9][0-9]*$ ]] || { echo "HOG_SECONDS must be a whole number of seconds"; exit 2; }

prefix="ch$$"
cluster() { bash "$netns" --prefix "$prefix" "$@"; }

hogs=()
nodes=()
cleanup() {
  local status=$? pid
  trap - EXIT
  for pid in "${hogs[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  kill_nodes
  wait 2>/dev/null || true
  remove_cluster "$prefix" || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

cores=$(nproc)
echo "=== $NODES nodes, $((2 * cores)) CPU hogs on $cores cores, ${SECONDS_OF_LOAD} s"
cluster up "$NODES"
mkdir -p "$tmp/sync"
for ((i = 1; i <= NODES; i++)); do
  cluster cluster-file "$i" "$NODES" "$tmp/node$i.ini"
done
for ((h = 0; h < 2 * cores; h++)); do
  bash -c 'while :; do :; done' &
  hogs+=($!)
done
for ((i = 1; i <= NODES; i++)); do
  timeout $((SECONDS_OF_LOAD + 120)) ip netns exec "${prefix}n$i" \
    env RSM_CONFIG="$tmp/node$i.ini" "$node_bin" --nodes "$NODES" \
    --seconds "$SECONDS_OF_LOAD" --size 8 --seed "$i" --timeout-ms 60000 \
    --sync-dir "$tmp/sync" >"$tmp/node$i.log" 2>&1 &
  nodes+=($!)
done

failures=0
for ((i = 1; i <= NODES; i++)); do
  code=0
  wait "${nodes[i - 1]}" || code=$?
  ((code == 0)) || { echo "FAIL: node $i exited $code"; failures=$((failures + 1)); }
done
for pid in "${hogs[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
hogs=()
for ((i = 1; i <= NODES; i++)); do
  echo "--- node $i"
  grep -vE "^node $i: (model|slice) " "$tmp/node$i.log"
  for ((j = 1; j <= NODES; j++)); do
    ((i != j)) || continue
    same_slice "$i" "$j" "$tmp/node$i.log" "$tmp/node$j.log" || failures=$((failures + 1))
  done
  # A failed call made the node exit 1 (counted above); it must also have
  # done some work.
  grep -qE "^node $i: ops [1-9][0-9]* in " "$tmp/node$i.log" ||
    { echo "FAIL: node $i did no operations"; failures=$((failures + 1)); }
done
if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: no call failed in ${SECONDS_OF_LOAD} s beside $((2 * cores)) CPU hogs"
