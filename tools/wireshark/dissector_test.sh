#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs tshark with tools/wireshark/rsm.lua over
#   - the golden capture (testdata/wire/golden_frames.pcap, the codec's own
#     frames): every field as tools/golden_frames/golden_frames.cc made it;
#   - a session of every type with the payloads docs/protocol.md specifies
#     (pcapng, as rte_pcapng writes, one frame with its FCS): no warnings;
#   - frames with one fault each: exactly the expected expert warning;
#   - a golden capture with one payload byte flipped: the bad-CRC warning,
#     and check_capture fails on it.
# check_capture is the reusable part: give it any capture of rsm-dpdk
# traffic and it asserts that every frame decodes as rsm without warnings.
set -euo pipefail

runfiles="${TEST_SRCDIR:?run under bazel test}/${TEST_WORKSPACE}"
lua="$runfiles/tools/wireshark/rsm.lua"
captures="$runfiles/tools/wireshark/test_captures.py"
golden="$runfiles/testdata/wire/golden_frames.pcap"
work="${TEST_TMPDIR:-$(mktemp -d)}/dissector_test"
mkdir -p "$work/home"
# tshark reads preferences and plugins from the home directory: use an empty
# one (HOME may be unset in the sandbox), so that only rsm.lua is loaded.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
export WIRESHARK_CONFIG_DIR="$work/home/.config/wireshark"

command -v tshark >/dev/null || {
  echo "tshark is not installed (tools/bootstrap.sh installs it)" >&2
  exit 1
}

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# tshark with the dissector loaded; stderr is kept apart and checked: only
# the warning about running as root may appear there.
run_tshark() {
  local err="$work/tshark.stderr"
  if ! tshark -n -X "lua_script:$lua" "$@" 2>"$err"; then
    echo "tshark $* failed:" >&2
    cat "$err" >&2
    return 1
  fi
  if grep -v -e 'Running as user "root"' -e '^$' "$err" >&2; then
    echo "tshark $* wrote the above to stderr" >&2
    return 1
  fi
}

# check_capture FILE [EXPECTED]
#
# Asserts that every frame of FILE (pcap or pcapng) decodes as rsm, with no
# Lua error and a CRC that verifies, and that no frame raises an expert info
# of warning level or above nor is malformed -- or, when EXPECTED is given
# (lines "frame<TAB>expert,expert" or "frame<TAB>-"), that the frames raise
# exactly the warnings it lists and only those frames may be malformed or
# fail their CRC. Prints the types seen and leaves them, space-separated and
# sorted, in TYPES_SEEN. Returns 1 (after saying why) on any mismatch.
TYPES_SEEN=""
check_capture() {
  local file="$1" expected="${2:-}"
  local summary="$work/summary.txt"
  run_tshark -r "$file" -T pdml >"$work/pdml.xml" || return 1
  python3 "$captures" summarize <"$work/pdml.xml" >"$summary" || return 1
  if [[ ! -s "$summary" ]]; then
    echo "$file: no frames" >&2
    return 1
  fi
  local ok=0 number proto type warnings notes malformed lua crc want
  while IFS=$'\t' read -r number proto type warnings notes malformed lua crc; do
    want="-"
    if [[ -n "$expected" ]]; then
      want="$(awk -F'\t' -v n="$number" '$1 == n { print $2 }' "$expected")"
      want="${want:--}"
    fi
    if [[ "$proto" != rsm ]]; then
      echo "$file frame $number: not decoded as rsm" >&2
      ok=1
    fi
    if [[ "$lua" != - ]]; then
      echo "$file frame $number: Lua error in the dissector" >&2
      ok=1
    fi
    if [[ "$warnings" != "$want" ]]; then
      echo "$file frame $number ($type): expert warnings '$warnings', expected '$want'" >&2
      ok=1
    fi
    if [[ "$want" == - && "$malformed" != - ]]; then
      echo "$file frame $number ($type): malformed" >&2
      ok=1
    fi
    if [[ "$want" == - && "$crc" != 1 ]]; then
      echo "$file frame $number ($type): CRC status $crc, not good (1)" >&2
      ok=1
    fi
  done <"$summary"
  TYPES_SEEN="$(cut -f3 "$summary" | sort -u | tr '\n' ' ' | sed 's/ $//')"
  echo "$file: $(wc -l <"$summary") frames, types seen: $TYPES_SEEN"
  return "$ok"
}

# expect_fields FILE NAME FIELD... <<< table
# Compares, frame by frame, the fields tshark decodes (-T fields; several
# occurrences joined by ,) with the table on stdin: lines "frame name=value
# ...", naming the fields without "rsm." and leaving out empty ones. Text
# after # is a comment.
expect_fields() {
  local file="$1" name="$2"
  shift 2
  local args=() field
  for field in frame.number "$@"; do args+=(-e "$field"); done
  run_tshark -r "$file" -T fields -E separator=/t -E occurrence=a \
    -E aggregator=, "${args[@]}" >"$work/$name.raw" || {
    fail "$name: tshark"
    return
  }
  awk -F'\t' -v names="$*" '
    BEGIN { n = split(names, name, " ") }
    {
      line = $1
      for (i = 1; i <= n; i++) {
        if ($(i + 1) != "") { f = name[i]; sub(/^rsm\./, "", f); line = line " " f "=" $(i + 1) }
      }
      print line
    }' "$work/$name.raw" >"$work/$name.got"
  sed -e 's/#.*//' -e 's/  */ /g' -e 's/ *$//' -e '/^$/d' >"$work/$name.want"
  if ! diff -u "$work/$name.want" "$work/$name.got" >&2; then
    fail "$name: decoded values differ (- expected, + decoded)"
  fi
}

all_types="ACK BARRIER BARRIER_ACK CONNECT CONNECT_REPLY DISCONNECT GET GET_REPLY HEARTBEAT HELLO HELLO_ACK PUT REVOKE SIGNAL"

# --- The golden capture ------------------------------------------------------
#
# golden_frames.cc predates the segment payloads of docs/protocol.md: its
# CONNECT, CONNECT_REPLY, GET and BARRIER carry no payload, its GET_REPLY has
# offset 4096 where the result goes, and its second PUT fragment does not
# repeat the first's aux. Its receiver's segment layer would count those
# malformed (the engine: rx_bad_fragment), so the dissector says so. The rest
# of it, and every frame's header and CRC, must decode cleanly.
cat >"$work/golden.expected" <<'EOF'
3	rsm.bad_payload
4	rsm.bad_payload
6	rsm.bad_fragment
8	rsm.bad_payload
9	rsm.bad_payload,rsm.bad_result
10	rsm.bad_payload
EOF
if check_capture "$golden" "$work/golden.expected"; then
  [[ "$TYPES_SEEN" == "$all_types" ]] || fail "golden: types seen: $TYPES_SEEN"
else
  fail "golden capture"
fi
[[ "$(grep -c . "$work/summary.txt")" == 15 ]] || fail "golden: not 15 frames"

# Every header field, as golden_frames.cc sets it: node 1 (incarnation
# 0x5EED0001) to node 2 (0x5EED0002) and back, segment 0x80000000.
run_tshark -r "$golden" -T fields -e rsm.magic -e rsm.version \
  >"$work/golden_magic.txt" || fail "golden: magic"
[[ "$(sort -u "$work/golden_magic.txt")" == $'0x52534d44\t1' ]] ||
  fail "golden: magic and version: $(sort -u "$work/golden_magic.txt")"
expect_fields "$golden" golden_sessions rsm.type rsm.src_node rsm.dst_node \
  rsm.src_incarnation rsm.dst_incarnation rsm.seq rsm.ack <<'EOF'
1 type=1 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x00000000 seq=0 ack=0  # HELLO
2 type=2 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=0 ack=0  # HELLO_ACK
3 type=3 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=1 ack=0  # CONNECT
4 type=4 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=1 ack=1  # CONNECT_REPLY
5 type=7 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=2 ack=1  # PUT
6 type=7 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=3 ack=1  # PUT
7 type=13 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=0 ack=3 # ACK
8 type=8 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=4 ack=1  # GET
9 type=9 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=2 ack=4  # GET_REPLY
10 type=10 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=5 ack=2 # BARRIER
11 type=11 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=3 ack=5 # BARRIER_ACK
12 type=12 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=6 ack=3 # SIGNAL
13 type=14 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=0 ack=6 # HEARTBEAT
14 type=5 src_node=1 dst_node=2 src_incarnation=0x5eed0001 dst_incarnation=0x5eed0002 seq=7 ack=3  # DISCONNECT
15 type=6 src_node=2 dst_node=1 src_incarnation=0x5eed0002 dst_incarnation=0x5eed0001 seq=4 ack=7  # REVOKE
EOF
# The message fields, and what aux and offset mean per type: a token, the
# tag (GET_REPLY, BARRIER_ACK), the result (their offset); the bytes.
expect_fields "$golden" golden_messages rsm.flags rsm.segment_id rsm.offset \
  rsm.length rsm.aux rsm.crc.status rsm.token rsm.tag rsm.result rsm.data <<'EOF'
1 flags=0x0000 segment_id=0x00000000 offset=0 length=0 aux=0x00000000 crc.status=1
2 flags=0x0000 segment_id=0x00000000 offset=0 length=0 aux=0x00000000 crc.status=1
3 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000000 crc.status=1 token=0x00000000
4 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000000 crc.status=1 token=0x00000000
5 flags=0x0001 segment_id=0x80000000 offset=256 length=16 aux=0x00000018 crc.status=1 token=0x00000018 data=000102030405060708090a0b0c0d0e0f
6 flags=0x0002 segment_id=0x80000000 offset=272 length=8 aux=0x00000000 crc.status=1 token=0x00000000 data=1011121314151617
7 flags=0x0000 segment_id=0x00000000 offset=0 length=0 aux=0x00000000 crc.status=1
8 flags=0x0003 segment_id=0x80000000 offset=4096 length=0 aux=0x00000020 crc.status=1 token=0x00000020
9 flags=0x0003 segment_id=0x80000000 offset=4096 length=32 aux=0x00000020 crc.status=1 tag=32 result=4096 data=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
10 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000007 crc.status=1 token=0x00000007
11 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000007 crc.status=1 tag=7 result=0
12 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000000 crc.status=1 token=0x00000000
13 flags=0x0000 segment_id=0x00000000 offset=0 length=0 aux=0x00000000 crc.status=1
14 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000000 crc.status=1 token=0x00000000
15 flags=0x0003 segment_id=0x80000000 offset=0 length=0 aux=0x00000000 crc.status=1 token=0x00000000
EOF
run_tshark -r "$golden" -T fields -e _ws.col.Info >"$work/golden_info.txt" ||
  fail "golden: info column"
grep -qxF 'PUT 1→2 seq=2 ack=1 seg=0x80000000 off=256 len=16 token=0x18 [FIRST]' \
  "$work/golden_info.txt" || fail "golden: info column of the PUT: $(sed -n 5p "$work/golden_info.txt")"
grep -qxF 'HEARTBEAT 2→1 ack=6' "$work/golden_info.txt" ||
  fail "golden: info column of the HEARTBEAT: $(sed -n 13p "$work/golden_info.txt")"

# --- Frames as the current code sends them ------------------------------------
conformant="$work/conformant.pcapng"
python3 "$captures" conformant "$conformant"
if check_capture "$conformant"; then
  [[ "$TYPES_SEEN" == "$all_types" ]] || fail "conformant: types seen: $TYPES_SEEN"
else
  fail "conformant capture: correct frames must raise no warning"
fi
# Only notes: the retransmission (frame 9) and the FCS (frame 25).
cut -f1,5 "$work/summary.txt" | grep -v $'\t-$' >"$work/conformant_notes.txt" || true
diff -u - "$work/conformant_notes.txt" <<'EOF' >&2 || fail "conformant: notes"
9	rsm.retransmission
25	rsm.fcs.present
EOF
# The payloads and the type-specific meanings, and the analysis.
expect_fields "$conformant" conformant_payloads \
  rsm.connect.requested rsm.connect.uid rsm.connect.gid rsm.connect.ngroups \
  rsm.connect.group rsm.connect_reply.result rsm.connect_reply.granted_mode \
  rsm.connect_reply.segment_length rsm.get.length rsm.get.tag \
  rsm.barrier.tag rsm.result rsm.tag rsm.signal.no_accumulate \
  rsm.signal.to_importer rsm.message_offset rsm.sack \
  rsm.analysis.retransmission rsm.analysis.original_frame rsm.fcs <<'EOF'
1
2
3 connect.requested=384 connect.uid=1000 connect.gid=100 connect.ngroups=2 connect.group=10,20  # 0600: read and write
4 connect_reply.result=0 connect_reply.granted_mode=384 connect_reply.segment_length=1048576
5
6
7
8 sack=0x00000000
9 analysis.retransmission=1 analysis.original_frame=7    # PUT seq 4 again
10 get.length=32 get.tag=9 tag=9
11 result=0 tag=9                                        # GET_REPLY, OK
12 get.length=8 get.tag=10 tag=10
13 result=5 tag=10                                       # OUT_OF_BOUNDS
14 barrier.tag=11 tag=11
15 sack=0x00000005
16 result=0 tag=11                                       # BARRIER_ACK, OK
17 signal.no_accumulate=1 signal.to_importer=0
18 signal.no_accumulate=0 signal.to_importer=1
19
20
21
22 get.length=24 get.tag=12 tag=12
23 result=0 tag=12                                       # first fragment
24 tag=12 message_offset=16                              # second, at 16
25 fcs=0xb93f0695
EOF

# --- One fault per frame: exactly its warning -----------------------------------
faults="$work/faults.pcap"
python3 "$captures" faults "$faults"
check_capture "$faults" "$faults.expected" || fail "faults: expected warnings"

# --- A flipped payload byte: the CRC no longer verifies --------------------------
corrupt="$work/golden_corrupt.pcap"
python3 "$captures" corrupt "$golden" "$corrupt" 5
if check_capture "$corrupt" "$work/golden.expected" 2>"$work/corrupt.stderr"; then
  fail "check_capture accepts a capture whose frame 5 fails its CRC"
fi
grep -q "frame 5 (PUT): expert warnings 'rsm.crc.bad'" "$work/corrupt.stderr" ||
  fail "corrupt: no bad-CRC warning on frame 5: $(cat "$work/corrupt.stderr")"
{ cat "$work/golden.expected"; printf '5\trsm.crc.bad\n'; } >"$work/corrupt.expected"
check_capture "$corrupt" "$work/corrupt.expected" || fail "corrupt: other frames changed"
[[ "$(awk -F'\t' '$1 == 5 { print $8 }' "$work/summary.txt")" == 0 ]] ||
  fail "corrupt: rsm.crc.status of frame 5 is not bad (0)"

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "PASS"
