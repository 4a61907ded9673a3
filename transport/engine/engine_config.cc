// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/engine_config.h"

namespace rsm::transport {

EngineOptions EngineOptionsFor(const ClusterConfig& cluster,
                               const ControllerConfig& controller,
                               const PortInfo& port) {
  EngineOptions options;
  static_cast<EngineSettings&>(options) = cluster.engine;
  options.node_id = cluster.node_id;
  options.mac = port.mac;
  options.port_id = port.port_id;
  for (const NodeConfig& node : cluster.nodes) {
    if (node.id == cluster.node_id) continue;  // added with our own address
    for (const auto& [name, mac] : node.controller_macs) {
      if (name == controller.name) options.peers.push_back({node.id, mac});
    }
  }
  options.rx_faults = controller.rx_faults;
  options.tx_faults = controller.tx_faults;
  options.fault_seed = controller.fault_seed;
  return options;
}

}  // namespace rsm::transport
