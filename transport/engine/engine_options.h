// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_ENGINE_OPTIONS_H_
#define RSM_TRANSPORT_ENGINE_ENGINE_OPTIONS_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "transport/config.h"
#include "transport/engine_settings.h"
#include "transport/fault/fault_spec.h"

namespace rsm::transport {

struct PeerAddress {
  uint32_t node_id;
  MacAddress mac;
};

// Everything an Engine needs: what the cluster file's [engine] section sets
// (EngineSettings), and what only the program knows. Defaults suit a LAN or
// in-process ports.
struct EngineOptions : EngineSettings {
  uint32_t node_id = 0;
  MacAddress mac{};
  uint16_t port_id = 0;
  // Every node this engine may talk to; this node itself is added if absent
  // (a node may import its own segments through its port).
  std::vector<PeerAddress> peers;

  // Requests queued from application threads, not yet taken by the engine.
  uint32_t request_ring_size = 1024;

  FaultSpec rx_faults;
  FaultSpec tx_faults;
  uint64_t fault_seed = 1;

  // For tests: every session incarnation starts counting its sequence
  // numbers here (>= 1) instead of at 1, e.g. just below a wire wrap at
  // 2^32 - 1. The receiving side expects it too (its first frame from a peer
  // is first_sequence, its cumulative ack starts at first_sequence - 1), so
  // both sides of a test must use the same value.
  uint64_t first_sequence = 1;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_ENGINE_OPTIONS_H_
