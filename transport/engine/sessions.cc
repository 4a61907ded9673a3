// Session management asked for from outside the loop: opening every session
// at once, and reading a session's state.
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

}  // namespace rsm::transport
