// Dispatch: each message type to the file that handles it.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnMessage(uint32_t peer, const wire::FrameHeader& first,
                               absl::Span<const uint8_t> payload) {
  switch (first.type) {
    case wire::FrameType::kConnect:
      OnConnect(peer, first, payload);
      break;
    case wire::FrameType::kConnectReply:
      OnConnectReply(peer, first, payload);
      break;
    case wire::FrameType::kDisconnect:
      OnDisconnect(peer, first);
      break;
    case wire::FrameType::kRevoke:
      OnRevoke(peer, first);
      break;
    case wire::FrameType::kPut:
      OnPut(peer, first, payload);
      break;
    case wire::FrameType::kGet:
      OnGet(peer, first, payload);
      break;
    case wire::FrameType::kGetReply:
    case wire::FrameType::kBarrierAck:
      OnReply(peer, first, payload);
      break;
    case wire::FrameType::kBarrier:
      OnBarrier(peer, first, payload);
      break;
    case wire::FrameType::kSignal:
      OnSignal(peer, first);
      break;
    default:
      // Session frames never reach a sink.
      counters_.malformed.Add();
      break;
  }
}

SegmentResult FromTransport(TransportResult result) {
  switch (result) {
    case TransportResult::kOk:
      return SegmentResult::kOk;
    case TransportResult::kPeerUnreachable:
      return SegmentResult::kPeerUnreachable;
    case TransportResult::kPeerRestarted:
      return SegmentResult::kPeerRestarted;
    case TransportResult::kEngineStopped:
      return SegmentResult::kEngineStopped;
    case TransportResult::kNoResources:
      return SegmentResult::kNoResources;
    case TransportResult::kInvalid:
      return SegmentResult::kInvalid;
  }
  return SegmentResult::kInvalid;
}

uint32_t SegmentService::NextToken() {
  // 0 is never a token, so a zeroed field names nothing.
  if (next_token_ == 0) ++next_token_;
  return next_token_++;
}

}  // namespace rsm::transport
