// SPDX-License-Identifier: BSD-3-Clause
// The application-thread side of the engine (SendMessage builds a message's
// frames and queues it on the request ring) and the engine side that takes
// requests off the ring and lets them into each peer's send window.
#include <rte_mbuf.h>
#include <rte_pause.h>

#include <cstring>
#include <thread>

#include "absl/container/inlined_vector.h"
#include "transport/engine/engine.h"
#include "transport/engine/frame_meta.h"
#include "transport/engine/frame_ownership.h"

namespace rsm::transport {
namespace {

void FreeMessage(rte_mbuf* first) {
  while (first != nullptr) {
    rte_mbuf* next = MetaOf(first).next_fragment;
    FreeFrame(first);
    first = next;
  }
}

}  // namespace

Result Engine::SendMessage(uint32_t peer, wire::FrameType type,
                           uint32_t segment_id, uint64_t offset, uint32_t aux,
                           absl::Span<const uint8_t> payload,
                           Completion* completion) {
  if (const Result checked = CheckMessage(peer, type); checked != Result::kOk) {
    return checked;
  }
  rte_mbuf* first = nullptr;
  const Result built =
      BuildMessage(peer, type, segment_id, offset, aux, payload, completion,
                   options_.block_when_full, &first);
  if (built != Result::kOk) return built;

  if (!Retry([&] { return requests_->Enqueue(first); },
             options_.block_when_full)) {
    FreeMessage(first);
    return Result::kNoResources;
  }
  // Stop may have drained the ring just before the enqueue; a stopped
  // engine's RunOnce fails whatever it finds, so nobody waits forever.
  if (stopped()) TryDrive();
  NotifyDriver();
  return Result::kOk;
}

Result Engine::SendFromEngine(uint32_t peer, wire::FrameType type,
                              uint32_t segment_id, uint64_t offset,
                              uint32_t aux, absl::Span<const uint8_t> payload,
                              Completion* completion) {
  if (const Result checked = CheckMessage(peer, type); checked != Result::kOk) {
    return checked;
  }
  // A peer already declared unreachable would have the message failed from
  // the backlog, unseen by a caller that gave no completion: say so now.
  if (FindSession(peer)->state == PeerSession::State::kUnreachable) {
    return Result::kPeerUnreachable;
  }
  // The engine thread must not wait for frames: it is the one that frees
  // them.
  rte_mbuf* first = nullptr;
  const Result built = BuildMessage(peer, type, segment_id, offset, aux,
                                    payload, completion, false, &first);
  if (built == Result::kOk) AddToBacklog(first);
  return built;
}

bool Engine::Retry(absl::FunctionRef<bool()> attempt, bool may_block) {
  if (attempt()) return true;
  if (!may_block) return false;
  // Blocking: drive the engine (acks free frames and ring slots) and try
  // again, until the blocking timeout. The clock is read only on this path.
  // When another thread drives, back off between attempts (pauses doubling
  // to kLongestPause, then yields): a hot loop would keep the pool's and the
  // ring's cache lines away from the engine that is freeing them.
  constexpr uint32_t kLongestPause = 1024;
  const absl::Time deadline = absl::Now() + options_.blocking_timeout;
  uint32_t pauses = 1;
  while (!attempt()) {
    if (absl::Now() > deadline) return false;
    if (TryDrive()) {
      pauses = 1;
    } else if (pauses <= kLongestPause) {
      for (uint32_t i = 0; i < pauses; ++i) rte_pause();
      pauses *= 2;
    } else {
      std::this_thread::yield();
    }
  }
  return true;
}

Result Engine::CheckMessage(uint32_t peer, wire::FrameType type) const {
  if (stopped()) return Result::kEngineStopped;
  if (!wire::IsSequenced(type) || FindSession(peer) == nullptr) {
    return Result::kInvalid;
  }
  return Result::kOk;
}

Result Engine::BuildMessage(uint32_t peer, wire::FrameType type,
                            uint32_t segment_id, uint64_t offset, uint32_t aux,
                            absl::Span<const uint8_t> payload,
                            Completion* completion, bool may_block,
                            rte_mbuf** first) {
  const size_t per_frame = max_frame_payload_;
  const size_t count =
      payload.empty() ? 1 : (payload.size() + per_frame - 1) / per_frame;
  // A message's frames must all fit in the window at once, or a full window
  // of them could wait on frames still queued behind them.
  if (count > options_.window_frames) return Result::kInvalid;
  // Receivers refuse a frame whose bytes would run past 2^64; sent anyway,
  // it would be retransmitted for ever and stall the session behind it.
  if (offset > UINT64_MAX - payload.size()) return Result::kInvalid;

  // Most messages are a frame or a few: no heap allocation for those.
  absl::InlinedVector<rte_mbuf*, 8> frames(count);
  if (!Retry(
          [&] {
            return rte_pktmbuf_alloc_bulk(data_pool_, frames.data(),
                                          static_cast<unsigned>(count)) == 0;
          },
          may_block)) {
    port_counters_.no_mbufs.AddFromAnyThread();
    return Result::kNoResources;
  }
  for (rte_mbuf* frame : frames) AcquireFrame(frame);

  const PeerAddress& to = FindSession(peer)->address;
  for (size_t i = 0; i < count; ++i) {
    const size_t start = i * per_frame;
    const size_t length = std::min(per_frame, payload.size() - start);
    rte_mbuf* frame = frames[i];
    auto* data = reinterpret_cast<uint8_t*>(
        rte_pktmbuf_append(frame, wire::kFrameOverhead + length));
    if (length > 0) {
      std::memcpy(data + wire::kFrameOverhead, payload.data() + start, length);
    }
    FrameMeta& meta = MetaOf(frame);
    meta.next_fragment = i + 1 < count ? frames[i + 1] : nullptr;
    meta.completion = i + 1 < count ? nullptr : completion;
    wire::FrameHeader& header = meta.header;
    header = {};
    header.type = type;
    header.flags = (i == 0 ? wire::kFirstFragment : 0) |
                   (i + 1 == count ? wire::kLastFragment : 0);
    header.src_node = options_.node_id;
    header.dst_node = to.node_id;
    header.segment_id = segment_id;
    header.offset = offset + start;
    header.length = static_cast<uint32_t>(length);
    header.aux = aux;
  }
  *first = frames[0];
  return Result::kOk;
}

void Engine::AddToBacklog(rte_mbuf* first) {
  PeerSession* session = FindSession(MetaOf(first).header.dst_node);
  for (rte_mbuf* frame = first; frame != nullptr;
       frame = MetaOf(frame).next_fragment) {
    session->backlog.push_back(frame);
  }
}

bool Engine::DrainRequests() {
  rte_mbuf* firsts[kBurst];
  const unsigned n = requests_->DequeueBurst(firsts, kBurst);
  for (unsigned i = 0; i < n; ++i) AddToBacklog(firsts[i]);
  traffic_ += n;
  return n > 0;
}

bool Engine::FillWindows() {
  bool work = false;
  for (const std::unique_ptr<PeerSession>& owned : sessions_) {
    PeerSession& session = *owned;
    if (session.backlog.empty()) continue;
    switch (session.state) {
      case PeerSession::State::kUnreachable:
        port_counters_.requests_failed.Add(
            session.FailBacklog(Result::kPeerUnreachable));
        work = true;
        break;
      case PeerSession::State::kIdle:
        StartConnecting(session);
        work = true;
        break;
      case PeerSession::State::kConnecting:
        break;
      case PeerSession::State::kEstablished:
        while (!session.backlog.empty() && !session.window_full()) {
          SendSequenced(session, session.backlog.front());
          session.backlog.pop_front();
          work = true;
        }
        break;
    }
  }
  return work;
}

}  // namespace rsm::transport
