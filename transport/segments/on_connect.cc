// SPDX-License-Identifier: BSD-3-Clause
// CONNECT at the exporter (the access decision), CONNECT_REPLY at the
// importer, DISCONNECT at the exporter.
#include "transport/segments/segment_service.h"

namespace rsm::transport {

void SegmentService::OnConnect(uint32_t peer, const wire::FrameHeader& header,
                               absl::Span<const uint8_t> payload) {
  ConnectReply reply;
  if (std::optional<ConnectRequest> request = DecodeConnectRequest(payload)) {
    const Importer importer{peer, request->uid, request->gid,
                            std::move(request->groups)};
    const ExportTable::Connected connected = table_.Connect(
        header.segment_id, importer, header.aux, request->requested);
    reply = {static_cast<uint32_t>(connected.result), connected.granted_mode,
             connected.length};
    (connected.result == Result::kOk ? counters_.connects_granted
                                     : counters_.connects_refused)
        .Add();
  } else {
    counters_.malformed.Add();
    reply.result = static_cast<uint32_t>(Result::kMalformed);
  }
  Reply({peer, wire::FrameType::kConnectReply, header.segment_id, 0, header.aux,
         EncodeConnectReply(reply)});
}

void SegmentService::OnConnectReply(uint32_t peer,
                                    const wire::FrameHeader& header,
                                    absl::Span<const uint8_t> payload) {
  const std::optional<ConnectReply> reply = DecodeConnectReply(payload);
  auto it = pending_connects_.find(header.aux);
  if (it == pending_connects_.end() ||
      it->second->connection->exporter_node != peer ||
      it->second->connection->segment_id != header.segment_id) {
    counters_.unmatched.Add();
    // A connect we gave up on may have been granted: release it.
    if (reply.has_value() &&
        reply->result == static_cast<uint32_t>(Result::kOk)) {
      Reply({peer,
             wire::FrameType::kDisconnect,
             header.segment_id,
             0,
             header.aux,
             {}});
    }
    return;
  }
  PendingConnect& pending = *it->second;
  pending_connects_.erase(it);
  if (!reply.has_value() || !IsWireResult(reply->result)) {
    counters_.malformed.Add();
    pending.result = Result::kMalformed;
  } else {
    pending.reply = *reply;
    pending.result = static_cast<Result>(reply->result);
  }
  if (pending.result == Result::kOk) {
    ImportConnection& connection = *pending.connection;
    connection.length = reply->segment_length;
    connection.granted_mode = reply->granted_mode;
    connection.state.store(ConnectionState::kConnected,
                           std::memory_order_release);
    connections_[connection.token] = &connection;
  }
  pending.done.Complete(0);
}

void SegmentService::OnDisconnect(uint32_t peer,
                                  const wire::FrameHeader& header) {
  table_.Disconnect(header.segment_id, ImporterKey{peer, header.aux});
}

}  // namespace rsm::transport
