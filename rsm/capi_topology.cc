// SPDX-License-Identifier: BSD-3-Clause
// C entry points for the interconnect topology.
#include <cstdlib>
#include <vector>

#include "rsm/core/rsm_status.h"
#include "rsm/core/topology.h"
#include "rsm/rsmapi.h"

extern "C" int rsm_get_interconnect_topology(rsm_topology_t** topology_data) {
  if (topology_data == nullptr) {
    return rsm::core::RsmError(RSMERR_BAD_TOPOLOGY_PTR, "topology_data is NULL")
        .code();
  }
  rsm_node_id_t local_node_id = 0;
  rsm::core::RsmStatusOr<std::vector<rsm::core::LocalControllerInfo>>
      controllers = rsm::core::DescribeInterconnect(&local_node_id);
  if (!controllers.ok()) return controllers.status().code();
  rsm_topology_t* topology =
      rsm::core::LayOutTopology(local_node_id, *controllers);
  if (topology == nullptr) {
    return rsm::core::RsmError(RSMERR_INSUFFICIENT_MEM,
                               "no memory for the topology")
        .code();
  }
  *topology_data = topology;
  return RSM_SUCCESS;
}

extern "C" void rsm_free_interconnect_topology(rsm_topology_t* topology_data) {
  std::free(topology_data);
}
