-- SPDX-License-Identifier: BSD-3-Clause
-- Wireshark dissector for the rsm-dpdk segment protocol (EtherType 0x88B5),
-- wire format version 1 as docs/protocol.md specifies it and
-- transport/wire/codec.cc and transport/segments/segment_messages.cc
-- implement it. Wireshark 4.0 or later (Lua 5.2); see README.md here.
--
--   tshark -X lua_script:tools/wireshark/rsm.lua -r capture.pcap -V
--
-- Every check the receiver makes without state (DecodeFrame, the segment
-- payload decoders, the fragment rules) is an expert warning: a frame a
-- correct node sends gets none. Retransmissions are notes (they are normal).

local rsm = Proto("rsm", "rsm-dpdk segment protocol")

local ETHERTYPE = 0x88B5
local MAGIC = 0x52534D44 -- "RSMD"
local VERSION = 1
local HEADER_SIZE = 56
local MIN_NODE, MAX_NODE = 1, 64
local MAX_CONNECT_GROUPS = 32
local MAX_GET_LENGTH = 64 * 1024
local PERM_READ, PERM_WRITE = 256, 128 -- 0400, 0200

local T = {
  HELLO = 1, HELLO_ACK = 2, CONNECT = 3, CONNECT_REPLY = 4, DISCONNECT = 5,
  REVOKE = 6, PUT = 7, GET = 8, GET_REPLY = 9, BARRIER = 10,
  BARRIER_ACK = 11, SIGNAL = 12, ACK = 13, HEARTBEAT = 14,
}
local type_names = {}
for name, value in pairs(T) do type_names[value] = name end

local function sequenced(t)
  return t ~= T.HELLO and t ~= T.HELLO_ACK and t ~= T.ACK and t ~= T.HEARTBEAT
end

-- transport/result.h: the values a reply carries on the wire.
local result_names = {
  [0] = "OK", [1] = "NOT_PUBLISHED", [2] = "NOT_PUBLISHED_TO_NODE",
  [3] = "PERMISSION_DENIED", [4] = "NOT_CONNECTED", [5] = "OUT_OF_BOUNDS",
  [6] = "MALFORMED", [7] = "BARRIER_FAILED",
}
local MAX_WIRE_RESULT = 7

local crc_status_names = { [0] = "Bad", [1] = "Good", [2] = "Unverified" }

-- What aux means, by type (docs/protocol.md, "Frame types").
local AUX_TOKEN, AUX_TAG, AUX_SACK = 1, 2, 3
local aux_meaning = {
  [T.CONNECT] = AUX_TOKEN, [T.CONNECT_REPLY] = AUX_TOKEN,
  [T.DISCONNECT] = AUX_TOKEN, [T.REVOKE] = AUX_TOKEN, [T.PUT] = AUX_TOKEN,
  [T.GET] = AUX_TOKEN, [T.BARRIER] = AUX_TOKEN, [T.SIGNAL] = AUX_TOKEN,
  [T.GET_REPLY] = AUX_TAG, [T.BARRIER_ACK] = AUX_TAG, [T.ACK] = AUX_SACK,
}
-- Types whose offset is a segment offset (PUT, GET), a result (GET_REPLY's
-- first fragment, BARRIER_ACK) or signal flags (SIGNAL); 0 elsewhere.
local uses_segment = {
  [T.CONNECT] = true, [T.CONNECT_REPLY] = true, [T.DISCONNECT] = true,
  [T.REVOKE] = true, [T.PUT] = true, [T.GET] = true, [T.GET_REPLY] = true,
  [T.BARRIER] = true, [T.BARRIER_ACK] = true, [T.SIGNAL] = true,
}
local uses_offset = {
  [T.PUT] = true, [T.GET] = true, [T.GET_REPLY] = true,
  [T.BARRIER_ACK] = true, [T.SIGNAL] = true,
}

-- Header fields ------------------------------------------------------------

local f = {
  magic = ProtoField.uint32("rsm.magic", "Magic", base.HEX),
  version = ProtoField.uint8("rsm.version", "Version", base.DEC),
  type = ProtoField.uint8("rsm.type", "Type", base.DEC, type_names),
  flags = ProtoField.uint16("rsm.flags", "Flags", base.HEX),
  flag_first = ProtoField.bool("rsm.flags.first", "FIRST", 16, nil, 0x0001),
  flag_last = ProtoField.bool("rsm.flags.last", "LAST", 16, nil, 0x0002),
  flag_reserved = ProtoField.uint16("rsm.flags.reserved", "Reserved",
                                    base.HEX, nil, 0xFFFC),
  src_node = ProtoField.uint32("rsm.src_node", "Source node", base.DEC),
  dst_node = ProtoField.uint32("rsm.dst_node", "Destination node", base.DEC),
  src_incarnation = ProtoField.uint32("rsm.src_incarnation",
                                      "Source incarnation", base.HEX),
  dst_incarnation = ProtoField.uint32("rsm.dst_incarnation",
                                      "Destination incarnation", base.HEX),
  seq = ProtoField.uint32("rsm.seq", "Sequence number", base.DEC),
  ack = ProtoField.uint32("rsm.ack", "Cumulative ack", base.DEC),
  segment_id = ProtoField.uint32("rsm.segment_id", "Segment id", base.HEX),
  offset = ProtoField.uint64("rsm.offset", "Offset", base.DEC),
  length = ProtoField.uint32("rsm.length", "Payload length", base.DEC),
  aux = ProtoField.uint32("rsm.aux", "Aux", base.HEX),
  crc = ProtoField.uint32("rsm.crc", "CRC32C", base.HEX),
  crc_status = ProtoField.uint8("rsm.crc.status", "CRC32C status", base.DEC,
                                crc_status_names),
  crc_computed = ProtoField.uint32("rsm.crc.computed", "Computed CRC32C",
                                   base.HEX),

  -- What aux and offset mean for this type (generated from the same bytes).
  token = ProtoField.uint32("rsm.token", "Connection token", base.HEX),
  tag = ProtoField.uint32("rsm.tag", "Tag", base.DEC),
  sack = ProtoField.uint32("rsm.sack", "Selective ack bits", base.HEX),
  result = ProtoField.uint32("rsm.result", "Result", base.DEC, result_names),
  message_offset = ProtoField.uint64("rsm.message_offset",
                                     "Position in the message", base.DEC),
  signal_no_accumulate = ProtoField.bool("rsm.signal.no_accumulate",
                                         "RSM_SIGPOST_NO_ACCUMULATE"),
  signal_to_importer = ProtoField.bool("rsm.signal.to_importer",
                                       "To the importer (exporter's post)"),

  -- Payloads (little-endian, docs/protocol.md "Segment messages").
  connect_requested = ProtoField.uint32("rsm.connect.requested",
                                        "Requested permission", base.OCT),
  connect_read = ProtoField.bool("rsm.connect.requested.read", "Read (0400)",
                                 32, nil, PERM_READ),
  connect_write = ProtoField.bool("rsm.connect.requested.write",
                                  "Write (0200)", 32, nil, PERM_WRITE),
  connect_uid = ProtoField.uint32("rsm.connect.uid", "uid", base.DEC),
  connect_gid = ProtoField.uint32("rsm.connect.gid", "gid", base.DEC),
  connect_ngroups = ProtoField.uint32("rsm.connect.ngroups",
                                      "Supplementary groups", base.DEC),
  connect_group = ProtoField.uint32("rsm.connect.group", "Group", base.DEC),
  reply_result = ProtoField.uint32("rsm.connect_reply.result", "Result",
                                   base.DEC, result_names),
  reply_mode = ProtoField.uint32("rsm.connect_reply.granted_mode",
                                 "Granted mode", base.OCT),
  reply_segment_length = ProtoField.uint64("rsm.connect_reply.segment_length",
                                           "Segment length", base.DEC),
  get_length = ProtoField.uint32("rsm.get.length", "Length", base.DEC),
  get_tag = ProtoField.uint32("rsm.get.tag", "Tag", base.DEC),
  barrier_tag = ProtoField.uint32("rsm.barrier.tag", "Tag", base.DEC),
  data = ProtoField.bytes("rsm.data", "Data"),
  payload = ProtoField.bytes("rsm.payload", "Payload"),
  trailer = ProtoField.bytes("rsm.trailer", "Trailing bytes"),
  fcs = ProtoField.uint32("rsm.fcs", "Ethernet FCS", base.HEX),

  -- Analysis across frames.
  retransmission = ProtoField.bool("rsm.analysis.retransmission",
                                   "Retransmission"),
  original_frame = ProtoField.framenum("rsm.analysis.original_frame",
                                       "First sent in frame"),
  acked_frame = ProtoField.framenum("rsm.analysis.acked_frame",
                                    "Acks up to frame"),
  previous_fragment = ProtoField.framenum("rsm.analysis.previous_fragment",
                                          "Previous fragment in frame"),
}
local field_list = {}
for _, field in pairs(f) do field_list[#field_list + 1] = field end
rsm.fields = field_list

-- Expert info ----------------------------------------------------------------

local e = {
  too_short = ProtoExpert.new("rsm.too_short", "Shorter than the 56-byte header",
                              expert.group.MALFORMED, expert.severity.ERROR),
  bad_magic = ProtoExpert.new("rsm.bad_magic", "Bad magic (not 0x52534D44)",
                              expert.group.MALFORMED, expert.severity.WARN),
  bad_version = ProtoExpert.new("rsm.bad_version", "Unknown version",
                                expert.group.PROTOCOL, expert.severity.WARN),
  bad_type = ProtoExpert.new("rsm.bad_type", "Unknown type",
                             expert.group.PROTOCOL, expert.severity.WARN),
  bad_crc = ProtoExpert.new("rsm.crc.bad", "Bad CRC32C",
                            expert.group.CHECKSUM, expert.severity.WARN),
  bad_length = ProtoExpert.new("rsm.bad_length",
                               "length does not match the captured payload",
                               expert.group.MALFORMED, expert.severity.WARN),
  trailing = ProtoExpert.new("rsm.trailing_bytes",
                             "Bytes after the payload (frames carry none)",
                             expert.group.MALFORMED, expert.severity.WARN),
  bad_flags = ProtoExpert.new("rsm.bad_flags", "Flags not allowed here",
                              expert.group.PROTOCOL, expert.severity.WARN),
  bad_node = ProtoExpert.new("rsm.bad_node", "Node id outside 1..64",
                             expert.group.PROTOCOL, expert.severity.WARN),
  bad_incarnation = ProtoExpert.new("rsm.bad_incarnation", "Bad incarnation",
                                    expert.group.PROTOCOL, expert.severity.WARN),
  bad_sequence = ProtoExpert.new("rsm.bad_sequence", "Bad sequence number",
                                 expert.group.SEQUENCE, expert.severity.WARN),
  unused_nonzero = ProtoExpert.new("rsm.unused_nonzero",
                                   "Field this type does not use is not 0",
                                   expert.group.PROTOCOL, expert.severity.WARN),
  bad_payload = ProtoExpert.new("rsm.bad_payload",
                                "Payload does not parse (receiver counts it malformed)",
                                expert.group.MALFORMED, expert.severity.WARN),
  bad_result = ProtoExpert.new("rsm.bad_result", "Not a wire result value",
                               expert.group.PROTOCOL, expert.severity.WARN),
  bad_fragment = ProtoExpert.new("rsm.bad_fragment",
                                 "Fragment does not continue the message",
                                 expert.group.SEQUENCE, expert.severity.WARN),
  token_zero = ProtoExpert.new("rsm.token_zero",
                               "Connection token 0 (importers pick nonzero tokens)",
                               expert.group.PROTOCOL, expert.severity.NOTE),
  ignored_bits = ProtoExpert.new("rsm.ignored_bits",
                                 "Bits the receiver ignores are set",
                                 expert.group.PROTOCOL, expert.severity.NOTE),
  retransmission = ProtoExpert.new("rsm.retransmission",
                                   "Retransmission (same session and seq seen before)",
                                   expert.group.SEQUENCE, expert.severity.NOTE),
  fcs = ProtoExpert.new("rsm.fcs.present", "Frame ends with an Ethernet FCS",
                        expert.group.COMMENTS_GROUP, expert.severity.CHAT),
}
local expert_list = {}
for _, info in pairs(e) do expert_list[#expert_list + 1] = info end
rsm.experts = expert_list

-- Checksums ------------------------------------------------------------------

local band, bxor, rshift, bnot = bit32.band, bit32.bxor, bit32.rshift, bit32.bnot

local function crc_table(poly)
  local t = {}
  for i = 0, 255 do
    local c = i
    for _ = 1, 8 do
      if band(c, 1) ~= 0 then c = bxor(rshift(c, 1), poly) else c = rshift(c, 1) end
    end
    t[i] = c
  end
  return t
end
local CRC32C = crc_table(0x82F63B78) -- 0x1EDC6F41 reflected
local CRC32 = crc_table(0xEDB88320)  -- Ethernet

local function crc_update(table_, state, bytes)
  for i = 1, #bytes do
    state = bxor(table_[band(bxor(state, bytes:byte(i)), 0xFF)], rshift(state, 8))
  end
  return state
end

-- codec.cc FrameCrc: our header with the crc field taken as 0, then the
-- payload; the Ethernet header is not covered.
local function frame_crc(header_without_crc, payload)
  local state = crc_update(CRC32C, 0xFFFFFFFF, header_without_crc)
  state = crc_update(CRC32C, state, "\0\0\0\0")
  return bnot(crc_update(CRC32C, state, payload))
end
assert(bnot(crc_update(CRC32C, 0xFFFFFFFF, "123456789")) == 0xE3069283)

local eth_dst_field = Field.new("eth.dst")
local eth_src_field = Field.new("eth.src")

-- Whether `fcs` (4 bytes) is the Ethernet FCS of the frame whose Ethernet
-- header this packet has and whose data after the EtherType is `body`.
local function is_fcs(body, fcs)
  local dst, src = eth_dst_field(), eth_src_field()
  if dst == nil or src == nil then return false end
  local eth = dst.range:raw() .. src.range:raw() .. "\136\181" -- 0x88B5
  local crc = bnot(crc_update(CRC32, 0xFFFFFFFF, eth .. body))
  local b1, b2, b3, b4 = fcs:byte(1, 4)
  return crc == b1 + b2 * 256 + b3 * 65536 + b4 * 16777216
end

-- Sequence numbers: the wire cycle is 1 .. 2^32 - 1, 0 reserved.
local function previous_seq(seq)
  if seq == 1 then return 0xFFFFFFFF end
  return seq - 1
end

-- State across frames (rebuilt on every new pass over a capture) -------------

local first_sent = {}    -- session key .. seq -> first frame number with it
local fragment_info = {} -- session key .. seq -> what the frame was
local per_frame = {}     -- frame number -> results of the first pass

function rsm.init()
  first_sent, fragment_info, per_frame = {}, {}, {}
end

local function session_key(src, dst, src_inc, dst_inc)
  return string.format("%u/%u/%08x/%08x/", src, dst, src_inc, dst_inc)
end

local function le32(range, at) return range:range(at, 4):le_uint() end

-- Dissection -----------------------------------------------------------------

local function flag_text(flags)
  local parts = {}
  if band(flags, 1) ~= 0 then parts[#parts + 1] = "FIRST" end
  if band(flags, 2) ~= 0 then parts[#parts + 1] = "LAST" end
  if band(flags, 0xFFFC) ~= 0 then parts[#parts + 1] = string.format("0x%x", band(flags, 0xFFFC)) end
  return table.concat(parts, ",")
end

-- The payload of a whole message (FIRST|LAST), by type. Returns extra info
-- column text.
local function dissect_payload(t, payload, len, tree, h)
  if t == T.CONNECT then
    if len < 16 then
      tree:add_proto_expert_info(e.bad_payload, string.format(
        "CONNECT payload is %d bytes; it needs 16 + 4 per group", len))
      return ""
    end
    local requested = le32(payload, 0)
    local rq = tree:add_le(f.connect_requested, payload:range(0, 4))
    rq:add_le(f.connect_read, payload:range(0, 4))
    rq:add_le(f.connect_write, payload:range(0, 4))
    if band(requested, bnot(PERM_READ + PERM_WRITE)) ~= 0 then
      rq:add_proto_expert_info(e.ignored_bits,
                               "Requested bits other than 0400 and 0200 are ignored")
    end
    tree:add_le(f.connect_uid, payload:range(4, 4))
    tree:add_le(f.connect_gid, payload:range(8, 4))
    local ngroups = le32(payload, 12)
    local ng = tree:add_le(f.connect_ngroups, payload:range(12, 4))
    if ngroups > MAX_CONNECT_GROUPS or len ~= 16 + 4 * ngroups then
      ng:add_proto_expert_info(e.bad_payload, string.format(
        "%u groups (at most %d) in a %d-byte CONNECT payload (needs %u)",
        ngroups, MAX_CONNECT_GROUPS, len, 16 + 4 * ngroups))
    end
    local i = 0
    while i < ngroups and 16 + 4 * i + 4 <= len do
      tree:add_le(f.connect_group, payload:range(16 + 4 * i, 4))
      i = i + 1
    end
    local perm = ""
    if band(requested, PERM_READ) ~= 0 then perm = perm .. "r" end
    if band(requested, PERM_WRITE) ~= 0 then perm = perm .. "w" end
    return string.format(" req=%s uid=%u gid=%u", perm == "" and "-" or perm,
                         le32(payload, 4), le32(payload, 8))
  elseif t == T.CONNECT_REPLY then
    if len ~= 16 then
      tree:add_proto_expert_info(e.bad_payload, string.format(
        "CONNECT_REPLY payload is %d bytes, not 16", len))
      return ""
    end
    local result = le32(payload, 0)
    local r = tree:add_le(f.reply_result, payload:range(0, 4))
    if result > MAX_WIRE_RESULT then
      r:add_proto_expert_info(e.bad_result)
    end
    tree:add_le(f.reply_mode, payload:range(4, 4))
    tree:add_le(f.reply_segment_length, payload:range(8, 8))
    return string.format(" result=%s mode=0%o seglen=%s",
                         result_names[result] or tostring(result),
                         le32(payload, 4), tostring(payload:range(8, 8):le_uint64()))
  elseif t == T.GET then
    if len ~= 8 then
      tree:add_proto_expert_info(e.bad_payload, string.format(
        "GET payload is %d bytes, not 8 (length, tag)", len))
      return ""
    end
    local length = le32(payload, 0)
    local l = tree:add_le(f.get_length, payload:range(0, 4))
    if length > MAX_GET_LENGTH then
      l:add_proto_expert_info(e.bad_payload, "GET longer than 64 KiB")
    end
    tree:add_le(f.get_tag, payload:range(4, 4))
    tree:add_le(f.tag, payload:range(4, 4)):set_generated()
    return string.format(" getlen=%u tag=%u", length, le32(payload, 4))
  elseif t == T.BARRIER then
    if len ~= 4 then
      tree:add_proto_expert_info(e.bad_payload, string.format(
        "BARRIER payload is %d bytes, not 4 (tag)", len))
      return ""
    end
    tree:add_le(f.barrier_tag, payload:range(0, 4))
    tree:add_le(f.tag, payload:range(0, 4)):set_generated()
    return string.format(" tag=%u", le32(payload, 0))
  end
  return ""
end

function rsm.dissector(tvb, pinfo, tree)
  local captured = tvb:captured_len()
  local reported = tvb:reported_length_remaining()
  pinfo.cols.protocol = "RSM"
  local root = tree:add(rsm, tvb())
  if reported < HEADER_SIZE or captured < HEADER_SIZE then
    root:add_proto_expert_info(e.too_short)
    pinfo.cols.info = "Too short for the rsm header"
    return captured
  end

  local magic = tvb(0, 4):uint()
  local version = tvb(4, 1):uint()
  local t = tvb(5, 1):uint()
  local flags = tvb(6, 2):uint()
  local src = tvb(8, 4):uint()
  local dst = tvb(12, 4):uint()
  local src_inc = tvb(16, 4):uint()
  local dst_inc = tvb(20, 4):uint()
  local seq = tvb(24, 4):uint()
  local ack = tvb(28, 4):uint()
  local segment_id = tvb(32, 4):uint()
  local offset = tvb(36, 8):uint64()
  local length = tvb(44, 4):uint()
  local aux = tvb(48, 4):uint()
  local crc = tvb(52, 4):uint()
  local name = type_names[t]
  local is_seq = sequenced(t)
  local known = name ~= nil
  local is_first = band(flags, 1) ~= 0
  local is_last = band(flags, 2) ~= 0

  root:append_text(string.format(", %s, %u → %u", name or ("type " .. t), src, dst))

  local m = root:add(f.magic, tvb(0, 4))
  if magic ~= MAGIC then m:add_proto_expert_info(e.bad_magic) end
  local v = root:add(f.version, tvb(4, 1))
  if version ~= VERSION then
    v:add_proto_expert_info(e.bad_version, string.format(
      "Version %u; this dissector knows version %u", version, VERSION))
  end
  local ty = root:add(f.type, tvb(5, 1))
  if not known then
    ty:add_proto_expert_info(e.bad_type, string.format("Unknown type %u (1..14)", t))
  end

  local fl = root:add(f.flags, tvb(6, 2))
  fl:append_text(" [" .. flag_text(flags) .. "]")
  fl:add(f.flag_first, tvb(6, 2))
  fl:add(f.flag_last, tvb(6, 2))
  fl:add(f.flag_reserved, tvb(6, 2))
  if band(flags, 0xFFFC) ~= 0 then
    fl:add_proto_expert_info(e.bad_flags, "Unknown flag bits")
  elseif known and not is_seq and flags ~= 0 then
    fl:add_proto_expert_info(e.bad_flags, "Flags on an unsequenced type")
  end

  local item = root:add(f.src_node, tvb(8, 4))
  if src < MIN_NODE or src > MAX_NODE then item:add_proto_expert_info(e.bad_node) end
  item = root:add(f.dst_node, tvb(12, 4))
  if dst < MIN_NODE or dst > MAX_NODE then item:add_proto_expert_info(e.bad_node) end
  item = root:add(f.src_incarnation, tvb(16, 4))
  if src_inc == 0 then
    item:add_proto_expert_info(e.bad_incarnation, "Source incarnation 0")
  end
  item = root:add(f.dst_incarnation, tvb(20, 4))
  if known then
    if t == T.HELLO and dst_inc ~= 0 then
      item:add_proto_expert_info(e.bad_incarnation, "HELLO with a destination incarnation (must be 0)")
    elseif t ~= T.HELLO and dst_inc == 0 then
      item:add_proto_expert_info(e.bad_incarnation, "Destination incarnation 0 outside HELLO")
    end
  end
  item = root:add(f.seq, tvb(24, 4))
  if known then
    if is_seq and seq == 0 then
      item:add_proto_expert_info(e.bad_sequence, "Sequenced type with seq 0")
    elseif not is_seq and seq ~= 0 then
      item:add_proto_expert_info(e.bad_sequence, "Unsequenced type with seq (must be 0)")
    end
  end
  local ack_item = root:add(f.ack, tvb(28, 4))
  if ack == 0 then ack_item:append_text(" (nothing received yet)") end

  item = root:add(f.segment_id, tvb(32, 4))
  if known and not uses_segment[t] and segment_id ~= 0 then
    item:add_proto_expert_info(e.unused_nonzero, name .. " does not use segment_id; it must be 0")
  end

  -- offset: a segment offset, a position in the message, a result or flags.
  local off_item = root:add(f.offset, tvb(36, 8))
  local info_offset = ""
  local off_hi = offset:higher()
  local off_lo = offset:lower()
  if known and not uses_offset[t] then
    if off_hi ~= 0 or off_lo ~= 0 then
      off_item:add_proto_expert_info(e.unused_nonzero, name .. " does not use offset; it must be 0")
    end
  elseif (t == T.GET_REPLY and is_first) or t == T.BARRIER_ACK then
    off_item:append_text(" (result)")
    local r = off_item:add(f.result, tvb(36, 8), off_lo)
    r:set_generated()
    if off_hi ~= 0 or off_lo > MAX_WIRE_RESULT then
      r:add_proto_expert_info(e.bad_result, string.format(
        "%s result %s is not a wire result (0..%d)", name, tostring(offset), MAX_WIRE_RESULT))
      info_offset = " result=" .. tostring(offset)
    else
      info_offset = " result=" .. result_names[off_lo]
    end
    if t == T.GET_REPLY and off_lo ~= 0 and length ~= 0 then
      r:add_proto_expert_info(e.bad_payload, "GET_REPLY with an error result carries no bytes")
    end
  elseif t == T.GET_REPLY then
    off_item:append_text(" (position in the message)")
    off_item:add(f.message_offset, tvb(36, 8), offset):set_generated()
    info_offset = " off=" .. tostring(offset)
  elseif t == T.SIGNAL then
    off_item:append_text(" (signal flags)")
    off_item:add(f.signal_no_accumulate, tvb(36, 8), band(off_lo, 1) ~= 0):set_generated()
    off_item:add(f.signal_to_importer, tvb(36, 8), band(off_hi, 1) ~= 0):set_generated()
    if band(off_lo, 0xFFFFFFFE) ~= 0 or band(off_hi, 0xFFFFFFFE) ~= 0 then
      off_item:add_proto_expert_info(e.ignored_bits, "Signal bits other than 0 and 32 are ignored")
    end
    local parts = {}
    if band(off_lo, 1) ~= 0 then parts[#parts + 1] = "NO_ACCUMULATE" end
    if band(off_hi, 1) ~= 0 then parts[#parts + 1] = "TO_IMPORTER" end
    if #parts > 0 then info_offset = " sig=" .. table.concat(parts, "|") end
  else
    off_item:append_text(" (segment offset)")
    info_offset = " off=" .. tostring(offset)
  end

  local len_item = root:add(f.length, tvb(44, 4))
  if known and not is_seq and length ~= 0 then
    len_item:add_proto_expert_info(e.unused_nonzero, name .. " carries no payload; length must be 0")
  end

  local aux_item = root:add(f.aux, tvb(48, 4))
  local info_aux = ""
  local meaning = aux_meaning[t]
  if meaning == AUX_TOKEN then
    aux_item:append_text(" (connection token)")
    local tk = aux_item:add(f.token, tvb(48, 4))
    tk:set_generated()
    if aux == 0 then tk:add_proto_expert_info(e.token_zero) end
    info_aux = string.format(" token=0x%x", aux)
  elseif meaning == AUX_TAG then
    aux_item:append_text(string.format(" (tag of the %s)", t == T.GET_REPLY and "GET" or "BARRIER"))
    aux_item:add(f.tag, tvb(48, 4)):set_generated()
    info_aux = string.format(" tag=%u", aux)
  elseif meaning == AUX_SACK then
    aux_item:append_text(" (selective ack)")
    aux_item:add(f.sack, tvb(48, 4)):set_generated()
    if aux ~= 0 then info_aux = string.format(" sack=0x%x", aux) end
  elseif known and aux ~= 0 then
    aux_item:add_proto_expert_info(e.unused_nonzero, name .. " does not use aux; it must be 0")
  end

  -- length against what is there, then the CRC (codec.cc's order).
  local crc_item = root:add(f.crc, tvb(52, 4))
  local wanted = HEADER_SIZE + length
  local body_captured = math.min(captured, wanted)
  local fcs_present = false
  if reported < wanted then
    len_item:add_proto_expert_info(e.bad_length, string.format(
      "length %u but only %d payload bytes follow the header", length, reported - HEADER_SIZE))
  elseif reported > wanted then
    local extra = reported - wanted
    if extra == 4 and captured == reported and
       is_fcs(tvb:raw(0, wanted), tvb:raw(wanted, 4)) then
      fcs_present = true
    else
      len_item:add_proto_expert_info(e.trailing, string.format(
        "length %u but %d bytes follow the payload", length, extra))
    end
  end
  if captured >= wanted then
    local payload_raw = length > 0 and tvb:raw(HEADER_SIZE, length) or ""
    local computed = frame_crc(tvb:raw(0, 52), payload_raw)
    local good = computed == crc
    crc_item:append_text(good and " [correct]" or string.format(" [incorrect, should be 0x%08x]", computed))
    crc_item:add(f.crc_status, tvb(52, 4), good and 1 or 0):set_generated()
    crc_item:add(f.crc_computed, tvb(52, 4), computed):set_generated()
    if not good then
      crc_item:add_proto_expert_info(e.bad_crc, string.format(
        "Bad CRC32C 0x%08x, computed 0x%08x", crc, computed))
    end
  else
    crc_item:append_text(" [unverified: payload not captured]")
    crc_item:add(f.crc_status, tvb(52, 4), 2):set_generated()
  end

  -- The payload.
  local payload_len = math.max(0, math.min(body_captured, reported) - HEADER_SIZE)
  local info_payload = ""
  if length > 0 and payload_len > 0 then
    local payload = tvb(HEADER_SIZE, payload_len)
    if t == T.PUT or t == T.GET_REPLY then
      root:add(f.data, payload)
    elseif is_first and is_last and payload_len == length then
      root:add(f.payload, payload)
      info_payload = dissect_payload(t, payload, payload_len, root, nil)
    else
      root:add(f.payload, payload)
    end
  end
  if is_first and is_last and length == 0 then
    if t == T.CONNECT or t == T.CONNECT_REPLY or t == T.GET or t == T.BARRIER then
      info_payload = dissect_payload(t, nil, 0, root, nil)
    end
  end
  if known and is_seq and length ~= 0 and
     (t == T.DISCONNECT or t == T.REVOKE or t == T.SIGNAL or t == T.BARRIER_ACK) then
    len_item:add_proto_expert_info(e.bad_payload, name .. " carries no payload")
  end
  if fcs_present then
    local fi = root:add_le(f.fcs, tvb(wanted, 4))
    fi:append_text(" [correct]")
    fi:add_proto_expert_info(e.fcs)
  elseif reported > wanted and captured > wanted then
    root:add(f.trailer, tvb(wanted, captured - wanted))
  end

  -- Across frames: retransmissions, what an ack covers, fragments. Computed
  -- on the first pass (frames in capture order) and remembered.
  local state = per_frame[pinfo.number]
  if state == nil then
    state = {}
    per_frame[pinfo.number] = state
    local key = session_key(src, dst, src_inc, dst_inc)
    if known and is_seq and seq ~= 0 then
      local seen = first_sent[key .. seq]
      if seen ~= nil and seen ~= pinfo.number then
        state.original = seen
      else
        first_sent[key .. seq] = pinfo.number
        fragment_info[key .. seq] = {
          frame = pinfo.number, type = t, flags = flags, segment_id = segment_id,
          offset = offset, length = length, aux = aux,
        }
      end
      -- A frame without FIRST continues the frame before it, which must be
      -- the same message's; a FIRST must not cut a message short. Only
      -- judged when the previous frame of the session was captured.
      local prev = fragment_info[key .. previous_seq(seq)]
      if prev ~= nil and state.original == nil then
        state.previous = prev.frame
        if not is_first then
          if band(prev.flags, 2) ~= 0 then
            state.fragment_error = "No FIRST flag, but the previous frame ended its message"
          elseif prev.type ~= t or prev.segment_id ~= segment_id or prev.aux ~= aux then
            state.fragment_error = string.format(
              "Continues a %s (segment 0x%x, aux 0x%x) as a %s (segment 0x%x, aux 0x%x)",
              type_names[prev.type] or "?", prev.segment_id, prev.aux, name,
              segment_id, aux)
          elseif prev.offset + prev.length ~= offset then
            state.fragment_error = string.format(
              "Offset %s, but the previous fragment ended at %s",
              tostring(offset), tostring(prev.offset + prev.length))
          end
        elseif band(prev.flags, 2) == 0 then
          state.fragment_error = string.format(
            "FIRST while the message of frame %u has no LAST yet (that message is dropped)",
            prev.frame)
        end
      end
    end
    if ack ~= 0 then
      state.acked = first_sent[session_key(dst, src, dst_inc, src_inc) .. ack]
    end
  end
  if state.original ~= nil then
    local r = root:add(f.retransmission, tvb(24, 4), true)
    r:set_generated()
    r:add_proto_expert_info(e.retransmission)
    root:add(f.original_frame, tvb(24, 4), state.original):set_generated()
  end
  if state.fragment_error ~= nil then
    fl:add_proto_expert_info(e.bad_fragment, state.fragment_error)
  end
  if state.previous ~= nil and not (is_first and is_last) then
    root:add(f.previous_fragment, tvb(24, 4), state.previous):set_generated()
  end
  if state.acked ~= nil then
    ack_item:add(f.acked_frame, tvb(28, 4), state.acked):set_generated()
  end

  -- Info column: PUT 1→2 seq=5 ack=3 seg=0x400000 off=0 len=8 [FIRST,LAST]
  local info = { string.format("%s %u→%u", name or ("TYPE" .. t), src, dst) }
  if is_seq or seq ~= 0 then info[#info + 1] = string.format(" seq=%u", seq) end
  info[#info + 1] = string.format(" ack=%u", ack)
  if uses_segment[t] or segment_id ~= 0 then
    info[#info + 1] = string.format(" seg=0x%x", segment_id)
  end
  info[#info + 1] = info_offset
  if length ~= 0 or t == T.PUT or t == T.GET_REPLY then
    info[#info + 1] = string.format(" len=%u", length)
  end
  info[#info + 1] = info_aux
  info[#info + 1] = info_payload
  if flags ~= 0 then info[#info + 1] = " [" .. flag_text(flags) .. "]" end
  if state.original ~= nil then
    info[#info + 1] = string.format(" [retransmission of %u]", state.original)
  end
  pinfo.cols.info = table.concat(info)
  return captured
end

DissectorTable.get("ethertype"):add(ETHERTYPE, rsm)
