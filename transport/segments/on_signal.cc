// SPDX-License-Identifier: BSD-3-Clause
// SIGNAL: an importer rings the exporter's segment, or the exporter rings
// one import. Either way one event is added to the receiving segment's
// count (or not, with RSM_SIGPOST_NO_ACCUMULATE and one already pending).
#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnSignal(uint32_t peer, const wire::FrameHeader& header) {
  const bool accumulate = (header.offset & kSignalNoAccumulate) == 0;
  EventCounter* events = nullptr;
  if (header.offset & kSignalToImporter) {
    auto it = connections_.find(header.aux);
    if (it != connections_.end() && it->second->exporter_node == peer &&
        it->second->segment_id == header.segment_id) {
      events = it->second->events;
    }
  } else {
    if (!table_.IsConnected(header.segment_id, ImporterKey{peer, header.aux})) {
      RefuseAccess(peer, header, Result::kNotConnected);
      return;
    }
    events = table_.Events(header.segment_id);
  }
  if (events == nullptr) {
    counters_.unmatched.Add();
    return;
  }
  counters_.signals_received.Add();
  events->Post(accumulate);
}

}  // namespace rsm::transport
