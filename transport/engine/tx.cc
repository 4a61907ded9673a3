// SPDX-License-Identifier: BSD-3-Clause
// Sending: sequenced frames get their sequence number, ack and incarnations
// (and so their checksum) when they enter the window; control frames are
// built here; everything queued in an iteration leaves in TX bursts at its
// end.
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>

#include "transport/engine/burst_guard.h"
#include "transport/engine/engine.h"
#include "transport/engine/frame_meta.h"
#include "transport/engine/frame_ownership.h"
#include "transport/engine/sequence.h"

namespace rsm::transport {

void Engine::SendSequenced(PeerSession& session, rte_mbuf* frame) {
  wire::FrameHeader& header = MetaOf(frame).header;
  const uint64_t seq = session.next_seq++;
  header.seq = SequenceToWire(seq);
  header.ack = SequenceToWire(session.delivered);
  // The ack rides along: a separate ACK is needed only for what a sequenced
  // frame cannot say (frames received beyond a gap, its selective bits).
  if (session.EarlyFrames() == 0) session.ack_due = false;
  header.src_incarnation = session.my_incarnation;
  header.dst_incarnation = session.peer_incarnation;
  MetaOf(frame).sent_tsc = Now();
  MetaOf(frame).retransmitted = false;
  uint8_t* data = rte_pktmbuf_mtod(frame, uint8_t*);
  // The payload is already in place behind the headers.
  wire::EncodeFrame(
      session.address.mac, options_.mac, header,
      absl::MakeConstSpan(data + wire::kFrameOverhead, header.length), data);
  if (session.in_flight() == 1) {
    session.retransmit_deadline_tsc = Now() + session.retransmit_timeout_tsc;
  }
  // One reference stays in the window for retransmission; the PMD frees the
  // other once the frame is out.
  session.sent(seq) = frame;
  rte_mbuf_refcnt_update(frame, 1);
  Queue(frame, session);
}

void Engine::SendControl(PeerSession& session, wire::FrameType type,
                         uint32_t dst_incarnation) {
  rte_mbuf* frame = rte_pktmbuf_alloc(control_pool_);
  if (frame == nullptr) {
    port_counters_.no_mbufs.AddFromAnyThread();
    return;
  }
  AcquireFrame(frame);
  wire::FrameHeader header{};
  header.type = type;
  header.src_node = options_.node_id;
  header.dst_node = session.address.node_id;
  header.src_incarnation = session.my_incarnation;
  header.dst_incarnation = dst_incarnation;
  header.ack = SequenceToWire(session.delivered);
  if (type == wire::FrameType::kAck) header.aux = session.EarlyFrames();
  auto* data = reinterpret_cast<uint8_t*>(
      rte_pktmbuf_append(frame, wire::kFrameOverhead));
  wire::EncodeFrame(session.address.mac, options_.mac, header, {}, data);
  Queue(frame, session);
}

void Engine::SendHello(PeerSession& session) {
  session.last_hello_tsc = Now();
  SendControl(session, wire::FrameType::kHello, 0);
}

void Engine::Queue(rte_mbuf* frame, PeerSession& session) {
  session.last_sent_tsc = Now();
  session.counters.frames_out.Add();
  session.counters.bytes_out.Add(rte_pktmbuf_pkt_len(frame));
  port_counters_.frames_out.Add();
  port_counters_.bytes_out.Add(rte_pktmbuf_pkt_len(frame));
  tx_queue_.push_back(frame);
}

void Engine::FlushAcks() {
  for (const std::unique_ptr<PeerSession>& session : sessions_) {
    if (!session->ack_due) continue;
    session->ack_due = false;
    SendControl(*session, wire::FrameType::kAck, session->peer_incarnation);
  }
}

uint16_t Engine::TransmitToPort(rte_mbuf** frames, uint16_t count) {
  if (!guard_bursts_) {
    return rte_eth_tx_burst(options_.port_id, 0, frames, count);
  }
  bool faulted = false;
  const uint16_t sent =
      GuardedTxBurst(options_.port_id, frames, count, &faulted);
  if (faulted) port_counters_.burst_faults.Add();
  return sent;
}

bool Engine::FlushTx() {
  const bool had_frames = !tx_queue_.empty();
  if (!had_frames && !tx_faults_->enabled()) return false;
  size_t next = 0;
  // Faults may hold frames back, so the injector runs even with none new.
  do {
    rte_mbuf* burst[2 * kBurst];
    uint16_t n = static_cast<uint16_t>(
        std::min<size_t>(kBurst, tx_queue_.size() - next));
    std::copy_n(tx_queue_.begin() + next, n, burst);
    next += n;
    if (tx_faults_->enabled()) {
      n = tx_faults_->Apply(burst, n, 2 * kBurst, NowMicros());
    }
    for (uint16_t i = 0; i < n; ++i) ReleaseFrame(burst[i]);
    n = DivertFramesToThisNode(burst, n);
    const uint16_t sent = TransmitToPort(burst, n);
    if (sent < n) {
      // Lost like on a wire: sequenced frames go again on retransmission.
      port_counters_.tx_ring_full.Add(n - sent);
      rte_pktmbuf_free_bulk(burst + sent, n - sent);
    }
  } while (next < tx_queue_.size());
  tx_queue_.clear();
  return had_frames;
}

}  // namespace rsm::transport
