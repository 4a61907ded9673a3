// SPDX-License-Identifier: BSD-3-Clause
// PUT at the exporter: checked against the connection, its rights and the
// segment's bounds, then written. Nothing outside a segment is ever written.
#include <cstring>

#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnPut(uint32_t peer, const wire::FrameHeader& header,
                           absl::Span<const uint8_t> payload) {
  const ExportTable::Access access =
      table_.CheckAccess(header.segment_id, ImporterKey{peer, header.aux},
                         /*write=*/true, header.offset, payload.size());
  if (access.result != Result::kOk) {
    RefuseAccess(peer, header, access.result);
    return;
  }
  if (!payload.empty()) {
    std::memcpy(access.where, payload.data(), payload.size());
  }
  counters_.puts_applied.Add();
}

}  // namespace rsm::transport
