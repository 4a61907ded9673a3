// SPDX-License-Identifier: BSD-3-Clause
// Barriers and barrier modes (rsm_memseg_import_init_barrier(3RSM)). A barrier
// spans the accesses between open and close on one import; close returns once
// every one of them has been applied in the exporter's memory, or says that
// one failed. On a DPDK controller that is one BARRIER / BARRIER_ACK round
// trip: the session delivers in order, so the ack comes after every put
// before it has been applied (or refused, which the ack reports).
#ifndef RSM_CORE_BARRIER_H_
#define RSM_CORE_BARRIER_H_

#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

namespace rsm::core {

RsmStatus InitBarrier(rsm_memseg_import_handle_t im_memseg,
                      rsm_barrier_type_t type, rsmapi_barrier_t* barrier);
RsmStatus OpenBarrier(rsmapi_barrier_t* barrier);
RsmStatus OrderBarrier(rsmapi_barrier_t* barrier);
RsmStatus CloseBarrier(rsmapi_barrier_t* barrier);
RsmStatus DestroyBarrier(rsmapi_barrier_t* barrier);

RsmStatus SetBarrierMode(rsm_memseg_import_handle_t im_memseg,
                         rsm_barrier_mode_t mode);
RsmStatus GetBarrierMode(rsm_memseg_import_handle_t im_memseg,
                         rsm_barrier_mode_t* mode);

}  // namespace rsm::core

#endif  // RSM_CORE_BARRIER_H_
