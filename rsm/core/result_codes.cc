#include "rsm/core/result_codes.h"

#include "absl/strings/str_cat.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

namespace rsm::core {
namespace {

using transport::SegmentResult;

absl::Status Error(int code, SegmentResult result) {
  return RsmError(code, transport::SegmentResultName(result));
}

// Failures every kind of call shares: the path, the engine, resources.
absl::Status CommonError(SegmentResult result) {
  switch (result) {
    case SegmentResult::kPeerUnreachable:
    case SegmentResult::kPeerRestarted:
    case SegmentResult::kInvalid:  // a node that is not in the cluster
      return Error(RSMERR_REMOTE_NODE_UNREACHABLE, result);
    case SegmentResult::kEngineStopped:
      return Error(RSMERR_CTLR_NOT_PRESENT, result);
    case SegmentResult::kNoResources:
      return Error(RSMERR_INSUFFICIENT_RESOURCES, result);
    default:
      return Error(RSMERR_INTERNAL_ERROR, result);
  }
}

}  // namespace

absl::Status ConnectError(SegmentResult result) {
  switch (result) {
    case SegmentResult::kOk:
      return absl::OkStatus();
    case SegmentResult::kNotPublished:
      return Error(RSMERR_SEG_NOT_PUBLISHED, result);
    case SegmentResult::kNotPublishedToNode:
      return Error(RSMERR_SEG_NOT_PUBLISHED_TO_NODE, result);
    case SegmentResult::kPermissionDenied:
      return Error(RSMERR_PERM_DENIED, result);
    default:
      return CommonError(result);
  }
}

absl::Status AccessError(SegmentResult result) {
  switch (result) {
    case SegmentResult::kOk:
      return absl::OkStatus();
    case SegmentResult::kNotConnected:
    case SegmentResult::kNotPublished:
    case SegmentResult::kPeerUnreachable:
    case SegmentResult::kPeerRestarted:
    case SegmentResult::kEngineStopped:
      // The connection is gone, whoever ended it.
      return Error(RSMERR_CONN_ABORTED, result);
    case SegmentResult::kPermissionDenied:
      return Error(RSMERR_PERM_DENIED, result);
    case SegmentResult::kOutOfBounds:
      return Error(RSMERR_BAD_LENGTH, result);
    default:
      return CommonError(result);
  }
}

}  // namespace rsm::core
