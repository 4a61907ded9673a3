// SPDX-License-Identifier: BSD-3-Clause
// C entry points for barriers and barrier modes.
#include "rsm/core/barrier.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

extern "C" int rsm_memseg_import_init_barrier(
    rsm_memseg_import_handle_t im_memseg, rsm_barrier_type_t type,
    rsmapi_barrier_t* barrier) {
  return rsm::core::InitBarrier(im_memseg, type, barrier).code();
}

extern "C" int rsm_memseg_import_open_barrier(rsmapi_barrier_t* barrier) {
  return rsm::core::OpenBarrier(barrier).code();
}

extern "C" int rsm_memseg_import_close_barrier(rsmapi_barrier_t* barrier) {
  return rsm::core::CloseBarrier(barrier).code();
}

extern "C" int rsm_memseg_import_order_barrier(rsmapi_barrier_t* barrier) {
  return rsm::core::OrderBarrier(barrier).code();
}

extern "C" int rsm_memseg_import_destroy_barrier(rsmapi_barrier_t* barrier) {
  return rsm::core::DestroyBarrier(barrier).code();
}

extern "C" int rsm_memseg_import_get_mode(rsm_memseg_import_handle_t im_memseg,
                                          rsm_barrier_mode_t* mode) {
  return rsm::core::GetBarrierMode(im_memseg, mode).code();
}

extern "C" int rsm_memseg_import_set_mode(rsm_memseg_import_handle_t im_memseg,
                                          rsm_barrier_mode_t mode) {
  return rsm::core::SetBarrierMode(im_memseg, mode).code();
}
