// SPDX-License-Identifier: BSD-3-Clause
// How the engine loop is driven (EngineSettings::progress): by a thread of
// its own that keeps the driver role and naps when idle (kThread), by the
// application threads that wait on completions with a background thread as
// a backstop (kCaller), or on an EAL worker lcore.
#include <pthread.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "transport/engine/engine.h"
#include "transport/engine/futex.h"

namespace rsm::transport {
namespace {

// Naps start short, because a peer's frame does not end a nap (only a
// request from this process does) and under load the next frame is tens of
// microseconds away; they double up to EngineSettings::idle_sleep while the
// engine stays idle. Four nodes on two cores did 4,000 8-byte ops/s per node
// with 50 us, 5,500 with 10 us (and a 10 us idle_spin; see docs/
// configuration.md).
constexpr absl::Duration kFirstNap = absl::Microseconds(10);
constexpr uint64_t kNapTimerSlackNs = 1000;

// A thread that is not an EAL lcore registers as one for as long as it
// drives, so it gets mempool caches.
class LcoreRegistration {
 public:
  LcoreRegistration()
      : registered_(rte_lcore_id() == LCORE_ID_ANY &&
                    rte_thread_register() == 0) {}
  ~LcoreRegistration() {
    if (registered_) rte_thread_unregister();
  }
  LcoreRegistration(const LcoreRegistration&) = delete;
  LcoreRegistration& operator=(const LcoreRegistration&) = delete;

 private:
  const bool registered_;
};

// A full barrier between this thread's earlier stores and its later loads,
// the one a sleeper and its waker need (each stores, then reads the other's
// word). ThreadSanitizer does not model fences, so under it a read-modify-
// write of the word, which it does, stands in.
void FullBarrier([[maybe_unused]] std::atomic<uint32_t>& word) {
#if defined(__SANITIZE_THREAD__)
  word.fetch_add(0, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

}  // namespace

void Engine::NapUntilWoken(absl::Duration at_most) {
  napping_.store(1, std::memory_order_relaxed);
  // Pairs with the barrier in WakeIfNapping: either the producer sees us
  // napping and wakes us, or we see its request here and do not nap.
  FullBarrier(napping_);
  if (requests_->Count() == 0 && tasks_->Count() == 0 &&
      thread_should_run_.load(std::memory_order_acquire)) {
    FutexWait(&napping_, 1, at_most);
  }
  napping_.store(0, std::memory_order_relaxed);
}

void Engine::WakeIfNapping() {
  FullBarrier(napping_);
  // Only the first producer after a nap pays the system call.
  if (napping_.load(std::memory_order_relaxed) != 0 &&
      napping_.exchange(0, std::memory_order_relaxed) != 0) {
    FutexWakeAll(&napping_);
  }
}

void Engine::DriveUntilStopped() {
  LcoreRegistration lcore;
  // A nap of 10 us must not last the default 50 us of timer slack more: a
  // request that comes during it waits for its end.
  prctl(PR_SET_TIMERSLACK, kNapTimerSlackNs);
  // The dedicated driver keeps the role until Stop, so waiting callers sleep
  // instead of competing for it.
  AcquireDriver();
  const uint64_t spin_tsc = ToTsc(options_.idle_spin);
  uint64_t idle_since = 0;
  const absl::Duration first_nap = std::min(kFirstNap, options_.idle_sleep);
  absl::Duration nap = first_nap;
  while (thread_should_run_.load(std::memory_order_acquire)) {
    const uint64_t traffic_before = traffic_;
    if (RunOnce()) {
      idle_since = 0;
      // Heartbeats and acks alone keep the naps long: going back to 10 us
      // for each heartbeat would cost a dozen wake-ups (context switches)
      // per heartbeat interval.
      if (traffic_ != traffic_before) nap = first_nap;
    } else if (idle_since == 0) {
      idle_since = now_tsc_;
    } else if (now_tsc_ - idle_since < spin_tsc) {
      rte_pause();
    } else {
      // Still idle after a nap: straight back to a longer one, no spin.
      NapUntilWoken(nap);
      nap = std::min(nap * 2, options_.idle_sleep);
    }
  }
  ReleaseDriver();
}

std::optional<Engine::Drive> Engine::DriveForWaiter() {
  if (dedicated_driver_.load(std::memory_order_acquire) || stopped()) {
    return std::nullopt;
  }
  const Drive drove = DriveOnce();
  if (drove == Drive::kBusy) std::this_thread::yield();
  return drove;
}

void Engine::BackstopUntilStopped() {
  LcoreRegistration lcore;
  const uint64_t idle_tsc = ToTsc(options_.idle_sleep);
  // Callers drive while they wait; this thread only covers the time nobody
  // does: once nobody has driven for idle_sleep, it drives while there is
  // work, then naps. While callers drive it only wakes to look, so it takes
  // their core for a context switch, not for a loop run.
  while (thread_should_run_.load(std::memory_order_acquire)) {
    // Signed: the last driver may have read a TSC a little ahead of ours.
    const int64_t since = static_cast<int64_t>(
        rte_rdtsc() - last_driven_tsc_.load(std::memory_order_relaxed));
    // Requests nobody waits for (PutWithoutWaiting) are sent at once: the
    // nap would not sleep on them anyway.
    const bool queued = requests_->Count() > 0 || tasks_->Count() > 0;
    if (since < static_cast<int64_t>(idle_tsc) && !queued) {
      NapUntilWoken(absl::Nanoseconds(
          static_cast<double>(static_cast<int64_t>(idle_tsc) - since) * 1e9 /
          static_cast<double>(tsc_hz_)));
      continue;
    }
    if (TryAcquireDriver()) {
      while (thread_should_run_.load(std::memory_order_acquire) && RunOnce()) {
      }
      ReleaseDriver();
    }
    NapUntilWoken(options_.idle_sleep);
  }
}

absl::Status Engine::StartThread() {
  const bool dedicated = options_.progress == Progress::kThread;
  thread_should_run_.store(true, std::memory_order_release);
  dedicated_driver_.store(dedicated, std::memory_order_release);
  thread_ = std::thread([this, dedicated] {
    dedicated ? DriveUntilStopped() : BackstopUntilStopped();
  });
  pthread_setname_np(thread_.native_handle(), "rsm-engine");
  if (options_.core < 0) return absl::OkStatus();
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(options_.core, &cpus);
  const int rc =
      pthread_setaffinity_np(thread_.native_handle(), sizeof(cpus), &cpus);
  if (rc == 0) return absl::OkStatus();
  Stop();
  return absl::InvalidArgumentError(
      absl::StrCat("cannot pin the engine thread to core ", options_.core,
                   " (is it one this process may run on?): ", strerror(rc)));
}

absl::Status Engine::StartOnLcore(unsigned lcore) {
  thread_should_run_.store(true, std::memory_order_release);
  dedicated_driver_.store(true, std::memory_order_release);
  const int rc = rte_eal_remote_launch(
      [](void* engine) {
        static_cast<Engine*>(engine)->DriveUntilStopped();
        return 0;
      },
      this, lcore);
  if (rc != 0) {
    thread_should_run_.store(false, std::memory_order_release);
    dedicated_driver_.store(false, std::memory_order_release);
    return absl::UnavailableError(
        absl::StrCat("cannot launch the engine on lcore ", lcore,
                     " (is it a worker in -l?)"));
  }
  lcore_ = static_cast<int>(lcore);
  return absl::OkStatus();
}

}  // namespace rsm::transport
