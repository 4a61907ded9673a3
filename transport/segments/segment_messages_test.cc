// SPDX-License-Identifier: BSD-3-Clause
// The payload codecs of the segment protocol: what is encoded decodes to
// the same values, the layout is the documented little-endian one, and a
// payload of any other length is refused (it comes off the wire).
#include "transport/segments/segment_messages.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

bool Same(const ConnectRequest& a, const ConnectRequest& b) {
  return a.requested == b.requested && a.uid == b.uid && a.gid == b.gid &&
         a.groups == b.groups;
}

std::vector<uint8_t> Le32(uint32_t value) {
  return {static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8),
          static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 24)};
}

std::vector<uint8_t> Concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const std::vector<uint8_t>& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

TEST(SegmentMessages, ConnectRequestRoundTrips) {
  std::vector<ConnectRequest> requests = {
      {},
      {kPermRead, 0, 0, {}},
      {kPermReadWrite, 1000, 1001, {4, 24, 27, 30}},
      {kPermWrite, UINT32_MAX, UINT32_MAX - 1, {UINT32_MAX, 0}},
  };
  ConnectRequest full{kPermRead, 5, 6, {}};
  for (uint32_t i = 0; i < kMaxConnectGroups; ++i) {
    full.groups.push_back(0x01020304u * (i + 1));
  }
  requests.push_back(full);
  for (const ConnectRequest& request : requests) {
    const std::vector<uint8_t> encoded = EncodeConnectRequest(request);
    EXPECT_EQ(encoded.size(), 16 + 4 * request.groups.size());
    const std::optional<ConnectRequest> decoded = DecodeConnectRequest(encoded);
    ASSERT_TRUE(decoded.has_value()) << request.groups.size() << " groups";
    EXPECT_TRUE(Same(*decoded, request)) << request.groups.size() << " groups";
  }
}

TEST(SegmentMessages, ConnectRequestLayoutIsLittleEndian) {
  const ConnectRequest request{0x0600, 0x11223344, 0x55667788, {0xaabbccdd}};
  EXPECT_EQ(EncodeConnectRequest(request),
            Concat({Le32(0x0600), Le32(0x11223344), Le32(0x55667788), Le32(1),
                    Le32(0xaabbccdd)}));
}

TEST(SegmentMessages, ConnectRequestOfAnyOtherLengthIsRefused) {
  for (size_t groups : {size_t{0}, size_t{1}, size_t{3}, kMaxConnectGroups}) {
    ConnectRequest request{kPermRead, 1, 2, {}};
    for (size_t i = 0; i < groups; ++i) request.groups.push_back(100 + i);
    const std::vector<uint8_t> encoded = EncodeConnectRequest(request);
    // Every truncation.
    for (size_t size = 0; size < encoded.size(); ++size) {
      EXPECT_FALSE(
          DecodeConnectRequest(absl::MakeConstSpan(encoded.data(), size))
              .has_value())
          << groups << " groups, truncated to " << size;
    }
    // Extensions by 1..8 bytes (a whole extra group included).
    for (size_t extra = 1; extra <= 8; ++extra) {
      std::vector<uint8_t> longer = encoded;
      longer.resize(encoded.size() + extra, 0);
      EXPECT_FALSE(DecodeConnectRequest(longer).has_value())
          << groups << " groups, extended by " << extra;
    }
  }
}

TEST(SegmentMessages, ConnectRequestWithTooManyGroupsIsRefused) {
  // A count above the limit, with exactly the bytes it announces.
  for (uint32_t count : {uint32_t{kMaxConnectGroups + 1},
                         uint32_t{kMaxConnectGroups + 2}, uint32_t{1000}}) {
    std::vector<uint8_t> payload =
        Concat({Le32(kPermRead), Le32(1), Le32(2), Le32(count)});
    for (uint32_t i = 0; i < count; ++i) {
      const std::vector<uint8_t> group = Le32(i);
      payload.insert(payload.end(), group.begin(), group.end());
    }
    EXPECT_FALSE(DecodeConnectRequest(payload).has_value()) << count;
  }
  // A count whose byte size would overflow 32 bits if computed carelessly
  // (16 + 4 * 0x40000000 wraps to 16).
  for (uint32_t count : {0x40000000u, 0xC0000000u, UINT32_MAX}) {
    const std::vector<uint8_t> payload =
        Concat({Le32(kPermRead), Le32(1), Le32(2), Le32(count)});
    EXPECT_FALSE(DecodeConnectRequest(payload).has_value()) << count;
  }
}

TEST(SegmentMessages, EncoderCapsGroupsAtTheLimit) {
  ConnectRequest request{kPermReadWrite, 10, 20, {}};
  for (uint32_t i = 0; i < kMaxConnectGroups + 5; ++i) {
    request.groups.push_back(1000 + i);
  }
  const std::vector<uint8_t> encoded = EncodeConnectRequest(request);
  EXPECT_EQ(encoded.size(), 16 + 4 * kMaxConnectGroups);
  const std::optional<ConnectRequest> decoded = DecodeConnectRequest(encoded);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->groups.size(), kMaxConnectGroups);
  // The first ones are kept.
  for (size_t i = 0; i < kMaxConnectGroups; ++i) {
    EXPECT_EQ(decoded->groups[i], request.groups[i]) << i;
  }
  EXPECT_EQ(decoded->requested, kPermReadWrite);
  EXPECT_EQ(decoded->uid, 10u);
  EXPECT_EQ(decoded->gid, 20u);
}

TEST(SegmentMessages, ConnectReplyRoundTrips) {
  const ConnectReply replies[] = {
      {},
      {0, 0640, 4096},
      {3, 0, 0},
      {UINT32_MAX, UINT32_MAX, UINT64_MAX},
      {6, 0x12345678, 0x0102030405060708},
  };
  for (const ConnectReply& reply : replies) {
    const std::vector<uint8_t> encoded = EncodeConnectReply(reply);
    ASSERT_EQ(encoded.size(), 16u);
    const std::optional<ConnectReply> decoded = DecodeConnectReply(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->result, reply.result);
    EXPECT_EQ(decoded->granted_mode, reply.granted_mode);
    EXPECT_EQ(decoded->segment_length, reply.segment_length);
  }
  EXPECT_EQ(
      EncodeConnectReply({2, 0x0640, 0x0102030405060708}),
      Concat({Le32(2), Le32(0x0640), Le32(0x05060708), Le32(0x01020304)}));
}

TEST(SegmentMessages, ConnectReplyOfAnyOtherLengthIsRefused) {
  const std::vector<uint8_t> encoded = EncodeConnectReply({0, 0600, 123});
  for (size_t size = 0; size < encoded.size(); ++size) {
    EXPECT_FALSE(DecodeConnectReply(absl::MakeConstSpan(encoded.data(), size))
                     .has_value())
        << "truncated to " << size;
  }
  for (size_t extra = 1; extra <= 8; ++extra) {
    std::vector<uint8_t> longer = encoded;
    longer.resize(encoded.size() + extra, 0);
    EXPECT_FALSE(DecodeConnectReply(longer).has_value())
        << "extended by " << extra;
  }
}

TEST(SegmentMessages, GetRequestRoundTrips) {
  const GetRequest requests[] = {
      {}, {1, 2}, {65536, 0xdeadbeef}, {UINT32_MAX, UINT32_MAX}};
  for (const GetRequest& request : requests) {
    const std::vector<uint8_t> encoded = EncodeGetRequest(request);
    ASSERT_EQ(encoded.size(), 8u);
    const std::optional<GetRequest> decoded = DecodeGetRequest(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->length, request.length);
    EXPECT_EQ(decoded->tag, request.tag);
  }
  EXPECT_EQ(EncodeGetRequest({0x11223344, 0x55667788}),
            Concat({Le32(0x11223344), Le32(0x55667788)}));
}

TEST(SegmentMessages, GetRequestOfAnyOtherLengthIsRefused) {
  const std::vector<uint8_t> encoded = EncodeGetRequest({4096, 9});
  for (size_t size = 0; size < encoded.size(); ++size) {
    EXPECT_FALSE(
        DecodeGetRequest(absl::MakeConstSpan(encoded.data(), size)).has_value())
        << "truncated to " << size;
  }
  for (size_t extra = 1; extra <= 8; ++extra) {
    std::vector<uint8_t> longer = encoded;
    longer.resize(encoded.size() + extra, 0);
    EXPECT_FALSE(DecodeGetRequest(longer).has_value())
        << "extended by " << extra;
  }
}

}  // namespace
}  // namespace rsm::transport
