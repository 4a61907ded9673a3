// SPDX-License-Identifier: BSD-3-Clause
// Receiving: one RX burst, each frame decoded, checked against its session
// and handed to the handler for its type.
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "transport/engine/burst_guard.h"
#include "transport/engine/engine.h"
#include "transport/engine/frame_ownership.h"
#include "transport/engine/sequence.h"

namespace rsm::transport {
namespace {

DropReason ReasonFor(wire::DecodeStatus status) {
  return status == wire::DecodeStatus::kBadChecksum ? DropReason::kBadChecksum
                                                    : DropReason::kMalformed;
}

}  // namespace

uint16_t Engine::ReceiveFromPort(rte_mbuf** frames, uint16_t count) {
  if (!guard_bursts_) {
    return rte_eth_rx_burst(options_.port_id, 0, frames, count);
  }
  bool faulted = false;
  const uint16_t got =
      GuardedRxBurst(options_.port_id, frames, count, &faulted);
  if (faulted) port_counters_.burst_faults.Add();
  return got;
}

bool Engine::ReceiveBurst() {
  // A few bursts per iteration while they come full, so a queue fed by
  // several peers is drained faster than they fill it.
  constexpr int kMaxBursts = 4;
  bool received = ReceiveFramesFromThisNode();
  for (int burst = 0; burst < kMaxBursts; ++burst) {
    rte_mbuf* frames[2 * kBurst];
    const uint16_t got = ReceiveFromPort(frames, kBurst);
    for (uint16_t i = 0; i < got; ++i) AcquireFrame(frames[i]);
    uint16_t n = got;
    if (rx_faults_->enabled()) {
      n = rx_faults_->Apply(frames, n, 2 * kBurst, NowMicros());
    }
    for (uint16_t i = 0; i < n; ++i) Dispatch(frames[i]);
    received |= n > 0;
    if (got < kBurst) break;
  }
  return received;
}

void Engine::Dispatch(rte_mbuf* frame) {
  port_counters_.frames_in.Add();
  port_counters_.bytes_in.Add(rte_pktmbuf_pkt_len(frame));
  wire::DecodedFrame decoded;
  // Our frames never exceed one segment; a chained one is not ours.
  const wire::DecodeStatus status =
      frame->nb_segs == 1
          ? wire::DecodeFrame(
                absl::MakeConstSpan(rte_pktmbuf_mtod(frame, const uint8_t*),
                                    rte_pktmbuf_data_len(frame)),
                &decoded)
          : wire::DecodeStatus::kBadLength;
  const wire::FrameHeader& header = decoded.header;
  PeerSession* session = nullptr;
  if (status != wire::DecodeStatus::kOk) {
    port_counters_.Drop(ReasonFor(status));
    port_counters_.decode_errors[static_cast<int>(status)].Add();
  } else if (header.dst_node != options_.node_id) {
    port_counters_.Drop(DropReason::kNotForUs);
  } else if ((session = FindSession(header.src_node)) == nullptr) {
    port_counters_.Drop(DropReason::kUnknownPeer);
  } else if (decoded.src != session->address.mac) {
    // Ports run promiscuous, and the node id is only a field: a frame
    // claiming to be a node must come from that node's configured MAC.
    port_counters_.Drop(DropReason::kWrongSourceMac);
    session = nullptr;
  }
  if (session == nullptr) {
    FreeFrame(frame);
    return;
  }
  session->counters.frames_in.Add();
  session->counters.bytes_in.Add(rte_pktmbuf_pkt_len(frame));

  if (header.type == wire::FrameType::kHello) {
    OnHello(*session, header);
    FreeFrame(frame);
    return;
  }
  if (header.type == wire::FrameType::kHelloAck) {
    OnHelloAck(*session, header);
    FreeFrame(frame);
    return;
  }
  // Everything else belongs to the current session of both sides.
  if (session->peer_incarnation == 0 ||
      header.src_incarnation != session->peer_incarnation ||
      header.dst_incarnation != session->my_incarnation) {
    const DropReason reason = session->peer_incarnation == 0
                                  ? DropReason::kNotConnected
                                  : DropReason::kStaleIncarnation;
    session->counters.Drop(reason);
    port_counters_.Drop(reason);
    FreeFrame(frame);
    return;
  }
  session->last_heard_tsc = Now();
  // A valid ack lies between what the peer last acked and what we sent, so
  // it is read relative to the former (0, "none yet", stays 0: old news).
  const uint64_t ack = SequenceFromWire(header.ack, session->acked);
  if (wire::IsSequenced(header.type)) {
    // The message before the ack it carries: when a reply (a REVOKE, say)
    // and the ack of the request it answers arrive together, the sink has
    // seen the reply by the time the request's completion fires.
    OnSequenced(*session, frame, decoded);
    OnAck(*session, ack);
    return;
  }
  OnAck(*session, ack);
  if (header.type == wire::FrameType::kAck) {
    session->peer_sack_base = ack;
    session->peer_sack_bits = header.aux;
    // Frames held beyond a gap: the gap is most likely a loss, repaired now
    // rather than at the timeout (unless it went out less than a round trip
    // ago and may still be on its way).
    if (header.aux != 0 && ack == session->acked) {
      if (RetransmitMissing(*session, Now(), session->smoothed_rtt_tsc)) {
        session->counters.fast_retransmits.Add();
        port_counters_.fast_retransmits.Add();
      }
    }
  }
  FreeFrame(frame);  // ACK, HEARTBEAT
}

}  // namespace rsm::transport
