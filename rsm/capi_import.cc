// SPDX-License-Identifier: BSD-3-Clause
// C entry points of the import side: connect, disconnect, map, unmap.
#include "rsm/core/import_segment.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

extern "C" int rsm_memseg_import_connect(
    rsmapi_controller_handle_t controller, rsm_node_id_t node_id,
    rsm_memseg_id_t segment_id, rsm_permission_t perm,
    rsm_memseg_import_handle_t* im_memseg) {
  return rsm::core::ImportConnect(controller, node_id, segment_id, perm,
                                  im_memseg)
      .code();
}

extern "C" int rsm_memseg_import_disconnect(
    rsm_memseg_import_handle_t im_memseg) {
  return rsm::core::ImportDisconnect(im_memseg).code();
}

extern "C" int rsm_memseg_import_map(rsm_memseg_import_handle_t im_memseg,
                                     void** address, rsm_attribute_t attr,
                                     rsm_permission_t perm, off_t offset,
                                     size_t length) {
  return rsm::core::ImportMap(im_memseg, address, attr, perm, offset, length)
      .code();
}

extern "C" int rsm_memseg_import_unmap(rsm_memseg_import_handle_t im_memseg) {
  return rsm::core::ImportUnmap(im_memseg).code();
}
