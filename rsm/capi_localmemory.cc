// SPDX-License-Identifier: BSD-3-Clause
// C entry points for local memory handles (putv/getv sources and targets).
#include "rsm/core/local_memory.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

extern "C" int rsm_create_localmemory_handle(
    rsmapi_controller_handle_t controller,
    rsm_localmemory_handle_t* local_handle_p, caddr_t vaddr, size_t length) {
  return rsm::core::CreateLocalMemoryHandle(controller, local_handle_p, vaddr,
                                            length)
      .code();
}

extern "C" int rsm_free_localmemory_handle(
    rsmapi_controller_handle_t controller,
    rsm_localmemory_handle_t local_handle) {
  return rsm::core::FreeLocalMemoryHandle(controller, local_handle).code();
}
