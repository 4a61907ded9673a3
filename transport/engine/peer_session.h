// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_PEER_SESSION_H_
#define RSM_TRANSPORT_ENGINE_PEER_SESSION_H_

#include <rte_mbuf.h>

#include <cstdint>
#include <deque>
#include <vector>

#include "transport/engine/counters.h"
#include "transport/engine/engine_options.h"
#include "transport/result.h"
#include "transport/wire/frame.h"

namespace rsm::transport {

// Frames a selective ack covers beyond the first missing one (an ACK's aux).
inline constexpr uint32_t kSelectiveAckBits = 32;

// The reliable session with one peer, owned and touched by the engine thread
// alone. Sending: frames wait in `backlog` until the window has room, then
// get the next sequence number and stay in `window` (one mbuf reference
// kept for retransmission) until the peer's cumulative ack covers them.
// Receiving: frames are applied in sequence order; early ones wait in
// `reorder`; a message's frames are gathered until its last one.
//
// Sequence numbers are 64-bit here and start at `first_sequence` (1 unless
// a test says otherwise) in each session incarnation; they never wrap in
// practice. Frames carry them as 32-bit wire values that do wrap
// (sequence.h, docs/protocol.md).
struct PeerSession {
  enum class State { kIdle, kConnecting, kEstablished, kUnreachable };

  PeerSession(const PeerAddress& address, uint32_t window_frames,
              uint32_t incarnation, uint64_t first_sequence);
  ~PeerSession();

  PeerSession(const PeerSession&) = delete;
  PeerSession& operator=(const PeerSession&) = delete;

  uint32_t window_size() const { return static_cast<uint32_t>(window.size()); }
  uint32_t in_flight() const {
    return static_cast<uint32_t>(next_seq - 1 - acked);
  }
  bool window_full() const { return in_flight() >= window_size(); }
  rte_mbuf*& sent(uint64_t seq) { return window[seq % window.size()]; }
  rte_mbuf*& early(uint64_t seq) { return reorder[seq % reorder.size()]; }

  // Selective ack, sent in an ACK's aux: bit i set when frame
  // delivered + 2 + i has arrived early and waits in the reorder buffer.
  uint32_t EarlyFrames() const;
  // Whether the last selective ack says the peer already holds `seq`.
  bool PeerHolds(uint64_t seq) const;

  // Completes the requests not yet sent with `result`; returns how many.
  int FailBacklog(Result result);

  // Completes every request of this session with `result` and frees its
  // frames, then starts over with sequence numbers from first_sequence under
  // `new_incarnation` (0: keep ours). Returns the number of failed requests.
  int Fail(Result result, uint32_t new_incarnation);

  const PeerAddress address;
  // Where each incarnation's sequence numbers start, in both directions.
  const uint64_t first_sequence;
  State state = State::kIdle;
  uint32_t my_incarnation;        // what this node presents to the peer
  uint32_t peer_incarnation = 0;  // 0 until the handshake

  uint64_t connect_started_tsc = 0;
  uint64_t last_heard_tsc = 0;
  uint64_t last_hello_tsc = 0;
  uint64_t last_sent_tsc = 0;

  // Sending side.
  std::deque<rte_mbuf*> backlog;
  std::vector<rte_mbuf*> window;
  uint64_t next_seq;
  uint64_t acked;  // cumulative: every frame up to here is acknowledged
  uint64_t retransmit_timeout_tsc = 0;  // current, with back-off
  uint64_t base_timeout_tsc = 0;        // from the RTT estimate
  uint64_t retransmit_deadline_tsc = 0;
  // When `acked` last moved (or the window was last empty), and the value
  // it had then: a peer that is heard but acks nothing for long enough is
  // given up like a silent one (timers.cc). 0: not
  // timed yet (a new session).
  uint64_t ack_progress_tsc = 0;
  uint64_t acked_at_progress = 0;
  uint32_t timeouts_since_progress = 0;  // retransmission rounds since then
  uint64_t smoothed_rtt_tsc = 0;         // 0: no sample yet
  uint64_t rtt_variation_tsc = 0;
  // The peer's last selective ack, relative to its cumulative ack.
  uint64_t peer_sack_base;
  uint32_t peer_sack_bits = 0;

  // Receiving side.
  uint64_t delivered;  // cumulative: every frame up to here was applied
  std::vector<rte_mbuf*> reorder;
  uint32_t early_held = 0;  // frames waiting in `reorder`
  bool in_message = false;
  wire::FrameHeader message_header{};
  std::vector<uint8_t> message;
  bool ack_due = false;

  PeerCounters counters;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_PEER_SESSION_H_
