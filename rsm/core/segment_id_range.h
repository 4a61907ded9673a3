// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_SEGMENT_ID_RANGE_H_
#define RSM_CORE_SEGMENT_ID_RANGE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rsm/rsmapi.h"

namespace rsm::core {

// The file Solaris's librsm read, and the environment variable that points
// rsm-dpdk elsewhere (tests and users who cannot write /etc).
inline constexpr char kDefaultSegmentIdFile[] = "/etc/rsm/rsm.segmentid";
inline constexpr char kSegmentIdFileEnvVar[] = "RSM_SEGMENTID_FILE";

// Segment ids [base, base + length) reserved for one application.
struct SegmentIdRange {
  rsm_memseg_id_t base;
  uint32_t length;
};

// $RSM_SEGMENTID_FILE if it is set and not empty, else
// kDefaultSegmentIdFile. A set-user-ID or set-group-ID program always gets
// the default: whoever runs it must not choose which file it trusts.
std::string SegmentIdFilePath();

// rsm_get_segmentid_range's lookup, as Solaris's librsm did it: reads `path`
// line by line and returns the range of the first line whose appid equals
// `appid` ignoring ASCII case. Each line, up to and including that one, is
//   reserved <appid> <baseid-hex> <length-decimal>
// separated by blanks, or a comment whose first non-blank character is '#'.
// Errors map to their RSMAPI code with SegmentIdRangeCode:
//   RSMERR_BAD_CONF   the file cannot be read; a line before the match or the
//                     matching line has fewer than 4 fields (a blank line has
//                     none); the matching line's keyword is not "reserved"
//                     (any case), its numbers do not parse completely, it has
//                     text after the length, or the range does not fit in 32
//                     bits (base + length > 2^32).
//   RSMERR_BAD_APPID  no line names `appid`.
// Lines after the match are not read. The range is not checked against the
// application id space (0x400000-0x7FFFFFFF): Solaris did not either.
absl::StatusOr<SegmentIdRange> FindSegmentIdRange(absl::string_view path,
                                                  absl::string_view appid);

// RSM_SUCCESS, RSMERR_BAD_APPID (no line names the appid: NotFound) or
// RSMERR_BAD_CONF (anything else) for FindSegmentIdRange's status.
int SegmentIdRangeCode(const absl::Status& status);

}  // namespace rsm::core

#endif  // RSM_CORE_SEGMENT_ID_RANGE_H_
