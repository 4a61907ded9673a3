// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/engine.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "transport/engine/burst_guard.h"
#include "transport/engine/frame_meta.h"
#include "transport/engine/frame_ownership.h"
#include "transport/engine/frame_pools.h"
#include "transport/port.h"

namespace rsm::transport {
namespace {

constexpr uint16_t kRxDescriptors = 1024;
constexpr uint16_t kTxDescriptors = 1024;
constexpr uint32_t kPoolCache = 64;
// Control calls are few and each caller waits for its own.
constexpr unsigned kTaskRingSize = 64;

// Room for a whole frame of the port's MTU in one mbuf.
uint16_t DataRoomFor(uint16_t mtu) {
  const uint32_t needed = RTE_PKTMBUF_HEADROOM + wire::kEthernetHeaderSize +
                          mtu + RTE_ETHER_CRC_LEN;
  return static_cast<uint16_t>(
      std::max<uint32_t>(needed, RTE_MBUF_DEFAULT_BUF_SIZE));
}

}  // namespace

Engine::Engine(const EngineOptions& options, MessageSink* sink)
    : options_(options),
      sink_(sink),
      incarnations_(static_cast<uint32_t>(
          std::chrono::steady_clock::now().time_since_epoch().count() ^
          rte_rdtsc())) {}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(
    const EngineOptions& options, MessageSink* sink) {
  if (sink == nullptr || options.window_frames == 0 ||
      options.node_id < kMinNodeId || options.node_id > kMaxNodeId ||
      options.first_sequence == 0) {
    return absl::InvalidArgumentError(
        "engine needs a sink, a window, a node id in 1..64 and a first "
        "sequence number >= 1");
  }
  for (const PeerAddress& peer : options.peers) {
    if (peer.node_id < kMinNodeId || peer.node_id > kMaxNodeId) {
      return absl::InvalidArgumentError("a peer's node id is not in 1..64");
    }
  }
  std::unique_ptr<Engine> engine(new Engine(options, sink));
  if (absl::Status status = engine->Init(); !status.ok()) return status;
  return engine;
}

absl::Status Engine::Init() {
  tsc_hz_ = rte_get_tsc_hz();
  tsc_ = {ToTsc(options_.initial_retransmit_timeout),
          ToTsc(options_.min_retransmit_timeout),
          ToTsc(options_.max_retransmit_timeout),
          ToTsc(options_.heartbeat_interval),
          ToTsc(options_.unreachable_after)};
  now_tsc_ = rte_rdtsc();
  std::vector<PeerAddress> peers = options_.peers;
  if (std::none_of(peers.begin(), peers.end(), [&](const PeerAddress& p) {
        return p.node_id == options_.node_id;
      })) {
    peers.push_back({options_.node_id, options_.mac});
  }
  const uint32_t window = options_.window_frames;
  const auto peer_count = static_cast<uint32_t>(peers.size());

  uint16_t mtu = static_cast<uint16_t>(options_.mtu);
  if (mtu == 0 && rte_eth_dev_get_mtu(options_.port_id, &mtu) != 0) {
    mtu = RTE_ETHER_MTU;
  }
  // DPDK object names are process-wide and an engine may be re-created on
  // the same port (a controller opened again, a restarted node in tests), so
  // each engine numbers its rings; the pools are taken over (frame_pools.h).
  static std::atomic<uint32_t> engines_created{0};
  const std::string name =
      absl::StrCat("rsm", options_.port_id, "e", engines_created++);
  // Data frames: each peer's send window, plus one queued request each slot
  // of the ring may hold. Control frames and receive buffers get their own
  // pool, so senders that exhaust theirs cannot starve the receive path of
  // the acks that would free it.
  //
  // Per-lcore caches keep frames that cross between the engine and its peers
  // off the pool's shared ring; they can hold up to 1.5 x kPoolCache frames
  // per lcore, so that much is added to each pool. Threads that are not EAL
  // lcores (and not registered) bypass them.
  const uint32_t cached = (rte_lcore_count() + 2) * kPoolCache * 3 / 2;
  data_pool_ =
      FramePool(options_.port_id, "d",
                {peer_count * window + options_.request_ring_size + cached,
                 kPoolCache, kFrameMetaSize, DataRoomFor(mtu)});
  control_pool_ = FramePool(options_.port_id, "c",
                            {peer_count * (window + 8) + kRxDescriptors +
                                 kTxDescriptors + 4 * kBurst + cached,
                             kPoolCache, 0, DataRoomFor(mtu)});
  if (data_pool_ == nullptr || control_pool_ == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot create the mbuf pools of ", name, " (EAL -m?)"));
  }
  absl::StatusOr<uint16_t> port_mtu =
      StartPort(options_.port_id, control_pool_, kRxDescriptors, kTxDescriptors,
                static_cast<uint16_t>(options_.mtu));
  if (!port_mtu.ok()) return port_mtu.status();
  guard_bursts_ = PortNeedsBurstGuard(options_.port_id);
  if (guard_bursts_) InstallBurstGuard();
  max_frame_payload_ = *port_mtu - wire::kHeaderSize;

  absl::StatusOr<std::unique_ptr<RequestRing<rte_mbuf>>> ring =
      RequestRing<rte_mbuf>::Create(name + "r", options_.request_ring_size);
  if (!ring.ok()) return ring.status();
  requests_ = *std::move(ring);
  absl::StatusOr<std::unique_ptr<RequestRing<Task>>> tasks =
      RequestRing<Task>::Create(name + "t", kTaskRingSize);
  if (!tasks.ok()) return tasks.status();
  tasks_ = *std::move(tasks);
  rx_faults_ =
      std::make_unique<FaultInjector>(options_.rx_faults, options_.fault_seed);
  tx_faults_ = std::make_unique<FaultInjector>(options_.tx_faults,
                                               options_.fault_seed + 1);
  for (const PeerAddress& peer : peers) {
    auto session = std::make_unique<PeerSession>(
        peer, window, NextIncarnation(), options_.first_sequence);
    session->base_timeout_tsc = tsc_.initial_retransmit;
    session->retransmit_timeout_tsc = session->base_timeout_tsc;
    sessions_by_node_[peer.node_id] = session.get();
    sessions_.push_back(std::move(session));
  }
  tx_queue_.reserve(size_t{4} * kBurst);
  return absl::OkStatus();
}

Engine::~Engine() {
  Stop();
  // The pools are not freed: on in-process ports other engines may still
  // hold this engine's frames, and EAL lives as long as the process anyway.
}

uint32_t Engine::NextIncarnation() {
  uint32_t incarnation = 0;
  while (incarnation == 0) incarnation = incarnations_();
  return incarnation;
}

uint64_t Engine::Now() const { return now_tsc_; }

uint64_t Engine::ToTsc(absl::Duration d) const {
  return static_cast<uint64_t>(absl::ToDoubleSeconds(d) *
                               static_cast<double>(tsc_hz_));
}

uint64_t Engine::NowMicros() const {
  return Now() / std::max<uint64_t>(tsc_hz_ / 1000000, 1);
}

PeerSession* Engine::FindSession(uint32_t node) const {
  return node < sessions_by_node_.size() ? sessions_by_node_[node] : nullptr;
}

const PeerCounters* Engine::peer_counters(uint32_t node) const {
  const PeerSession* session = FindSession(node);
  return session == nullptr ? nullptr : &session->counters;
}

uint32_t Engine::frames_in_flight(uint32_t node) const {
  const PeerSession* session = FindSession(node);
  return session == nullptr ? 0 : session->in_flight();
}

unsigned Engine::data_frames_in_use() const {
  return rte_mempool_in_use_count(data_pool_);
}

unsigned Engine::data_frames_capacity() const { return data_pool_->size; }

bool Engine::RunOnce() {
  now_tsc_ = rte_rdtsc();
  if (stopped()) {
    FailEverything();
    return false;
  }
  bool work = ReceiveBurst();
  work |= RunTasks();
  work |= sink_->Poll();
  work |= DrainRequests();
  work |= FillWindows();
  work |= FireTimers();
  FlushAcks();
  work |= FlushTx();
  return work;
}

bool Engine::TryAcquireDriver() {
  if (driving_.exchange(true, std::memory_order_acquire)) return false;
  driver_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  return true;
}

void Engine::AcquireDriver() {
  while (!TryAcquireDriver()) rte_pause();
}

void Engine::ReleaseDriver() {
  last_driven_tsc_.store(now_tsc_, std::memory_order_relaxed);
  driver_.store(std::thread::id(), std::memory_order_relaxed);
  driving_.store(false, std::memory_order_release);
}

bool Engine::OnEngineThread() const {
  // Only the driver itself can see its own id here while it drives.
  return driving_.load(std::memory_order_relaxed) &&
         driver_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

Engine::Drive Engine::DriveOnce() {
  if (!TryAcquireDriver()) return Drive::kBusy;
  const bool work = RunOnce();
  ReleaseDriver();
  return work ? Drive::kWorked : Drive::kIdle;
}

bool Engine::TryDrive() { return DriveOnce() == Drive::kWorked; }

std::optional<Result> Engine::Wait(Completion& completion,
                                   absl::Time deadline) {
  // Caller-driven: drive from the first instant (the request has not even
  // left yet), and never sleep while nobody drives, or peers would take the
  // silence for a dead node. Only when another waiter holds the driver role
  // is the core handed over. The clock is read every few hundred rounds.
  constexpr uint32_t kRoundsPerClockRead = 256;
  for (uint32_t round = 1; !completion.IsDone(); ++round) {
    if (dedicated_driver_.load(std::memory_order_acquire)) break;
    if (DriveOnce() == Drive::kBusy) std::this_thread::yield();
    if (round % kRoundsPerClockRead == 0 && absl::Now() > deadline) {
      return std::nullopt;
    }
  }
  // Done, or an engine thread drives: it completes the request and wakes us.
  std::optional<int32_t> result = completion.Wait(deadline);
  if (!result.has_value()) return std::nullopt;
  return static_cast<Result>(*result);
}

void Engine::Stop() {
  // A forked child has neither the thread to join nor a port of its own.
  if (ForkedAfterEal()) return;
  // call_once, not a flag: a second Stop (a destructor racing an explicit
  // one) must not return while the first is still joining the thread and
  // failing what is pending, or the engine is freed under them.
  std::call_once(stop_once_, [this] { StopOnce(); });
}

void Engine::StopOnce() {
  // Refuses new requests from here on; the thread may still be inside
  // RunOnce, which sees this and fails what it finds.
  stopped_.store(true, std::memory_order_release);
  thread_should_run_.store(false, std::memory_order_release);
  WakeIfNapping();
  if (thread_.joinable()) thread_.join();
  if (lcore_ >= 0) rte_eal_wait_lcore(static_cast<unsigned>(lcore_));
  AcquireDriver();
  FailEverything();
  rte_eth_dev_stop(options_.port_id);
  ReleaseDriver();
}

void Engine::FailEverything() {
  rte_mbuf* firsts[kBurst];
  unsigned n;
  // An engine whose Init failed part-way has no ring yet.
  while (requests_ != nullptr &&
         (n = requests_->DequeueBurst(firsts, kBurst)) > 0) {
    for (unsigned i = 0; i < n; ++i) {
      for (rte_mbuf* frame = firsts[i]; frame != nullptr;) {
        rte_mbuf* next = MetaOf(frame).next_fragment;
        Completion* completion = MetaOf(frame).completion;
        FreeFrame(frame);
        if (completion != nullptr) {
          completion->Complete(static_cast<int32_t>(Result::kEngineStopped));
          port_counters_.requests_failed.Add();
        }
        frame = next;
      }
    }
  }
  FailTasks();
  for (const std::unique_ptr<PeerSession>& session : sessions_) {
    port_counters_.requests_failed.Add(
        session->Fail(Result::kEngineStopped, 0));
    sink_->OnPeerLost(session->address.node_id, Result::kEngineStopped);
  }
  for (rte_mbuf* frame : tx_queue_) FreeFrame(frame);
  tx_queue_.clear();
  for (rte_mbuf* frame : local_frames_) rte_pktmbuf_free(frame);
  local_frames_.clear();
}

}  // namespace rsm::transport
