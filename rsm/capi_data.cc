// SPDX-License-Identifier: BSD-3-Clause
// C entry points for data movement: put/get, their 8..64-bit forms with
// repetition counts, and the scatter/gather forms.
#include "rsm/core/data_access.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

using rsm::core::Access;
using rsm::core::Direction;

extern "C" int rsm_memseg_import_put(rsm_memseg_import_handle_t im_memseg,
                                     off_t offset, void* src_addr,
                                     size_t length) {
  return Access(im_memseg, Direction::kPut, offset, src_addr, 1, length).code();
}

extern "C" int rsm_memseg_import_get(rsm_memseg_import_handle_t im_memseg,
                                     off_t offset, void* dst_addr,
                                     size_t length) {
  return Access(im_memseg, Direction::kGet, offset, dst_addr, 1, length).code();
}

extern "C" int rsm_memseg_import_put8(rsm_memseg_import_handle_t im_memseg,
                                      off_t offset, uint8_t* datap,
                                      ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kPut, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_get8(rsm_memseg_import_handle_t im_memseg,
                                      off_t offset, uint8_t* datap,
                                      ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kGet, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_put16(rsm_memseg_import_handle_t im_memseg,
                                       off_t offset, uint16_t* datap,
                                       ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kPut, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_get16(rsm_memseg_import_handle_t im_memseg,
                                       off_t offset, uint16_t* datap,
                                       ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kGet, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_put32(rsm_memseg_import_handle_t im_memseg,
                                       off_t offset, uint32_t* datap,
                                       ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kPut, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_get32(rsm_memseg_import_handle_t im_memseg,
                                       off_t offset, uint32_t* datap,
                                       ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kGet, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_put64(rsm_memseg_import_handle_t im_memseg,
                                       off_t offset, uint64_t* datap,
                                       ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kPut, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_get64(rsm_memseg_import_handle_t im_memseg,
                                       off_t offset, uint64_t* datap,
                                       ulong_t rep_cnt) {
  return Access(im_memseg, Direction::kGet, offset, datap, sizeof *datap,
                rep_cnt)
      .code();
}

extern "C" int rsm_memseg_import_putv(rsm_scat_gath_t* sg) {
  return rsm::core::AccessVector(sg, Direction::kPut).code();
}

extern "C" int rsm_memseg_import_getv(rsm_scat_gath_t* sg) {
  return rsm::core::AccessVector(sg, Direction::kGet).code();
}
