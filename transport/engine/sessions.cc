// SPDX-License-Identifier: BSD-3-Clause
// Session management asked for from outside the loop: opening every session
// at once, reading a session's state, and stopping once every session is
// quiet.
#include <rte_ethdev.h>

#include "transport/engine/engine.h"

namespace rsm::transport {

void Engine::StartConnecting(PeerSession& session) {
  session.state = PeerSession::State::kConnecting;
  session.connect_started_tsc = Now();
  SendHello(session);
}

void Engine::OpenAllSessions() {
  RunOnEngine([this] {
    for (const std::unique_ptr<PeerSession>& session : sessions_) {
      if (session->state == PeerSession::State::kIdle) {
        StartConnecting(*session);
      }
    }
  });
}

bool Engine::SessionEstablished(uint32_t node) {
  bool established = false;
  RunOnEngine([&] {
    const PeerSession* session = FindSession(node);
    established = session != nullptr &&
                  session->state == PeerSession::State::kEstablished;
  });
  return established;
}

void Engine::StopWhenQuiet(absl::Duration at_most) {
  const absl::Time deadline = absl::Now() + at_most;
  for (bool quiet = false; !quiet && absl::Now() < deadline;) {
    quiet = true;
    const Result ran = RunOnEngine([&] {
      for (const std::unique_ptr<PeerSession>& session : sessions_) {
        if (session->state != PeerSession::State::kEstablished) continue;
        quiet = quiet && session->backlog.empty() &&
                session->in_flight() == 0 && !session->ack_due;
      }
    });
    if (ran != Result::kOk) break;
    if (!quiet) absl::SleepFor(absl::Microseconds(100));
  }
  Stop();
}

void Engine::ClosePort() {
  // A successor engine on the port may have closed it already.
  if (stopped() && !ForkedAfterEal() &&
      rte_eth_dev_is_valid_port(options_.port_id)) {
    rte_eth_dev_close(options_.port_id);
  }
}

}  // namespace rsm::transport
