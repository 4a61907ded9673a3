// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/loopback/loopback_backend.h"

#include <cstring>
#include <utility>

namespace rsm::loopback {

using transport::ConnectionState;
using transport::ImporterKey;
using transport::Result;

Result LoopbackBackend::Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                                transport::ExportAccess access,
                                transport::EventCounter* events) {
  absl::MutexLock lock(&mutex_);
  return table_.Publish(id, memory, length, std::move(access), events);
}

Result LoopbackBackend::PostToImporters(uint32_t id, bool accumulate) {
  absl::MutexLock lock(&mutex_);
  if (!table_.Find(id).has_value()) return Result::kNotPublished;
  for (const ImporterKey& key : table_.Importers(id)) {
    auto it = connections_.find(key.token);
    if (it != connections_.end() && it->second->events != nullptr) {
      it->second->events->Post(accumulate);
    }
  }
  return Result::kOk;
}

Result LoopbackBackend::PutWithoutWaiting(
    transport::ImportConnection& connection, uint64_t offset,
    absl::Span<const uint8_t> data) {
  // A local copy is done when it returns: there is nothing to wait for.
  return Put(connection, offset, data);
}

Result LoopbackBackend::Barrier(transport::ImportConnection& connection) {
  // Solaris's loopback barriers did nothing; a connection that was revoked
  // is reported as on any controller.
  absl::MutexLock lock(&mutex_);
  return connections_.contains(connection.token) ? Result::kOk
                                                 : Result::kNotConnected;
}

Result LoopbackBackend::PostToExporter(transport::ImportConnection& connection,
                                       bool accumulate) {
  absl::MutexLock lock(&mutex_);
  if (!table_.IsConnected(connection.segment_id,
                          ImporterKey{local_node_, connection.token})) {
    return Result::kNotConnected;
  }
  if (transport::EventCounter* events = table_.Events(connection.segment_id)) {
    events->Post(accumulate);
  }
  return Result::kOk;
}

Result LoopbackBackend::Unpublish(uint32_t id) {
  absl::MutexLock lock(&mutex_);
  if (!table_.Find(id).has_value()) return Result::kNotPublished;
  for (const ImporterKey& key : table_.Unpublish(id)) {
    auto it = connections_.find(key.token);
    if (it == connections_.end()) continue;
    it->second->End(ConnectionState::kRevoked);
    connections_.erase(it);
  }
  return Result::kOk;
}

Result LoopbackBackend::Republish(uint32_t id,
                                  std::vector<transport::AccessEntry> acl) {
  absl::MutexLock lock(&mutex_);
  return table_.Republish(id, std::move(acl));
}

Result LoopbackBackend::Rebind(uint32_t id, uint8_t* memory) {
  absl::MutexLock lock(&mutex_);
  return table_.Rebind(id, memory);
}

Result LoopbackBackend::Connect(transport::ImportConnection& connection,
                                const transport::ConnectRequest& request) {
  absl::MutexLock lock(&mutex_);
  if (next_token_ == 0) ++next_token_;
  connection.token = next_token_++;
  const transport::Importer importer{local_node_, request.uid, request.gid,
                                     request.groups};
  const transport::ExportTable::Connected connected = table_.Connect(
      connection.segment_id, importer, connection.token, request.requested);
  if (connected.result != Result::kOk) {
    connection.state.store(ConnectionState::kRevoked,
                           std::memory_order_release);
    return connected.result;
  }
  connection.length = connected.length;
  connection.granted_mode = connected.granted_mode;
  connection.state.store(ConnectionState::kConnected,
                         std::memory_order_release);
  connections_[connection.token] = &connection;
  return Result::kOk;
}

void LoopbackBackend::Disconnect(transport::ImportConnection& connection) {
  absl::MutexLock lock(&mutex_);
  if (connections_.erase(connection.token) > 0) {
    table_.Disconnect(connection.segment_id,
                      ImporterKey{local_node_, connection.token});
  }
  connection.End(ConnectionState::kRevoked);
}

Result LoopbackBackend::Put(transport::ImportConnection& connection,
                            uint64_t offset, absl::Span<const uint8_t> data) {
  absl::MutexLock lock(&mutex_);
  const transport::ExportTable::Access access = table_.CheckAccess(
      connection.segment_id, ImporterKey{local_node_, connection.token},
      /*write=*/true, offset, data.size());
  if (access.result == Result::kOk && !data.empty()) {
    std::memmove(access.where, data.data(), data.size());
  }
  return access.result;
}

Result LoopbackBackend::Get(transport::ImportConnection& connection,
                            uint64_t offset, absl::Span<uint8_t> into) {
  absl::MutexLock lock(&mutex_);
  const transport::ExportTable::Access access = table_.CheckAccess(
      connection.segment_id, ImporterKey{local_node_, connection.token},
      /*write=*/false, offset, into.size());
  if (access.result == Result::kOk && !into.empty()) {
    std::memmove(into.data(), access.where, into.size());
  }
  return access.result;
}

std::optional<transport::ExportTable::View> LoopbackBackend::LocalMemory(
    const transport::ImportConnection& connection) {
  absl::MutexLock lock(&mutex_);
  return table_.Find(connection.segment_id);
}

}  // namespace rsm::loopback
