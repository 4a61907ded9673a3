// SPDX-License-Identifier: BSD-3-Clause
// The frame header of the segment protocol, as the engine sees it (host byte
// order). codec.h puts it on the wire and takes it off again;
// docs/protocol.md is the normative description of both.

#ifndef RSM_TRANSPORT_WIRE_FRAME_H_
#define RSM_TRANSPORT_WIRE_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "absl/strings/string_view.h"

namespace rsm::transport::wire {

// IEEE 802 "local experimental" EtherType 1: ours to use on a private
// network, never assigned to anyone.
inline constexpr uint16_t kEtherType = 0x88B5;
inline constexpr uint32_t kMagic = 0x52534D44;  // "RSMD"
inline constexpr uint8_t kVersion = 1;

enum class FrameType : uint8_t {
  kHello = 1,
  kHelloAck,
  kConnect,
  kConnectReply,
  kDisconnect,
  kRevoke,
  kPut,
  kGet,
  kGetReply,
  kBarrier,
  kBarrierAck,
  kSignal,
  kAck,
  kHeartbeat,
};
inline constexpr int kFrameTypeCount = 14;

// "HELLO", "CONNECT_REPLY", ...; "UNKNOWN" for a value outside the enum.
absl::string_view FrameTypeName(FrameType type);

// Sequenced frames ride the reliable session and carry seq != 0: CONNECT,
// CONNECT_REPLY, DISCONNECT, REVOKE, PUT, GET, GET_REPLY, BARRIER,
// BARRIER_ACK, SIGNAL. The others (HELLO, HELLO_ACK, ACK, HEARTBEAT) set up
// or maintain the session itself and carry seq == 0.
constexpr bool IsSequenced(FrameType type) {
  switch (type) {
    case FrameType::kHello:
    case FrameType::kHelloAck:
    case FrameType::kAck:
    case FrameType::kHeartbeat:
      return false;
    default:
      return true;
  }
}

// Message boundaries, only on sequenced frames. An unfragmented message has
// both; the middle fragments of a long message have neither.
enum FrameFlag : uint16_t {
  kFirstFragment = 1 << 0,
  kLastFragment = 1 << 1,
};
inline constexpr uint16_t kKnownFlags = kFirstFragment | kLastFragment;

struct FrameHeader {
  FrameType type = FrameType::kHello;
  uint16_t flags = 0;
  uint32_t src_node = 0;  // 1..64
  uint32_t dst_node = 0;  // 1..64; may equal src_node (a looped-back port)
  // The sender's incarnation, never 0.
  uint32_t src_incarnation = 0;
  // The receiver's incarnation as the sender knows it; 0 only in HELLO.
  uint32_t dst_incarnation = 0;
  // Session sequence number on sequenced types, else 0.
  uint32_t seq = 0;
  // Cumulative ack: the highest in-order seq received from the destination
  // (0 = none yet).
  uint32_t ack = 0;
  uint32_t segment_id = 0;
  // Byte offset in the segment or the message.
  uint64_t offset = 0;
  // Payload bytes in this frame.
  uint32_t length = 0;
  // Type-specific: status code, requested length, message length, ...
  uint32_t aux = 0;

  // One line with every field, for logs and test failures:
  // "PUT seq=5 ack=3 1->2 inc=7/9 seg=0x80000000 off=4096 len=1024 flags=F|L
  // aux=0".
  std::string ToString() const;

  friend bool operator==(const FrameHeader& a, const FrameHeader& b);
};

// ToString(), so that test failures and logs print the fields.
std::ostream& operator<<(std::ostream& os, const FrameHeader& header);

inline constexpr size_t kEthernetHeaderSize = 14;
// magic(4) version(1) type(1) flags(2) src_node(4) dst_node(4)
// src_incarnation(4) dst_incarnation(4) seq(4) ack(4) segment_id(4)
// offset(8) length(4) aux(4) crc(4).
inline constexpr size_t kHeaderSize = 56;
inline constexpr size_t kFrameOverhead = kEthernetHeaderSize + kHeaderSize;
// Without the FCS. NICs pad shorter frames, but our smallest frame is already
// longer, so a frame never carries padding and trailing bytes are an error.
inline constexpr size_t kMinEthernetFrame = 60;
static_assert(kFrameOverhead >= kMinEthernetFrame,
              "the decoder would have to accept NIC padding");

}  // namespace rsm::transport::wire

#endif  // RSM_TRANSPORT_WIRE_FRAME_H_
