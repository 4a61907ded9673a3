// SPDX-License-Identifier: BSD-3-Clause
// Posting signals, from application threads: an importer rings the
// exporter's segment, an exporter rings every import of its segment.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

Result SegmentService::PostToExporter(ImportConnection& connection,
                                      bool accumulate) {
  Completion delivered;
  const Result sent = engine_->SendMessage(
      connection.exporter_node, wire::FrameType::kSignal, connection.segment_id,
      accumulate ? 0 : kSignalNoAccumulate, connection.token, {}, &delivered);
  if (sent != Result::kOk) return sent;
  return *engine_->Wait(delivered, absl::InfiniteFuture());
}

Result SegmentService::PostToImporters(uint32_t id, bool accumulate) {
  Result result = Result::kEngineStopped;
  engine_->RunOnEngine([&] {
    if (!table_.Find(id).has_value()) {
      result = Result::kNotPublished;
      return;
    }
    const uint64_t flags =
        kSignalToImporter | (accumulate ? 0 : kSignalNoAccumulate);
    for (const ImporterKey& key : table_.Importers(id)) {
      Reply({key.node, wire::FrameType::kSignal, id, flags, key.token, {}});
    }
    result = Result::kOk;
  });
  return result;
}

}  // namespace rsm::transport
