// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_FRAME_META_H_
#define RSM_TRANSPORT_ENGINE_FRAME_META_H_

#include <rte_mbuf.h>

#include <cstdint>

#include "transport/wire/frame.h"

namespace rsm::transport {

class Completion;

// What the engine needs to know of a data frame, kept in the mbuf's private
// area so a request needs no allocation beyond its frames: an application
// thread links a message's frames here and enqueues the first one.
// The header is kept here rather than in the frame because its sequence,
// ack and incarnation fields (and so the checksum) are known only when the
// engine sends the frame.
struct FrameMeta {
  rte_mbuf* next_fragment;  // the message's next frame; nullptr on the last
  Completion* completion;   // on the last frame only; may be nullptr
  uint64_t sent_tsc;        // last (re)transmission, for RTT samples
  bool retransmitted;       // its ack is then no RTT sample (Karn)
  wire::FrameHeader header;
};

inline FrameMeta& MetaOf(rte_mbuf* frame) {
  return *static_cast<FrameMeta*>(rte_mbuf_to_priv(frame));
}

// Private area size for the data-frame pool (DPDK wants a multiple of 8).
inline constexpr uint16_t kFrameMetaSize =
    (sizeof(FrameMeta) + RTE_MBUF_PRIV_ALIGN - 1) / RTE_MBUF_PRIV_ALIGN *
    RTE_MBUF_PRIV_ALIGN;

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_FRAME_META_H_
