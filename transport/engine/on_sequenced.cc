// SPDX-License-Identifier: BSD-3-Clause
// Sequenced frames: applied exactly once, in sequence order. Duplicates are
// dropped (and acked again, in case our ack was what got lost); frames that
// arrive early wait in the reorder buffer; a message's frames are gathered
// until its last one and then handed to the sink.
#include <rte_mbuf.h>

#include "transport/engine/engine.h"
#include "transport/engine/frame_ownership.h"
#include "transport/engine/sequence.h"

namespace rsm::transport {

void Engine::OnSequenced(PeerSession& session, rte_mbuf* frame,
                         const wire::DecodedFrame& decoded) {
  // Relative to the next frame expected: duplicates fall behind it, early
  // frames ahead, both by far less than half a wire cycle.
  const uint64_t seq =
      SequenceFromWire(decoded.header.seq, session.delivered + 1);
  session.ack_due = true;
  DropReason reason;
  if (seq <= session.delivered) {
    reason = DropReason::kDuplicate;
  } else if (seq - session.delivered > session.reorder.size()) {
    reason = DropReason::kOutOfWindow;
  } else if (seq != session.delivered + 1) {
    rte_mbuf*& slot = session.early(seq);
    if (slot == nullptr) {
      slot = frame;
      ++session.early_held;
      return;
    }
    reason = DropReason::kDuplicate;
  } else {
    Apply(session, frame, decoded, seq);
    for (rte_mbuf* next;
         (next = session.early(session.delivered + 1)) != nullptr;) {
      // It waited in the slot of the next number expected, so that is its
      // (64-bit) sequence number.
      const uint64_t following = session.delivered + 1;
      session.early(following) = nullptr;
      --session.early_held;
      wire::DecodedFrame early;
      // Validated when it arrived; decoding again only locates its fields.
      wire::DecodeFrame(
          absl::MakeConstSpan(rte_pktmbuf_mtod(next, const uint8_t*),
                              rte_pktmbuf_data_len(next)),
          &early);
      Apply(session, next, early, following);
    }
    return;
  }
  session.counters.Drop(reason);
  port_counters_.Drop(reason);
  FreeFrame(frame);
}

void Engine::Apply(PeerSession& session, rte_mbuf* frame,
                   const wire::DecodedFrame& decoded, uint64_t seq) {
  ++traffic_;
  session.delivered = seq;
  const wire::FrameHeader& header = decoded.header;
  const bool first = header.flags & wire::kFirstFragment;
  const bool last = header.flags & wire::kLastFragment;
  if (first && last) {  // the common case: no copy
    sink_->OnMessage(session.address.node_id, header, decoded.payload);
    session.counters.messages_delivered.Add();
  } else if (first) {
    // A message left unfinished is the sender's fault, and lost.
    if (session.in_message) DropMessage(session);
    session.in_message = true;
    session.message_header = header;
    session.message.assign(decoded.payload.begin(), decoded.payload.end());
  } else if (!ContinuesMessage(session, header)) {
    DropMessage(session);
  } else {
    session.message.insert(session.message.end(), decoded.payload.begin(),
                           decoded.payload.end());
    if (last) {
      sink_->OnMessage(session.address.node_id, session.message_header,
                       session.message);
      session.counters.messages_delivered.Add();
      session.in_message = false;
    }
  }
  FreeFrame(frame);
}

bool Engine::ContinuesMessage(const PeerSession& session,
                              const wire::FrameHeader& header) const {
  // The sender splits one message with the same type, segment and aux, at
  // consecutive offsets, into at most a window of frames (BuildMessage):
  // anything else would gather parts of different messages into one, or
  // grow without bound.
  const wire::FrameHeader& first = session.message_header;
  return session.in_message && header.type == first.type &&
         header.segment_id == first.segment_id && header.aux == first.aux &&
         header.offset - first.offset == session.message.size() &&
         session.message.size() + header.length <= max_message_bytes();
}

void Engine::DropMessage(PeerSession& session) {
  session.counters.Drop(DropReason::kBadFragment);
  port_counters_.Drop(DropReason::kBadFragment);
  session.in_message = false;
  session.message.clear();
}

}  // namespace rsm::transport
