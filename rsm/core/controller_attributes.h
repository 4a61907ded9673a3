// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_CONTROLLER_ATTRIBUTES_H_
#define RSM_CORE_CONTROLLER_ATTRIBUTES_H_

#include "rsm/rsmapi.h"

namespace rsm::core {

// Largest single export segment on a DPDK controller. Segments are the
// application's own memory, so this bounds what one importer can move in one
// put or get, not what is allocated.
inline constexpr size_t kMaxExportSegmentSize = size_t{1} << 30;

// Segment table sizes; Solaris's default `max-segments` was the same.
inline constexpr ulong_t kMaxSegments = 4095;

// Solaris's loopback reported everything as zero ("no limit") except the
// page size, which it reported as 8; the system page size is reported here
// instead (docs/compatibility.md).
rsmapi_controller_attr_t LoopbackAttributes();

// A DPDK controller moves data with frames: there is no direct load/store to
// remote memory (direct-access, atomic and import-map sizes are 0).
rsmapi_controller_attr_t DpdkControllerAttributes();

}  // namespace rsm::core

#endif  // RSM_CORE_CONTROLLER_ATTRIBUTES_H_
