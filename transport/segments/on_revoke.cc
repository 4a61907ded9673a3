// SPDX-License-Identifier: BSD-3-Clause
// REVOKE: the exporter ended a connection (unpublish, destroy, or an access
// on a connection it no longer knows). The importer's later calls report
// it until the application connects again.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnRevoke(uint32_t peer, const wire::FrameHeader& header) {
  auto it = connections_.find(header.aux);
  if (it == connections_.end() || it->second->exporter_node != peer ||
      it->second->segment_id != header.segment_id) {
    counters_.unmatched.Add();
    return;
  }
  it->second->End(ConnectionState::kRevoked);
  connections_.erase(it);
}

void SegmentService::SendRevoke(uint32_t segment_id, ImporterKey key) {
  counters_.revokes_sent.Add();
  Reply({key.node, wire::FrameType::kRevoke, segment_id, 0, key.token, {}});
}

void SegmentService::RefuseAccess(uint32_t peer,
                                  const wire::FrameHeader& header, Result why) {
  counters_.accesses_refused.Add();
  const ImporterKey key{peer, header.aux};
  if (why == Result::kNotConnected) {
    SendRevoke(header.segment_id, key);
  } else {
    // The importer did not wait for this one (EXPLICIT mode): its next
    // barrier reports it.
    table_.NoteRefused(header.segment_id, key);
  }
}

}  // namespace rsm::transport
