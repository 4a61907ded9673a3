// SPDX-License-Identifier: BSD-3-Clause
#include "transport/wire/frame.h"

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace rsm::transport::wire {
namespace {

// Indexed by the FrameType value; 0 is not a type.
constexpr absl::string_view kTypeNames[kFrameTypeCount + 1] = {
    "UNKNOWN",    "HELLO",       "HELLO_ACK", "CONNECT", "CONNECT_REPLY",
    "DISCONNECT", "REVOKE",      "PUT",       "GET",     "GET_REPLY",
    "BARRIER",    "BARRIER_ACK", "SIGNAL",    "ACK",     "HEARTBEAT",
};

// "F|L", "F", "L" or "0"; bits we do not know (only in a header built by
// hand, never in a decoded one) are shown in hex so that they are not hidden.
std::string FlagsToString(uint16_t flags) {
  std::vector<std::string> parts;
  if (flags & kFirstFragment) parts.push_back("F");
  if (flags & kLastFragment) parts.push_back("L");
  if (const uint16_t unknown = flags & ~kKnownFlags; unknown != 0) {
    parts.push_back(absl::StrFormat("0x%x", unknown));
  }
  return parts.empty() ? "0" : absl::StrJoin(parts, "|");
}

auto Fields(const FrameHeader& h) {
  return std::tie(h.type, h.flags, h.src_node, h.dst_node, h.src_incarnation,
                  h.dst_incarnation, h.seq, h.ack, h.segment_id, h.offset,
                  h.length, h.aux);
}

}  // namespace

absl::string_view FrameTypeName(FrameType type) {
  const int index = static_cast<int>(type);
  return index <= kFrameTypeCount ? kTypeNames[index] : kTypeNames[0];
}

std::string FrameHeader::ToString() const {
  const absl::string_view name = FrameTypeName(type);
  return absl::StrFormat(
      "%s seq=%u ack=%u %u->%u inc=%u/%u seg=0x%x off=%u len=%u flags=%s "
      "aux=%u",
      name == kTypeNames[0] ? absl::StrCat("TYPE(", static_cast<int>(type), ")")
                            : std::string(name),
      seq, ack, src_node, dst_node, src_incarnation, dst_incarnation,
      segment_id, offset, length, FlagsToString(flags), aux);
}

bool operator==(const FrameHeader& a, const FrameHeader& b) {
  return Fields(a) == Fields(b);
}

std::ostream& operator<<(std::ostream& os, const FrameHeader& header) {
  return os << header.ToString();
}

}  // namespace rsm::transport::wire
