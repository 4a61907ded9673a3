// SPDX-License-Identifier: BSD-3-Clause
// The mbuf pools an engine draws its frames from.
#ifndef RSM_TRANSPORT_ENGINE_FRAME_POOLS_H_
#define RSM_TRANSPORT_ENGINE_FRAME_POOLS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

struct rte_mempool;

namespace rsm::transport {

// What a pool holds: `count` mbufs of `data_room` bytes with `private_size`
// bytes of metadata each, and a per-lcore cache of `cache`.
struct FramePoolShape {
  unsigned count;
  unsigned cache;
  uint16_t private_size;
  uint16_t data_room;
};

// A pool of `shape` for the engine on `port_id`, for frames of `role` ("d"
// data, "c" control). An engine started on a port after an earlier one
// stopped (a controller released and opened again) gets the earlier one's
// pool back: a pool is never freed, because an in-process peer may still
// hold its frames, so a new pool per start would leak them all. nullptr if
// the pool cannot be created (EAL's memory is exhausted).
rte_mempool* FramePool(uint16_t port_id, absl::string_view role,
                       const FramePoolShape& shape);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_FRAME_POOLS_H_
