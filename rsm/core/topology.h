// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_TOPOLOGY_H_
#define RSM_CORE_TOPOLOGY_H_

#include <string>
#include <vector>

#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"

namespace rsm::core {

// rsm_remote_cntlr_t.connection_state of a path not known to work, as
// Solaris's path manager numbered it (1 down, 2 up, 3 RSM_CONNECTION_ACTIVE,
// 4 going down).
inline constexpr uint_t kPathDown = 1;

struct RemoteControllerInfo {
  rsm_node_id_t node_id;
  std::string name;
  rsm_addr_t hwaddr;
  uint_t state;
};

struct LocalControllerInfo {
  std::string name;
  rsm_addr_t hwaddr;
  std::vector<RemoteControllerInfo> remotes;
};

// What rsm_get_interconnect_topology reports: this node and, for each DPDK
// controller, the other nodes configured on it. Brings up EAL (the local
// MAC addresses are the ports'). Errors carry their RSMAPI code.
RsmStatusOr<std::vector<LocalControllerInfo>> DescribeInterconnect(
    rsm_node_id_t* local_node_id);

// Lays `controllers` out as Solaris did: one malloc'ed, 8-byte-aligned block
// holding the header, the connection pointers, and each controller's header
// followed by its remote records; the pointers point into the block, which
// the caller frees with free(). Names longer than the fields are truncated.
// nullptr if memory is short.
rsm_topology_t* LayOutTopology(
    rsm_node_id_t local_node_id,
    const std::vector<LocalControllerInfo>& controllers);

}  // namespace rsm::core

#endif  // RSM_CORE_TOPOLOGY_H_
