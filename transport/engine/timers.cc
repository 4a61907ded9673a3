// SPDX-License-Identifier: BSD-3-Clause
// Time-driven work, per session: handshake retries, retransmission with
// exponential back-off, heartbeats, and declaring a peer unreachable when it
// is silent or acknowledges nothing.
#include <rte_mbuf.h>

#include <algorithm>

#include "transport/engine/engine.h"
#include "transport/engine/frame_meta.h"

namespace rsm::transport {

bool Engine::FireTimers() {
  const uint64_t now = Now();
  const uint64_t unreachable_after = tsc_.unreachable;
  const uint64_t heartbeat = tsc_.heartbeat;
  const uint64_t initial_rto = tsc_.initial_retransmit;
  bool work = false;
  // Nobody drove this engine for a while (caller-driven mode with an idle
  // application, or a descheduled engine thread): the silence was ours, so
  // the time away is not held against peers. Only that time: a peer that
  // also stays silent while we run is still found out, however often we are
  // away.
  const uint64_t away =
      last_timers_tsc_ != 0 && now - last_timers_tsc_ > heartbeat
          ? now - last_timers_tsc_
          : 0;
  last_timers_tsc_ = now;
  for (const std::unique_ptr<PeerSession>& owned : sessions_) {
    PeerSession& session = *owned;
    if (away > 0) {
      session.last_heard_tsc = std::min(now, session.last_heard_tsc + away);
      session.connect_started_tsc =
          std::min(now, session.connect_started_tsc + away);
      // 0 is "not timed yet", which must stay so.
      if (session.ack_progress_tsc != 0) {
        session.ack_progress_tsc =
            std::min(now, session.ack_progress_tsc + away);
      }
    }
    switch (session.state) {
      case PeerSession::State::kIdle:
        break;
      case PeerSession::State::kConnecting:
        if (now - session.connect_started_tsc > unreachable_after) {
          DeclareUnreachable(session);
          work = true;
        } else if (now - session.last_hello_tsc > initial_rto) {
          SendHello(session);
          work = true;
        }
        break;
      case PeerSession::State::kUnreachable:
        // Keep probing, so a peer that comes back is found again.
        if (now - session.last_hello_tsc > heartbeat) {
          SendHello(session);
          work = true;
        }
        break;
      case PeerSession::State::kEstablished:
        if (now - session.last_heard_tsc > unreachable_after) {
          DeclareUnreachable(session);
          work = true;
          break;
        }
        if (AcksStalled(session, now)) {
          session.counters.acks_stalled.Add();
          DeclareUnreachable(session);
          work = true;
          break;
        }
        if (session.in_flight() > 0 && now >= session.retransmit_deadline_tsc) {
          RetransmitMissing(session, now, 0);
          ++session.timeouts_since_progress;
          session.counters.retransmit_timeouts.Add();
          port_counters_.retransmit_timeouts.Add();
          session.retransmit_timeout_tsc =
              std::min(2 * session.retransmit_timeout_tsc, tsc_.max_retransmit);
          session.retransmit_deadline_tsc =
              now + session.retransmit_timeout_tsc;
          work = true;
        }
        if (now - session.last_sent_tsc > heartbeat) {
          SendControl(session, wire::FrameType::kHeartbeat,
                      session.peer_incarnation);
        }
        break;
    }
  }
  return work;
}

bool Engine::AcksStalled(PeerSession& session, uint64_t now) {
  // Heartbeats prove the peer's engine runs, not that it takes our frames:
  // without this, a put it keeps refusing would be retransmitted for ever.
  // The bound is far longer than the silence one: a starved peer (four
  // nodes and CPU hogs on two cores) runs now and then, sends heartbeats
  // when it does, and may meanwhile lose our retransmissions in a receive
  // queue that overflowed while it slept. unreachable_after alone gave such
  // a peer up (cpu_hogs_test); so kStalledAfterTimeouts rounds must have
  // failed, over kStalledAfterUnreachables times unreachable_after.
  constexpr uint32_t kStalledAfterTimeouts = 8;
  constexpr uint64_t kStalledAfterUnreachables = 10;
  // ack_progress_tsc == 0: a session just started, not yet timed.
  if (session.in_flight() == 0 || session.acked != session.acked_at_progress ||
      session.ack_progress_tsc == 0) {
    session.acked_at_progress = session.acked;
    session.ack_progress_tsc = now;
    session.timeouts_since_progress = 0;
    return false;
  }
  return now - session.ack_progress_tsc >
             kStalledAfterUnreachables * tsc_.unreachable &&
         session.timeouts_since_progress >= kStalledAfterTimeouts;
}

bool Engine::RetransmitMissing(PeerSession& session, uint64_t now,
                               uint64_t min_age) {
  bool resent = false;
  // Only the frames the peer's selective ack covers: the first missing one
  // and the 32 after it, less those it says it holds. Frames further on
  // wait until the ack gets near them; resending a whole window on every
  // timeout floods a receiver that is merely slow, and the flood causes the
  // losses it was meant to repair.
  const uint64_t end =
      std::min(session.next_seq, session.acked + 2 + kSelectiveAckBits);
  for (uint64_t seq = session.acked + 1; seq < end; ++seq) {
    rte_mbuf* frame = session.sent(seq);
    FrameMeta& meta = MetaOf(frame);
    if (session.PeerHolds(seq) || now - meta.sent_tsc < min_age) continue;
    meta.sent_tsc = now;
    meta.retransmitted = true;
    rte_mbuf_refcnt_update(frame, 1);
    Queue(frame, session);
    session.counters.retransmits.Add();
    port_counters_.retransmits.Add();
    resent = true;
  }
  return resent;
}

void Engine::DeclareUnreachable(PeerSession& session) {
  // Frames in flight may or may not have arrived; the next session must not
  // reuse their sequence numbers, so it starts under a new incarnation.
  port_counters_.requests_failed.Add(
      session.Fail(Result::kPeerUnreachable, NextIncarnation()));
  session.state = PeerSession::State::kUnreachable;
  session.counters.unreachable.Add();
  session.retransmit_timeout_tsc = session.base_timeout_tsc;
  sink_->OnPeerLost(session.address.node_id, Result::kPeerUnreachable);
}

}  // namespace rsm::transport
