// SPDX-License-Identifier: BSD-3-Clause
// Local memory handles (rsm_create_localmemory_handle): a registered range
// of this process's memory that putv/getv entries name instead of a
// virtual address (rsm_create_localmemory_handle(3RSM)).
#ifndef RSM_CORE_LOCAL_MEMORY_H_
#define RSM_CORE_LOCAL_MEMORY_H_

#include <cstddef>
#include <cstdint>

#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

namespace rsm::core {

RsmStatus CreateLocalMemoryHandle(rsmapi_controller_handle_t controller,
                                  rsm_localmemory_handle_t* handle,
                                  caddr_t vaddr, size_t length);
RsmStatus FreeLocalMemoryHandle(rsmapi_controller_handle_t controller,
                                rsm_localmemory_handle_t handle);

// The bytes [offset, offset+length) of a live handle's range; nullptr if the
// handle is unknown or the range does not fit in it.
uint8_t* LocalMemoryRange(rsm_localmemory_handle_t handle, size_t offset,
                          size_t length);

}  // namespace rsm::core

#endif  // RSM_CORE_LOCAL_MEMORY_H_
