// SPDX-License-Identifier: BSD-3-Clause
// The import side of the RSMAPI: connect, disconnect, map, unmap
// (rsm_memseg_import_connect(3RSM)). Data access is in data_access.h.
#ifndef RSM_CORE_IMPORT_SEGMENT_H_
#define RSM_CORE_IMPORT_SEGMENT_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rsm/core/controller.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"
#include "transport/segments/event_counter.h"
#include "transport/segments/import_connection.h"

namespace rsm::core {

struct ImportSegment {
  Controller* controller = nullptr;
  // What the connect asked for (RSM_PERM_READ | RSM_PERM_WRITE): every
  // put/get is checked against it, as Solaris's library did.
  uint32_t requested = 0;
  transport::ImportConnection connection;

  absl::Mutex mutex;
  // The explicit mapping (rsm_memseg_import_map), if any.
  bool mapped ABSL_GUARDED_BY(mutex) = false;
  uint64_t map_offset ABSL_GUARDED_BY(mutex) = 0;
  uint64_t map_length ABSL_GUARDED_BY(mutex) = 0;

  // Signals the exporter posts to this import.
  std::unique_ptr<transport::EventCounter> events;
  // rsm_memseg_get_pollfd references; disconnect refuses while held.
  std::atomic<int> pollfd_references{0};

  // Barrier mode (rsm_memseg_import_set_mode): IMPLICIT waits for each
  // access to be applied, EXPLICIT lets puts stream until close_barrier.
  std::atomic<rsm_barrier_mode_t> mode{RSM_BARRIER_MODE_IMPLICIT};
  // Puts that could not be sent in EXPLICIT mode, reported by the next
  // close_barrier (which compares it with its snapshot at open).
  std::atomic<uint64_t> unsent_puts{0};

  uint64_t size() const { return connection.length; }
};

// The live import segment behind `handle`, or nullptr.
std::shared_ptr<ImportSegment> FindImportSegment(const void* handle);

RsmStatus ImportConnect(rsmapi_controller_handle_t controller,
                        rsm_node_id_t node_id, rsm_memseg_id_t segment_id,
                        rsm_permission_t perm,
                        rsm_memseg_import_handle_t* im_memseg);
RsmStatus ImportDisconnect(rsm_memseg_import_handle_t im_memseg);
RsmStatus ImportMap(rsm_memseg_import_handle_t im_memseg, void** address,
                    rsm_attribute_t attr, rsm_permission_t perm, off_t offset,
                    size_t length);
RsmStatus ImportUnmap(rsm_memseg_import_handle_t im_memseg);

}  // namespace rsm::core

#endif  // RSM_CORE_IMPORT_SEGMENT_H_
