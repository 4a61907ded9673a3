// SPDX-License-Identifier: BSD-3-Clause
// Raw frames on the benchmark's memif port, for the floor the segment
// protocol is measured against: the same two processes, the same port, no
// protocol. The port is the controller's own: it is taken only while the
// controller is released (its engine stopped, its port stopped).
#ifndef RSM_BENCHMARKS_PAIR_RAW_PORT_H_
#define RSM_BENCHMARKS_PAIR_RAW_PORT_H_

#include <cstdint>

#include "absl/status/statusor.h"

struct rte_mbuf;
struct rte_mempool;

namespace rsm::bench {

class RawPort {
 public:
  // Starts the ethdev port `name` (EAL is up: the controller brought it up)
  // with buffers of its own; for a memif client, until the link is up.
  static absl::StatusOr<RawPort> Start(const char* name);
  // Stops the port; the controller may take it again.
  void Stop();

  // A frame of `length` bytes (at least 60) ready to send, or nullptr when
  // the pool is empty.
  rte_mbuf* Frame(uint16_t length);
  // Sends all of `frames` (retrying while the ring is full).
  void SendAll(rte_mbuf** frames, uint16_t count);
  // Sends what the ring takes now; frees the rest. Returns how many left.
  uint16_t SendOrDrop(rte_mbuf** frames, uint16_t count);
  uint16_t Receive(rte_mbuf** frames, uint16_t at_most);
  // Frees `count` frames.
  static void Free(rte_mbuf** frames, uint16_t count);

  // The largest frame the protocol sends on this port: its MTU plus the
  // Ethernet header.
  uint16_t bulk_frame_bytes() const { return bulk_frame_bytes_; }

 private:
  RawPort(uint16_t port_id, rte_mempool* pool, uint16_t bulk)
      : port_id_(port_id), pool_(pool), bulk_frame_bytes_(bulk) {}

  uint16_t port_id_;
  rte_mempool* pool_;
  uint16_t bulk_frame_bytes_;
};

}  // namespace rsm::bench

#endif  // RSM_BENCHMARKS_PAIR_RAW_PORT_H_
