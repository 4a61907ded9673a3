#include "rsm/core/engine_backend.h"

#include <utility>

namespace rsm::core {

absl::StatusOr<std::unique_ptr<EngineBackend>> EngineBackend::Create(
    const transport::EngineOptions& options) {
  std::unique_ptr<EngineBackend> backend(new EngineBackend());
  absl::StatusOr<std::unique_ptr<transport::Engine>> engine =
      transport::Engine::Create(options, &backend->service_);
  if (!engine.ok()) return engine.status();
  backend->engine_ = *std::move(engine);
  backend->service_.Attach(backend->engine_.get());
  backend->engine_->StartThread();
  // Paths are reported active only once a peer has answered, so the
  // handshakes start now rather than at the first connect.
  backend->engine_->OpenAllSessions();
  return backend;
}

rsm_dpdk_counters_t EngineBackend::Counters() const {
  const transport::PortCounters& port = engine_->port_counters();
  const transport::SegmentCounters& segments = service_.counters();
  rsm_dpdk_counters_t counters{};
  counters.frames_out = port.frames_out.Get();
  counters.frames_in = port.frames_in.Get();
  counters.bytes_out = port.bytes_out.Get();
  counters.bytes_in = port.bytes_in.Get();
  counters.retransmits = port.retransmits.Get();
  for (const transport::Counter& drop : port.drops) {
    counters.frames_dropped += drop.Get();
  }
  counters.puts_applied = segments.puts_applied.Get();
  counters.gets_served = segments.gets_served.Get();
  counters.accesses_refused = segments.accesses_refused.Get();
  return counters;
}

void EngineBackend::Close() {
  // Long enough for a few retransmissions to a live peer; a dead one is
  // not waited for much longer than that.
  engine_->StopWhenQuiet(absl::Milliseconds(200));
  engine_->ClosePort();
}

EngineBackend::~EngineBackend() {
  if (engine_ != nullptr) engine_->Stop();
}

SegmentBackend::SegmentResult EngineBackend::Publish(
    uint32_t* id, uint8_t* memory, uint64_t length,
    transport::ExportAccess access, transport::EventCounter* events) {
  return service_.Publish(id, memory, length, std::move(access), events);
}

SegmentBackend::SegmentResult EngineBackend::PostToImporters(uint32_t id,
                                                             bool accumulate) {
  return service_.PostToImporters(id, accumulate);
}

SegmentBackend::SegmentResult EngineBackend::PutWithoutWaiting(
    transport::ImportConnection& connection, uint64_t offset,
    absl::Span<const uint8_t> data) {
  return service_.PutWithoutWaiting(connection, offset, data);
}

SegmentBackend::SegmentResult EngineBackend::Barrier(
    transport::ImportConnection& connection) {
  return service_.Barrier(connection);
}

SegmentBackend::SegmentResult EngineBackend::PostToExporter(
    transport::ImportConnection& connection, bool accumulate) {
  return service_.PostToExporter(connection, accumulate);
}

SegmentBackend::SegmentResult EngineBackend::Unpublish(uint32_t id) {
  return service_.Unpublish(id);
}

SegmentBackend::SegmentResult EngineBackend::Republish(
    uint32_t id, std::vector<transport::AccessEntry> acl) {
  return service_.Republish(id, std::move(acl));
}

SegmentBackend::SegmentResult EngineBackend::Rebind(uint32_t id,
                                                    uint8_t* memory) {
  return service_.Rebind(id, memory);
}

SegmentBackend::SegmentResult EngineBackend::Connect(
    transport::ImportConnection& connection,
    const transport::ConnectRequest& request) {
  return service_.Connect(connection, request);
}

void EngineBackend::Disconnect(transport::ImportConnection& connection) {
  service_.Disconnect(connection);
}

SegmentBackend::SegmentResult EngineBackend::Put(
    transport::ImportConnection& connection, uint64_t offset,
    absl::Span<const uint8_t> data) {
  return service_.Put(connection, offset, data);
}

SegmentBackend::SegmentResult EngineBackend::Get(
    transport::ImportConnection& connection, uint64_t offset,
    absl::Span<uint8_t> into) {
  return service_.Get(connection, offset, into);
}

std::optional<transport::ExportTable::View> EngineBackend::LocalMemory(
    const transport::ImportConnection& connection) {
  // Same node and same engine: the segment is in this process's table.
  if (connection.exporter_node != local_node()) return std::nullopt;
  return service_.FindPublished(connection.segment_id);
}

}  // namespace rsm::core
