// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_TESTING_RING_FABRIC_H_
#define RSM_TRANSPORT_TESTING_RING_FABRIC_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "transport/config.h"

struct rte_mbuf;
struct rte_ring;

namespace rsm::testing {

// Several nodes in one process, each with a net_ring ethdev port (built with
// rte_eth_from_rings). Two ports are cross-connected: each one's TX ring is
// the other's RX ring, so frames need no forwarding and the two engines may
// run on threads of their own. With more ports, Forward() plays an Ethernet
// switch, moving each frame a port sent to the RX ring of the port whose MAC
// is the frame's destination (broadcast: every other port); call it from the
// loop that drives the engines. EAL must be up.
class RingFabric {
 public:
  struct Port {
    uint16_t port_id;
    transport::MacAddress mac;
    rte_ring* rx;  // frames to this port
    rte_ring* tx;  // frames this port sent
  };

  // `name` keeps port and ring names unique when a process builds several.
  static absl::StatusOr<std::unique_ptr<RingFabric>> Create(
      const char* name, const std::vector<transport::MacAddress>& macs);
  ~RingFabric();

  const Port& port(size_t i) const { return ports_[i]; }
  size_t size() const { return ports_.size(); }

  // Moves every frame sent so far; returns how many were delivered.
  // Frames for an unknown MAC, or to a full ring, are freed. Nothing to do
  // for two cross-connected ports.
  unsigned Forward();

  // Called with each frame Forward() moves, before it is delivered.
  std::function<void(const rte_mbuf*)> tap;
  // Frames it returns true for are lost instead of delivered (after tap).
  std::function<bool(const rte_mbuf*)> lose;

 private:
  RingFabric() = default;
  std::vector<Port> ports_;
  bool switched_ = true;
};

}  // namespace rsm::testing

#endif  // RSM_TRANSPORT_TESTING_RING_FABRIC_H_
