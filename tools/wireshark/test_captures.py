#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Captures for dissector_test.sh, and a summary of tshark's PDML output.

  test_captures.py corrupt IN.pcap OUT.pcap FRAME   flip a payload byte
  test_captures.py conformant OUT.pcapng            every type, as specified
  test_captures.py faults OUT.pcap                  one fault per frame;
                                                    writes OUT.pcap.expected
  test_captures.py summarize < PDML                 one line per frame

Frames are encoded here independently of transport/wire/codec.cc, from
docs/protocol.md; the golden capture checks the dissector against the codec.
Standard library only.
"""
import struct
import sys
import xml.etree.ElementTree as ET

ETHERTYPE = 0x88B5
MAGIC = 0x52534D44
HEADER = 56
(HELLO, HELLO_ACK, CONNECT, CONNECT_REPLY, DISCONNECT, REVOKE, PUT, GET,
 GET_REPLY, BARRIER, BARRIER_ACK, SIGNAL, ACK, HEARTBEAT) = range(1, 15)
FIRST, LAST = 1, 2
WHOLE = FIRST | LAST
SEQUENCED = {CONNECT, CONNECT_REPLY, DISCONNECT, REVOKE, PUT, GET, GET_REPLY,
             BARRIER, BARRIER_ACK, SIGNAL}
WARNING = 0x00600000  # expert.severity.WARN; ERROR is above it


def crc_table(poly):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = crc_table(0x82F63B78)
CRC32_TABLE = crc_table(0xEDB88320)


def crc(table, data):
    state = 0xFFFFFFFF
    for b in data:
        state = table[(state ^ b) & 0xFF] ^ (state >> 8)
    return state ^ 0xFFFFFFFF


assert crc(CRC32C_TABLE, b"123456789") == 0xE3069283
assert crc(CRC32_TABLE, b"123456789") == 0xCBF43926

MAC = {1: bytes.fromhex("020000000001"), 2: bytes.fromhex("020000000002")}
INCARNATION = {1: 0x1111AAAA, 2: 0x2222BBBB}


def frame(ftype, src, seq=0, ack=0, flags=None, segment_id=0, offset=0, aux=0,
          payload=b"", dst=None, src_inc=None, dst_inc=None, length=None,
          magic=MAGIC, version=1, crc_payload=None, fcs=False):
    """An Ethernet frame from node `src` to the other node (1 or 2).

    Defaults follow the protocol: flags FIRST|LAST on sequenced types,
    incarnations of both nodes (dst 0 in HELLO), length of the payload, CRC
    over the header and `crc_payload` (default: the payload)."""
    dst = dst if dst is not None else (2 if src == 1 else 1)
    if flags is None:
        flags = WHOLE if ftype in SEQUENCED else 0
    if src_inc is None:
        src_inc = INCARNATION.get(src, 0x5EED)
    if dst_inc is None:
        dst_inc = 0 if ftype == HELLO else INCARNATION.get(dst, 0x5EED)
    if length is None:
        length = len(payload)
    header = struct.pack(">IBBHIIIIIIIQII", magic, version, ftype, flags, src,
                         dst, src_inc, dst_inc, seq, ack, segment_id, offset,
                         length, aux)
    covered = payload if crc_payload is None else crc_payload
    value = crc(CRC32C_TABLE, header + b"\0\0\0\0" + covered)
    eth = MAC.get(dst, MAC[1]) + MAC.get(src, MAC[2]) + struct.pack(">H", ETHERTYPE)
    out = eth + header + struct.pack(">I", value) + payload
    if fcs:
        out += struct.pack("<I", crc(CRC32_TABLE, out))
    return out


def le32(*values):
    return b"".join(struct.pack("<I", v) for v in values)


def write_pcap(path, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, data in enumerate(frames):
            out.write(struct.pack("<IIII", 1700000000, i * 1000, len(data),
                                  len(data)))
            out.write(data)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, major, minor, _, _, _, link = struct.unpack_from("<IHHiIII", data)
    assert (magic, major, minor, link) == (0xA1B2C3D4, 2, 4, 1), path
    frames, at = [], 24
    while at < len(data):
        _, _, captured, _ = struct.unpack_from("<IIII", data, at)
        at += 16
        frames.append(data[at:at + captured])
        at += captured
    return frames


def write_pcapng(path, frames):
    """As DPDK's rte_pcapng writes: one section, one Ethernet interface
    (no if_fcslen option), enhanced packet blocks."""

    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        size = len(body) + 12
        return struct.pack("<II", kind, size) + body + struct.pack("<I", size)

    with open(path, "wb") as out:
        out.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        out.write(block(1, struct.pack("<HHI", 1, 0, 0)))
        for i, data in enumerate(frames):
            ts = 1700000000 * 1000000 + i * 1000
            out.write(block(6, struct.pack("<IIIII", 0, ts >> 32,
                                           ts & 0xFFFFFFFF, len(data),
                                           len(data)) + data))


def conformant():
    """A session as the current code sends it: every type, a fragmented PUT
    and GET_REPLY, a refused GET, a retransmission, a frame with its FCS."""
    seg, token = 0x400000, 0x51
    return [
        frame(HELLO, 1),                                             # 1
        frame(HELLO_ACK, 2),                                         # 2
        frame(CONNECT, 1, seq=1, segment_id=seg, aux=token,
              payload=le32(0o600, 1000, 100, 2, 10, 20)),            # 3
        frame(CONNECT_REPLY, 2, seq=1, ack=1, segment_id=seg, aux=token,
              payload=le32(0, 0o600) + struct.pack("<Q", 1 << 20)),  # 4
        frame(PUT, 1, seq=2, ack=1, flags=FIRST, segment_id=seg, offset=0,
              aux=token, payload=bytes(range(16))),                  # 5
        frame(PUT, 1, seq=3, ack=1, flags=0, segment_id=seg, offset=16,
              aux=token, payload=bytes(range(16, 32))),              # 6
        frame(PUT, 1, seq=4, ack=1, flags=LAST, segment_id=seg, offset=32,
              aux=token, payload=bytes(range(32, 40))),              # 7
        frame(ACK, 2, ack=3),                                        # 8
        frame(PUT, 1, seq=4, ack=1, flags=LAST, segment_id=seg, offset=32,
              aux=token, payload=bytes(range(32, 40))),              # 9 again
        frame(GET, 1, seq=5, ack=1, segment_id=seg, offset=4096, aux=token,
              payload=le32(32, 9)),                                  # 10
        frame(GET_REPLY, 2, seq=2, ack=5, segment_id=seg, offset=0, aux=9,
              payload=bytes(range(0xA0, 0xC0))),                     # 11
        frame(GET, 1, seq=6, ack=2, segment_id=seg, offset=2000000,
              aux=token, payload=le32(8, 10)),                       # 12
        frame(GET_REPLY, 2, seq=3, ack=6, segment_id=seg, offset=5,
              aux=10),                                               # 13
        frame(BARRIER, 1, seq=7, ack=3, segment_id=seg, aux=token,
              payload=le32(11)),                                     # 14
        frame(ACK, 2, ack=7, aux=0b101),                             # 15
        frame(BARRIER_ACK, 2, seq=4, ack=7, segment_id=seg, offset=0,
              aux=11),                                               # 16
        frame(SIGNAL, 1, seq=8, ack=4, segment_id=seg, offset=1,
              aux=token),                                            # 17
        frame(SIGNAL, 2, seq=5, ack=8, segment_id=seg, offset=1 << 32,
              aux=token),                                            # 18
        frame(HEARTBEAT, 1, ack=5),                                  # 19
        frame(DISCONNECT, 1, seq=9, ack=5, segment_id=seg, aux=token),  # 20
        frame(REVOKE, 2, seq=6, ack=9, segment_id=seg, aux=token),   # 21
        frame(GET, 1, seq=10, ack=6, segment_id=seg, offset=64,
              aux=token, payload=le32(24, 12)),                      # 22
        frame(GET_REPLY, 2, seq=7, ack=10, flags=FIRST, segment_id=seg,
              offset=0, aux=12, payload=bytes(16)),                  # 23
        frame(GET_REPLY, 2, seq=8, ack=10, flags=LAST, segment_id=seg,
              offset=16, aux=12, payload=bytes(8)),                  # 24
        frame(HEARTBEAT, 2, ack=10, fcs=True),                       # 25
    ]


def faults():
    """(frame, the expert infos of warning level or above it must raise)."""
    seg, token = 0x400000, 0x51
    put = dict(segment_id=seg, aux=token, payload=bytes(16))
    good = frame(PUT, 1, seq=100, **put)
    flipped = bytearray(good)
    flipped[-1] ^= 0x01
    return [
        (frame(PUT, 1, seq=102, magic=0x52534D45, **put), "rsm.bad_magic"),
        (frame(PUT, 1, seq=104, version=2, **put), "rsm.bad_version"),
        (frame(15, 1, seq=106), "rsm.bad_type"),
        (frame(0, 1), "rsm.bad_type"),
        (bytes(flipped), "rsm.crc.bad"),
        (frame(PUT, 1, seq=108, length=20, **put), "rsm.bad_length"),
        (frame(PUT, 1, seq=110, segment_id=seg, aux=token, length=8,
               payload=bytes(16), crc_payload=bytes(8)), "rsm.trailing_bytes"),
        (frame(HEARTBEAT, 1, flags=WHOLE), "rsm.bad_flags"),
        (frame(PUT, 1, seq=112, flags=WHOLE | 8, **put), "rsm.bad_flags"),
        (frame(PUT, 1, seq=114, dst=65, **put), "rsm.bad_node"),
        (frame(PUT, 0, seq=116, dst=1, **put), "rsm.bad_node"),
        (frame(PUT, 1, seq=118, src_inc=0, **put), "rsm.bad_incarnation"),
        (frame(HELLO, 1, dst_inc=7), "rsm.bad_incarnation"),
        (frame(PUT, 1, seq=120, dst_inc=0, **put), "rsm.bad_incarnation"),
        (frame(ACK, 1, seq=5), "rsm.bad_sequence"),
        (frame(PUT, 1, seq=0, **put), "rsm.bad_sequence"),
        (frame(HEARTBEAT, 1, payload=bytes(4)), "rsm.unused_nonzero"),
        (frame(HELLO, 1, segment_id=seg), "rsm.unused_nonzero"),
        (frame(HEARTBEAT, 1, aux=3), "rsm.unused_nonzero"),
        (frame(CONNECT, 1, seq=122, segment_id=seg, offset=8, aux=token,
               payload=le32(0o400, 0, 0, 0)), "rsm.unused_nonzero"),
        (frame(CONNECT, 1, seq=124, segment_id=seg, aux=token,
               payload=le32(0o400, 0, 0, 33)), "rsm.bad_payload"),
        (frame(GET, 1, seq=126, segment_id=seg, aux=token,
               payload=le32(8)[:2] + le32(1)), "rsm.bad_payload"),
        (frame(GET, 1, seq=128, segment_id=seg, aux=token,
               payload=le32(65537, 1)), "rsm.bad_payload"),
        (frame(BARRIER, 1, seq=130, segment_id=seg, aux=token),
         "rsm.bad_payload"),
        (frame(SIGNAL, 1, seq=132, segment_id=seg, aux=token,
               payload=bytes(4)), "rsm.bad_payload"),
        (frame(CONNECT_REPLY, 2, seq=134, segment_id=seg, aux=token,
               payload=le32(9, 0) + bytes(8)), "rsm.bad_result"),
        (frame(BARRIER_ACK, 2, seq=136, segment_id=seg, offset=8, aux=1),
         "rsm.bad_result"),
        (frame(GET_REPLY, 2, seq=138, segment_id=seg, offset=5, aux=1,
               payload=bytes(4)), "rsm.bad_payload"),
        # Fragments: a gap in the offsets, then a FIRST cutting a message.
        (frame(PUT, 1, seq=200, flags=FIRST, **put), ""),
        (frame(PUT, 1, seq=201, flags=LAST, offset=20, **put),
         "rsm.bad_fragment"),
        (frame(PUT, 1, seq=202, flags=FIRST, **put), ""),
        (frame(PUT, 1, seq=203, flags=FIRST, **put), "rsm.bad_fragment"),
        (frame(PUT, 1, seq=204, flags=0, segment_id=seg, aux=token + 1,
               offset=16, payload=bytes(16)), "rsm.bad_fragment"),
        (MAC[2] + MAC[1] + struct.pack(">H", ETHERTYPE) + bytes(40),
         "rsm.too_short"),
    ]


def summarize(pdml):
    """Per packet: number, whether rsm decoded it, its type, the expert
    infos of warning level or above (abbreviations, or -), those below,
    whether _ws.malformed is set, whether a Lua error showed, the CRC
    status (1 good, 0 bad, 2 unverified, ? none)."""
    for packet in ET.parse(pdml).getroot().iter("packet"):
        number = rsm_type = crc_status = "?"
        has_rsm = malformed = lua_error = False
        warnings, notes = [], []
        for node in packet.iter():
            name = node.get("name", "")
            if name == "num":
                number = node.get("show")
            elif name == "rsm":
                has_rsm = True
            elif name == "rsm.type":
                rsm_type = node.get("showname", "").split(": ", 1)[-1].split(" ")[0]
            elif name == "rsm.crc.status":
                crc_status = node.get("show")
            elif name == "_ws.malformed":
                malformed = True
            elif name == "_ws.expert":
                abbrevs = [c.get("name") for c in node
                           if not c.get("name", "").startswith("_ws.expert")]
                severity = [int(c.get("show")) for c in node
                            if c.get("name") == "_ws.expert.severity"]
                level = severity[0] if severity else 0
                (warnings if level >= WARNING else notes).extend(abbrevs)
            if "Lua Error" in node.get("showname", "") or name.startswith("_ws.lua.error"):
                lua_error = True
        print("\t".join([number, "rsm" if has_rsm else "not-rsm", rsm_type,
                         ",".join(sorted(warnings)) or "-",
                         ",".join(sorted(notes)) or "-",
                         "malformed" if malformed else "-",
                         "lua-error" if lua_error else "-", crc_status]))


def main(argv):
    if len(argv) == 5 and argv[1] == "corrupt":
        frames = read_pcap(argv[2])
        index = int(argv[4]) - 1
        data = bytearray(frames[index])
        assert len(data) > 14 + HEADER, "frame %s has no payload" % argv[4]
        data[14 + HEADER] ^= 0xFF
        frames[index] = bytes(data)
        write_pcap(argv[3], frames)
    elif len(argv) == 3 and argv[1] == "conformant":
        write_pcapng(argv[2], conformant())
    elif len(argv) == 3 and argv[1] == "faults":
        cases = faults()
        write_pcap(argv[2], [data for data, _ in cases])
        with open(argv[2] + ".expected", "w") as out:
            for i, (_, expected) in enumerate(cases, 1):
                out.write("%d\t%s\n" % (i, expected or "-"))
    elif len(argv) == 2 and argv[1] == "summarize":
        summarize(sys.stdin)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
