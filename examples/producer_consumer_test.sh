#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs examples/producer_consumer as two processes on this host over
# net_memif, as the README shows: the consumer (node 1, memif server) in the
# background, then the producer (node 2, memif client). Four runs: the
# consumer in rsm_intr_signal_wait, in poll(2) (--poll), started after the
# producer, and with an access list that leaves the producer out. Each
# process is bounded by `timeout 60`; leftovers are killed on exit.
#
# The cluster files are written here rather than taken from
# testdata/cluster/: each test run needs a socket of its own.
set -euo pipefail

runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
prog="$runfiles/examples/producer_consumer"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
source "$runfiles/examples/cli_checks.sh"

# The command line, before any DPDK starts.
check_help "$prog" --controller --segment-id --records --allow --timeout \
  --poll --node
check_usage_error "say consumer or producer\$" "$prog"
check_usage_error "'both': say consumer or producer" "$prog" both
check_usage_error "unexpected argument 'producer'" "$prog" consumer producer
check_usage_error "unrecognized option '--bogus'" "$prog" consumer --bogus
check_usage_error "requires an argument" "$prog" producer --node
check_usage_error "the producer needs --node CONSUMER_NODE" "$prog" producer
check_usage_error "--node is for the producer" "$prog" consumer -n 1
check_usage_error "--poll is for the consumer" "$prog" producer -n 1 --poll
check_usage_error "--allow is for the consumer" "$prog" producer -n 1 -a 1
check_usage_error "--node: '65' is not a number from 1 to 64" \
  "$prog" producer --node 65
check_usage_error "--records: 'many' is not a number from 1 to 16777216" \
  "$prog" producer -n 1 --records many
check_usage_error "--records: '0' is not a number" "$prog" consumer -r 0
check_usage_error "--records: ' 5' is not a number" "$prog" consumer -r ' 5'
check_usage_error "--timeout: '3s' is not a number" "$prog" consumer -t 3s
check_usage_error "--segment-id: '0x' is not a number" "$prog" consumer -s 0x
check_usage_error "--allow: '-1' is not a number" "$prog" consumer --allow=-1

# memif's socket path must be under 108 characters; TEST_TMPDIR usually is
# too long, so fall back to a fresh directory under /tmp.
sockdir="$tmp"
if (( ${#sockdir} + 16 > 100 )); then
  sockdir=$(mktemp -d /tmp/rsmpc.XXXXXX)
fi
socket="$sockdir/memif.sock"

pids=()
cleanup() {
  local pid
  # Each pid is a `timeout`, which passes the TERM on to its program.
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  rm -f "$socket"
  if [[ "$sockdir" != "$tmp" ]]; then rm -rf "$sockdir"; fi
}
trap cleanup EXIT

# write_config NODE ROLE CORE: a two-node cluster file for NODE.
write_config() {
  local node=$1 role=$2 core=$3
  cat >"$tmp/node$node.ini" <<INI
; written by producer_consumer_test.sh
[cluster]
node_id = $node

[eal]
args = --no-huge --no-pci -m 256 --no-shconf --no-telemetry --file-prefix=rsmpc$node -l $core --log-level=*:warning

[controller.dpdk0]
device = net_memif0,role=$role,socket=$socket,socket-abstract=no

[node.1]
dpdk0 = 02:00:00:00:00:01

[node.2]
dpdk0 = 02:00:00:00:00:02
INI
}
write_config 1 server 1
write_config 2 client 0

failures=0


# run NAME RECORDS EXPECT CONSUMER_ARGS... -- PRODUCER_ARGS...
# Starts the consumer, then the producer, unless PRODUCER_FIRST is set: then
# the producer, and the consumer a second later. EXPECT is "ok" (both exit 0,
# every record verified) or "refused" (the consumer's access list leaves the
# producer out: the producer fails to connect, the consumer times out).
run() {
  local name=$1 records=$2 expect=$3
  shift 3
  local consumer_args=() producer_args=()
  while [[ $1 != -- ]]; do consumer_args+=("$1"); shift; done
  shift
  producer_args=("$@")
  local clog="$tmp/$name.consumer.log" plog="$tmp/$name.producer.log"
  local start=$SECONDS

  local consumer producer
  if [[ -z ${PRODUCER_FIRST:-} ]]; then
    RSM_CONFIG="$tmp/node1.ini" timeout 60 "$prog" consumer \
      --records "$records" "${consumer_args[@]}" >"$clog" 2>&1 &
    consumer=$!
    pids+=("$consumer")
  fi
  RSM_CONFIG="$tmp/node2.ini" timeout 60 "$prog" producer --node 1 \
    --records "$records" "${producer_args[@]}" >"$plog" 2>&1 &
  producer=$!
  pids+=("$producer")
  if [[ -n ${PRODUCER_FIRST:-} ]]; then
    sleep 1
    RSM_CONFIG="$tmp/node1.ini" timeout 60 "$prog" consumer \
      --records "$records" "${consumer_args[@]}" >"$clog" 2>&1 &
    consumer=$!
    pids+=("$consumer")
  fi

  local crc=0 prc=0
  wait "$producer" || prc=$?
  wait "$consumer" || crc=$?
  pids=()
  echo "=== $name: consumer exit $crc, producer exit $prc, $((SECONDS - start)) s"
  echo "--- consumer"; cat "$clog"
  echo "--- producer"; cat "$plog"

  local ok=1
  # expect_line LOG REGEX: fails the run unless a line of LOG matches.
  expect_line() {
    if ! grep -Eq "$2" "$1"; then
      echo "FAIL $name: no line /$2/ in $(basename "$1")"
      ok=0
    fi
  }
  if [[ $expect == ok ]]; then
    if (( crc != 0 )); then echo "FAIL $name: consumer exited $crc"; ok=0; fi
    if (( prc != 0 )); then
      echo "FAIL $name: producer exited $prc"; ok=0
    fi
    expect_line "$clog" "^consumer: verified $records records "
    expect_line "$plog" "^producer: wrote $records records "
    expect_line "$plog" '^producer: signal posted$'
    # The records crossed the wire: the consumer's engine applied the puts.
    expect_line "$clog" \
      '^consumer: dpdk0 frames in [1-9][0-9]*, .*puts applied [1-9][0-9]*$'
  else
    if (( crc != 1 )); then echo "FAIL $name: consumer exited $crc, not 1"; ok=0; fi
    if (( prc != 1 )); then echo "FAIL $name: producer exited $prc, not 1"; ok=0; fi
    expect_line "$plog" \
      'rsm_memseg_import_connect failed: RSMERR_SEG_NOT_PUBLISHED_TO_NODE \(8\)$'
    expect_line "$clog" 'rsm_intr_signal_wait failed: RSMERR_TIMEOUT \(42\)$'
    expect_line "$clog" '^consumer: no signal within 3 s'
    if grep -q '^consumer: verified' "$clog"; then
      echo "FAIL $name: the consumer verified records nobody wrote"; ok=0
    fi
  fi
  if (( ok )); then echo "PASS $name"; else failures=$((failures + 1)); fi
  # A consumer that exits closes its port, which removes the socket file;
  # one that failed or was killed by timeout leaves it, and the next server
  # on that path would fail to probe ("Address already in use"). Remove it
  # between runs.
  rm -f "$socket"
}

# Signal wait, access list naming the producer's node, default segment id.
run signal_wait 1000 ok --allow 2 --
# poll(2) on the pollfd, no access list, another id and more records; the
# short options.
run poll 5000 ok -p -s 0x7ffffff0 -- -s 0x7ffffff0
# The producer first: it waits for the consumer's node, then for the segment.
PRODUCER_FIRST=1 run producer_first 1000 ok --allow 2 --
# An access list without the producer's node.
run refused 10 refused --allow 3 --timeout 3 --

if (( failures > 0 )); then
  echo "$failures run(s) failed"
  exit 1
fi
echo "all runs passed"
