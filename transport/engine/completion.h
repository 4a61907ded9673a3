// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_COMPLETION_H_
#define RSM_TRANSPORT_ENGINE_COMPLETION_H_

#include <atomic>
#include <cstdint>
#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"

namespace rsm::transport {

// Where the engine posts the result of one request and the application
// thread that issued it waits for it. One per in-flight request, owned by the
// caller (typically on its stack) and lent to the engine with the request.
//
// Lifetime: the engine's Complete() is its last access to the Completion, so
// once Wait() has returned a result (or IsDone() is true) the caller may
// reuse or destroy it. Not so after Wait() times out: the request is still in
// flight and the engine will still call Complete(), so the Completion must
// stay alive until it does.
//
// The state word (`state_`, 32 bits so that it can be a futex):
//
//   kPending --------------------- Complete() -----------> kDone
//      |                                                     ^
//      | Wait(): CAS before FUTEX_WAIT                       |
//      v                                                     |
//   kPendingWithSleeper --- Complete(): FUTEX_WAKE ----------+
//
// Complete() writes the result, then exchanges the state to kDone and makes
// the wake system call only if it took the state from kPendingWithSleeper.
// A waiter that sees the result while spinning therefore costs the engine no
// system call. No wake is lost: the waiter registers before it sleeps, and
// FUTEX_WAIT sleeps only while the word still reads kPendingWithSleeper,
// checked atomically with the kernel's wake queue.
class Completion {
 public:
  Completion() = default;
  // The engine holds its address.
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;

  // Engine side. Publishes `result` and wakes the waiter if it is asleep.
  // Called once per request (between two Reset()s).
  void Complete(int32_t result);

  // True once Complete() has run; then the result is visible to this thread.
  bool IsDone() const;

  // Caller side. Returns the result once Complete() has run, or std::nullopt
  // if `deadline` passes first (absl::InfiniteFuture() waits for ever).
  // Spins for a few microseconds first, since the engine usually answers
  // within a cache-line round trip or two. After that, each round calls
  // `progress` (caller-driven mode: the waiting thread runs engine iterations
  // itself) and goes again at once if it returned true, "I did useful work";
  // if it returned false the thread sleeps until Complete() wakes it, or for
  // at most kMaxSleep, then calls `progress` again.
  std::optional<int32_t> Wait(absl::Time deadline,
                              absl::FunctionRef<bool()> progress);
  // Wait without a progress callback: another thread drives the engine.
  std::optional<int32_t> Wait(absl::Time deadline);

  // Makes the Completion ready for another request. Only while the engine
  // cannot touch it: before the request is handed over, or after a Wait()
  // that returned a result.
  void Reset();

  // How long the waiter spins before it calls `progress` or sleeps.
  static constexpr absl::Duration kSpinFor = absl::Microseconds(5);
  // The longest single sleep. The protocol loses no wake; the bound only
  // makes sure a bug in it shows up as a stall, not a hang.
  static constexpr absl::Duration kMaxSleep = absl::Milliseconds(100);

 private:
  enum State : uint32_t {
    kPending = 0,
    kPendingWithSleeper = 1,
    kDone = 2,
  };

  std::atomic<uint32_t> state_{kPending};
  // Written by Complete() before its release of kDone; read by the waiter
  // only after it has acquired kDone, so it needs no atomicity of its own.
  int32_t result_ = 0;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_COMPLETION_H_
