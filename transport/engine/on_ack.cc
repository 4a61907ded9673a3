// Cumulative acks: every frame up to `ack` has been received, so its kept
// reference is released and the request it ended completes.
#include <rte_mbuf.h>

#include "transport/engine/engine.h"
#include "transport/engine/frame_ownership.h"
#include "transport/engine/frame_meta.h"

namespace rsm::transport {

void Engine::OnAck(PeerSession& session, uint32_t ack) {
  if (ack <= session.acked) return;  // old news (acks are cumulative)
  if (ack >= session.next_seq) {     // acknowledges what we never sent
    session.counters.Drop(DropReason::kBadAck);
    port_counters_.Drop(DropReason::kBadAck);
    return;
  }
  for (uint32_t seq = session.acked + 1; seq <= ack; ++seq) {
    rte_mbuf*& frame = session.sent(seq);
    // Read before the free: the completion lives in the frame's private area.
    Completion* completion = MetaOf(frame).completion;
    FreeFrame(frame);
    frame = nullptr;
    if (completion != nullptr) {
      completion->Complete(static_cast<int32_t>(TransportResult::kOk));
    }
  }
  session.acked = ack;
  // Progress: back-off starts over.
  session.retransmit_timeout_tsc = ToTsc(options_.initial_retransmit_timeout);
  session.retransmit_deadline_tsc =
      session.in_flight() > 0 ? Now() + session.retransmit_timeout_tsc : 0;
}

}  // namespace rsm::transport
