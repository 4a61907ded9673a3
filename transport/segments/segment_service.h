// SPDX-License-Identifier: BSD-3-Clause
// The segment protocol on one engine: the MessageSink that turns CONNECT,
// PUT, GET, ... into actions on this node's exported segments, and the
// importer's calls that send them. Exporter state (the ExportTable) and
// importer state (connections, pending replies) are owned by the engine
// thread; application threads reach them through Engine::RunOnEngine, so
// nothing here takes a lock.
//
// One file per event: on_connect.cc (CONNECT, CONNECT_REPLY, DISCONNECT),
// on_put.cc, on_get.cc (GET, GET_REPLY), on_barrier.cc (BARRIER,
// BARRIER_ACK), on_signal.cc (SIGNAL), on_revoke.cc (REVOKE),
// on_peer_lost.cc, deferred_replies.cc (replies that waited for a frame),
// and the application side in exports.cc and imports.cc (signals.cc for
// posts).
#ifndef RSM_TRANSPORT_SEGMENTS_SEGMENT_SERVICE_H_
#define RSM_TRANSPORT_SEGMENTS_SEGMENT_SERVICE_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "transport/engine/completion.h"
#include "transport/engine/counters.h"
#include "transport/engine/engine.h"
#include "transport/engine/engine_options.h"
#include "transport/engine/message_sink.h"
#include "transport/result.h"
#include "transport/segments/export_table.h"
#include "transport/segments/import_connection.h"
#include "transport/segments/segment_backend.h"
#include "transport/segments/segment_messages.h"

namespace rsm::transport {

struct SegmentCounters {
  Counter connects_granted;
  Counter connects_refused;
  Counter puts_applied;  // PUT messages written into a segment
  Counter gets_served;   // GET_REPLY messages with data
  Counter
      accesses_refused;  // PUT/GET refused: unknown connection, right, bounds
  Counter malformed;     // payloads that did not parse
  Counter unmatched;     // replies or revokes nobody waited for
  Counter replies_deferred;  // replies that had to wait for a free frame
  Counter revokes_sent;
  Counter signals_received;  // SIGNALs that reached a segment's count
};

class SegmentService : public MessageSink, public SegmentBackend {
 public:
  // Largest piece one PUT or GET message carries; longer accesses are split.
  // A small window (window_frames) makes it smaller: MaxChunk().
  static constexpr uint32_t kMaxChunk = 64 * 1024;
  // How long an application thread waits for a reply that the liveness
  // rules have not already bounded (a peer that answers but never replies).
  static constexpr absl::Duration kReplyTimeout = absl::Seconds(10);

  // A DPDK controller's segments: a service on an engine of its own, which
  // it owns, started on a thread of its own (so exported segments are served
  // while the application does other things), with handshakes begun with
  // every configured node. The port named in `options` must exist and not be
  // started.
  static absl::StatusOr<std::unique_ptr<SegmentService>> Start(
      const EngineOptions& options);

  SegmentService() = default;
  SegmentService(const SegmentService&) = delete;
  SegmentService& operator=(const SegmentService&) = delete;
  ~SegmentService() override;

  // Before any other call, unless Start made it: the engine that was created
  // with this service as its sink. The service must outlive it.
  void Attach(Engine* engine) { engine_ = engine; }
  Engine& engine() { return *engine_; }
  const SegmentCounters& counters() const { return counters_; }

  // SegmentBackend, from any thread: exporter calls run as tasks on the
  // engine thread, where the table lives; importer calls send through the
  // request ring and wait for their completion.
  uint32_t local_node() const override { return engine_->node_id(); }
  bool PathActive(uint32_t node) override {
    return engine_->SessionEstablished(node);
  }
  TrafficSnapshot Traffic() const override;
  EventCounter::Drove DriveForWaiter() override;
  void Shutdown() override { engine_->Stop(); }
  void Quiesce() override;
  void Close() override;
  Result Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                 ExportAccess access, EventCounter* events) override;
  Result Unpublish(uint32_t id) override;
  Result Republish(uint32_t id, std::vector<AccessEntry> acl) override;
  Result Rebind(uint32_t id, uint8_t* memory) override;
  Result PostToImporters(uint32_t id, bool accumulate) override;
  Result Connect(ImportConnection& connection,
                 const ConnectRequest& request) override;
  void Disconnect(ImportConnection& connection) override;
  Result Put(ImportConnection& connection, uint64_t offset,
             absl::Span<const uint8_t> data) override;
  Result Get(ImportConnection& connection, uint64_t offset,
             absl::Span<uint8_t> into) override;
  Result PutWithoutWaiting(ImportConnection& connection, uint64_t offset,
                           absl::Span<const uint8_t> data) override;
  Result Barrier(ImportConnection& connection) override;
  Result PostToExporter(ImportConnection& connection, bool accumulate) override;
  // A same-node import: the segment is in this engine's table.
  std::optional<ExportTable::View> LocalMemory(
      const ImportConnection& connection) override;

  // A segment this node publishes on this engine; nullopt if not published
  // or the engine stopped.
  std::optional<ExportTable::View> FindPublished(uint32_t id);
  // Connections to segment `id`, as the exporter counts them.
  size_t ImportersOf(uint32_t id);

  // MessageSink, on the engine thread.
  void OnMessage(uint32_t peer, const wire::FrameHeader& first,
                 absl::Span<const uint8_t> payload) override;
  void OnPeerLost(uint32_t peer, Result why) override;
  bool Poll() override;

 private:
  struct PendingConnect {
    ImportConnection* connection = nullptr;
    ConnectReply reply;
    Result result = Result::kOk;
    Completion done;
  };
  struct PendingReply {
    uint8_t* into = nullptr;
    uint32_t peer = 0;
    uint32_t length = 0;
    Result result = Result::kOk;
    wire::FrameType reply_type = wire::FrameType::kGetReply;
    bool unsent = true;  // not (yet) sent: IssueGets sends it
    Completion done;
  };
  // A reply that found no free frame; sent by Poll, in order. A GET's data
  // is read from the segment when it is finally sent.
  struct Deferred {
    uint32_t peer;
    wire::FrameType type;
    uint32_t segment_id;
    uint64_t offset;
    uint32_t aux;
    std::vector<uint8_t> payload;
    // GET_REPLY only: the request to serve.
    uint32_t token = 0;
    uint32_t get_length = 0;
  };

  // on_connect.cc
  void OnConnect(uint32_t peer, const wire::FrameHeader& header,
                 absl::Span<const uint8_t> payload);
  void OnConnectReply(uint32_t peer, const wire::FrameHeader& header,
                      absl::Span<const uint8_t> payload);
  void OnDisconnect(uint32_t peer, const wire::FrameHeader& header);
  // on_put.cc
  void OnPut(uint32_t peer, const wire::FrameHeader& header,
             absl::Span<const uint8_t> payload);
  // on_get.cc
  void OnGet(uint32_t peer, const wire::FrameHeader& header,
             absl::Span<const uint8_t> payload);
  // Sends (or defers) the reply to a GET: data or the reason there is none.
  bool SendGetReply(const Deferred& get);
  // GET_REPLY and BARRIER_ACK: completes the request waiting for `tag`.
  void OnReply(uint32_t peer, const wire::FrameHeader& header,
               absl::Span<const uint8_t> payload);
  // on_barrier.cc
  void OnBarrier(uint32_t peer, const wire::FrameHeader& header,
                 absl::Span<const uint8_t> payload);
  // on_signal.cc
  void OnSignal(uint32_t peer, const wire::FrameHeader& header);
  // on_revoke.cc
  void OnRevoke(uint32_t peer, const wire::FrameHeader& header);
  // Tells the importer behind `key` that its connection to `segment_id` is
  // gone.
  void SendRevoke(uint32_t segment_id, ImporterKey key);
  // An access to a connection the exporter does not know: the importer
  // missed its REVOKE (or never connected), so it gets one.
  void RefuseAccess(uint32_t peer, const wire::FrameHeader& header, Result why);

  // deferred_replies.cc
  // Sends now if nothing waits before it, else queues it behind.
  void Reply(Deferred reply);
  bool TrySend(const Deferred& reply);

  // Runs `issue` on the engine thread until it sends its request: again
  // after driving the engine while it finds no free frame, up to
  // kReplyTimeout.
  Result IssueRequest(absl::FunctionRef<Result()> issue);
  // imports.cc: sends GET requests for `pending` (run on the engine thread).
  void IssueGets(uint32_t segment_id, uint32_t token, uint64_t offset,
                 absl::Span<PendingReply> pending);
  // Waits for a reply completion until `deadline`; then withdraws `cancel`
  // on the engine thread so the engine never writes after we return.
  Result AwaitReply(Completion& done, Result& result, absl::Time deadline,
                    absl::FunctionRef<void()> cancel);
  uint32_t NextToken();
  size_t MaxChunk() const {
    return static_cast<size_t>(
        std::min<uint64_t>(kMaxChunk, engine_->max_message_bytes()));
  }

  Engine* engine_ = nullptr;
  // Set when Start made the engine; stopped before the service goes.
  std::unique_ptr<Engine> owned_engine_;
  SegmentCounters counters_;

  // Exporter state.
  ExportTable table_;
  std::deque<Deferred> deferred_;

  // Importer state.
  uint32_t next_token_ = 1;
  absl::flat_hash_map<uint32_t, ImportConnection*> connections_;
  absl::flat_hash_map<uint32_t, PendingConnect*> pending_connects_;
  absl::flat_hash_map<uint32_t, PendingReply*> pending_replies_;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_SEGMENT_SERVICE_H_
