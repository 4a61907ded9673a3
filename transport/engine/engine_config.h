// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_ENGINE_CONFIG_H_
#define RSM_TRANSPORT_ENGINE_ENGINE_CONFIG_H_

#include "transport/config.h"
#include "transport/engine/engine_options.h"
#include "transport/port.h"

namespace rsm::transport {

// The engine options a cluster file implies for one controller: this node
// on `port` (its address as FindPort resolved it), every node that has a
// MAC on this controller as a peer, and the controller's fault injection.
// How it runs comes from the cluster's [engine] section.
EngineOptions EngineOptionsFor(const ClusterConfig& cluster,
                               const ControllerConfig& controller,
                               const PortInfo& port);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_ENGINE_CONFIG_H_
