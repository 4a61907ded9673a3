// SPDX-License-Identifier: BSD-3-Clause
#include "tools/golden_frames/pcap.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace rsm::tools {
namespace {

constexpr uint32_t kPcapMagic = 0xA1B2C3D4;  // microsecond timestamps
constexpr uint16_t kVersionMajor = 2;
constexpr uint16_t kVersionMinor = 4;
constexpr uint32_t kSnapLength = 65535;
constexpr uint32_t kLinkTypeEthernet = 1;
constexpr uint32_t kFirstSecond = 1700000000;
constexpr size_t kFileHeaderSize = 24;
constexpr size_t kRecordHeaderSize = 16;

// Little-endian by hand, so that the file does not depend on the host.
void Put(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>(v >> (8 * i)));
}

uint32_t Get(absl::string_view in, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= uint32_t{static_cast<uint8_t>(in[at + i])} << (8 * i);
  }
  return v;
}

}  // namespace

std::string WritePcap(const std::vector<Frame>& frames) {
  std::string out;
  Put(out, kPcapMagic, 4);
  Put(out, kVersionMajor, 2);
  Put(out, kVersionMinor, 2);
  Put(out, 0, 4);  // thiszone: UTC
  Put(out, 0, 4);  // sigfigs
  Put(out, kSnapLength, 4);
  Put(out, kLinkTypeEthernet, 4);
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& frame = frames[i];
    Put(out, kFirstSecond, 4);
    Put(out, static_cast<uint32_t>(i * 1000), 4);
    Put(out, static_cast<uint32_t>(frame.size()), 4);  // captured
    Put(out, static_cast<uint32_t>(frame.size()), 4);  // on the wire
    out.append(frame.begin(), frame.end());
  }
  return out;
}

absl::StatusOr<std::vector<Frame>> ReadPcap(absl::string_view file) {
  if (file.size() < kFileHeaderSize || Get(file, 0, 4) != kPcapMagic ||
      Get(file, 4, 2) != kVersionMajor || Get(file, 6, 2) != kVersionMinor) {
    return absl::InvalidArgumentError(
        "not a little-endian microsecond pcap 2.4 file");
  }
  if (const uint32_t link_type = Get(file, 20, 4);
      link_type != kLinkTypeEthernet) {
    return absl::InvalidArgumentError(
        absl::StrFormat("link type %u, not Ethernet", link_type));
  }
  std::vector<Frame> frames;
  for (size_t at = kFileHeaderSize; at < file.size();) {
    if (file.size() - at < kRecordHeaderSize) {
      return absl::InvalidArgumentError(
          absl::StrFormat("record %d: truncated header", frames.size()));
    }
    const uint32_t captured = Get(file, at + 8, 4);
    const uint32_t original = Get(file, at + 12, 4);
    at += kRecordHeaderSize;
    if (captured != original || file.size() - at < captured) {
      return absl::InvalidArgumentError(
          absl::StrFormat("record %d: truncated frame", frames.size()));
    }
    frames.emplace_back(file.begin() + at, file.begin() + at + captured);
    at += captured;
  }
  return frames;
}

}  // namespace rsm::tools
