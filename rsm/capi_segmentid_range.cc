// C entry point for reserved segment id ranges: Solaris's argument check,
// then the core's lookup in the segment id file.
#include "absl/status/statusor.h"
#include "rsm/core/rsm_status.h"
#include "rsm/core/segment_id_range.h"
#include "rsm/rsmapi.h"
#include "transport/log.h"

namespace {

using rsm::core::FindSegmentIdRange;
using rsm::core::RsmCode;
using rsm::core::SegmentIdFilePath;
using rsm::core::SegmentIdRange;

}  // namespace

extern "C" int rsm_get_segmentid_range(const char* appid,
                                       rsm_memseg_id_t* baseid,
                                       uint32_t* length) {
  if (appid == nullptr || baseid == nullptr || length == nullptr) {
    return RSMERR_BAD_ADDR;
  }
  absl::StatusOr<SegmentIdRange> range =
      FindSegmentIdRange(SegmentIdFilePath(), appid);
  if (!range.ok()) {
    const int code = RsmCode(range.status());
    // RSMERR_BAD_CONF alone does not say which file or line is wrong; an
    // unknown appid is the caller's to handle, so it is not logged.
    if (code == RSMERR_BAD_CONF) {
      rsm::transport::LogError(range.status().message());
    }
    return code;
  }
  *baseid = range->base;
  *length = range->length;
  return RSM_SUCCESS;
}
