// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_CREDENTIALS_H_
#define RSM_CORE_CREDENTIALS_H_

#include <cstdint>

#include "transport/segments/segment_messages.h"

namespace rsm::core {

// The calling process's effective uid, gid and supplementary groups, asking
// `requested` (RSM_PERM_READ | RSM_PERM_WRITE): what a CONNECT carries.
transport::ConnectRequest CurrentCredentials(uint32_t requested);

// 0777 & ~umask: the mode a segment gets when it is published without an
// access list (Solaris's file-creation mode of the creator). Read without
// changing the umask, so other threads never see it altered.
uint32_t CreationMode();

}  // namespace rsm::core

#endif  // RSM_CORE_CREDENTIALS_H_
