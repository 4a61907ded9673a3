// SPDX-License-Identifier: BSD-3-Clause
#include "transport/wire/codec.h"

#include <rte_byteorder.h>

#include <cstring>
#include <limits>

#include "transport/wire/crc32c.h"

namespace rsm::transport::wire {
namespace {

// Offsets in our header, which starts after the Ethernet header. The table in
// docs/protocol.md and the layout test mirror these.
constexpr size_t kMagicAt = 0;
constexpr size_t kVersionAt = 4;
constexpr size_t kTypeAt = 5;
constexpr size_t kFlagsAt = 6;
constexpr size_t kSrcNodeAt = 8;
constexpr size_t kDstNodeAt = 12;
constexpr size_t kSrcIncarnationAt = 16;
constexpr size_t kDstIncarnationAt = 20;
constexpr size_t kSeqAt = 24;
constexpr size_t kAckAt = 28;
constexpr size_t kSegmentIdAt = 32;
constexpr size_t kOffsetAt = 36;
constexpr size_t kLengthAt = 44;
constexpr size_t kAuxAt = 48;
constexpr size_t kCrcAt = 52;
static_assert(kCrcAt + sizeof(uint32_t) == kHeaderSize);

constexpr size_t kEtherTypeAt = 12;

// Frames sit at any byte offset (our header starts 14 bytes into an mbuf's
// data), so every access goes through memcpy rather than a cast pointer.
uint16_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return rte_be_to_cpu_16(v);
}
uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return rte_be_to_cpu_32(v);
}
uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return rte_be_to_cpu_64(v);
}
void Store16(uint8_t* p, uint16_t v) {
  v = rte_cpu_to_be_16(v);
  std::memcpy(p, &v, sizeof(v));
}
void Store32(uint8_t* p, uint32_t v) {
  v = rte_cpu_to_be_32(v);
  std::memcpy(p, &v, sizeof(v));
}
void Store64(uint8_t* p, uint64_t v) {
  v = rte_cpu_to_be_64(v);
  std::memcpy(p, &v, sizeof(v));
}

// Our header with its crc field taken as zero, then the payload.
uint32_t FrameCrc(const uint8_t* header, absl::Span<const uint8_t> payload) {
  static constexpr uint8_t kZeroCrc[sizeof(uint32_t)] = {};
  uint32_t state = Crc32cUpdate(~0u, header, kCrcAt);
  state = Crc32cUpdate(state, kZeroCrc, sizeof kZeroCrc);
  return ~Crc32cUpdate(state, payload.data(), payload.size());
}

// The checks after the CRC: the header is now known to be what the sender
// wrote, so what remains is whether the sender obeyed the protocol.
DecodeStatus CheckFields(const FrameHeader& h) {
  const auto type = static_cast<int>(h.type);
  if (type < 1 || type > kFrameTypeCount) return DecodeStatus::kBadType;
  const bool sequenced = IsSequenced(h.type);
  if ((h.flags & ~kKnownFlags) != 0 || (!sequenced && h.flags != 0)) {
    return DecodeStatus::kBadFlags;
  }
  if (h.src_node < kMinNodeId || h.src_node > kMaxNodeId ||
      h.dst_node < kMinNodeId || h.dst_node > kMaxNodeId) {
    return DecodeStatus::kBadNode;
  }
  // A HELLO is sent before the peer's incarnation is known, and only then.
  if (h.src_incarnation == 0 ||
      (h.dst_incarnation == 0) != (h.type == FrameType::kHello)) {
    return DecodeStatus::kBadIncarnation;
  }
  if ((h.seq != 0) != sequenced) return DecodeStatus::kBadSequence;
  // Session frames never carry data, and offset + length must not wrap.
  if ((!sequenced && h.length != 0) ||
      h.offset > std::numeric_limits<uint64_t>::max() - h.length) {
    return DecodeStatus::kBadLength;
  }
  return DecodeStatus::kOk;
}

constexpr absl::string_view kStatusNames[kDecodeStatusCount] = {
    "ok",           "too_short",   "not_our_ethertype",
    "bad_magic",    "bad_version", "bad_type",
    "bad_flags",    "bad_node",    "bad_incarnation",
    "bad_sequence", "bad_length",  "bad_checksum",
};

}  // namespace

size_t EncodeFrame(const MacAddress& dst, const MacAddress& src,
                   const FrameHeader& header, absl::Span<const uint8_t> payload,
                   uint8_t* out) {
  if (payload.size() != header.length) return 0;
  std::memcpy(out, dst.data(), dst.size());
  std::memcpy(out + dst.size(), src.data(), src.size());
  Store16(out + kEtherTypeAt, kEtherType);

  uint8_t* h = out + kEthernetHeaderSize;
  Store32(h + kMagicAt, kMagic);
  h[kVersionAt] = kVersion;
  h[kTypeAt] = static_cast<uint8_t>(header.type);
  Store16(h + kFlagsAt, header.flags);
  Store32(h + kSrcNodeAt, header.src_node);
  Store32(h + kDstNodeAt, header.dst_node);
  Store32(h + kSrcIncarnationAt, header.src_incarnation);
  Store32(h + kDstIncarnationAt, header.dst_incarnation);
  Store32(h + kSeqAt, header.seq);
  Store32(h + kAckAt, header.ack);
  Store32(h + kSegmentIdAt, header.segment_id);
  Store64(h + kOffsetAt, header.offset);
  Store32(h + kLengthAt, header.length);
  Store32(h + kAuxAt, header.aux);

  uint8_t* body = out + kFrameOverhead;
  if (!payload.empty() && payload.data() != body) {
    std::memcpy(body, payload.data(), payload.size());
  }
  Store32(h + kCrcAt, FrameCrc(h, payload));
  return kFrameOverhead + payload.size();
}

DecodeStatus DecodeFrame(absl::Span<const uint8_t> frame, DecodedFrame* out) {
  // Structure first: is this a whole frame of our protocol and version, and
  // where does its payload end? Each check is a compare or two.
  if (frame.size() < kFrameOverhead) return DecodeStatus::kTooShort;
  const uint8_t* f = frame.data();
  if (Load16(f + kEtherTypeAt) != kEtherType) {
    return DecodeStatus::kNotOurEtherType;
  }
  const uint8_t* h = f + kEthernetHeaderSize;
  if (Load32(h + kMagicAt) != kMagic) return DecodeStatus::kBadMagic;
  if (h[kVersionAt] != kVersion) return DecodeStatus::kBadVersion;
  const uint32_t length = Load32(h + kLengthAt);
  if (length != frame.size() - kFrameOverhead) return DecodeStatus::kBadLength;

  // Then integrity, before any field's meaning is trusted.
  const absl::Span<const uint8_t> payload = frame.subspan(kFrameOverhead);
  if (Load32(h + kCrcAt) != FrameCrc(h, payload)) {
    return DecodeStatus::kBadChecksum;
  }

  FrameHeader& header = out->header;
  header.type = static_cast<FrameType>(h[kTypeAt]);
  header.flags = Load16(h + kFlagsAt);
  header.src_node = Load32(h + kSrcNodeAt);
  header.dst_node = Load32(h + kDstNodeAt);
  header.src_incarnation = Load32(h + kSrcIncarnationAt);
  header.dst_incarnation = Load32(h + kDstIncarnationAt);
  header.seq = Load32(h + kSeqAt);
  header.ack = Load32(h + kAckAt);
  header.segment_id = Load32(h + kSegmentIdAt);
  header.offset = Load64(h + kOffsetAt);
  header.length = length;
  header.aux = Load32(h + kAuxAt);
  if (const DecodeStatus status = CheckFields(header);
      status != DecodeStatus::kOk) {
    return status;
  }

  std::memcpy(out->dst.data(), f, out->dst.size());
  std::memcpy(out->src.data(), f + out->dst.size(), out->src.size());
  out->payload = payload;
  return DecodeStatus::kOk;
}

absl::string_view DecodeStatusName(DecodeStatus status) {
  const auto index = static_cast<size_t>(status);
  return index < kDecodeStatusCount ? kStatusNames[index] : "unknown";
}

uint32_t Crc32c(absl::Span<const uint8_t> data) {
  return ~Crc32cUpdate(~0u, data.data(), data.size());
}

}  // namespace rsm::transport::wire
