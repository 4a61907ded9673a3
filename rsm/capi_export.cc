// SPDX-License-Identifier: BSD-3-Clause
// C entry points of the export side: each returns the code its core
// function decided.
#include "rsm/core/export_segment.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

extern "C" int rsm_memseg_export_create(rsmapi_controller_handle_t controller,
                                        rsm_memseg_export_handle_t* memseg,
                                        void* vaddr, size_t size,
                                        uint_t flags) {
  return rsm::core::ExportCreate(controller, memseg, vaddr, size, flags).code();
}

extern "C" int rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg) {
  return rsm::core::ExportDestroy(memseg).code();
}

extern "C" int rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg,
                                        void* vaddr, offset_t off,
                                        size_t size) {
  return rsm::core::ExportRebind(memseg, vaddr, off, size).code();
}

extern "C" int rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg,
                                         rsm_memseg_id_t* segment_id,
                                         rsmapi_access_entry_t access_list[],
                                         uint_t access_list_length) {
  return rsm::core::ExportPublish(memseg, segment_id, access_list,
                                  access_list_length)
      .code();
}

extern "C" int rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg,
                                           rsmapi_access_entry_t access_list[],
                                           uint_t access_list_length) {
  return rsm::core::ExportRepublish(memseg, access_list, access_list_length)
      .code();
}

extern "C" int rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg) {
  return rsm::core::ExportUnpublish(memseg).code();
}
