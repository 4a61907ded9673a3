// SPDX-License-Identifier: BSD-3-Clause
// put, get, their 8/16/32/64-bit forms and putv/getv
// (rsm_memseg_import_put(3RSM)): Solaris's checks in its order, then the
// controller's backend.
#ifndef RSM_CORE_DATA_ACCESS_H_
#define RSM_CORE_DATA_ACCESS_H_

#include <sys/types.h>

#include <cstddef>

#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

namespace rsm::core {

enum class Direction { kPut, kGet };

// `count` elements of `unit` bytes (1 for put/get, 1/2/4/8 for putN/getN)
// between `data` and the segment at `offset`. `unit` > 1 requires `data`
// and `offset` aligned to it.
RsmStatus Access(rsm_memseg_import_handle_t im_memseg, Direction direction,
                 off_t offset, void* data, size_t unit, size_t count);

RsmStatus AccessVector(rsm_scat_gath_t* sg, Direction direction);

}  // namespace rsm::core

#endif  // RSM_CORE_DATA_ACCESS_H_
