// SPDX-License-Identifier: BSD-3-Clause
// The memory an export segment lends to the network: the engine writes into
// it on behalf of remote nodes, so it must be there and writable for as long
// as it is exported, or a remote put would fault the engine thread. Solaris
// checked the same by locking the pages in the kernel at export_create.
#ifndef RSM_CORE_EXPORTED_MEMORY_H_
#define RSM_CORE_EXPORTED_MEMORY_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "rsm/core/rsm_status.h"

namespace rsm::core {

// RSMERR_BAD_ADDR if any page of [begin, begin + size) is not mapped,
// RSMERR_PERM_DENIED if any is not writable (Solaris's EFAULT and EACCES
// from locking the pages), as this process's mappings say.
RsmStatus CheckExportableMemory(const void* begin, size_t size);

// The same against `maps`, text in the format of /proc/<pid>/maps.
RsmStatus CheckExportableMemory(uintptr_t begin, size_t size,
                                absl::string_view maps);

// Locks the range in memory as its pages are first touched, so none of it
// is swapped out under a remote put (mlock2 with MLOCK_ONFAULT: nothing is
// allocated up front, which matters for sparse segments). False where the
// process may not (RLIMIT_MEMLOCK without CAP_IPC_LOCK): the segment works
// unpinned. Locks do not nest in Linux: unpinning a range unlocks it even
// if the application or another segment locked it too.
bool PinExportedMemory(void* begin, size_t size);
void UnpinExportedMemory(void* begin, size_t size);

}  // namespace rsm::core

#endif  // RSM_CORE_EXPORTED_MEMORY_H_
