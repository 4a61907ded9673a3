// SPDX-License-Identifier: BSD-3-Clause
// Encoding, validation and decoding of segment protocol frames: the only
// place that knows the byte layout (docs/protocol.md). Frames are plain
// byte buffers; the engine places them in mbufs. Nothing here needs the EAL.

#ifndef RSM_TRANSPORT_WIRE_CODEC_H_
#define RSM_TRANSPORT_WIRE_CODEC_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "transport/config.h"
#include "transport/wire/frame.h"

namespace rsm::transport::wire {

// Writes the Ethernet header (dst, src, kEtherType), our header in network
// byte order and the payload to `out`, which must have room for
// kFrameOverhead + payload.size() bytes, and seals the frame with the CRC32C
// of our header (crc field zero) and the payload. Returns the frame's length,
// or 0 if header.length != payload.size().
//
// The header is not validated: the decoder is the one judge of what is
// valid, and tests build invalid frames with this. The payload may already
// be in place at out + kFrameOverhead (then it is not copied); any other
// overlap with `out` is not allowed.
size_t EncodeFrame(const MacAddress& dst, const MacAddress& src,
                   const FrameHeader& header, absl::Span<const uint8_t> payload,
                   uint8_t* out);

// Why DecodeFrame rejected a frame. It checks in the order that
// docs/protocol.md ("Validation") gives, not in this one.
enum class DecodeStatus : uint8_t {
  kOk,
  kTooShort,
  kNotOurEtherType,
  kBadMagic,
  kBadVersion,
  kBadType,
  kBadFlags,
  kBadNode,
  kBadIncarnation,
  kBadSequence,
  kBadLength,
  kBadChecksum,
};
inline constexpr int kDecodeStatusCount = 12;

// "ok", "too_short", "not_our_ethertype", "bad_magic", ...: snake case, so
// that the engine's decode error counters are "decode_" + this name.
absl::string_view DecodeStatusName(DecodeStatus status);

struct DecodedFrame {
  MacAddress dst;
  MacAddress src;
  FrameHeader header;
  // Points into the decoded frame.
  absl::Span<const uint8_t> payload;
};

// Validates every field and decodes. Never reads outside `frame`. On failure
// `out` is unspecified.
DecodeStatus DecodeFrame(absl::Span<const uint8_t> frame, DecodedFrame* out);

// The standard CRC32C (Castagnoli; initial value and final xor 0xFFFFFFFF,
// reflected), as in the frame's crc field. Exposed for tests and tools.
uint32_t Crc32c(absl::Span<const uint8_t> data);

}  // namespace rsm::transport::wire

#endif  // RSM_TRANSPORT_WIRE_CODEC_H_
