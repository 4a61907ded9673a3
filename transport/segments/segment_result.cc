#include "transport/segments/segment_result.h"

namespace rsm::transport {

const char* SegmentResultName(SegmentResult result) {
  switch (result) {
    case SegmentResult::kOk:
      return "OK";
    case SegmentResult::kNotPublished:
      return "NOT_PUBLISHED";
    case SegmentResult::kNotPublishedToNode:
      return "NOT_PUBLISHED_TO_NODE";
    case SegmentResult::kPermissionDenied:
      return "PERMISSION_DENIED";
    case SegmentResult::kNotConnected:
      return "NOT_CONNECTED";
    case SegmentResult::kOutOfBounds:
      return "OUT_OF_BOUNDS";
    case SegmentResult::kMalformed:
      return "MALFORMED";
    case SegmentResult::kBarrierFailed:
      return "BARRIER_FAILED";
    case SegmentResult::kIdInUse:
      return "ID_IN_USE";
    case SegmentResult::kIdsExhausted:
      return "IDS_EXHAUSTED";
    case SegmentResult::kPeerUnreachable:
      return "PEER_UNREACHABLE";
    case SegmentResult::kPeerRestarted:
      return "PEER_RESTARTED";
    case SegmentResult::kEngineStopped:
      return "ENGINE_STOPPED";
    case SegmentResult::kNoResources:
      return "NO_RESOURCES";
    case SegmentResult::kInvalid:
      return "INVALID";
  }
  return "UNKNOWN";
}

bool IsWireResult(uint32_t value) {
  return value <= static_cast<uint32_t>(SegmentResult::kBarrierFailed);
}

}  // namespace rsm::transport
