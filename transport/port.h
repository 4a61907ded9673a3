// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_PORT_H_
#define RSM_TRANSPORT_PORT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "transport/config.h"

struct rte_mempool;

namespace rsm::transport {

// What the rest of the system needs to know of a controller's ethdev port.
struct PortInfo {
  uint16_t port_id;
  MacAddress mac;
  bool link_up;
};

// Finds the ethdev port that EAL created for `controller` (EAL must be up)
// and reads its link state without waiting. `mac` is the address this node
// answers to on the controller: its MAC in the cluster file if this node's
// [node.N] section names one; else the port's own; else, for virtual ports
// that have none (net_ring reports all zeros), the locally administered
// 02:52:53:4d:<node id>:<port id> ("RSM").
absl::StatusOr<PortInfo> FindPort(const ClusterConfig& cluster,
                                  const ControllerConfig& controller);

// Configures `port_id` with one RX and one TX queue (RX buffers from `pool`)
// and starts it, with `mtu` as its MTU unless that is 0 (then the port's
// own). Returns the port's MTU: frames are never larger.
//
// A net_memif client port (DPDK 22.11's does not retry by itself) is started
// until its server accepts it: restarted while the start fails or the link
// is not up within 200 ms, for up to 10 s; UnavailableError after that. Other
// ports, a memif server included, return as soon as they have started,
// whatever their link state.
absl::StatusOr<uint16_t> StartPort(uint16_t port_id, rte_mempool* pool,
                                   uint16_t rx_descriptors,
                                   uint16_t tx_descriptors, uint16_t mtu);

// The MAC address as an RSMAPI hardware address: the six octets in
// transmission order in the low 48 bits, first octet most significant.
uint64_t MacToHardwareAddress(const MacAddress& mac);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_PORT_H_
