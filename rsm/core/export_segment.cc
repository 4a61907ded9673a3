// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/export_segment.h"

#include <unistd.h>

#include <vector>

#include "rsm/core/credentials.h"
#include "rsm/core/exported_memory.h"
#include "rsm/core/handle_table.h"
#include "rsm/core/result_codes.h"
#include "rsm/core/rsm_status.h"
#include "rsm/core/signals.h"

namespace rsm::core {
namespace {

using transport::Result;

HandleTable<ExportSegment>& Exports() {
  static auto* const table = new HandleTable<ExportSegment>();
  return *table;
}

bool PageAligned(uintptr_t value) {
  return value % static_cast<uintptr_t>(sysconf(_SC_PAGESIZE)) == 0;
}

// Solaris's library refused application ids in the driver, cluster, RSMLIB
// and DLPI ranges and in the automatic range (§7.2).
constexpr uint32_t kLastReservedLowId = 0x3FFFFF;

RsmStatus CheckSegmentId(uint32_t id) {
  if (id != 0 &&
      (id <= kLastReservedLowId || id >= transport::kFirstAutomaticSegmentId)) {
    return RsmError(RSMERR_RESERVED_SEGID,
                    "segment id in a reserved range; applications use "
                    "0x400000-0x7fffffff, or 0 for an automatic id");
  }
  return RsmSuccess();
}

// The access list as the protocol takes it, after the checks publish and
// republish share: a NULL list with a length is RSMERR_BAD_ACL.
RsmStatus CheckAccessListPointer(const rsmapi_access_entry_t* list,
                                 uint_t length) {
  if (length > 0 && list == nullptr) {
    return RsmError(RSMERR_BAD_ACL, "access list is NULL");
  }
  return RsmSuccess();
}

RsmStatusOr<std::vector<transport::AccessEntry>> ValidAccessList(
    const ExportSegment& segment, const rsmapi_access_entry_t* list,
    uint_t length) {
  std::vector<transport::AccessEntry> acl;
  if (length > transport::kMaxAclEntries) {
    return RsmError(RSMERR_BAD_ACL, "access list longer than 64 entries");
  }
  acl.reserve(length);
  for (uint_t i = 0; i < length; ++i) {
    acl.push_back({list[i].ae_node, list[i].ae_permission});
  }
  if (!transport::IsValidAcl(
          acl, segment.controller->kind() == Controller::Kind::kLoopback,
          segment.controller->local_node())) {
    return RsmError(RSMERR_BAD_ACL, "invalid access list entry");
  }
  return acl;
}

RsmStatus NotAnExport() {
  return RsmError(RSMERR_BAD_SEG_HNDL, "not an export segment handle");
}

RsmStatus NotPublished() {
  return RsmError(RSMERR_SEG_NOT_PUBLISHED, "not published");
}

RsmStatus CheckCreator(const ExportSegment& segment) {
  if (getpid() != segment.creator) {
    return RsmError(RSMERR_NOT_CREATOR,
                    "only the creating process may do this");
  }
  return RsmSuccess();
}

RsmStatus UnpublishLocked(ExportSegment& segment)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(segment.mutex) {
  const Result result =
      segment.controller->backend().Unpublish(segment.segment_id);
  // Gone from the table either way (a stopped engine serves nothing).
  segment.published = false;
  segment.access.acl.clear();
  return result == Result::kEngineStopped ? RsmSuccess() : ExportStatus(result);
}

}  // namespace

std::shared_ptr<ExportSegment> FindExportSegment(const void* handle) {
  return Exports().Find(handle);
}

RsmStatus ExportCreate(rsmapi_controller_handle_t controller_handle,
                       rsm_memseg_export_handle_t* memseg, void* vaddr,
                       size_t size, uint_t flags) {
  RSM_ASSIGN_OR_RETURN(Controller * controller,
                       ControllerRegistry::Instance().Find(controller_handle));
  if (memseg == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "memseg is NULL");
  }
  *memseg = nullptr;
  if (vaddr == nullptr) return RsmError(RSMERR_BAD_ADDR, "vaddr is NULL");
  if (size == 0) return RsmError(RSMERR_BAD_LENGTH, "size is 0");
  if (!PageAligned(reinterpret_cast<uintptr_t>(vaddr)) || !PageAligned(size)) {
    return RsmError(RSMERR_BAD_MEM_ALIGNMENT,
                    "vaddr and size must be multiples of the page size");
  }
  const size_t max_size = controller->attributes().attr_max_export_segment_size;
  if (controller->kind() != Controller::Kind::kLoopback && size > max_size) {
    return RsmError(RSMERR_BAD_LENGTH,
                    "size exceeds the controller's max export segment size");
  }
  // Where Solaris's kernel locked the pages (EFAULT, EACCES).
  RSM_RETURN_IF_ERROR(CheckExportableMemory(vaddr, size));
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<transport::EventCounter> events,
                       NewEventCounter());
  auto segment = std::make_shared<ExportSegment>();
  segment->events = std::move(events);
  segment->controller = controller;
  segment->size = size;
  segment->flags = flags;
  segment->creator = getpid();
  segment->access.creator_mode = CreationMode();
  segment->access.owner_uid = geteuid();
  segment->access.owner_gid = getegid();
  segment->memory = static_cast<uint8_t*>(vaddr);
  segment->pinned = PinExportedMemory(vaddr, size);
  *memseg = reinterpret_cast<rsm_memseg_export_handle_t>(
      Exports().Add(std::move(segment)));
  return RsmSuccess();
}

RsmStatus ExportDestroy(rsm_memseg_export_handle_t memseg) {
  std::shared_ptr<ExportSegment> segment = FindExportSegment(memseg);
  if (segment == nullptr) return NotAnExport();
  if (segment->pollfd_references.load(std::memory_order_acquire) > 0) {
    return RsmError(RSMERR_POLLFD_IN_USE, "a pollfd is still held");
  }
  absl::MutexLock lock(&segment->mutex);
  // Destroying a published segment unpublishes it, which disconnects every
  // importer (Solaris's close path did the same).
  if (segment->published) UnpublishLocked(*segment).IgnoreError();
  if (segment->pinned) UnpinExportedMemory(segment->memory, segment->size);
  Exports().Remove(memseg);
  return RsmSuccess();
}

RsmStatus ExportRebind(rsm_memseg_export_handle_t memseg, void* vaddr,
                       offset_t /*offset: ignored, as by Solaris*/,
                       size_t size) {
  std::shared_ptr<ExportSegment> segment = FindExportSegment(memseg);
  if (segment == nullptr) return NotAnExport();
  if (vaddr == nullptr) return RsmError(RSMERR_BAD_ADDR, "vaddr is NULL");
  if ((segment->flags & RSM_ALLOW_REBIND) == 0) {
    return RsmError(RSMERR_REBIND_NOT_ALLOWED,
                    "segment was created without RSM_ALLOW_REBIND");
  }
  RSM_RETURN_IF_ERROR(CheckCreator(*segment));
  if (size != segment->size) {
    return RsmError(RSMERR_BAD_LENGTH, "rebind must keep the segment's length");
  }
  if (!PageAligned(reinterpret_cast<uintptr_t>(vaddr))) {
    return RsmError(RSMERR_BAD_MEM_ALIGNMENT, "vaddr is not page aligned");
  }
  RSM_RETURN_IF_ERROR(CheckExportableMemory(vaddr, size));
  absl::MutexLock lock(&segment->mutex);
  auto* memory = static_cast<uint8_t*>(vaddr);
  if (memory == segment->memory) return RsmSuccess();
  if (segment->published) {
    const Result result =
        segment->controller->backend().Rebind(segment->segment_id, memory);
    if (result != Result::kOk) return ExportStatus(result);
  }
  if (segment->pinned) UnpinExportedMemory(segment->memory, segment->size);
  segment->memory = memory;
  segment->pinned = PinExportedMemory(memory, size);
  return RsmSuccess();
}

RsmStatus ExportPublish(rsm_memseg_export_handle_t memseg,
                        rsm_memseg_id_t* segment_id,
                        rsmapi_access_entry_t access_list[],
                        uint_t access_list_length) {
  if (segment_id == nullptr) {
    return RsmError(RSMERR_BAD_SEGID, "segment_id is NULL");
  }
  std::shared_ptr<ExportSegment> segment = FindExportSegment(memseg);
  if (segment == nullptr) return NotAnExport();
  RSM_RETURN_IF_ERROR(CheckAccessListPointer(access_list, access_list_length));
  absl::MutexLock lock(&segment->mutex);
  if (segment->published) {
    return RsmError(RSMERR_SEG_ALREADY_PUBLISHED, "already published");
  }
  RSM_RETURN_IF_ERROR(CheckSegmentId(*segment_id));
  RSM_RETURN_IF_ERROR(CheckCreator(*segment));
  RSM_ASSIGN_OR_RETURN(
      std::vector<transport::AccessEntry> acl,
      ValidAccessList(*segment, access_list, access_list_length));
  transport::ExportAccess access = segment->access;
  access.acl = std::move(acl);
  uint32_t id = *segment_id;
  const Result result = segment->controller->backend().Publish(
      &id, segment->memory, segment->size, access, segment->events.get());
  if (result != Result::kOk) return ExportStatus(result);
  segment->access = std::move(access);
  segment->published = true;
  segment->segment_id = id;
  *segment_id = id;
  return RsmSuccess();
}

RsmStatus ExportRepublish(rsm_memseg_export_handle_t memseg,
                          rsmapi_access_entry_t access_list[],
                          uint_t access_list_length) {
  std::shared_ptr<ExportSegment> segment = FindExportSegment(memseg);
  if (segment == nullptr) return NotAnExport();
  absl::MutexLock lock(&segment->mutex);
  if (!segment->published) return NotPublished();
  RSM_RETURN_IF_ERROR(CheckAccessListPointer(access_list, access_list_length));
  RSM_RETURN_IF_ERROR(CheckCreator(*segment));
  RSM_ASSIGN_OR_RETURN(
      std::vector<transport::AccessEntry> acl,
      ValidAccessList(*segment, access_list, access_list_length));
  const Result result =
      segment->controller->backend().Republish(segment->segment_id, acl);
  if (result != Result::kOk) return ExportStatus(result);
  segment->access.acl = std::move(acl);
  return RsmSuccess();
}

RsmStatus ExportUnpublish(rsm_memseg_export_handle_t memseg) {
  std::shared_ptr<ExportSegment> segment = FindExportSegment(memseg);
  if (segment == nullptr) return NotAnExport();
  absl::MutexLock lock(&segment->mutex);
  if (!segment->published) return NotPublished();
  RSM_RETURN_IF_ERROR(CheckCreator(*segment));
  return UnpublishLocked(*segment);
}

}  // namespace rsm::core
