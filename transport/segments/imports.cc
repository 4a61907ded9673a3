// SPDX-License-Identifier: BSD-3-Clause
// The importer's calls, from application threads. Requests that expect a
// reply (CONNECT, GET) are registered and sent in one engine task, so the
// reply cannot arrive before its waiter is known; PUTs go through the
// engine's request ring like any message.
#include <algorithm>

#include "transport/segments/segment_service.h"

namespace rsm::transport {
namespace {

// GETs outstanding per call: enough to keep a 64 KiB-chunked transfer
// streaming, few enough that a call does not fill the frame pool alone.
constexpr size_t kGetsInFlight = 8;
// PUT messages a call has in flight before it waits for the oldest.
constexpr size_t kPutsInFlight = 16;

}  // namespace

Result SegmentService::AwaitReply(Completion& done, Result& result,
                                  absl::Time deadline,
                                  absl::FunctionRef<void()> cancel) {
  if (engine_->Wait(done, deadline).has_value()) {
    return result;
  }
  // Withdraw it on the engine thread; if the engine stopped meanwhile,
  // nothing runs there any more and the record is ours again.
  bool withdrawn = false;
  engine_->RunOnEngine([&] {
    cancel();
    withdrawn = !done.IsDone();
  });
  return withdrawn || !done.IsDone() ? Result::kPeerUnreachable : result;
}

Result SegmentService::IssueRequest(absl::FunctionRef<Result()> issue) {
  const absl::Time deadline = absl::Now() + kReplyTimeout;
  while (true) {
    Result sent = Result::kNoResources;
    const Result ran = engine_->RunOnEngine([&] { sent = issue(); });
    if (ran != Result::kOk) return ran;
    if (sent != Result::kNoResources || absl::Now() > deadline) {
      return sent;
    }
    engine_->TryDrive();
  }
}

Result SegmentService::Connect(ImportConnection& connection,
                               const ConnectRequest& request) {
  connection.state.store(ConnectionState::kConnecting,
                         std::memory_order_relaxed);
  const std::vector<uint8_t> payload = EncodeConnectRequest(request);
  PendingConnect pending;
  pending.connection = &connection;
  const Result sent = IssueRequest([&] {
    connection.token = NextToken();
    const Result queued = engine_->SendFromEngine(
        connection.exporter_node, wire::FrameType::kConnect,
        connection.segment_id, 0, connection.token, payload, nullptr);
    if (queued == Result::kOk) {
      pending_connects_[connection.token] = &pending;
    }
    return queued;
  });
  if (sent != Result::kOk) return sent;
  const Result result =
      AwaitReply(pending.done, pending.result, absl::Now() + kReplyTimeout,
                 [&] { pending_connects_.erase(connection.token); });
  if (result != Result::kOk) {
    // A connect that failed must not look connected.
    connection.state.store(ConnectionState::kRevoked,
                           std::memory_order_release);
  }
  return result;
}

void SegmentService::Disconnect(ImportConnection& connection) {
  engine_->RunOnEngine([&] {
    if (connections_.erase(connection.token) > 0) {
      Reply({connection.exporter_node,
             wire::FrameType::kDisconnect,
             connection.segment_id,
             0,
             connection.token,
             {}});
    }
    connection.End(ConnectionState::kRevoked);
  });
}

Result SegmentService::Put(ImportConnection& connection, uint64_t offset,
                           absl::Span<const uint8_t> data) {
  Completion acked[kPutsInFlight];
  size_t issued = 0;
  size_t settled = 0;
  Result result = Result::kOk;
  auto settle_oldest = [&] {
    Completion& completion = acked[settled++ % kPutsInFlight];
    const Result done = *engine_->Wait(completion, absl::InfiniteFuture());
    if (result == Result::kOk) result = done;
    completion.Reset();
  };
  // A zero-length put still crosses the protocol, as on Solaris it still
  // went through the barrier.
  size_t at = 0;
  do {
    if (issued - settled == kPutsInFlight) settle_oldest();
    if (result != Result::kOk) break;
    const size_t chunk = std::min<size_t>(MaxChunk(), data.size() - at);
    Completion& completion = acked[issued++ % kPutsInFlight];
    const Result sent = engine_->SendMessage(
        connection.exporter_node, wire::FrameType::kPut, connection.segment_id,
        offset + at, connection.token, data.subspan(at, chunk), &completion);
    // Not queued: the engine will not complete it, so we do.
    if (sent != Result::kOk) {
      completion.Complete(static_cast<int32_t>(sent));
    }
    at += chunk;
  } while (at < data.size());
  while (settled < issued) settle_oldest();
  return result;
}

Result SegmentService::PutWithoutWaiting(ImportConnection& connection,
                                         uint64_t offset,
                                         absl::Span<const uint8_t> data) {
  size_t at = 0;
  do {
    const size_t chunk = std::min<size_t>(MaxChunk(), data.size() - at);
    const Result sent = engine_->SendMessage(
        connection.exporter_node, wire::FrameType::kPut, connection.segment_id,
        offset + at, connection.token, data.subspan(at, chunk), nullptr);
    if (sent != Result::kOk) return sent;
    at += chunk;
  } while (at < data.size());
  return Result::kOk;
}

Result SegmentService::Barrier(ImportConnection& connection) {
  PendingReply pending;
  pending.peer = connection.exporter_node;
  pending.reply_type = wire::FrameType::kBarrierAck;
  uint32_t tag = 0;
  const Result sent = IssueRequest([&] {
    if (!connection.connected()) return Result::kInvalid;
    tag = NextToken();
    const Result queued = engine_->SendFromEngine(
        connection.exporter_node, wire::FrameType::kBarrier,
        connection.segment_id, 0, connection.token, EncodeTag(tag), nullptr);
    if (queued == Result::kOk) pending_replies_[tag] = &pending;
    return queued;
  });
  if (sent == Result::kInvalid) return Result::kNotConnected;
  if (sent != Result::kOk) return sent;
  return AwaitReply(pending.done, pending.result, absl::Now() + kReplyTimeout,
                    [&] { pending_replies_.erase(tag); });
}

void SegmentService::IssueGets(uint32_t segment_id, uint32_t token,
                               uint64_t offset,
                               absl::Span<PendingReply> pending) {
  uint64_t at = offset;
  for (PendingReply& get : pending) {
    const uint64_t get_offset = at;
    at += get.length;
    if (!get.unsent) continue;
    get.unsent = false;
    const uint32_t tag = NextToken();
    const Result sent = engine_->SendFromEngine(
        get.peer, wire::FrameType::kGet, segment_id, get_offset, token,
        EncodeGetRequest({get.length, tag}), nullptr);
    if (sent != Result::kOk) {
      get.result = sent;
      get.done.Complete(0);
      continue;
    }
    pending_replies_[tag] = &get;
  }
}

Result SegmentService::Get(ImportConnection& connection, uint64_t offset,
                           absl::Span<uint8_t> into) {
  size_t at = 0;
  do {
    const uint64_t batch_offset = offset + at;
    PendingReply batch[kGetsInFlight];
    size_t n = 0;
    for (; n < kGetsInFlight && (n == 0 || at < into.size()); ++n) {
      const size_t chunk = std::min<size_t>(MaxChunk(), into.size() - at);
      batch[n].peer = connection.exporter_node;
      batch[n].into = into.data() + at;
      batch[n].length = static_cast<uint32_t>(chunk);
      at += chunk;
    }
    Result result = Result::kOk;
    // Requests that found no free frame are issued again once the engine
    // has freed some, until the blocking bound.
    const absl::Time deadline = absl::Now() + kReplyTimeout;
    for (bool retry = true; retry;) {
      Result ended = Result::kOk;
      const Result ran = engine_->RunOnEngine([&] {
        // A connection that ended gets no more GETs: one sent to a peer
        // already declared lost is dropped unanswered, and its wait would
        // run to kReplyTimeout. Checked here, where the state moves.
        if (!connection.connected()) {
          const ConnectionState state = connection.state.load();
          ended = state == ConnectionState::kPeerLost ? Result::kPeerUnreachable
                  : state == ConnectionState::kEngineStopped
                      ? Result::kEngineStopped
                      : Result::kNotConnected;
          return;
        }
        for (size_t i = 0; i < n; ++i) {
          if (batch[i].result != Result::kNoResources) continue;
          batch[i].result = Result::kOk;
          batch[i].unsent = true;
          batch[i].done.Reset();
        }
        IssueGets(connection.segment_id, connection.token, batch_offset,
                  absl::MakeSpan(batch, n));
      });
      if (ran != Result::kOk) return ran;
      // Nothing of this batch is registered: safe to leave.
      if (ended != Result::kOk) return ended;
      retry = false;
      result = Result::kOk;
      for (size_t i = 0; i < n; ++i) {
        PendingReply& get = batch[i];
        // One deadline for the batch: its replies come together or not.
        const Result got = AwaitReply(get.done, get.result, deadline, [&] {
          absl::erase_if(pending_replies_, [&](const auto& entry) {
            return entry.second == &get;
          });
        });
        retry |= got == Result::kNoResources;
        if (result == Result::kOk) result = got;
      }
      if (retry && absl::Now() > deadline) break;
      if (retry) engine_->TryDrive();
    }
    if (result != Result::kOk) return result;
  } while (at < into.size());
  return Result::kOk;
}

}  // namespace rsm::transport
