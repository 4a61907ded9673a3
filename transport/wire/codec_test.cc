// SPDX-License-Identifier: BSD-3-Clause
#include "transport/wire/codec.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "transport/wire/frame.h"

namespace rsm::transport::wire {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

using Bytes = std::vector<uint8_t>;

constexpr MacAddress kDst = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr MacAddress kSrc = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr size_t kCrcAt = kEthernetHeaderSize + 52;
constexpr uint64_t kMaxOffset = std::numeric_limits<uint64_t>::max();

std::vector<FrameType> AllTypes() {
  std::vector<FrameType> types;
  for (int t = 1; t <= kFrameTypeCount; ++t) {
    types.push_back(static_cast<FrameType>(t));
  }
  return types;
}

// A valid header of `type` with `length` payload bytes (0 is forced on
// unsequenced types).
FrameHeader ValidHeader(FrameType type, uint32_t length = 0) {
  const bool sequenced = IsSequenced(type);
  FrameHeader h;
  h.type = type;
  h.flags = sequenced ? kFirstFragment | kLastFragment : 0;
  h.src_node = 1;
  h.dst_node = 2;
  h.src_incarnation = 7;
  h.dst_incarnation = type == FrameType::kHello ? 0 : 9;
  h.seq = sequenced ? 5 : 0;
  h.ack = 3;
  h.segment_id = 0x80000000;
  h.offset = 4096;
  h.length = sequenced ? length : 0;
  h.aux = 0;
  return h;
}

Bytes Payload(size_t size) {
  Bytes payload(size);
  for (size_t i = 0; i < size; ++i) payload[i] = static_cast<uint8_t>(i * 7);
  return payload;
}

Bytes Encode(const FrameHeader& header) {
  const Bytes payload = Payload(header.length);
  Bytes frame(kFrameOverhead + payload.size());
  const size_t size = EncodeFrame(kDst, kSrc, header, payload, frame.data());
  EXPECT_EQ(size, frame.size());
  return frame;
}

DecodeStatus Decode(const Bytes& frame) {
  DecodedFrame decoded;
  return DecodeFrame(frame, &decoded);
}

void Put32(Bytes& frame, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    frame[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

// Recomputes the crc field after a test edited the frame, so that the edit
// reaches the field checks instead of failing the checksum.
void Reseal(Bytes& frame) {
  Put32(frame, kCrcAt, 0);
  Put32(frame, kCrcAt,
        Crc32c(absl::MakeConstSpan(frame).subspan(kEthernetHeaderSize)));
}

// Bit by bit, straight from the definition, to check the table-free
// rte_hash_crc path against.
uint32_t ReferenceCrc32c(absl::Span<const uint8_t> data) {
  uint32_t crc = ~0u;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
    }
  }
  return ~crc;
}

TEST(Crc32cTest, StandardCheckValue) {
  const absl::string_view check = "123456789";
  EXPECT_EQ(Crc32c(absl::MakeConstSpan(
                reinterpret_cast<const uint8_t*>(check.data()), check.size())),
            0xE3069283u);
}

TEST(Crc32cTest, MatchesReferenceAtEveryLengthAndAlignment) {
  const Bytes data = Payload(100);
  for (size_t start = 0; start < 8; ++start) {
    for (size_t length = 0; start + length <= data.size(); ++length) {
      const auto span = absl::MakeConstSpan(data).subspan(start, length);
      ASSERT_EQ(Crc32c(span), ReferenceCrc32c(span))
          << "start " << start << " length " << length;
    }
  }
}

TEST(FrameTypeTest, NamesAndSequencing) {
  const std::vector<absl::string_view> names = {
      "HELLO",       "HELLO_ACK", "CONNECT", "CONNECT_REPLY", "DISCONNECT",
      "REVOKE",      "PUT",       "GET",     "GET_REPLY",     "BARRIER",
      "BARRIER_ACK", "SIGNAL",    "ACK",     "HEARTBEAT"};
  const std::set<FrameType> unsequenced = {
      FrameType::kHello, FrameType::kHelloAck, FrameType::kAck,
      FrameType::kHeartbeat};
  ASSERT_EQ(names.size(), static_cast<size_t>(kFrameTypeCount));
  for (FrameType type : AllTypes()) {
    EXPECT_EQ(FrameTypeName(type), names[static_cast<int>(type) - 1]);
    EXPECT_EQ(IsSequenced(type), unsequenced.count(type) == 0)
        << FrameTypeName(type);
  }
  EXPECT_EQ(FrameTypeName(static_cast<FrameType>(0)), "UNKNOWN");
  EXPECT_EQ(FrameTypeName(static_cast<FrameType>(15)), "UNKNOWN");
}

TEST(DecodeStatusTest, NamesAreDistinctSnakeCase) {
  std::set<absl::string_view> names;
  for (int s = 0; s < kDecodeStatusCount; ++s) {
    const absl::string_view name =
        DecodeStatusName(static_cast<DecodeStatus>(s));
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"),
              absl::string_view::npos)
        << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kDecodeStatusCount));
  EXPECT_EQ(DecodeStatusName(DecodeStatus::kOk), "ok");
  EXPECT_EQ(DecodeStatusName(DecodeStatus::kBadChecksum), "bad_checksum");
}

TEST(FrameHeaderTest, ToStringShowsEveryField) {
  FrameHeader h = ValidHeader(FrameType::kPut, 1024);
  EXPECT_EQ(h.ToString(),
            "PUT seq=5 ack=3 1->2 inc=7/9 seg=0x80000000 off=4096 len=1024 "
            "flags=F|L aux=0");
  h.flags = kFirstFragment;
  EXPECT_THAT(h.ToString(), HasSubstr(" flags=F "));
  h.flags = kLastFragment | 0x40;
  EXPECT_THAT(h.ToString(), HasSubstr(" flags=L|0x40 "));
  h = ValidHeader(FrameType::kAck);
  h.aux = 42;
  EXPECT_EQ(h.ToString(),
            "ACK seq=0 ack=3 1->2 inc=7/9 seg=0x80000000 off=4096 len=0 "
            "flags=0 aux=42");
  h.type = static_cast<FrameType>(99);
  EXPECT_THAT(h.ToString(), HasSubstr("TYPE(99) "));
}

TEST(FrameHeaderTest, EqualityComparesEveryField) {
  const FrameHeader base = ValidHeader(FrameType::kPut, 8);
  EXPECT_EQ(base, base);
  const std::vector<void (*)(FrameHeader&)> edits = {
      [](FrameHeader& h) { h.type = FrameType::kGet; },
      [](FrameHeader& h) { h.flags = 0; },
      [](FrameHeader& h) { h.src_node = 3; },
      [](FrameHeader& h) { h.dst_node = 3; },
      [](FrameHeader& h) { h.src_incarnation = 1; },
      [](FrameHeader& h) { h.dst_incarnation = 1; },
      [](FrameHeader& h) { h.seq = 1; },
      [](FrameHeader& h) { h.ack = 1; },
      [](FrameHeader& h) { h.segment_id = 1; },
      [](FrameHeader& h) { h.offset = 1; },
      [](FrameHeader& h) { h.length = 1; },
      [](FrameHeader& h) { h.aux = 1; },
  };
  for (auto edit : edits) {
    FrameHeader other = base;
    edit(other);
    EXPECT_FALSE(other == base) << other;
  }
}

// The byte layout of docs/protocol.md, written out independently of the
// encoder.
TEST(EncodeFrameTest, LayoutMatchesProtocolDoc) {
  FrameHeader h;
  h.type = FrameType::kPut;
  h.flags = kFirstFragment;
  h.src_node = 0x01020304;
  h.dst_node = 0x05060708;
  h.src_incarnation = 0x090A0B0C;
  h.dst_incarnation = 0x0D0E0F10;
  h.seq = 0x11121314;
  h.ack = 0x15161718;
  h.segment_id = 0x191A1B1C;
  h.offset = 0x1D1E1F2021222324;
  h.length = 3;
  h.aux = 0x25262728;
  const Bytes payload = {0xAA, 0xBB, 0xCC};
  Bytes frame(kFrameOverhead + payload.size());
  ASSERT_EQ(EncodeFrame(kDst, kSrc, h, payload, frame.data()), frame.size());

  Bytes expected = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // destination MAC
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source MAC
      0x88, 0xB5,                          // EtherType
      0x52, 0x53, 0x4D, 0x44,              //  0 magic "RSMD"
      0x01,                                //  4 version
      0x07,                                //  5 type (PUT)
      0x00, 0x01,                          //  6 flags
      0x01, 0x02, 0x03, 0x04,              //  8 src_node
      0x05, 0x06, 0x07, 0x08,              // 12 dst_node
      0x09, 0x0A, 0x0B, 0x0C,              // 16 src_incarnation
      0x0D, 0x0E, 0x0F, 0x10,              // 20 dst_incarnation
      0x11, 0x12, 0x13, 0x14,              // 24 seq
      0x15, 0x16, 0x17, 0x18,              // 28 ack
      0x19, 0x1A, 0x1B, 0x1C,              // 32 segment_id
      0x1D, 0x1E, 0x1F, 0x20,              // 36 offset
      0x21, 0x22, 0x23, 0x24,              //
      0x00, 0x00, 0x00, 0x03,              // 44 length
      0x25, 0x26, 0x27, 0x28,              // 48 aux
      0x00, 0x00, 0x00, 0x00,              // 52 crc, filled in below
      0xAA, 0xBB, 0xCC,                    // 56 payload
  };
  ASSERT_EQ(expected.size(), kFrameOverhead + 3);
  Reseal(expected);
  EXPECT_THAT(frame, ElementsAreArray(expected));
}

TEST(EncodeFrameTest, RejectsLengthThatIsNotThePayloadSize) {
  FrameHeader h = ValidHeader(FrameType::kPut, 10);
  const Bytes payload = Payload(9);
  Bytes frame(kFrameOverhead + 10);
  EXPECT_EQ(EncodeFrame(kDst, kSrc, h, payload, frame.data()), 0u);
}

TEST(EncodeFrameTest, PayloadAlreadyInPlace) {
  const FrameHeader h = ValidHeader(FrameType::kPut, 100);
  const Bytes expected = Encode(h);
  Bytes frame(expected.size());
  std::memcpy(frame.data() + kFrameOverhead, Payload(100).data(), 100);
  const absl::Span<const uint8_t> in_place(frame.data() + kFrameOverhead, 100);
  ASSERT_EQ(EncodeFrame(kDst, kSrc, h, in_place, frame.data()), frame.size());
  EXPECT_EQ(frame, expected);
}

// Random valid headers of every type and payload sizes up to a jumbo-ish
// frame, at every alignment: decode gives back exactly what was encoded, and
// encoding the decoded frame gives the same bytes.
TEST(DecodeFrameTest, RoundTripsRandomValidFrames) {
  std::mt19937_64 rng(20240601);
  auto uniform = [&rng](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  const uint32_t kMax32 = std::numeric_limits<uint32_t>::max();
  for (int i = 0; i < 20000; ++i) {
    const auto type = static_cast<FrameType>(uniform(1, kFrameTypeCount));
    const bool sequenced = IsSequenced(type);
    FrameHeader h;
    h.type = type;
    h.flags = sequenced ? uniform(0, kKnownFlags) : 0;
    h.src_node = uniform(1, 64);
    h.dst_node = uniform(1, 64);
    h.src_incarnation = uniform(1, kMax32);
    h.dst_incarnation = type == FrameType::kHello ? 0 : uniform(1, kMax32);
    h.seq = sequenced ? uniform(1, kMax32) : 0;
    h.ack = uniform(0, kMax32);
    h.segment_id = uniform(0, kMax32);
    h.length = sequenced ? uniform(0, 2048) : 0;
    // Edges of the offset range half of the time.
    h.offset = uniform(0, 1) ? uniform(0, kMaxOffset - h.length)
                             : kMaxOffset - h.length - uniform(0, 1);
    h.aux = uniform(0, kMax32);
    MacAddress dst, src;
    for (size_t b = 0; b < dst.size(); ++b) {
      dst[b] = uniform(0, 255);
      src[b] = uniform(0, 255);
    }
    Bytes payload(h.length);
    for (uint8_t& byte : payload) byte = uniform(0, 255);

    const size_t align = uniform(0, 7);
    Bytes buffer(align + kFrameOverhead + payload.size());
    uint8_t* out = buffer.data() + align;
    const size_t size = EncodeFrame(dst, src, h, payload, out);
    ASSERT_EQ(size, kFrameOverhead + payload.size());

    DecodedFrame decoded;
    ASSERT_EQ(DecodeFrame(absl::MakeConstSpan(out, size), &decoded),
              DecodeStatus::kOk)
        << h;
    EXPECT_EQ(decoded.header, h);
    EXPECT_EQ(decoded.dst, dst);
    EXPECT_EQ(decoded.src, src);
    ASSERT_EQ(decoded.payload.data(), out + kFrameOverhead);
    ASSERT_THAT(decoded.payload, ElementsAreArray(payload));

    Bytes again(size);
    ASSERT_EQ(EncodeFrame(decoded.dst, decoded.src, decoded.header,
                          decoded.payload, again.data()),
              size);
    ASSERT_TRUE(std::equal(again.begin(), again.end(), out)) << h;
  }
}

TEST(DecodeFrameTest, NodeMayTalkToItself) {
  FrameHeader h = ValidHeader(FrameType::kPut, 4);
  h.dst_node = h.src_node = 64;
  EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kOk);
}

TEST(DecodeFrameTest, TruncatedAtEveryLength) {
  const Bytes frame = Encode(ValidHeader(FrameType::kPut, 100));
  ASSERT_EQ(Decode(frame), DecodeStatus::kOk);
  for (size_t size = 0; size < frame.size(); ++size) {
    DecodedFrame decoded;
    EXPECT_EQ(DecodeFrame(absl::MakeConstSpan(frame.data(), size), &decoded),
              size < kFrameOverhead ? DecodeStatus::kTooShort
                                    : DecodeStatus::kBadLength)
        << size;
  }
}

TEST(DecodeFrameTest, TrailingBytesAreBadLength) {
  // Our smallest frame is longer than the Ethernet minimum, so NIC padding
  // cannot explain extra bytes.
  for (FrameType type : {FrameType::kAck, FrameType::kPut}) {
    for (size_t extra : {1, 4, 64}) {
      Bytes frame = Encode(ValidHeader(type));
      frame.resize(frame.size() + extra);
      EXPECT_EQ(Decode(frame), DecodeStatus::kBadLength) << extra;
    }
  }
}

TEST(DecodeFrameTest, BadEtherType) {
  for (uint16_t ether_type : {0x0800, 0x86DD, 0x88B6, 0xB588}) {
    Bytes frame = Encode(ValidHeader(FrameType::kPut, 8));
    frame[12] = ether_type >> 8;
    frame[13] = ether_type & 0xFF;
    EXPECT_EQ(Decode(frame), DecodeStatus::kNotOurEtherType) << ether_type;
  }
}

TEST(DecodeFrameTest, BadMagic) {
  for (uint32_t magic : {0u, 0x444D5352u, 0x52534D45u, 0xFFFFFFFFu}) {
    Bytes frame = Encode(ValidHeader(FrameType::kPut, 8));
    Put32(frame, kEthernetHeaderSize, magic);
    Reseal(frame);
    EXPECT_EQ(Decode(frame), DecodeStatus::kBadMagic) << magic;
  }
}

TEST(DecodeFrameTest, BadVersion) {
  for (int version : {0, 2, 255}) {
    Bytes frame = Encode(ValidHeader(FrameType::kPut, 8));
    frame[kEthernetHeaderSize + 4] = version;
    Reseal(frame);
    EXPECT_EQ(Decode(frame), DecodeStatus::kBadVersion) << version;
  }
}

TEST(DecodeFrameTest, BadType) {
  for (int type : {0, kFrameTypeCount + 1, 0x80, 255}) {
    FrameHeader h = ValidHeader(FrameType::kPut, 8);
    h.type = static_cast<FrameType>(type);
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadType) << type;
  }
}

TEST(DecodeFrameTest, BadFlags) {
  for (FrameType type : AllTypes()) {
    // Every unknown bit, on every type.
    for (int bit = 2; bit < 16; ++bit) {
      FrameHeader h = ValidHeader(type);
      h.flags |= 1u << bit;
      EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadFlags) << h;
    }
    // Fragment bits only on sequenced types; any combination on those.
    for (uint16_t flags = 0; flags <= kKnownFlags; ++flags) {
      FrameHeader h = ValidHeader(type);
      h.flags = flags;
      EXPECT_EQ(Decode(Encode(h)), IsSequenced(type) || flags == 0
                                       ? DecodeStatus::kOk
                                       : DecodeStatus::kBadFlags)
          << h;
    }
  }
}

TEST(DecodeFrameTest, BadNode) {
  for (uint32_t node : {0u, 65u, 256u, 0xFFFFFFFFu}) {
    FrameHeader h = ValidHeader(FrameType::kPut);
    h.src_node = node;
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadNode) << h;
    h = ValidHeader(FrameType::kHello);
    h.dst_node = node;
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadNode) << h;
  }
}

TEST(DecodeFrameTest, BadIncarnation) {
  for (FrameType type : AllTypes()) {
    FrameHeader h = ValidHeader(type);
    h.src_incarnation = 0;
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadIncarnation) << h;
    // dst_incarnation is 0 in a HELLO and only there.
    h = ValidHeader(type);
    h.dst_incarnation = type == FrameType::kHello ? 9 : 0;
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadIncarnation) << h;
  }
}

TEST(DecodeFrameTest, BadSequence) {
  for (FrameType type : AllTypes()) {
    FrameHeader h = ValidHeader(type);
    h.seq = IsSequenced(type) ? 0 : 1;
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadSequence) << h;
  }
}

TEST(DecodeFrameTest, LengthFieldMustMatchTheFrame) {
  const Bytes good = Encode(ValidHeader(FrameType::kPut, 16));
  for (uint32_t length : {0u, 15u, 17u, 0xFFFFFFFFu}) {
    Bytes frame = good;
    Put32(frame, kEthernetHeaderSize + 44, length);
    Reseal(frame);
    EXPECT_EQ(Decode(frame), DecodeStatus::kBadLength) << length;
  }
}

TEST(DecodeFrameTest, UnsequencedFramesCarryNoPayload) {
  for (FrameType type : AllTypes()) {
    FrameHeader h = ValidHeader(type);
    h.length = 1;
    EXPECT_EQ(Decode(Encode(h)),
              IsSequenced(type) ? DecodeStatus::kOk : DecodeStatus::kBadLength)
        << h;
  }
}

TEST(DecodeFrameTest, OffsetPlusLengthMustNotWrap) {
  FrameHeader h = ValidHeader(FrameType::kPut, 16);
  h.offset = kMaxOffset - 16;
  EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kOk);
  for (uint64_t offset : {kMaxOffset - 15, kMaxOffset}) {
    h.offset = offset;
    EXPECT_EQ(Decode(Encode(h)), DecodeStatus::kBadLength) << h;
  }
}

TEST(DecodeFrameTest, BadChecksum) {
  const Bytes good = Encode(ValidHeader(FrameType::kPut, 16));
  for (size_t at : {kCrcAt, kCrcAt + 3, kFrameOverhead, good.size() - 1}) {
    Bytes frame = good;
    frame[at] ^= 0x01;
    EXPECT_EQ(Decode(frame), DecodeStatus::kBadChecksum) << at;
  }
}

// Length and checksum come before the field checks, so that no field's
// meaning is looked at in a frame that may be corrupt.
TEST(DecodeFrameTest, ChecksumIsCheckedBeforeFields) {
  FrameHeader h = ValidHeader(FrameType::kPut, 16);
  h.type = static_cast<FrameType>(0);
  Bytes frame = Encode(h);
  frame.back() ^= 0x80;
  EXPECT_EQ(Decode(frame), DecodeStatus::kBadChecksum);
  frame.push_back(0);
  EXPECT_EQ(Decode(frame), DecodeStatus::kBadLength);
}

// Every single-bit error after the Ethernet header, in a frame of every
// type: CRC32C catches all of them, and the structural checks some earlier.
TEST(DecodeFrameTest, EverySingleBitErrorIsRejected) {
  for (FrameType type : AllTypes()) {
    const Bytes good = Encode(ValidHeader(type, 40));
    ASSERT_EQ(Decode(good), DecodeStatus::kOk);
    for (size_t bit = kEthernetHeaderSize * 8; bit < good.size() * 8; ++bit) {
      Bytes frame = good;
      frame[bit / 8] ^= 1u << (bit % 8);
      const DecodeStatus status = Decode(frame);
      ASSERT_NE(status, DecodeStatus::kOk)
          << FrameTypeName(type) << " bit " << bit;
      ASSERT_NE(status, DecodeStatus::kTooShort);
      ASSERT_NE(status, DecodeStatus::kNotOurEtherType);
    }
  }
}

}  // namespace
}  // namespace rsm::transport::wire
