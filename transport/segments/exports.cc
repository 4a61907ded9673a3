// SPDX-License-Identifier: BSD-3-Clause
// The exporter's calls, from application threads: each runs as a task on
// the engine thread, where the table lives.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

Result SegmentService::Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                               ExportAccess access, EventCounter* events) {
  Result result = Result::kEngineStopped;
  engine_->RunOnEngine([&] {
    result = table_.Publish(id, memory, length, std::move(access), events);
  });
  return result;
}

Result SegmentService::Unpublish(uint32_t id) {
  Result result = Result::kEngineStopped;
  engine_->RunOnEngine([&] {
    if (!table_.Find(id).has_value()) {
      result = Result::kNotPublished;
      return;
    }
    for (const ImporterKey& key : table_.Unpublish(id)) SendRevoke(id, key);
    result = Result::kOk;
  });
  return result;
}

Result SegmentService::Republish(uint32_t id, std::vector<AccessEntry> acl) {
  Result result = Result::kEngineStopped;
  engine_->RunOnEngine([&] { result = table_.Republish(id, std::move(acl)); });
  return result;
}

Result SegmentService::Rebind(uint32_t id, uint8_t* memory) {
  Result result = Result::kEngineStopped;
  engine_->RunOnEngine([&] { result = table_.Rebind(id, memory); });
  return result;
}

std::optional<ExportTable::View> SegmentService::FindPublished(uint32_t id) {
  std::optional<ExportTable::View> view;
  engine_->RunOnEngine([&] { view = table_.Find(id); });
  return view;
}

size_t SegmentService::ImportersOf(uint32_t id) {
  size_t importers = 0;
  engine_->RunOnEngine([&] { importers = table_.importers(id); });
  return importers;
}

}  // namespace rsm::transport
