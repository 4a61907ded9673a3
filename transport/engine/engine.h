// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_ENGINE_H_
#define RSM_TRANSPORT_ENGINE_ENGINE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "transport/eal.h"
#include "transport/engine/completion.h"
#include "transport/engine/counters.h"
#include "transport/engine/engine_options.h"
#include "transport/engine/message_sink.h"
#include "transport/engine/peer_session.h"
#include "transport/engine/request_ring.h"
#include "transport/fault/injector.h"
#include "transport/result.h"
#include "transport/wire/codec.h"

struct rte_mbuf;
struct rte_mempool;

namespace rsm::transport {

// One engine per controller: it owns the port's queues, the mbuf pools,
// every peer session and all timers, and only its own thread writes that
// state, so the data path takes no locks. Application threads reach it
// through SendMessage (a lock-free ring). Progress is made either by a
// dedicated thread (StartThread) or by callers waiting on a completion
// (TryDrive, one driver at a time) — the same RunOnce either way.
//
// The loop, one file per step: RX burst and dispatch (on_rx.cc, with the
// handshake in on_hello.cc, sequenced frames in on_sequenced.cc, acks in
// on_ack.cc), draining the request ring (requests.cc), timers (timers.cc),
// and the TX burst (tx.cc).
class Engine {
 public:
  // The port must exist (EAL up) and not be started yet; the engine
  // configures and starts it. `sink` receives every peer's messages and must
  // outlive the engine.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(
      const EngineOptions& options, MessageSink* sink);
  ~Engine();

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Any thread. Copies `payload` into frames (so the buffer is free when
  // this returns), fragmenting it to the port's MTU, and queues the message
  // for `peer`. Errors found before queueing are returned; later ones, and
  // kOk once the peer has acknowledged every frame, go to `completion`
  // (optional). With block_when_full, a full pool or ring makes the caller
  // drive the engine until space frees up or the blocking timeout passes.
  Result SendMessage(uint32_t peer, wire::FrameType type, uint32_t segment_id,
                     uint64_t offset, uint32_t aux,
                     absl::Span<const uint8_t> payload, Completion* completion);

  // Runs `task` on the engine thread, between loop steps, and returns once
  // it has run: how control calls (publish, connect, ...) reach state that
  // only the engine thread may touch, serialized with the data path. On the
  // engine thread itself (a sink callback, another task) it runs at once.
  // kEngineStopped, and the task does not run, if the engine stopped first.
  // Messages the calling thread sent before (SendMessage) are queued ahead
  // of any the task sends, so a task's request never overtakes them.
  Result RunOnEngine(absl::FunctionRef<void()> task);

  // Opens a session with every peer now rather than at its first message,
  // so whether a peer answers is known before anyone sends to it (the
  // RSMAPI topology reports it). Any thread.
  void OpenAllSessions();
  // Whether the session with `node` is established. Any thread (it asks the
  // engine thread); false for a node that is not a peer or a stopped engine.
  bool SessionEstablished(uint32_t node);

  // Engine thread only (a sink callback or a task): queues a message for
  // `peer` without blocking or going through the ring — replies are sent
  // this way. kNoResources at once when the pool is empty.
  Result SendFromEngine(uint32_t peer, wire::FrameType type,
                        uint32_t segment_id, uint64_t offset, uint32_t aux,
                        absl::Span<const uint8_t> payload,
                        Completion* completion);

  // Waits for `completion`, driving the engine while no other thread does.
  // nullopt if `deadline` passes first: the request is then still in flight
  // and the Completion must stay alive until it is done (the engine fails
  // it at the latest when the peer is declared unreachable).
  std::optional<Result> Wait(Completion& completion, absl::Time deadline);

  // One iteration of the loop; true if it did anything. Engine thread only
  // (the dedicated thread, or whoever holds the driver role via TryDrive).
  bool RunOnce();
  // Runs one iteration if no other thread is driving; true if it did
  // anything. Any thread.
  bool TryDrive();

  // A thread of the engine's own, as options.progress says (progress.cc):
  // the dedicated driver (kThread), pinned to options.core if set, or the
  // backstop of caller-driven progress (kCaller). Fails if the core cannot
  // be had; the engine is stopped then.
  absl::Status StartThread();
  // The dedicated driver on an EAL worker lcore (-l must list it).
  absl::Status StartOnLcore(unsigned lcore);
  // Stops the engine for good: the thread (if any) ends, every request in
  // flight or queued completes with kEngineStopped, the port is stopped,
  // and later sends fail at once. Any thread but the engine's own;
  // idempotent, and every call returns only once all that is done.
  void Stop();
  // Also true in a child forked after EAL came up (ForkedAfterEal): the
  // engine is the parent's, and the child gets kEngineStopped from it.
  // One run of the loop by whoever asks, unless another thread drives.
  enum class Drive { kWorked, kIdle, kBusy /* another thread drives */ };
  // For a thread that waits on something other than a completion (a signal
  // waiter): with caller-driven progress, drives once (yielding if another
  // waiter drives); nullopt when a thread of the engine's own drives it or
  // it has stopped, and the waiter should sleep instead.
  std::optional<Drive> DriveForWaiter();

  bool stopped() const {
    return stopped_.load(std::memory_order_acquire) || ForkedAfterEal();
  }
  // A stop that first lets what is under way finish, for a process that
  // exits: waits (up to `at_most`) until every established session has
  // nothing queued, in flight or left to acknowledge, then Stop().
  void StopWhenQuiet(absl::Duration at_most);
  // After Stop: closes the port for good (a memif server removes its
  // socket). The port cannot be used again in this process.
  void ClosePort();

  uint32_t node_id() const { return options_.node_id; }
  // Largest payload one frame carries on this port.
  uint32_t max_frame_payload() const { return max_frame_payload_; }
  // The longest message the window lets through: all its frames must fit in
  // flight at once.
  uint64_t max_message_bytes() const {
    return uint64_t{options_.window_frames} * max_frame_payload_;
  }
  const PortCounters& port_counters() const { return port_counters_; }
  // nullptr for a node that is not a peer.
  const PeerCounters* peer_counters(uint32_t node) const;
  // Frames sent to `node` and not yet acknowledged (engine thread, or after
  // Stop).
  uint32_t frames_in_flight(uint32_t node) const;
  const FaultInjector& rx_faults() const { return *rx_faults_; }
  // Data frames currently allocated (in flight, queued or being received),
  // and how many the pool holds (sized from the window and the ring).
  unsigned data_frames_in_use() const;
  unsigned data_frames_capacity() const;

 private:
  explicit Engine(const EngineOptions& options, MessageSink* sink);
  absl::Status Init();

  Drive DriveOnce();
  bool TryAcquireDriver();
  void AcquireDriver();
  void ReleaseDriver();

  PeerSession* FindSession(uint32_t node) const;
  // sessions.cc: an idle session starts its handshake.
  void StartConnecting(PeerSession& session);
  uint32_t NextIncarnation();
  uint64_t Now() const;
  uint64_t NowMicros() const;
  uint64_t ToTsc(absl::Duration d) const;

  // requests.cc: application-thread side and ring draining.
  Result CheckMessage(uint32_t peer, wire::FrameType type) const;
  // attempt() once; if it fails and `may_block`, drives the engine and
  // retries until the blocking timeout. Whether it finally succeeded.
  bool Retry(absl::FunctionRef<bool()> attempt, bool may_block);
  Result BuildMessage(uint32_t peer, wire::FrameType type, uint32_t segment_id,
                      uint64_t offset, uint32_t aux,
                      absl::Span<const uint8_t> payload, Completion* completion,
                      bool may_block, rte_mbuf** first);
  // Appends a built message's frames to its peer's backlog.
  void AddToBacklog(rte_mbuf* first);
  bool DrainRequests();
  bool FillWindows();
  // tasks.cc
  struct Task {
    absl::FunctionRef<void()> run;
    Completion done;
  };
  bool OnEngineThread() const;
  // Moves every request queued so far into the sessions' backlogs.
  void DrainAllRequests();
  bool RunTasks();
  void FailTasks();

  // on_rx.cc
  bool ReceiveBurst();
  // rte_eth_rx_burst on our queue, guarded where the driver needs it
  // (burst_guard.h).
  uint16_t ReceiveFromPort(rte_mbuf** frames, uint16_t count);

  // local_delivery.cc: frames addressed to this node never reach the port;
  // they come back through the receive path on the next iteration.
  uint16_t DivertFramesToThisNode(rte_mbuf** frames, uint16_t count);
  bool ReceiveFramesFromThisNode();
  void Dispatch(rte_mbuf* frame);
  // on_hello.cc
  void OnHello(PeerSession& session, const wire::FrameHeader& header);
  void OnHelloAck(PeerSession& session, const wire::FrameHeader& header);
  // Takes `incarnation` as the peer's: a new one starts a new session.
  void AdoptIncarnation(PeerSession& session, uint32_t incarnation);
  // on_ack.cc. `ack` is the peer's cumulative ack as a 64-bit sequence
  // number (taken off the wire relative to session.acked).
  void OnAck(PeerSession& session, uint64_t ack);
  void SampleRoundTrip(PeerSession& session, uint64_t sample);
  // on_sequenced.cc
  void OnSequenced(PeerSession& session, rte_mbuf* frame,
                   const wire::DecodedFrame& decoded);
  // Applies the frame with 64-bit sequence number `seq` (delivered + 1).
  void Apply(PeerSession& session, rte_mbuf* frame,
             const wire::DecodedFrame& decoded, uint64_t seq);

  // Whether a middle or last fragment belongs to the message being gathered.
  bool ContinuesMessage(const PeerSession& session,
                        const wire::FrameHeader& header) const;
  // Drops the message being gathered (or a stray fragment): kBadFragment.
  void DropMessage(PeerSession& session);

  // timers.cc
  bool FireTimers();
  // Resends the frames the peer lacks that were last sent `min_age` ago or
  // earlier.
  // Returns whether it resent anything.
  bool RetransmitMissing(PeerSession& session, uint64_t now, uint64_t min_age);
  void DeclareUnreachable(PeerSession& session);
  // Frames in flight and no ack progress for 10 x unreachable_after, over
  // several retransmission rounds.
  bool AcksStalled(PeerSession& session, uint64_t now);

  // tx.cc
  void SendSequenced(PeerSession& session, rte_mbuf* frame);
  void SendControl(PeerSession& session, wire::FrameType type,
                   uint32_t dst_incarnation);
  void SendHello(PeerSession& session);
  void Queue(rte_mbuf* frame, PeerSession& session);
  void FlushAcks();
  bool FlushTx();
  // rte_eth_tx_burst on our queue, guarded where the driver needs it.
  uint16_t TransmitToPort(rte_mbuf** frames, uint16_t count);

  // Stop's one run: ends the thread, fails what is pending, stops the port.
  void StopOnce();
  void FailEverything();
  // progress.cc: the dedicated driver's loop and the caller mode's
  // backstop, until Stop; an idle driver's nap, cut short by a request.
  void DriveUntilStopped();
  void BackstopUntilStopped();
  void NapUntilWoken(absl::Duration at_most);
  void WakeIfNapping();
  // After a request is queued: a dedicated driver that napped is woken (a
  // caller-driven engine is driven by the caller's own wait).
  void NotifyDriver() {
    if (dedicated_driver_.load(std::memory_order_relaxed)) WakeIfNapping();
  }

  const EngineOptions options_;
  MessageSink* const sink_;
  uint64_t tsc_hz_ = 0;
  // The options' durations in TSC cycles, converted once.
  struct Timeouts {
    uint64_t initial_retransmit, min_retransmit, max_retransmit;
    uint64_t heartbeat, unreachable;
  } tsc_{};
  // One clock reading per iteration: everything in it happens "now".
  uint64_t now_tsc_ = 0;
  uint32_t max_frame_payload_ = 0;
  rte_mempool* data_pool_ = nullptr;
  rte_mempool* control_pool_ = nullptr;
  std::unique_ptr<RequestRing<rte_mbuf>> requests_;
  std::unique_ptr<RequestRing<Task>> tasks_;
  std::unique_ptr<FaultInjector> rx_faults_;
  std::unique_ptr<FaultInjector> tx_faults_;
  std::mt19937 incarnations_;

  std::vector<std::unique_ptr<PeerSession>> sessions_;
  // Indexed by node id (ids past kMaxNodeId name no peer), so the lookup for
  // each received frame is a bounds check and a load. Written only while the
  // engine is created, so any thread may read it.
  std::array<PeerSession*, kMaxNodeId + 1> sessions_by_node_{};

  static constexpr uint16_t kBurst = 32;
  // Frames to transmit at the end of this iteration.
  std::vector<rte_mbuf*> tx_queue_;
  // Frames this node sent itself, to be received next iteration.
  std::vector<rte_mbuf*> local_frames_;
  uint64_t last_timers_tsc_ = 0;
  // Frames applied in sequence and requests taken: the work that is
  // traffic, as opposed to heartbeats and acknowledgements (progress.cc
  // naps by it). Driver only.
  uint64_t traffic_ = 0;

  std::atomic<bool> driving_{false};
  // When the driver role was last let go (TSC), so the caller mode's
  // backstop can tell whether anybody drives.
  std::atomic<uint64_t> last_driven_tsc_{0};
  // Who holds the driver role, so a thread can tell it is the engine.
  std::atomic<std::thread::id> driver_{};
  std::atomic<bool> stopped_{false};
  std::once_flag stop_once_;
  std::atomic<bool> thread_should_run_{false};
  // A thread keeps the driver role (kThread, or an lcore): waiters sleep on
  // their completion instead of driving.
  std::atomic<bool> dedicated_driver_{false};
  // 1 while the driver naps (a futex word): the next request wakes it.
  std::atomic<uint32_t> napping_{0};
  std::thread thread_;
  int lcore_ = -1;  // the worker lcore running the loop, if any

  PortCounters port_counters_;
  // The port's driver can fault inside a burst (burst_guard.h).
  bool guard_bursts_ = false;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_ENGINE_H_
