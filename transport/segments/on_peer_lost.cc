// SPDX-License-Identifier: BSD-3-Clause
// A peer's session ended: its connections to our segments are forgotten,
// our connections to its segments end, and whatever we were waiting for
// from it fails now instead of at a timeout.
#include <algorithm>

#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnPeerLost(uint32_t peer, Result why) {
  table_.DisconnectNode(peer);
  deferred_.erase(std::remove_if(deferred_.begin(), deferred_.end(),
                                 [peer](const Deferred& reply) {
                                   return reply.peer == peer;
                                 }),
                  deferred_.end());

  const ConnectionState ended = why == Result::kEngineStopped
                                    ? ConnectionState::kEngineStopped
                                    : ConnectionState::kPeerLost;
  absl::erase_if(connections_, [&](const auto& entry) {
    if (entry.second->exporter_node != peer) return false;
    entry.second->End(ended);
    return true;
  });
  const Result failed = why;
  absl::erase_if(pending_connects_, [&](const auto& entry) {
    if (entry.second->connection->exporter_node != peer) return false;
    entry.second->result = failed;
    entry.second->done.Complete(0);
    return true;
  });
  absl::erase_if(pending_replies_, [&](const auto& entry) {
    if (entry.second->peer != peer) return false;
    entry.second->result = failed;
    entry.second->done.Complete(0);
    return true;
  });
}

}  // namespace rsm::transport
