// SPDX-License-Identifier: BSD-3-Clause
// BARRIER at the exporter. Sessions deliver in order and the exporter
// applies each PUT as it is delivered, so when a BARRIER arrives every
// access sent before it on the same session has been applied or refused:
// the answer only has to say which.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnBarrier(uint32_t peer, const wire::FrameHeader& header,
                               absl::Span<const uint8_t> payload) {
  const std::optional<uint32_t> tag = DecodeTag(payload);
  if (!tag.has_value()) {
    counters_.malformed.Add();
    return;
  }
  const ImporterKey key{peer, header.aux};
  const Result result = table_.CloseBarrier(header.segment_id, key);
  // BARRIER_ACK: offset = result, aux = the BARRIER's tag.
  Reply({peer,
         wire::FrameType::kBarrierAck,
         header.segment_id,
         static_cast<uint64_t>(result),
         *tag,
         {}});
  if (result == Result::kNotConnected) {
    SendRevoke(header.segment_id, key);
  }
}

}  // namespace rsm::transport
