// C entry points for barriers and barrier modes.
#include "rsm/core/barrier.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

using rsm::core::RsmCode;

extern "C" int rsm_memseg_import_init_barrier(
    rsm_memseg_import_handle_t im_memseg, rsm_barrier_type_t type,
    rsmapi_barrier_t* barrier) {
  return RsmCode(rsm::core::InitBarrier(im_memseg, type, barrier));
}

extern "C" int rsm_memseg_import_open_barrier(rsmapi_barrier_t* barrier) {
  return RsmCode(rsm::core::OpenBarrier(barrier));
}

extern "C" int rsm_memseg_import_close_barrier(rsmapi_barrier_t* barrier) {
  return RsmCode(rsm::core::CloseBarrier(barrier));
}

extern "C" int rsm_memseg_import_order_barrier(rsmapi_barrier_t* barrier) {
  return RsmCode(rsm::core::OrderBarrier(barrier));
}

extern "C" int rsm_memseg_import_destroy_barrier(rsmapi_barrier_t* barrier) {
  return RsmCode(rsm::core::DestroyBarrier(barrier));
}

extern "C" int rsm_memseg_import_get_mode(rsm_memseg_import_handle_t im_memseg,
                                          rsm_barrier_mode_t* mode) {
  return RsmCode(rsm::core::GetBarrierMode(im_memseg, mode));
}

extern "C" int rsm_memseg_import_set_mode(rsm_memseg_import_handle_t im_memseg,
                                          rsm_barrier_mode_t mode) {
  return RsmCode(rsm::core::SetBarrierMode(im_memseg, mode));
}
