// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/frame_pools.h"

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace rsm::transport {

rte_mempool* FramePool(uint16_t port_id, absl::string_view role,
                       const FramePoolShape& shape) {
  // The name says the whole shape, so a pool found by name is one that fits.
  const std::string name =
      absl::StrCat("rsm", port_id, role, shape.count, "_", shape.data_room, "_",
                   shape.private_size);
  if (rte_mempool* existing = rte_mempool_lookup(name.c_str())) {
    return existing;
  }
  return rte_pktmbuf_pool_create(name.c_str(), shape.count, shape.cache,
                                 shape.private_size, shape.data_room,
                                 rte_socket_id());
}

}  // namespace rsm::transport
