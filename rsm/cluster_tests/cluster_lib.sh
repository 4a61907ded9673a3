# SPDX-License-Identifier: BSD-3-Clause
# What the multi-process tests share; sourced, not run. Needs TEST_SRCDIR
# and TEST_WORKSPACE (set by bazel test).

export PATH="/usr/sbin:/sbin:$PATH"

node_bin="${TEST_SRCDIR}/${TEST_WORKSPACE}/rsm/cluster_tests/traffic_node"
netns="${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/netns_cluster.sh"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

# require_namespaces: exits 0 with SKIP unless root and network namespaces
# are there (the only reason a namespace test may pass without running).
require_namespaces() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "SKIP: needs root (network namespaces, veths, a bridge, nftables)"
    exit 0
  fi
  if [[ ! -e /proc/self/ns/net ]]; then
    echo "SKIP: this kernel has no network namespaces"
    exit 0
  fi
}

# kill_nodes: every traffic_node of this test, at once (a KILL to their
# `timeout` would orphan them).
kill_nodes() {
  pkill -KILL -f "^$node_bin " 2>/dev/null || true
}

# remove_cluster PREFIX: tools/netns_cluster.sh down, then checks that
# nothing of PREFIX is left. Returns 1 if something is.
remove_cluster() {
  local prefix=$1 leftovers=()
  bash "$netns" --prefix "$prefix" down || leftovers+=("(down failed)")
  if ip netns list | grep -q "^${prefix}n"; then leftovers+=("namespaces"); fi
  if compgen -G "/sys/class/net/${prefix}*" >/dev/null; then leftovers+=("links"); fi
  if nft list tables 2>/dev/null | grep -q " ${prefix}_"; then leftovers+=("nftables tables"); fi
  if compgen -G "/var/run/dpdk/${prefix}*" >/dev/null; then leftovers+=("DPDK runtime directories"); fi
  if ((${#leftovers[@]} > 0)); then
    echo "FAIL: prefix $prefix left behind: ${leftovers[*]}"
    return 1
  fi
}

# same_slice I J LOG_I LOG_J: node I's model of its slice on node J (from
# LOG_I) is what node J reports that slice holds (from LOG_J). Says FAIL and
# returns 1 otherwise.
same_slice() {
  local i=$1 j=$2 model slice
  model=$(sed -nE "s/^node $i: model $i@$j ([0-9a-f]+)$/\1/p" "$3" | tail -1)
  slice=$(sed -nE "s/^node $j: slice $i@$j ([0-9a-f]+)$/\1/p" "$4" | tail -1)
  if [[ -z "$model" || "$model" != "$slice" ]]; then
    echo "FAIL: node $i's model of its slice on node $j ('$model') is not what node $j holds ('$slice')"
    return 1
  fi
}
