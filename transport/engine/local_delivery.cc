// SPDX-License-Identifier: BSD-3-Clause
// Frames this node sends to itself (a same-node import): delivered inside
// the engine, as if the wire had reflected them, because most ports do not
// (af_packet, tap, memif and NICs never hand a frame back to its sender).
// They pass the same fault injectors and the same receive path as frames
// from the port, so a same-node import behaves as a remote one.
#include <rte_ether.h>
#include <rte_mbuf.h>

#include <cstring>

#include "transport/engine/engine.h"
#include "transport/engine/frame_ownership.h"

namespace rsm::transport {

uint16_t Engine::DivertFramesToThisNode(rte_mbuf** frames, uint16_t count) {
  uint16_t kept = 0;
  for (uint16_t i = 0; i < count; ++i) {
    rte_mbuf* frame = frames[i];
    const auto* ethernet = rte_pktmbuf_mtod(frame, const rte_ether_hdr*);
    if (std::memcmp(ethernet->dst_addr.addr_bytes, options_.mac.data(),
                    options_.mac.size()) != 0) {
      frames[kept++] = frame;
      continue;
    }
    // A copy: the original may be held for retransmission, and receiving
    // consumes (and may trim) the buffer it is given. It is dropped, like a
    // frame the wire lost, when no buffer is free.
    rte_mbuf* copy = rte_pktmbuf_copy(frame, control_pool_, 0, UINT32_MAX);
    if (copy != nullptr) {
      local_frames_.push_back(copy);
    } else {
      port_counters_.no_mbufs.Add();
    }
    rte_pktmbuf_free(frame);  // what the port does once it has sent it
  }
  return kept;
}

bool Engine::ReceiveFramesFromThisNode() {
  if (local_frames_.empty()) return false;
  // Only FlushTx adds to the queue, so it does not grow while it is read
  // here, and clearing it keeps its capacity: no allocation per iteration.
  for (size_t at = 0; at < local_frames_.size(); at += kBurst) {
    rte_mbuf* frames[2 * kBurst];
    uint16_t n = static_cast<uint16_t>(
        std::min<size_t>(kBurst, local_frames_.size() - at));
    std::copy_n(local_frames_.begin() + static_cast<std::ptrdiff_t>(at), n,
                frames);
    for (uint16_t i = 0; i < n; ++i) AcquireFrame(frames[i]);
    if (rx_faults_->enabled()) {
      n = rx_faults_->Apply(frames, n, 2 * kBurst, NowMicros());
    }
    for (uint16_t i = 0; i < n; ++i) Dispatch(frames[i]);
  }
  local_frames_.clear();
  return true;
}

}  // namespace rsm::transport
