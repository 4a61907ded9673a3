// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/segment_messages.h"

#include <endian.h>

#include <algorithm>
#include <cstring>

namespace rsm::transport {
namespace {

void Append32(std::vector<uint8_t>& out, uint32_t value) {
  const uint32_t wire = htole32(value);
  const auto* bytes = reinterpret_cast<const uint8_t*>(&wire);
  out.insert(out.end(), bytes, bytes + sizeof wire);
}

void Append64(std::vector<uint8_t>& out, uint64_t value) {
  const uint64_t wire = htole64(value);
  const auto* bytes = reinterpret_cast<const uint8_t*>(&wire);
  out.insert(out.end(), bytes, bytes + sizeof wire);
}

uint32_t Read32(absl::Span<const uint8_t> payload, size_t at) {
  uint32_t wire;
  std::memcpy(&wire, payload.data() + at, sizeof wire);
  return le32toh(wire);
}

uint64_t Read64(absl::Span<const uint8_t> payload, size_t at) {
  uint64_t wire;
  std::memcpy(&wire, payload.data() + at, sizeof wire);
  return le64toh(wire);
}

}  // namespace

std::vector<uint8_t> EncodeConnectRequest(const ConnectRequest& request) {
  const size_t groups = std::min(request.groups.size(), kMaxConnectGroups);
  std::vector<uint8_t> out;
  out.reserve(16 + 4 * groups);
  Append32(out, request.requested);
  Append32(out, request.uid);
  Append32(out, request.gid);
  Append32(out, static_cast<uint32_t>(groups));
  for (size_t i = 0; i < groups; ++i) Append32(out, request.groups[i]);
  return out;
}

std::optional<ConnectRequest> DecodeConnectRequest(
    absl::Span<const uint8_t> payload) {
  if (payload.size() < 16) return std::nullopt;
  const uint32_t groups = Read32(payload, 12);
  if (groups > kMaxConnectGroups || payload.size() != 16 + 4 * groups) {
    return std::nullopt;
  }
  ConnectRequest request;
  request.requested = Read32(payload, 0);
  request.uid = Read32(payload, 4);
  request.gid = Read32(payload, 8);
  for (uint32_t i = 0; i < groups; ++i) {
    request.groups.push_back(Read32(payload, 16 + 4 * i));
  }
  return request;
}

std::vector<uint8_t> EncodeConnectReply(const ConnectReply& reply) {
  std::vector<uint8_t> out;
  out.reserve(16);
  Append32(out, reply.result);
  Append32(out, reply.granted_mode);
  Append64(out, reply.segment_length);
  return out;
}

std::optional<ConnectReply> DecodeConnectReply(
    absl::Span<const uint8_t> payload) {
  if (payload.size() != 16) return std::nullopt;
  ConnectReply reply;
  reply.result = Read32(payload, 0);
  reply.granted_mode = Read32(payload, 4);
  reply.segment_length = Read64(payload, 8);
  return reply;
}

std::vector<uint8_t> EncodeGetRequest(const GetRequest& request) {
  std::vector<uint8_t> out;
  out.reserve(8);
  Append32(out, request.length);
  Append32(out, request.tag);
  return out;
}

std::optional<GetRequest> DecodeGetRequest(absl::Span<const uint8_t> payload) {
  if (payload.size() != 8) return std::nullopt;
  return GetRequest{Read32(payload, 0), Read32(payload, 4)};
}

std::vector<uint8_t> EncodeTag(uint32_t tag) {
  std::vector<uint8_t> out;
  Append32(out, tag);
  return out;
}

std::optional<uint32_t> DecodeTag(absl::Span<const uint8_t> payload) {
  if (payload.size() != 4) return std::nullopt;
  return Read32(payload, 0);
}

}  // namespace rsm::transport
