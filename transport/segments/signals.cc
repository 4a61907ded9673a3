// Posting signals, from application threads: an importer rings the
// exporter's segment, an exporter rings every import of its segment.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

SegmentResult SegmentService::PostToExporter(ImportConnection& connection,
                                             bool accumulate) {
  Completion delivered;
  const TransportResult sent = engine_->SendMessage(
      connection.exporter_node, wire::FrameType::kSignal, connection.segment_id,
      accumulate ? 0 : kSignalNoAccumulate, connection.token, {}, &delivered);
  if (sent != TransportResult::kOk) return FromTransport(sent);
  return FromTransport(*engine_->Wait(delivered, absl::InfiniteFuture()));
}

SegmentResult SegmentService::PostToImporters(uint32_t id, bool accumulate) {
  SegmentResult result = SegmentResult::kEngineStopped;
  engine_->RunOnEngine([&] {
    if (!table_.Find(id).has_value()) {
      result = SegmentResult::kNotPublished;
      return;
    }
    const uint64_t flags =
        kSignalToImporter | (accumulate ? 0 : kSignalNoAccumulate);
    for (const ImporterKey& key : table_.Importers(id)) {
      Reply({key.node, wire::FrameType::kSignal, id, flags, key.token, {}});
    }
    result = SegmentResult::kOk;
  });
  return result;
}

}  // namespace rsm::transport
