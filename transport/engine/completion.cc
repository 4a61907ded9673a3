// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/completion.h"

#include <rte_pause.h>

#include <algorithm>

#include "absl/time/clock.h"
#include "transport/engine/futex.h"

namespace rsm::transport {

void Completion::Complete(int32_t result) {
  result_ = result;
  // Release: pairs with the waiter's acquire load of kDone, which publishes
  // result_. An exchange, not a store, because the old value says whether a
  // waiter went to sleep. Nothing the waiter wrote is read here, so no
  // acquire.
  //
  // This exchange is the engine's last access to the Completion's memory: the
  // moment a waiter sees kDone it may return and free it. The wake below uses
  // the address only as a key: a private futex is hashed on (process,
  // address), and for a wake the kernel neither reads the word nor needs it
  // mapped. If the memory has been freed and reused meanwhile, the worst case
  // is a spurious wake of whoever now sleeps on that address, and futex users
  // must tolerate those anyway (Wait() re-checks its state; so do glibc's
  // locks).
  if (state_.exchange(kDone, std::memory_order_release) ==
      kPendingWithSleeper) {
    FutexWakeAll(&state_);
  }
}

bool Completion::IsDone() const {
  return state_.load(std::memory_order_acquire) == kDone;
}

std::optional<int32_t> Completion::Wait(absl::Time deadline,
                                        absl::FunctionRef<bool()> progress) {
  if (IsDone()) return result_;

  const absl::Time spin_until = std::min(absl::Now() + kSpinFor, deadline);
  do {
    rte_pause();
    if (IsDone()) return result_;
  } while (absl::Now() < spin_until);

  for (;;) {
    if (IsDone()) return result_;
    const absl::Time now = absl::Now();
    if (now >= deadline) return std::nullopt;
    if (progress()) continue;

    // Register as a sleeper. Relaxed: the CAS publishes nothing, and a CAS
    // that fails because the state is kDone is followed by the acquire load
    // at the top of the loop. If it fails because the state already is
    // kPendingWithSleeper (registered in an earlier round), sleep all the
    // same.
    uint32_t expected = kPending;
    if (!state_.compare_exchange_strong(expected, kPendingWithSleeper,
                                        std::memory_order_relaxed) &&
        expected == kDone) {
      continue;
    }
    FutexWait(&state_, kPendingWithSleeper,
              std::min(deadline - now, kMaxSleep));
  }
}

std::optional<int32_t> Completion::Wait(absl::Time deadline) {
  return Wait(deadline, [] { return false; });
}

void Completion::Reset() {
  // Relaxed: the engine cannot be looking (see the header). The request's
  // hand-over to the engine (the ring's release/acquire) orders this store
  // before the engine's Complete().
  state_.store(kPending, std::memory_order_relaxed);
}

}  // namespace rsm::transport
