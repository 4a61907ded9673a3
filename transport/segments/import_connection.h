// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_SEGMENTS_IMPORT_CONNECTION_H_
#define RSM_TRANSPORT_SEGMENTS_IMPORT_CONNECTION_H_

#include <atomic>
#include <cstdint>

#include "transport/segments/event_counter.h"

namespace rsm::transport {

// How an import connection stands. Only the owner of the connection's
// protocol state (an engine thread, or the loopback controller under its
// lock) moves it, and only forward from kConnected: a connection that ended
// stays ended until the application connects again.
enum class ConnectionState : uint32_t {
  kConnecting,
  kConnected,
  kRevoked,        // the exporter unpublished or destroyed the segment
  kPeerLost,       // the exporter's node stopped answering or restarted
  kEngineStopped,  // our own engine stopped
};

// One import of a segment: the importer's record, shared between the
// application thread that owns the handle and the side that ends it.
struct ImportConnection {
  uint32_t exporter_node = 0;
  uint32_t segment_id = 0;
  // Chosen by the importer's side, unique per engine; names the connection
  // in every frame.
  uint32_t token = 0;
  // From the exporter at connect.
  uint64_t length = 0;
  uint32_t granted_mode = 0;
  // Where signals the exporter posts to this import land (set before
  // connecting; may be null, then they are dropped).
  EventCounter* events = nullptr;
  // Read by application threads (acquire) before and after each access.
  std::atomic<ConnectionState> state{ConnectionState::kConnecting};

  bool connected() const {
    return state.load(std::memory_order_acquire) == ConnectionState::kConnected;
  }
  // Moves from kConnected to `ended`; a connection that already ended keeps
  // its first reason.
  // Its signal waiters are woken (the counter closes): nothing can signal
  // an import whose connection has ended.
  void End(ConnectionState ended) {
    ConnectionState expected = ConnectionState::kConnected;
    if (state.compare_exchange_strong(expected, ended,
                                      std::memory_order_acq_rel) &&
        events != nullptr) {
      events->Close();
    }
  }
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_IMPORT_CONNECTION_H_
