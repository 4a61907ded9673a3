// C entry points of the rsm-dpdk extensions (rsm_dpdk.h).
#include "absl/status/statusor.h"
#include "rsm/core/controller.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsm_dpdk.h"

extern "C" int rsm_dpdk_get_counters(rsmapi_controller_handle_t controller,
                                     rsm_dpdk_counters_t* counters) {
  // In rsm_get_controller_attr's order.
  if (controller == nullptr) return RSMERR_BAD_CTLR_HNDL;
  if (counters == nullptr) return RSMERR_BAD_ADDR;
  absl::StatusOr<rsm::core::Controller*> found =
      rsm::core::ControllerRegistry::Instance().Find(controller);
  if (!found.ok()) return rsm::core::RsmCode(found.status());
  *counters = (*found)->backend().Counters();
  return RSM_SUCCESS;
}
