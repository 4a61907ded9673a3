#ifndef RSM_CORE_RESULT_CODES_H_
#define RSM_CORE_RESULT_CODES_H_

#include "absl/status/status.h"
#include "transport/segments/segment_result.h"

namespace rsm::core {

// The RSMAPI error for a segment result, as Solaris reported the same
// condition from each kind of call (reference/rsmapi.md §5, §6). OK for kOk.
absl::Status ConnectError(transport::SegmentResult result);
// put/get and friends. A lost exporter is RSMERR_CONN_ABORTED here: the
// connection is over, as after a revoke.
absl::Status AccessError(transport::SegmentResult result);

}  // namespace rsm::core

#endif  // RSM_CORE_RESULT_CODES_H_
