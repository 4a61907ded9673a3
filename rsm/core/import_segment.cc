// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/import_segment.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "rsm/core/credentials.h"
#include "rsm/core/handle_table.h"
#include "rsm/core/result_codes.h"
#include "rsm/core/rsm_status.h"
#include "rsm/core/signals.h"
#include "transport/segments/access_control.h"

namespace rsm::core {
namespace {

HandleTable<ImportSegment>& Imports() {
  static auto* const table = new HandleTable<ImportSegment>();
  return *table;
}

RsmStatus NotAnImport() {
  return RsmError(RSMERR_BAD_SEG_HNDL, "not an import segment handle");
}

}  // namespace

std::shared_ptr<ImportSegment> FindImportSegment(const void* handle) {
  return Imports().Find(handle);
}

RsmStatus ImportConnect(rsmapi_controller_handle_t controller_handle,
                        rsm_node_id_t node_id, rsm_memseg_id_t segment_id,
                        rsm_permission_t perm,
                        rsm_memseg_import_handle_t* im_memseg) {
  RSM_ASSIGN_OR_RETURN(Controller * controller,
                       ControllerRegistry::Instance().Find(controller_handle));
  if (im_memseg == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "im_memseg is NULL");
  }
  *im_memseg = nullptr;
  if ((perm & ~transport::kPermReadWrite) != 0) {
    return RsmError(RSMERR_PERM_DENIED,
                    "perm may only hold RSM_PERM_READ and RSM_PERM_WRITE");
  }
  if (controller->kind() == Controller::Kind::kLoopback &&
      node_id != controller->local_node()) {
    return RsmError(RSMERR_CTLR_NOT_PRESENT,
                    "the loopback controller reaches only this node");
  }
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<transport::EventCounter> events,
                       NewEventCounter());
  auto segment = std::make_shared<ImportSegment>();
  segment->events = std::move(events);
  segment->connection.events = segment->events.get();
  segment->controller = controller;
  segment->requested = perm;
  segment->connection.exporter_node = node_id;
  segment->connection.segment_id = segment_id;
  RSM_RETURN_IF_ERROR(ConnectStatus(controller->backend().Connect(
      segment->connection, CurrentCredentials(perm))));
  *im_memseg = reinterpret_cast<rsm_memseg_import_handle_t>(
      Imports().Add(std::move(segment)));
  return RsmSuccess();
}

RsmStatus ImportDisconnect(rsm_memseg_import_handle_t im_memseg) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) return NotAnImport();
  {
    absl::MutexLock lock(&segment->mutex);
    if (segment->mapped) {
      return RsmError(RSMERR_SEG_STILL_MAPPED, "unmap the segment first");
    }
  }
  if (segment->pollfd_references.load(std::memory_order_acquire) > 0) {
    return RsmError(RSMERR_POLLFD_IN_USE, "a pollfd is still held");
  }
  // Whoever removes it disconnects it, once.
  if (Imports().Remove(im_memseg) == nullptr) return NotAnImport();
  segment->controller->backend().Disconnect(segment->connection);
  return RsmSuccess();
}

RsmStatus ImportMap(rsm_memseg_import_handle_t im_memseg, void** address,
                    rsm_attribute_t attr, rsm_permission_t perm, off_t offset,
                    size_t length) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) return NotAnImport();
  if (address == nullptr) return RsmError(RSMERR_BAD_ADDR, "address is NULL");
  absl::MutexLock lock(&segment->mutex);
  if (segment->mapped) {
    return RsmError(RSMERR_SEG_ALREADY_MAPPED, "already mapped");
  }
  // As Solaris compared it: a number above 0600, not bits outside it.
  if (perm > RSM_PERM_RDWR) {
    return RsmError(RSMERR_BAD_PERMS, "perm above RSM_PERM_RDWR");
  }
  if (length == 0) return RsmError(RSMERR_BAD_LENGTH, "length is 0");
  const uint64_t size = segment->size();
  if (offset < 0 || static_cast<uint64_t>(offset) > size ||
      length > size - static_cast<uint64_t>(offset)) {
    return RsmError(RSMERR_BAD_LENGTH, "range outside the segment");
  }
  const auto page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (static_cast<uint64_t>(offset) % page != 0) {
    return RsmError(RSMERR_BAD_MEM_ALIGNMENT, "offset is not page aligned");
  }
  if (attr == RSM_MAP_FIXED &&
      reinterpret_cast<uintptr_t>(*address) % page != 0) {
    return RsmError(RSMERR_BAD_MEM_ALIGNMENT, "address is not page aligned");
  }
  // The arguments are checked first: Solaris's mmap failed afterwards,
  // with ENODEV (RSMERR_CONN_ABORTED) on a connection that had been ended.
  if (!segment->connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  // Remote memory cannot be reached with loads and stores over Ethernet:
  // only a segment this process exports can be mapped (loopback, or a
  // same-node import on a DPDK controller), and then only where it is.
  const std::optional<transport::ExportTable::View> memory =
      segment->controller->backend().LocalMemory(segment->connection);
  if (!memory.has_value()) {
    // A same-node segment that is no longer published: its importers are
    // being disconnected (the REVOKE may not have looped back yet).
    if (segment->connection.exporter_node ==
        segment->controller->local_node()) {
      return RsmError(RSMERR_CONN_ABORTED, "the segment was unpublished");
    }
    return RsmError(RSMERR_MAP_FAILED,
                    "this controller cannot map remote memory");
  }
  const transport::DataRights rights =
      transport::DataRightsFromGrantedMode(segment->connection.granted_mode);
  if (((perm & RSM_PERM_READ) && !rights.get) ||
      ((perm & RSM_PERM_WRITE) && !rights.put)) {
    return RsmError(RSMERR_BAD_PERMS, "perm exceeds what the connect granted");
  }
  void* const where = memory->memory + offset;
  if (attr == RSM_MAP_FIXED && *address != where) {
    return RsmError(RSMERR_MAP_FAILED,
                    "the segment cannot be mapped at a fixed address");
  }
  *address = where;
  segment->mapped = true;
  segment->map_offset = static_cast<uint64_t>(offset);
  segment->map_length = length;
  return RsmSuccess();
}

RsmStatus ImportUnmap(rsm_memseg_import_handle_t im_memseg) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) return NotAnImport();
  absl::MutexLock lock(&segment->mutex);
  if (!segment->mapped) return RsmError(RSMERR_SEG_NOT_MAPPED, "not mapped");
  segment->mapped = false;
  return RsmSuccess();
}

}  // namespace rsm::core
