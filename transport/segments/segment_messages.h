// SPDX-License-Identifier: BSD-3-Clause
// Payloads of the segment protocol's messages, beyond what the frame header
// carries (docs/protocol.md, "Segment messages"). Integers are little-endian
// and every decoder checks the exact length: a payload off the wire is
// untrusted.
#ifndef RSM_TRANSPORT_SEGMENTS_SEGMENT_MESSAGES_H_
#define RSM_TRANSPORT_SEGMENTS_SEGMENT_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "transport/segments/access_control.h"

namespace rsm::transport {

// Supplementary groups a CONNECT carries at most (NGROUPS_MAX of old
// systems; further groups are not sent and so not considered).
inline constexpr size_t kMaxConnectGroups = 32;

// CONNECT: the requested permission and who asks. The header carries the
// segment id (segment_id) and the importer's connection token (aux).
struct ConnectRequest {
  uint32_t requested = 0;  // kPermRead | kPermWrite
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> groups;
};
std::vector<uint8_t> EncodeConnectRequest(const ConnectRequest& request);
std::optional<ConnectRequest> DecodeConnectRequest(
    absl::Span<const uint8_t> payload);

// CONNECT_REPLY: the exporter's decision. The header carries the segment id
// and the token (aux) of the CONNECT it answers.
struct ConnectReply {
  uint32_t result = 0;        // a Result wire value
  uint32_t granted_mode = 0;  // see AccessResult::granted_mode
  uint64_t segment_length = 0;
};
std::vector<uint8_t> EncodeConnectReply(const ConnectReply& reply);
std::optional<ConnectReply> DecodeConnectReply(
    absl::Span<const uint8_t> payload);

// GET: how many bytes from the header's offset, and the tag the reply
// echoes so the importer can match it.
struct GetRequest {
  uint32_t length = 0;
  uint32_t tag = 0;
};
std::vector<uint8_t> EncodeGetRequest(const GetRequest& request);
std::optional<GetRequest> DecodeGetRequest(absl::Span<const uint8_t> payload);

// BARRIER: the tag its BARRIER_ACK echoes (4 bytes).
std::vector<uint8_t> EncodeTag(uint32_t tag);
std::optional<uint32_t> DecodeTag(absl::Span<const uint8_t> payload);

// SIGNAL: the header's offset carries these bits.
inline constexpr uint64_t kSignalNoAccumulate = 1;  // RSM_SIGPOST_NO_ACCUMULATE
// Set when the exporter rings an importer (aux is then the importer's
// token); clear when an importer rings the exporter.
inline constexpr uint64_t kSignalToImporter = uint64_t{1} << 32;

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_SEGMENT_MESSAGES_H_
