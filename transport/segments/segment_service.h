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

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "transport/engine/completion.h"
#include "transport/engine/counters.h"
#include "transport/engine/engine.h"
#include "transport/engine/message_sink.h"
#include "transport/segments/export_table.h"
#include "transport/segments/import_connection.h"
#include "transport/segments/segment_messages.h"
#include "transport/segments/segment_result.h"

namespace rsm::transport {

// A transport failure as a segment result (kOk stays kOk).
SegmentResult FromTransport(TransportResult result);

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

class SegmentService : public MessageSink {
 public:
  // Largest piece one PUT or GET message carries; longer accesses are split.
  static constexpr uint32_t kMaxChunk = 64 * 1024;
  // How long an application thread waits for a reply that the liveness
  // rules have not already bounded (a peer that answers but never replies).
  static constexpr absl::Duration kReplyTimeout = absl::Seconds(10);

  SegmentService() = default;
  SegmentService(const SegmentService&) = delete;
  SegmentService& operator=(const SegmentService&) = delete;

  // Before any other call: the engine that was created with this service as
  // its sink. The service must outlive it.
  void Attach(Engine* engine) { engine_ = engine; }
  Engine& engine() { return *engine_; }
  const SegmentCounters& counters() const { return counters_; }

  // Exporter side. Any thread; each runs on the engine thread. The caller
  // has validated ids, lengths and access lists.
  SegmentResult Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                        ExportAccess access, EventCounter* events = nullptr);
  // Removes the segment and sends REVOKE to every connection it had.
  SegmentResult Unpublish(uint32_t id);
  SegmentResult Republish(uint32_t id, std::vector<AccessEntry> acl);
  SegmentResult Rebind(uint32_t id, uint8_t* memory);
  // A segment this node publishes on this engine (a same-node import maps
  // it); nullopt if not published or the engine stopped.
  std::optional<ExportTable::View> FindPublished(uint32_t id);
  // Connections to segment `id`, as the exporter counts them.
  size_t ImportersOf(uint32_t id);
  // Rings every connection to segment `id` (a SIGNAL to each importer);
  // returns once they are queued. kNotPublished if it is not published.
  SegmentResult PostToImporters(uint32_t id, bool accumulate);

  // Importer side. Any thread. `connection` names the exporter's node and
  // the segment id; on kOk it is kConnected and stays registered (so REVOKE
  // and peer loss can end it) until Disconnect. It must outlive that.
  SegmentResult Connect(ImportConnection& connection,
                        const ConnectRequest& request);
  // Forgets the connection and tells the exporter (best effort: a lost
  // exporter forgets it anyway).
  void Disconnect(ImportConnection& connection);
  // Returns once the exporter has every byte: it applies a PUT before it
  // acknowledges it, unless it refuses it (no right, out of bounds, unknown
  // connection). A refusal is not in the ack: an unknown connection is
  // answered with a REVOKE (the connection ends), the others are reported by
  // the connection's next Barrier.
  SegmentResult Put(ImportConnection& connection, uint64_t offset,
                    absl::Span<const uint8_t> data);
  SegmentResult Get(ImportConnection& connection, uint64_t offset,
                    absl::Span<uint8_t> into);
  // A put that returns once its bytes are copied into frames, without
  // waiting for the exporter (EXPLICIT barrier mode): the next Barrier says
  // whether it was applied.
  SegmentResult PutWithoutWaiting(ImportConnection& connection, uint64_t offset,
                                  absl::Span<const uint8_t> data);
  // Returns once every access sent on `connection` before it has reached
  // the exporter: kOk if all were applied, kBarrierFailed if the exporter
  // refused one since the previous barrier.
  SegmentResult Barrier(ImportConnection& connection);
  // Rings the exporter's segment; returns once the exporter has it.
  SegmentResult PostToExporter(ImportConnection& connection, bool accumulate);

  // MessageSink, on the engine thread.
  void OnMessage(uint32_t peer, const wire::FrameHeader& first,
                 absl::Span<const uint8_t> payload) override;
  void OnPeerLost(uint32_t peer, TransportResult why) override;
  bool Poll() override;

 private:
  struct PendingConnect {
    ImportConnection* connection = nullptr;
    ConnectReply reply;
    SegmentResult result = SegmentResult::kOk;
    Completion done;
  };
  struct PendingReply {
    uint8_t* into = nullptr;
    uint32_t peer = 0;
    uint32_t length = 0;
    SegmentResult result = SegmentResult::kOk;
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
  void RefuseAccess(uint32_t peer, const wire::FrameHeader& header,
                    SegmentResult why);

  // deferred_replies.cc
  // Sends now if nothing waits before it, else queues it behind.
  void Reply(Deferred reply);
  bool TrySend(const Deferred& reply);

  // Runs `issue` on the engine thread until it sends its request: again
  // after driving the engine while it finds no free frame, up to
  // kReplyTimeout.
  TransportResult IssueRequest(absl::FunctionRef<TransportResult()> issue);
  // imports.cc: sends GET requests for `pending` (run on the engine thread).
  void IssueGets(uint32_t segment_id, uint32_t token, uint64_t offset,
                 absl::Span<PendingReply> pending);
  // Waits for a reply completion until `deadline`; then withdraws `cancel`
  // on the engine thread so the engine never writes after we return.
  SegmentResult AwaitReply(Completion& done, SegmentResult& result,
                           absl::Time deadline,
                           absl::FunctionRef<void()> cancel);
  uint32_t NextToken();

  Engine* engine_ = nullptr;
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
