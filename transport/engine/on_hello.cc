// SPDX-License-Identifier: BSD-3-Clause
// The session handshake. HELLO carries the sender's incarnation for this
// session; HELLO_ACK returns both. An incarnation different from the one we
// knew means the peer restarted (or declared us unreachable and started
// over): whatever was in flight with the old one is lost, so its requests
// fail and sequence numbers start again from the beginning.
#include "transport/engine/engine.h"

namespace rsm::transport {

void Engine::OnHello(PeerSession& session, const wire::FrameHeader& header) {
  AdoptIncarnation(session, header.src_incarnation);
  SendControl(session, wire::FrameType::kHelloAck, header.src_incarnation);
}

void Engine::OnHelloAck(PeerSession& session, const wire::FrameHeader& header) {
  if (header.dst_incarnation != session.my_incarnation) {
    session.counters.Drop(DropReason::kStaleIncarnation);
    port_counters_.Drop(DropReason::kStaleIncarnation);
    return;
  }
  AdoptIncarnation(session, header.src_incarnation);
}

void Engine::AdoptIncarnation(PeerSession& session, uint32_t incarnation) {
  if (session.peer_incarnation != incarnation) {
    if (session.peer_incarnation != 0) {
      port_counters_.requests_failed.Add(
          session.Fail(Result::kPeerRestarted, 0));
      sink_->OnPeerLost(session.address.node_id, Result::kPeerRestarted);
    }
    session.peer_incarnation = incarnation;
    session.state = PeerSession::State::kEstablished;
    session.counters.sessions_started.Add();
  }
  session.last_heard_tsc = Now();
}

}  // namespace rsm::transport
