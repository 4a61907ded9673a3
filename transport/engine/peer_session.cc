// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/peer_session.h"

#include <algorithm>

#include "transport/engine/completion.h"
#include "transport/engine/frame_meta.h"
#include "transport/engine/frame_ownership.h"

namespace rsm::transport {
namespace {

// A request's frames are freed one by one; its completion is on the last.
int FailFrame(rte_mbuf* frame, Result result) {
  Completion* completion = MetaOf(frame).completion;
  FreeFrame(frame);
  if (completion == nullptr) return 0;
  completion->Complete(static_cast<int32_t>(result));
  return 1;
}

}  // namespace

PeerSession::PeerSession(const PeerAddress& address, uint32_t window_frames,
                         uint32_t incarnation, uint64_t first_sequence)
    : address(address),
      first_sequence(first_sequence),
      my_incarnation(incarnation),
      window(window_frames, nullptr),
      next_seq(first_sequence),
      acked(first_sequence - 1),
      peer_sack_base(first_sequence - 1),
      delivered(first_sequence - 1),
      reorder(window_frames, nullptr) {}

PeerSession::~PeerSession() { Fail(Result::kEngineStopped, 0); }

uint32_t PeerSession::EarlyFrames() const {
  if (early_held == 0) return 0;  // the common case: frames come in order
  uint32_t bits = 0;
  const size_t size = reorder.size();
  const uint32_t span = std::min<uint32_t>(kSelectiveAckBits, size - 1);
  // One division, not one per slot: this runs for every frame sent.
  size_t at = (delivered + 2) % size;
  for (uint32_t i = 0; i < span; ++i) {
    if (reorder[at] != nullptr) bits |= uint32_t{1} << i;
    if (++at == size) at = 0;
  }
  return bits;
}

bool PeerSession::PeerHolds(uint64_t seq) const {
  const uint64_t i = seq - peer_sack_base - 2;  // wraps for seq <= base + 1
  return peer_sack_base == acked && i < kSelectiveAckBits &&
         (peer_sack_bits >> i) & 1;
}

int PeerSession::FailBacklog(Result result) {
  int failed = 0;
  for (rte_mbuf* frame : backlog) failed += FailFrame(frame, result);
  backlog.clear();
  return failed;
}

int PeerSession::Fail(Result result, uint32_t new_incarnation) {
  int failed = FailBacklog(result);
  for (uint64_t seq = acked + 1; seq < next_seq; ++seq) {
    failed += FailFrame(sent(seq), result);
    sent(seq) = nullptr;
  }
  for (rte_mbuf*& frame : reorder) {
    if (frame != nullptr) FreeFrame(frame);
    frame = nullptr;
  }
  early_held = 0;
  if (new_incarnation != 0) my_incarnation = new_incarnation;
  peer_incarnation = 0;
  next_seq = first_sequence;
  acked = first_sequence - 1;
  ack_progress_tsc = 0;
  peer_sack_base = first_sequence - 1;
  peer_sack_bits = 0;
  delivered = first_sequence - 1;
  in_message = false;
  message.clear();
  ack_due = false;
  return failed;
}

}  // namespace rsm::transport
