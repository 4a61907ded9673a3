// SPDX-License-Identifier: BSD-3-Clause
// The export side of the RSMAPI (rsm_memseg_export_*): argument checks in
// Solaris's order (rsm_memseg_export_create(3RSM),
// rsm_memseg_export_publish(3RSM) on segment ids), then the controller's
// backend. Each function returns the RSMAPI code inside its Status
// (rsm_status.h); the C entry points in rsm/capi_export.cc only unwrap it.
#ifndef RSM_CORE_EXPORT_SEGMENT_H_
#define RSM_CORE_EXPORT_SEGMENT_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rsm/core/controller.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"
#include "transport/segments/access_control.h"
#include "transport/segments/event_counter.h"

namespace rsm::core {

// One exported segment: the memory, who created it and how it is published.
struct ExportSegment {
  Controller* controller = nullptr;
  size_t size = 0;
  uint32_t flags = 0;
  pid_t creator = 0;
  // Owner uid/gid and creation mode; the access list while published.
  transport::ExportAccess access;

  absl::Mutex mutex;
  uint8_t* memory ABSL_GUARDED_BY(mutex) = nullptr;
  // Locked in memory (exported_memory.h); unlocked on rebind and destroy.
  bool pinned ABSL_GUARDED_BY(mutex) = false;
  bool published ABSL_GUARDED_BY(mutex) = false;
  uint32_t segment_id ABSL_GUARDED_BY(mutex) = 0;

  // Signals posted to the segment by its importers.
  std::unique_ptr<transport::EventCounter> events;
  // rsm_memseg_get_pollfd references; destroy refuses while held.
  std::atomic<int> pollfd_references{0};
};

// The live export segment behind `handle`, or nullptr.
std::shared_ptr<ExportSegment> FindExportSegment(const void* handle);

RsmStatus ExportCreate(rsmapi_controller_handle_t controller,
                       rsm_memseg_export_handle_t* memseg, void* vaddr,
                       size_t size, uint_t flags);
RsmStatus ExportDestroy(rsm_memseg_export_handle_t memseg);
RsmStatus ExportRebind(rsm_memseg_export_handle_t memseg, void* vaddr,
                       offset_t offset, size_t size);
RsmStatus ExportPublish(rsm_memseg_export_handle_t memseg,
                        rsm_memseg_id_t* segment_id,
                        rsmapi_access_entry_t access_list[],
                        uint_t access_list_length);
RsmStatus ExportRepublish(rsm_memseg_export_handle_t memseg,
                          rsmapi_access_entry_t access_list[],
                          uint_t access_list_length);
RsmStatus ExportUnpublish(rsm_memseg_export_handle_t memseg);

}  // namespace rsm::core

#endif  // RSM_CORE_EXPORT_SEGMENT_H_
