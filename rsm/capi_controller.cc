// SPDX-License-Identifier: BSD-3-Clause
// C entry points for controllers: argument checks in Solaris's order, then
// the core's ControllerRegistry.
#include "rsm/core/controller.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

namespace {

using rsm::core::Controller;
using rsm::core::ControllerRegistry;
using rsm::core::RsmError;
using rsm::core::RsmStatusOr;

rsmapi_controller_handle_t ToHandle(Controller* controller) {
  return reinterpret_cast<rsmapi_controller_handle_t>(controller);
}

}  // namespace

extern "C" int rsm_get_controller(char* name,
                                  rsmapi_controller_handle_t* controller) {
  if (controller == nullptr) {
    return RsmError(RSMERR_BAD_CTLR_HNDL, "controller is NULL").code();
  }
  RsmStatusOr<Controller*> acquired = ControllerRegistry::Instance().Acquire(
      name == nullptr ? "loopback" : name);
  if (!acquired.ok()) return acquired.status().code();
  *controller = ToHandle(*acquired);
  return RSM_SUCCESS;
}

extern "C" int rsm_get_controller_attr(rsmapi_controller_handle_t chdl,
                                       rsmapi_controller_attr_t* attr) {
  if (chdl == nullptr) {
    return RsmError(RSMERR_BAD_CTLR_HNDL, "chdl is NULL").code();
  }
  if (attr == nullptr) return RsmError(RSMERR_BAD_ADDR, "attr is NULL").code();
  RsmStatusOr<Controller*> controller =
      ControllerRegistry::Instance().Find(chdl);
  if (!controller.ok()) return controller.status().code();
  *attr = (*controller)->attributes();
  return RSM_SUCCESS;
}

extern "C" int rsm_release_controller(rsmapi_controller_handle_t controller) {
  if (controller == nullptr) {
    return RsmError(RSMERR_BAD_CTLR_HNDL, "controller is NULL").code();
  }
  return ControllerRegistry::Instance().Release(controller).code();
}
