// SPDX-License-Identifier: BSD-3-Clause
// C entry point for reserved segment id ranges: Solaris's argument check,
// then the core's lookup in the segment id file.
#include "absl/status/statusor.h"
#include "rsm/core/rsm_status.h"
#include "rsm/core/segment_id_range.h"
#include "rsm/rsmapi.h"
#include "transport/log.h"

extern "C" int rsm_get_segmentid_range(const char* appid,
                                       rsm_memseg_id_t* baseid,
                                       uint32_t* length) {
  if (appid == nullptr || baseid == nullptr || length == nullptr) {
    return rsm::core::RsmError(RSMERR_BAD_ADDR,
                               "appid, baseid and length must not be NULL")
        .code();
  }
  const absl::StatusOr<rsm::core::SegmentIdRange> range =
      rsm::core::FindSegmentIdRange(rsm::core::SegmentIdFilePath(), appid);
  if (!range.ok()) {
    const int code = rsm::core::SegmentIdRangeCode(range.status());
    // RSMERR_BAD_CONF alone does not say which file or line is wrong, so
    // the operator is told; an unknown appid is the caller's to handle.
    if (code == RSMERR_BAD_CONF) {
      rsm::transport::Log(rsm::transport::LogSource::kCore,
                          rsm::transport::LogLevel::kError,
                          range.status().message());
    }
    return rsm::core::RsmError(code, range.status().message()).code();
  }
  *baseid = range->base;
  *length = range->length;
  return RSM_SUCCESS;
}
