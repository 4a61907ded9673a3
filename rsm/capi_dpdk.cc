// SPDX-License-Identifier: BSD-3-Clause
// C entry points of the rsm-dpdk extensions (rsm_dpdk.h).
#include "rsm/core/controller.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsm_dpdk.h"

extern "C" int rsm_dpdk_get_counters(rsmapi_controller_handle_t controller,
                                     rsm_dpdk_counters_t* counters) {
  // In rsm_get_controller_attr's order.
  if (controller == nullptr) {
    return rsm::core::RsmError(RSMERR_BAD_CTLR_HNDL, "controller is NULL")
        .code();
  }
  if (counters == nullptr) {
    return rsm::core::RsmError(RSMERR_BAD_ADDR, "counters is NULL").code();
  }
  rsm::core::RsmStatusOr<rsm::core::Controller*> found =
      rsm::core::ControllerRegistry::Instance().Find(controller);
  if (!found.ok()) return found.status().code();
  const rsm::transport::TrafficSnapshot traffic = (*found)->backend().Traffic();
  counters->frames_out = traffic.frames_out;
  counters->frames_in = traffic.frames_in;
  counters->bytes_out = traffic.bytes_out;
  counters->bytes_in = traffic.bytes_in;
  counters->retransmits = traffic.retransmits;
  counters->frames_dropped = traffic.frames_dropped;
  counters->puts_applied = traffic.puts_applied;
  counters->gets_served = traffic.gets_served;
  counters->accesses_refused = traffic.accesses_refused;
  return RSM_SUCCESS;
}
