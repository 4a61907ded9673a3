// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/export_table.h"

#include <utility>

namespace rsm::transport {

Result ExportTable::Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                            ExportAccess access, EventCounter* events) {
  if (*id == 0) {
    // Solaris's counter: one id per publish, never reused, even if the
    // segment it named is gone; a wrap to 0 means none is left.
    while (next_automatic_id_ != 0 && segments_.contains(next_automatic_id_)) {
      ++next_automatic_id_;
    }
    if (next_automatic_id_ == 0) return Result::kIdsExhausted;
    *id = next_automatic_id_++;
  } else if (segments_.contains(*id)) {
    return Result::kIdInUse;
  }
  segments_.emplace(*id,
                    Segment{memory, length, std::move(access), events, {}, {}});
  return Result::kOk;
}

std::vector<ImporterKey> ExportTable::Unpublish(uint32_t id) {
  std::vector<ImporterKey> importers = Importers(id);
  segments_.erase(id);
  return importers;
}

Result ExportTable::Republish(uint32_t id, std::vector<AccessEntry> acl) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return Result::kNotPublished;
  it->second.access.acl = std::move(acl);
  return Result::kOk;
}

Result ExportTable::Rebind(uint32_t id, uint8_t* memory) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return Result::kNotPublished;
  it->second.memory = memory;
  return Result::kOk;
}

ExportTable::Connected ExportTable::Connect(uint32_t id,
                                            const Importer& importer,
                                            uint32_t token,
                                            uint32_t requested) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return {Result::kNotPublished, 0, 0};
  Segment& segment = it->second;
  const AccessResult decided =
      DecideAccess(segment.access, importer, requested);
  switch (decided.decision) {
    case AccessDecision::kNotPublishedToNode:
      return {Result::kNotPublishedToNode, 0, 0};
    case AccessDecision::kPermissionDenied:
      return {Result::kPermissionDenied, 0, 0};
    case AccessDecision::kGranted:
      break;
  }
  const ImporterKey key{importer.node, token};
  auto [connection, added] = segment.importers.try_emplace(
      key, Connection{requested & kPermReadWrite});
  if (!added) {
    connection->second = Connection{requested & kPermReadWrite};
  } else if (++segment.per_node[importer.node] > kMaxConnectionsPerNode) {
    Forget(segment, key);
    return {Result::kNoResources, 0, 0};
  }
  return {Result::kOk, decided.granted_mode, segment.length};
}

void ExportTable::Forget(Segment& segment, ImporterKey key) {
  if (segment.importers.erase(key) == 0) return;
  auto count = segment.per_node.find(key.node);
  if (--count->second == 0) segment.per_node.erase(count);
}

void ExportTable::Disconnect(uint32_t id, ImporterKey key) {
  auto it = segments_.find(id);
  if (it != segments_.end()) Forget(it->second, key);
}

void ExportTable::DisconnectNode(uint32_t node) {
  for (auto& [id, segment] : segments_) {
    absl::erase_if(segment.importers, [node](const auto& entry) {
      return entry.first.node == node;
    });
    segment.per_node.erase(node);
  }
}

ExportTable::Access ExportTable::CheckAccess(uint32_t id, ImporterKey key,
                                             bool write, uint64_t offset,
                                             uint64_t length) const {
  auto it = segments_.find(id);
  if (it == segments_.end()) return {Result::kNotConnected, nullptr};
  const Segment& segment = it->second;
  auto connection = segment.importers.find(key);
  if (connection == segment.importers.end()) {
    return {Result::kNotConnected, nullptr};
  }
  if ((connection->second.rights & (write ? kPermWrite : kPermRead)) == 0) {
    return {Result::kPermissionDenied, nullptr};
  }
  // Written so that no sum can overflow: offset and length come off the
  // wire.
  if (offset > segment.length || length > segment.length - offset) {
    return {Result::kOutOfBounds, nullptr};
  }
  return {Result::kOk, segment.memory + offset};
}

void ExportTable::NoteRefused(uint32_t id, ImporterKey key) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return;
  auto connection = it->second.importers.find(key);
  if (connection != it->second.importers.end()) {
    connection->second.refused_since_barrier = true;
  }
}

Result ExportTable::CloseBarrier(uint32_t id, ImporterKey key) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return Result::kNotConnected;
  auto connection = it->second.importers.find(key);
  if (connection == it->second.importers.end()) {
    return Result::kNotConnected;
  }
  const bool refused = connection->second.refused_since_barrier;
  connection->second.refused_since_barrier = false;
  return refused ? Result::kBarrierFailed : Result::kOk;
}

EventCounter* ExportTable::Events(uint32_t id) const {
  auto it = segments_.find(id);
  return it == segments_.end() ? nullptr : it->second.events;
}

bool ExportTable::IsConnected(uint32_t id, ImporterKey key) const {
  auto it = segments_.find(id);
  return it != segments_.end() && it->second.importers.contains(key);
}

std::vector<ImporterKey> ExportTable::Importers(uint32_t id) const {
  std::vector<ImporterKey> keys;
  auto it = segments_.find(id);
  if (it == segments_.end()) return keys;
  for (const auto& [key, connection] : it->second.importers) {
    keys.push_back(key);
  }
  return keys;
}

std::optional<ExportTable::View> ExportTable::Find(uint32_t id) const {
  auto it = segments_.find(id);
  if (it == segments_.end()) return std::nullopt;
  return View{it->second.memory, it->second.length};
}

size_t ExportTable::importers(uint32_t id) const {
  auto it = segments_.find(id);
  return it == segments_.end() ? 0 : it->second.importers.size();
}

}  // namespace rsm::transport
