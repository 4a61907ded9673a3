#ifndef RSM_TRANSPORT_ENGINE_ENGINE_OPTIONS_H_
#define RSM_TRANSPORT_ENGINE_ENGINE_OPTIONS_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "transport/config.h"
#include "transport/fault/fault_spec.h"

namespace rsm::transport {

struct PeerAddress {
  uint32_t node_id;
  MacAddress mac;
};

// Everything an Engine needs; defaults suit a LAN or in-process ports.
struct EngineOptions {
  uint32_t node_id = 0;
  MacAddress mac{};
  uint16_t port_id = 0;
  // Every node this engine may talk to; this node itself is added if absent
  // (a node may import its own segments through its port).
  std::vector<PeerAddress> peers;

  // Frames in flight (sent, not yet acknowledged) per peer. Also bounds the
  // receiver's reorder buffer, so the mbuf pool is sized from it.
  uint32_t window_frames = 256;
  // Requests queued from application threads, not yet taken by the engine.
  uint32_t request_ring_size = 1024;
  // What an application thread does when no mbuf or ring slot is free:
  // drive the engine and retry until `blocking_timeout`, or fail at once.
  bool block_when_full = true;
  absl::Duration blocking_timeout = absl::Seconds(5);

  // The retransmission timeout follows the measured round trip (smoothed
  // RTT + 4 x its variation, as TCP does), within these bounds; it starts
  // at the initial value and doubles on each timeout without progress.
  // The floor is above the scheduling gaps of a shared machine's vCPUs, so a
  // late ack is not taken for a loss; losses are mostly repaired earlier, on
  // selective acks.
  absl::Duration initial_retransmit_timeout = absl::Milliseconds(1);
  absl::Duration min_retransmit_timeout = absl::Milliseconds(1);
  absl::Duration max_retransmit_timeout = absl::Milliseconds(20);
  absl::Duration heartbeat_interval = absl::Milliseconds(10);
  // A peer silent this long is unreachable: its requests fail.
  absl::Duration unreachable_after = absl::Milliseconds(100);

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
