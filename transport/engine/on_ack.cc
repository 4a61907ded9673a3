// SPDX-License-Identifier: BSD-3-Clause
// Cumulative acks: every frame up to `ack` has been received, so its kept
// reference is released and the request it ended completes.
#include <rte_mbuf.h>

#include <algorithm>

#include "transport/engine/engine.h"
#include "transport/engine/frame_meta.h"
#include "transport/engine/frame_ownership.h"

namespace rsm::transport {

void Engine::OnAck(PeerSession& session, uint64_t ack) {
  if (ack <= session.acked) return;  // old news (acks are cumulative)
  if (ack >= session.next_seq) {     // acknowledges what we never sent
    session.counters.Drop(DropReason::kBadAck);
    port_counters_.Drop(DropReason::kBadAck);
    return;
  }
  // The newest frame acked gives a round-trip sample only if nothing it
  // waited behind was resent: otherwise its ack was held up by the repair
  // (or may answer the copy), and the sample would inflate the timeout
  // (Karn's rule, over the whole range the ack covers).
  const uint64_t newest_sent = MetaOf(session.sent(ack)).sent_tsc;
  bool clean_sample = true;
  for (uint64_t seq = session.acked + 1; seq <= ack; ++seq) {
    rte_mbuf*& frame = session.sent(seq);
    clean_sample = clean_sample && !MetaOf(frame).retransmitted;
    // Read before the free: the completion lives in the frame's private area.
    Completion* completion = MetaOf(frame).completion;
    FreeFrame(frame);
    frame = nullptr;
    if (completion != nullptr) {
      completion->Complete(static_cast<int32_t>(Result::kOk));
    }
  }
  if (clean_sample) SampleRoundTrip(session, Now() - newest_sent);
  session.acked = ack;
  // Progress: back-off starts over.
  session.retransmit_timeout_tsc = session.base_timeout_tsc;
  session.retransmit_deadline_tsc =
      session.in_flight() > 0 ? Now() + session.retransmit_timeout_tsc : 0;
}

void Engine::SampleRoundTrip(PeerSession& session, uint64_t sample) {
  if (session.smoothed_rtt_tsc == 0) {
    session.smoothed_rtt_tsc = sample;
    session.rtt_variation_tsc = sample / 2;
  } else {
    const uint64_t error = session.smoothed_rtt_tsc > sample
                               ? session.smoothed_rtt_tsc - sample
                               : sample - session.smoothed_rtt_tsc;
    session.rtt_variation_tsc = (3 * session.rtt_variation_tsc + error) / 4;
    session.smoothed_rtt_tsc = (7 * session.smoothed_rtt_tsc + sample) / 8;
  }
  session.base_timeout_tsc =
      std::clamp(session.smoothed_rtt_tsc + 4 * session.rtt_variation_tsc,
                 tsc_.min_retransmit, tsc_.max_retransmit);
}

}  // namespace rsm::transport
