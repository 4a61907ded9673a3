// SPDX-License-Identifier: BSD-3-Clause
#include "transport/result.h"

namespace rsm::transport {

absl::string_view ResultName(Result result) {
  switch (result) {
    case Result::kOk:
      return "ok";
    case Result::kNotPublished:
      return "not published";
    case Result::kNotPublishedToNode:
      return "not published to this node";
    case Result::kPermissionDenied:
      return "permission denied";
    case Result::kNotConnected:
      return "not connected";
    case Result::kOutOfBounds:
      return "out of bounds";
    case Result::kMalformed:
      return "malformed request";
    case Result::kBarrierFailed:
      return "barrier failed";
    case Result::kIdInUse:
      return "segment id in use";
    case Result::kIdsExhausted:
      return "segment ids exhausted";
    case Result::kPeerUnreachable:
      return "peer unreachable";
    case Result::kPeerRestarted:
      return "peer restarted";
    case Result::kEngineStopped:
      return "engine stopped";
    case Result::kNoResources:
      return "no resources";
    case Result::kInvalid:
      return "invalid request";
  }
  return "unknown result";
}

bool IsWireResult(uint32_t value) {
  return value <= static_cast<uint32_t>(Result::kBarrierFailed);
}

}  // namespace rsm::transport
