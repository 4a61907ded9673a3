// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/local_memory.h"

#include <unistd.h>

#include <memory>

#include "rsm/core/controller.h"
#include "rsm/core/handle_table.h"
#include "rsm/core/rsm_status.h"

namespace rsm::core {
namespace {

struct LocalMemory {
  Controller* controller;
  uint8_t* memory;
  size_t length;
};

HandleTable<LocalMemory>& LocalMemories() {
  static auto* const table = new HandleTable<LocalMemory>();
  return *table;
}

}  // namespace

RsmStatus CreateLocalMemoryHandle(rsmapi_controller_handle_t controller,
                                  rsm_localmemory_handle_t* handle,
                                  caddr_t vaddr, size_t length) {
  // Solaris checked the address before the controller.
  if (vaddr == nullptr ||
      reinterpret_cast<uintptr_t>(vaddr) % sysconf(_SC_PAGESIZE) != 0) {
    return RsmError(RSMERR_BAD_ADDR, "vaddr is not page aligned");
  }
  RSM_ASSIGN_OR_RETURN(Controller * found,
                       ControllerRegistry::Instance().Find(controller));
  if (handle == nullptr) {
    return RsmError(RSMERR_BAD_LOCALMEM_HNDL, "handle is NULL");
  }
  if (length == 0) return RsmError(RSMERR_BAD_LENGTH, "length is 0");
  *handle = reinterpret_cast<rsm_localmemory_handle_t>(
      LocalMemories().Add(std::make_shared<LocalMemory>(
          LocalMemory{found, reinterpret_cast<uint8_t*>(vaddr), length})));
  return RsmSuccess();
}

RsmStatus FreeLocalMemoryHandle(rsmapi_controller_handle_t controller,
                                rsm_localmemory_handle_t handle) {
  RSM_RETURN_IF_ERROR(ControllerRegistry::Instance().Find(controller).status());
  if (LocalMemories().Remove(handle) == nullptr) {
    return RsmError(RSMERR_BAD_LOCALMEM_HNDL, "not a local memory handle");
  }
  return RsmSuccess();
}

uint8_t* LocalMemoryRange(rsm_localmemory_handle_t handle, size_t offset,
                          size_t length) {
  std::shared_ptr<LocalMemory> local = LocalMemories().Find(handle);
  if (local == nullptr || offset > local->length ||
      length > local->length - offset) {
    return nullptr;
  }
  return local->memory + offset;
}

}  // namespace rsm::core
