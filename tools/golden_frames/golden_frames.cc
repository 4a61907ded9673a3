// SPDX-License-Identifier: BSD-3-Clause
#include "tools/golden_frames/golden_frames.h"

#include <numeric>
#include <utility>
#include <vector>

namespace rsm::tools {
namespace {

using transport::MacAddress;
using transport::wire::FrameHeader;
using transport::wire::FrameType;
using transport::wire::kFirstFragment;
using transport::wire::kLastFragment;

constexpr MacAddress kMac1 = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr MacAddress kMac2 = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr uint32_t kIncarnation1 = 0x5EED0001;
constexpr uint32_t kIncarnation2 = 0x5EED0002;
constexpr uint32_t kSegment = 0x80000000;
constexpr uint16_t kWhole = kFirstFragment | kLastFragment;

// Bytes first, first + 1, ...: easy to spot in a hex dump.
std::vector<uint8_t> Bytes(uint8_t first, size_t count) {
  std::vector<uint8_t> bytes(count);
  std::iota(bytes.begin(), bytes.end(), first);
  return bytes;
}

// Node `from` (1 or 2) to the other node. `seq`, `ack` and the type-specific
// fields as given; length from the payload.
GoldenFrame Make(uint32_t from, FrameType type, uint32_t seq, uint32_t ack,
                 uint16_t flags, uint32_t segment_id, uint64_t offset,
                 uint32_t aux, std::vector<uint8_t> payload = {}) {
  const bool one = from == 1;
  FrameHeader h;
  h.type = type;
  h.flags = flags;
  h.src_node = one ? 1 : 2;
  h.dst_node = one ? 2 : 1;
  h.src_incarnation = one ? kIncarnation1 : kIncarnation2;
  h.dst_incarnation =
      type == FrameType::kHello ? 0 : (one ? kIncarnation2 : kIncarnation1);
  h.seq = seq;
  h.ack = ack;
  h.segment_id = segment_id;
  h.offset = offset;
  h.length = static_cast<uint32_t>(payload.size());
  h.aux = aux;
  return {one ? kMac2 : kMac1, one ? kMac1 : kMac2, h, std::move(payload)};
}

}  // namespace

std::vector<GoldenFrame> GoldenFrames() {
  using T = FrameType;
  return {
      Make(1, T::kHello, 0, 0, 0, 0, 0, 0),
      Make(2, T::kHelloAck, 0, 0, 0, 0, 0, 0),
      // The CONNECT payload (importer credentials, requested permission) is
      // not defined yet; see docs/protocol.md.
      Make(1, T::kConnect, 1, 0, kWhole, kSegment, 0, 0),
      Make(2, T::kConnectReply, 1, 1, kWhole, kSegment, 0, /*status=*/0),
      // A 24-byte put at segment offset 256, in two fragments.
      Make(1, T::kPut, 2, 1, kFirstFragment, kSegment, 256, /*length=*/24,
           Bytes(0x00, 16)),
      Make(1, T::kPut, 3, 1, kLastFragment, kSegment, 272, 0, Bytes(0x10, 8)),
      Make(2, T::kAck, 0, 3, 0, 0, 0, 0),
      Make(1, T::kGet, 4, 1, kWhole, kSegment, 4096, /*length=*/32),
      Make(2, T::kGetReply, 2, 4, kWhole, kSegment, 4096, /*length=*/32,
           Bytes(0xA0, 32)),
      Make(1, T::kBarrier, 5, 2, kWhole, kSegment, 0, /*barrier_id=*/7),
      Make(2, T::kBarrierAck, 3, 5, kWhole, kSegment, 0, /*barrier_id=*/7),
      Make(1, T::kSignal, 6, 3, kWhole, kSegment, 0, /*flags=*/0),
      Make(2, T::kHeartbeat, 0, 6, 0, 0, 0, 0),
      Make(1, T::kDisconnect, 7, 3, kWhole, kSegment, 0, 0),
      Make(2, T::kRevoke, 4, 7, kWhole, kSegment, 0, 0),
  };
}

}  // namespace rsm::tools
