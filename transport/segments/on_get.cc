// SPDX-License-Identifier: BSD-3-Clause
// GET at the exporter (read the segment, reply with the bytes), and at the
// importer GET_REPLY and BARRIER_ACK (copy any bytes where the caller
// waits, then complete its request).
#include <cstring>

#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnGet(uint32_t peer, const wire::FrameHeader& header,
                           absl::Span<const uint8_t> payload) {
  const std::optional<GetRequest> request = DecodeGetRequest(payload);
  if (!request.has_value()) {
    // No tag to answer with; the importer's wait is bounded.
    counters_.malformed.Add();
    return;
  }
  Deferred get{peer,
               wire::FrameType::kGetReply,
               header.segment_id,
               header.offset,
               request->tag,
               {}};
  get.token = header.aux;
  get.get_length = request->length;
  Reply(std::move(get));
}

bool SegmentService::SendGetReply(const Deferred& get) {
  Result result = Result::kMalformed;
  absl::Span<const uint8_t> data;
  if (get.get_length <= MaxChunk()) {
    const ExportTable::Access access =
        table_.CheckAccess(get.segment_id, ImporterKey{get.peer, get.token},
                           /*write=*/false, get.offset, get.get_length);
    result = access.result;
    if (result == Result::kOk) data = {access.where, get.get_length};
  }
  // GET_REPLY: the header's offset carries the result, aux the tag.
  const Result sent = engine_->SendFromEngine(
      get.peer, wire::FrameType::kGetReply, get.segment_id,
      static_cast<uint64_t>(result), get.aux, data, nullptr);
  if (sent == Result::kNoResources) return false;
  if (result == Result::kOk) {
    // Counted only when it left: a peer that is gone gets nothing.
    if (sent == Result::kOk) counters_.gets_served.Add();
  } else {
    (result == Result::kMalformed ? counters_.malformed
                                  : counters_.accesses_refused)
        .Add();
    if (result == Result::kNotConnected) {
      SendRevoke(get.segment_id, ImporterKey{get.peer, get.token});
    }
  }
  return true;
}

void SegmentService::OnReply(uint32_t peer, const wire::FrameHeader& header,
                             absl::Span<const uint8_t> payload) {
  auto it = pending_replies_.find(header.aux);
  if (it == pending_replies_.end() || it->second->peer != peer ||
      it->second->reply_type != header.type) {
    counters_.unmatched.Add();
    return;
  }
  PendingReply& pending = *it->second;
  pending_replies_.erase(it);
  if (header.offset == static_cast<uint64_t>(Result::kOk) &&
      payload.size() == pending.length) {
    if (!payload.empty()) {
      std::memcpy(pending.into, payload.data(), payload.size());
    }
    pending.result = Result::kOk;
  } else if (header.offset != 0 && header.offset <= UINT32_MAX &&
             IsWireResult(static_cast<uint32_t>(header.offset))) {
    pending.result = static_cast<Result>(header.offset);
  } else {
    counters_.malformed.Add();
    pending.result = Result::kMalformed;
  }
  pending.done.Complete(0);
}

}  // namespace rsm::transport
