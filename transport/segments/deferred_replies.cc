// SPDX-License-Identifier: BSD-3-Clause
// Replies leave in the order their requests arrived. One that finds the
// frame pool empty waits here, and so does every reply after it, until Poll
// finds frames again (acks free them).
#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::Reply(Deferred reply) {
  if (deferred_.empty() && TrySend(reply)) return;
  counters_.replies_deferred.Add();
  deferred_.push_back(std::move(reply));
}

bool SegmentService::TrySend(const Deferred& reply) {
  if (reply.type == wire::FrameType::kGetReply) return SendGetReply(reply);
  // Other failures (the peer is gone) are final: the reply is dropped, as
  // the peer's session is.
  return engine_->SendFromEngine(reply.peer, reply.type, reply.segment_id,
                                 reply.offset, reply.aux, reply.payload,
                                 nullptr) != Result::kNoResources;
}

bool SegmentService::Poll() {
  bool sent = false;
  while (!deferred_.empty() && TrySend(deferred_.front())) {
    deferred_.pop_front();
    sent = true;
  }
  return sent;
}

}  // namespace rsm::transport
