// SPDX-License-Identifier: BSD-3-Clause
// The service's life (Start, Close), its traffic figures, and dispatch: each
// message type to the file that handles it.
#include "transport/segments/segment_service.h"

#include <utility>

#include "transport/segments/tokens.h"

namespace rsm::transport {

void SegmentService::OnMessage(uint32_t peer, const wire::FrameHeader& first,
                               absl::Span<const uint8_t> payload) {
  switch (first.type) {
    case wire::FrameType::kConnect:
      OnConnect(peer, first, payload);
      break;
    case wire::FrameType::kConnectReply:
      OnConnectReply(peer, first, payload);
      break;
    case wire::FrameType::kDisconnect:
      OnDisconnect(peer, first);
      break;
    case wire::FrameType::kRevoke:
      OnRevoke(peer, first);
      break;
    case wire::FrameType::kPut:
      OnPut(peer, first, payload);
      break;
    case wire::FrameType::kGet:
      OnGet(peer, first, payload);
      break;
    case wire::FrameType::kGetReply:
    case wire::FrameType::kBarrierAck:
      OnReply(peer, first, payload);
      break;
    case wire::FrameType::kBarrier:
      OnBarrier(peer, first, payload);
      break;
    case wire::FrameType::kSignal:
      OnSignal(peer, first);
      break;
    default:
      // Session frames never reach a sink.
      counters_.malformed.Add();
      break;
  }
}

absl::StatusOr<std::unique_ptr<SegmentService>> SegmentService::Start(
    const EngineOptions& options) {
  auto service = std::make_unique<SegmentService>();
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      Engine::Create(options, service.get());
  if (!engine.ok()) return engine.status();
  service->owned_engine_ = *std::move(engine);
  service->Attach(service->owned_engine_.get());
  if (absl::Status started = service->engine_->StartThread(); !started.ok()) {
    return started;
  }
  // Paths are reported active only once a peer has answered, so the
  // handshakes start now rather than at the first connect.
  service->engine_->OpenAllSessions();
  return service;
}

SegmentService::~SegmentService() {
  // The engine calls into this sink until it has stopped.
  if (owned_engine_ != nullptr) owned_engine_->Stop();
}

uint32_t SegmentService::NextToken() {
  return NextFreeToken(&next_token_, [this](uint32_t token) {
    return connections_.contains(token) || pending_connects_.contains(token) ||
           pending_replies_.contains(token);
  });
}

TrafficSnapshot SegmentService::Traffic() const {
  const PortCounters& port = engine_->port_counters();
  TrafficSnapshot traffic;
  traffic.frames_out = port.frames_out.Get();
  traffic.frames_in = port.frames_in.Get();
  traffic.bytes_out = port.bytes_out.Get();
  traffic.bytes_in = port.bytes_in.Get();
  traffic.retransmits = port.retransmits.Get();
  for (const Counter& drop : port.drops) traffic.frames_dropped += drop.Get();
  traffic.puts_applied = counters_.puts_applied.Get();
  traffic.gets_served = counters_.gets_served.Get();
  traffic.accesses_refused = counters_.accesses_refused.Get();
  return traffic;
}

EventCounter::Drove SegmentService::DriveForWaiter() {
  const std::optional<Engine::Drive> drove = engine_->DriveForWaiter();
  if (!drove.has_value()) return EventCounter::Drove::kNo;
  return *drove == Engine::Drive::kWorked ? EventCounter::Drove::kWorked
                                          : EventCounter::Drove::kIdle;
}

void SegmentService::Quiesce() {
  // Long enough for a few retransmissions to a live peer; a dead one is
  // not waited for much longer than that.
  engine_->StopWhenQuiet(absl::Milliseconds(200));
}

void SegmentService::Close() {
  Quiesce();
  engine_->ClosePort();
}

std::optional<ExportTable::View> SegmentService::LocalMemory(
    const ImportConnection& connection) {
  if (connection.exporter_node != local_node()) return std::nullopt;
  return FindPublished(connection.segment_id);
}

}  // namespace rsm::transport
