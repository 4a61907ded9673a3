#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A real L2 network, with the kernel in the path, for N rsm-dpdk node
# processes on one host: node i lives in network namespace <P>n<i>, whose eth0
# is one end of a veth pair; the other end, <P>v<i>, is a port of bridge <P>br
# in the root namespace. A node opens eth0 with net_af_packet. Every name
# starts with the prefix, so runs with different prefixes coexist and `down`
# removes exactly what `up` made. Run with -h for the usage.
set -euo pipefail

readonly DEFAULT_PREFIX=rsmc
readonly DEFAULT_TEMPLATE='net_af_packet0,iface={iface}'
# Node ids are 1..64 (docs/configuration.md), and the MAC's last octet holds i.
readonly MAX_NODES=64
# Marks the copy `dup` sends, so that the egress chain, which sees the copy
# too, lets it pass instead of copying it again.
readonly DUP_MARK=0x52534d44

usage() {
  cat <<'EOF'
usage: tools/netns_cluster.sh [--prefix P] COMMAND [ARGS...]

Builds a real L2 network, with the kernel in the path, for N rsm-dpdk nodes
on one host. Node i runs in network namespace <P>n<i>; its eth0 is a veth
whose other end, <P>v<i>, is a port of bridge <P>br in the root namespace.
A node opens eth0 with net_af_packet. Every name starts with the prefix P
(default rsmc; a lowercase letter then up to 9 lowercase letters or digits),
so runs with different prefixes coexist; nothing else is touched. Needs
root; installs iproute2 and nftables with apt-get when missing. --prefix P
may also follow the command's arguments (for exec: only before I).

commands:
  up N            Create nodes 1..N (N <= 64), after a `down` of the same
                  prefix. eth0 of node i gets MAC 02:52:53:00:00:<i, 2 hex
                  digits>. IPv6 is off on every interface made, so the only
                  frames on the network are the ones the nodes send. Prints
                  one line per node: node <i> netns <ns> iface eth0 mac <mac>
  down            Delete the namespaces, veths, bridge and nftables tables of
                  prefix P. Succeeds when they are already gone.
  loss PCT        Drop PCT% (a whole number, 0..100; 0 = none) of the frames
                  the bridge forwards: nftables table bridge <P>_faults,
                  forward hook, `numgen random mod 100 < PCT drop`.
  dup PCT         Deliver PCT% (0..100) of the frames the bridge forwards
                  twice. Not in the bridge family: nftables has no dup there
                  (nft refuses `dup to` in a bridge table: "unsupported
                  family"; the kernel has dup for ip, ip6 and netdev only),
                  so this uses table netdev <P>_dup, hooked at the egress of
                  every bridge port, which sends one copy of a chosen frame
                  out of the port it leaves by. Dropped frames are never
                  copied.
  clear           Remove all loss and dup (delete both nftables tables).
  linkdown I      Cut node I off the bridge: ip link set <P>v<I> down.
  linkup I        Connect it again: ip link set <P>v<I> up.
  exec I CMD...   Run CMD in node I's namespace (ip netns exec <P>n<I>).
  cluster-file I N [TEMPLATE] OUT
                  Write the cluster file of node I of N to OUT (no root
                  needed). TEMPLATE is controller dpdk0's device with
                  {iface} standing for eth0; default
                  net_af_packet0,iface={iface}.

Tests must call `down` with their prefix in their cleanup: nothing is removed
on its own. A process still running in a namespace keeps that namespace alive
after `down` (its eth0 is gone, so it is cut off); `down` names such pids.

Only net_af_packet is supported. net_tap would create its own tap device
inside the namespace when the node starts, which would then have to be
bridged to eth0 from outside while the node runs; this script does not.

example:
  tools/netns_cluster.sh up 3
  tools/netns_cluster.sh cluster-file 1 3 /tmp/node1.ini
  tools/netns_cluster.sh exec 1 env RSM_CONFIG=/tmp/node1.ini ./program
  tools/netns_cluster.sh loss 10; tools/netns_cluster.sh clear
  tools/netns_cluster.sh down
EOF
}

die() {
  echo "netns_cluster: $*" >&2
  exit 1
}

warn() { echo "netns_cluster: $*" >&2; }

# The same check and install as tools/bootstrap.sh, for this script's own
# tools only: a package counts as present when dpkg says "install ok installed".
ensure_packages() {
  local pkg status missing=()
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  echo "netns_cluster: installing missing package(s): ${missing[*]}" >&2
  # Refresh the index only when something must be installed.
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

need_root() {
  [[ "$(id -u)" == 0 ]] || die "'$1' needs root (network namespaces, links, nftables)"
}

# A whole number in [low, high], digits only (no sign, no leading zeros).
check_number() {
  local what=$1 value=$2 low=$3 high=$4
  if [[ ! "$value" =~ ^(0|[1-9][0-9]{0,2})$ ]] || ((value < low || value > high)); then
    die "$what: '$value' is not a whole number from $low to $high"
  fi
}

mac_of() { printf '02:52:53:00:00:%02x' "$1"; }

bridge_exists() { [[ -e "/sys/class/net/${PREFIX}br" ]]; }

need_cluster() {
  bridge_exists || die "no cluster with prefix '$PREFIX' (no bridge ${PREFIX}br): run 'up N' first"
}

need_node() {
  need_cluster
  check_number "node" "$1" 1 "$MAX_NODES"
  [[ -e "/sys/class/net/${PREFIX}v$1" ]] || die "no node $1 with prefix '$PREFIX' (no ${PREFIX}v$1)"
}

# Interfaces never need IPv6 here; without it the kernel sends no router
# solicitations, MLD reports or DAD probes onto the test network.
# disable_ipv6 [NETNS] DEV
disable_ipv6() {
  local run=()
  if (($# == 2)); then
    run=(ip netns exec "$1")
    shift
  fi
  "${run[@]}" sh -c "f=/proc/sys/net/ipv6/conf/$1/disable_ipv6; [ ! -e \$f ] || echo 1 >\$f"
}

# The bridge's ports now, by name: rules name them exactly, so that a table
# of one prefix never touches another prefix's (or anybody's) bridge.
port_set() {
  local dev names=()
  for dev in /sys/class/net/"${PREFIX}br"/brif/*; do
    [[ -e "$dev" ]] && names+=("\"${dev##*/}\"")
  done
  ((${#names[@]} > 0)) || die "bridge ${PREFIX}br has no ports"
  local IFS=,
  echo "{ ${names[*]} }"
}

# The match for "with probability PCT%": numgen's values are 0..99, and
# nft refuses "< 100", so 100% is no condition at all.
chance() {
  if (($1 < 100)); then echo "numgen random mod 100 < $1"; fi
}

table_exists() { nft list table "$1" "$2" >/dev/null 2>&1; }

delete_tables() {
  # Without nft nothing of ours can be in nftables: loss and dup install it.
  command -v nft >/dev/null || return 0
  if table_exists bridge "${PREFIX}_faults"; then nft delete table bridge "${PREFIX}_faults"; fi
  if table_exists netdev "${PREFIX}_dup"; then nft delete table netdev "${PREFIX}_dup"; fi
}

cmd_down() {
  local dev ns pids
  delete_tables
  # Deleting a veth deletes its peer at once, eth0 in the namespace included;
  # deleting a namespace first would leave the pair to asynchronous cleanup,
  # and an `up` right after could find the old names still taken.
  for dev in /sys/class/net/*; do
    dev=${dev##*/}
    # Only veths: a device of another kind with such a name is not ours.
    if [[ "$dev" =~ ^${PREFIX}v[0-9]+$ ]] && [[ "$(ip -d -o link show dev "$dev" 2>/dev/null)" == *" veth "* ]]; then
      ip link delete "$dev" 2>/dev/null || [[ ! -e "/sys/class/net/$dev" ]]
    fi
  done
  while read -r ns _; do
    [[ "$ns" =~ ^${PREFIX}n[0-9]+$ ]] || continue
    pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)"
    [[ -z "$pids" ]] || warn "$ns: still used by pid(s) ${pids% }; it lives on, cut off, until they exit"
    ip netns delete "$ns"
  done < <(ip netns list 2>/dev/null || true)
  if [[ -e "/sys/class/net/${PREFIX}br/bridge" ]]; then
    ip link delete "${PREFIX}br" 2>/dev/null || ! bridge_exists
  fi
}

cmd_up() {
  local n=$1 i ns mac
  check_number "N" "$n" 1 "$MAX_NODES"
  cmd_down
  # A failure half way must not leave half a cluster behind.
  trap 'warn "up failed; removing what it made"; cmd_down' EXIT
  # No STP: ports forward at once. Snooping off: multicast floods like on a
  # dumb switch. nf_call_*tables off: the host's iptables never see our frames.
  ip link add "${PREFIX}br" type bridge stp_state 0 mcast_snooping 0 \
    nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0
  disable_ipv6 "${PREFIX}br"
  for ((i = 1; i <= n; i++)); do
    ns="${PREFIX}n$i"
    mac="$(mac_of "$i")"
    ip netns add "$ns"
    ip link add "${PREFIX}v$i" type veth peer name eth0 address "$mac" netns "$ns"
    disable_ipv6 "${PREFIX}v$i"
    disable_ipv6 "$ns" eth0
    ip link set "${PREFIX}v$i" master "${PREFIX}br" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
  done
  ip link set "${PREFIX}br" up
  trap - EXIT
  for ((i = 1; i <= n; i++)); do
    echo "node $i netns ${PREFIX}n$i iface eth0 mac $(mac_of "$i")"
  done
}

cmd_loss() {
  local pct=$1 table="${PREFIX}_faults"
  check_number "PCT" "$pct" 0 100
  need_cluster
  if ! table_exists bridge "$table"; then
    ((pct > 0)) || return 0
    nft -f - <<EOF
table bridge $table {
  chain forward {
    type filter hook forward priority 0; policy accept;
    jump loss
  }
  chain loss {
  }
}
EOF
  fi
  # One transaction: the old rule goes and the new one comes together.
  {
    echo "flush chain bridge $table loss"
    if ((pct > 0)); then
      echo "add rule bridge $table loss iifname $(port_set) $(chance "$pct") drop"
    fi
  } | nft -f -
}

cmd_dup() {
  local pct=$1 table="${PREFIX}_dup" ports
  check_number "PCT" "$pct" 0 100
  need_cluster
  ports="$(port_set)"
  # The chain's device list is fixed when it is created, so build the table
  # afresh each time, for the ports there are now.
  if table_exists netdev "$table"; then nft delete table netdev "$table"; fi
  ((pct > 0)) || return 0
  # A copy sent with `dup to` passes this egress chain again: the mark lets
  # it through once, uncopied; the original's mark is put back to 0.
  nft -f - <<EOF
table netdev $table {
  chain egress {
    type filter hook egress devices = $ports priority 0; policy accept;
    meta mark $DUP_MARK meta mark set 0 accept
    $(chance "$pct") meta mark set $DUP_MARK dup to oifname map { $(dup_map) } meta mark set 0
  }
}
EOF
}

# "dev" : "dev" for every port: the copy leaves by the port the frame leaves by.
dup_map() {
  local dev entries=()
  for dev in /sys/class/net/"${PREFIX}br"/brif/*; do
    [[ -e "$dev" ]] && entries+=("\"${dev##*/}\" : \"${dev##*/}\"")
  done
  local IFS=,
  echo "${entries[*]}"
}

cmd_clear() { delete_tables; }

cmd_link() {
  local state=$1 i=$2
  need_node "$i"
  ip link set "${PREFIX}v$i" "$state"
}

cmd_exec() {
  local i=$1
  shift
  (($# > 0)) || die "exec: no command"
  check_number "node" "$i" 1 "$MAX_NODES"
  [[ -e "/run/netns/${PREFIX}n$i" ]] || die "no namespace ${PREFIX}n$i: run 'up N' first"
  exec ip netns exec "${PREFIX}n$i" "$@"
}

cmd_cluster_file() {
  local i=$1 n=$2 template=$3 out=$4 k device
  check_number "N" "$n" 1 "$MAX_NODES"
  check_number "I" "$i" 1 "$n"
  [[ "$template" == *"{iface}"* ]] || die "TEMPLATE '$template' has no {iface}"
  # The cluster file's limits (docs/configuration.md): one word, no comments.
  [[ "$template" =~ ^[^[:space:]\;#]+$ ]] || die "TEMPLATE '$template' must have no spaces, ';' or '#'"
  device="${template//\{iface\}/eth0}"
  {
    echo "[cluster]"
    echo "node_id = $i"
    echo "[eal]"
    echo "args = --no-huge --no-pci -m 256 --no-shconf --no-telemetry --file-prefix=${PREFIX}n$i --log-level=*:warning"
    echo "[controller.dpdk0]"
    echo "device = $device"
    for ((k = 1; k <= n; k++)); do
      echo "[node.$k]"
      echo "dpdk0 = $(mac_of "$k")"
    done
  } >"$out"
}

PREFIX=$DEFAULT_PREFIX

set_prefix() {
  [[ "$1" =~ ^[a-z][a-z0-9]{0,9}$ ]] ||
    die "prefix '$1': want a lowercase letter then up to 9 lowercase letters or digits"
  PREFIX=$1
}

main() {
  while (($# > 0)); do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --prefix) (($# >= 2)) || die "--prefix needs a value"; set_prefix "$2"; shift 2 ;;
      --prefix=*) set_prefix "${1#--prefix=}"; shift ;;
      *) break ;;
    esac
  done
  (($# > 0)) || { usage >&2; exit 2; }
  local cmd=$1
  shift
  local args=()
  if [[ "$cmd" == exec ]]; then
    # Everything after I belongs to CMD, so --prefix may only come before I.
    if (($# >= 2)) && [[ "$1" == --prefix ]]; then
      set_prefix "$2"
      shift 2
    elif (($# >= 1)) && [[ "$1" == --prefix=* ]]; then
      set_prefix "${1#--prefix=}"
      shift
    fi
    args=("$@")
  else
    while (($# > 0)); do
      case "$1" in
        --prefix) (($# >= 2)) || die "--prefix needs a value"; set_prefix "$2"; shift 2 ;;
        --prefix=*) set_prefix "${1#--prefix=}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) args+=("$1"); shift ;;
      esac
    done
  fi

  local want
  case "$cmd" in
    up | loss | dup | linkdown | linkup) want=1 ;;
    down | clear) want=0 ;;
    cluster-file) ((${#args[@]} == 3)) && args=("${args[0]}" "${args[1]}" "$DEFAULT_TEMPLATE" "${args[2]}"); want=4 ;;
    exec) want=-1 ;;
    *) die "unknown command '$cmd' (see -h)" ;;
  esac
  if ((want >= 0 && ${#args[@]} != want)); then
    die "$cmd: wrong number of arguments (see -h)"
  fi
  if [[ "$cmd" == exec ]] && ((${#args[@]} < 2)); then
    die "exec: want I CMD... (see -h)"
  fi

  if [[ "$cmd" == cluster-file ]]; then
    cmd_cluster_file "${args[@]}"
    return
  fi
  need_root "$cmd"
  case "$cmd" in
    loss | dup) ensure_packages iproute2 nftables ;;
    *) ensure_packages iproute2 ;;
  esac
  case "$cmd" in
    up) cmd_up "${args[0]}" ;;
    down) cmd_down ;;
    loss) cmd_loss "${args[0]}" ;;
    dup) cmd_dup "${args[0]}" ;;
    clear) cmd_clear ;;
    linkdown) cmd_link down "${args[0]}" ;;
    linkup) cmd_link up "${args[0]}" ;;
    exec) cmd_exec "${args[@]}" ;;
  esac
}

main "$@"
