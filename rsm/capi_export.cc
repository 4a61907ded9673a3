// C entry points of the export side: each returns the code its core
// function decided.
#include "rsm/core/export_segment.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

using rsm::core::RsmCode;

extern "C" int rsm_memseg_export_create(rsmapi_controller_handle_t controller,
                                        rsm_memseg_export_handle_t* memseg,
                                        void* vaddr, size_t size,
                                        uint_t flags) {
  return RsmCode(
      rsm::core::ExportCreate(controller, memseg, vaddr, size, flags));
}

extern "C" int rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg) {
  return RsmCode(rsm::core::ExportDestroy(memseg));
}

extern "C" int rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg,
                                        void* vaddr, offset_t off,
                                        size_t size) {
  return RsmCode(rsm::core::ExportRebind(memseg, vaddr, off, size));
}

extern "C" int rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg,
                                         rsm_memseg_id_t* segment_id,
                                         rsmapi_access_entry_t access_list[],
                                         uint_t access_list_length) {
  return RsmCode(rsm::core::ExportPublish(memseg, segment_id, access_list,
                                          access_list_length));
}

extern "C" int rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg,
                                           rsmapi_access_entry_t access_list[],
                                           uint_t access_list_length) {
  return RsmCode(
      rsm::core::ExportRepublish(memseg, access_list, access_list_length));
}

extern "C" int rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg) {
  return RsmCode(rsm::core::ExportUnpublish(memseg));
}
