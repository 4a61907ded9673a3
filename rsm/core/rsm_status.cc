#include "rsm/core/rsm_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "rsm/rsmapi.h"

namespace rsm::core {
namespace {

constexpr char kRsmCodePayload[] = "rsm-dpdk/rsm-code";

absl::StatusCode CanonicalCode(int rsm_code) {
  switch (rsm_code) {
    case RSMERR_CTLR_NOT_PRESENT:
    case RSMERR_SEG_NOT_PUBLISHED:
      return absl::StatusCode::kNotFound;
    case RSMERR_PERM_DENIED:
    case RSMERR_BAD_PERMS:
    case RSMERR_NOT_CREATOR:
      return absl::StatusCode::kPermissionDenied;
    case RSMERR_INSUFFICIENT_RESOURCES:
    case RSMERR_INSUFFICIENT_MEM:
      return absl::StatusCode::kResourceExhausted;
    case RSMERR_TIMEOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case RSMERR_REMOTE_NODE_UNREACHABLE:
    case RSMERR_CONN_ABORTED:
      return absl::StatusCode::kUnavailable;
    case RSMERR_INTERNAL_ERROR:
      return absl::StatusCode::kInternal;
    default:
      return absl::StatusCode::kInvalidArgument;
  }
}

}  // namespace

absl::Status RsmError(int rsm_code, absl::string_view message) {
  absl::Status status(CanonicalCode(rsm_code), message);
  status.SetPayload(kRsmCodePayload, absl::Cord(std::to_string(rsm_code)));
  return status;
}

int RsmCode(const absl::Status& status) {
  if (status.ok()) return RSM_SUCCESS;
  int code = RSMERR_INTERNAL_ERROR;
  if (auto payload = status.GetPayload(kRsmCodePayload)) {
    if (!absl::SimpleAtoi(std::string(*payload), &code)) {
      code = RSMERR_INTERNAL_ERROR;
    }
  }
  return code;
}

}  // namespace rsm::core
