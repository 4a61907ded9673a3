// SPDX-License-Identifier: BSD-3-Clause
// Bounded waits for tests: a condition polled until a deadline far above
// what it needs, so that a hang fails the case instead of blocking it, and
// a call that never returns can be reported from the thread that gave up on
// it. Never used to assert how long something takes.
#ifndef RSM_TESTING_BOUNDED_WAIT_H_
#define RSM_TESTING_BOUNDED_WAIT_H_

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/functional/function_ref.h"
#include "gtest/gtest.h"

namespace rsm::testing {

// Far above what any single step of a test needs, even on a loaded machine
// with two cores and busy-polling engine threads.
inline constexpr std::chrono::seconds kStepDeadline{20};

// Polls `done` (every `poll_every`) until it is true or `deadline` passes;
// returns done().
inline bool WaitFor(
    absl::FunctionRef<bool()> done,
    std::chrono::steady_clock::duration deadline = kStepDeadline,
    std::chrono::steady_clock::duration poll_every =
        std::chrono::milliseconds(1)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(poll_every);
  }
  return true;
}

// A call blocked past its deadline cannot be joined: report it and end the
// (forked) case's process.
[[noreturn]] inline void FailHung(const char* what) {
  ADD_FAILURE() << what << " did not return within " << kStepDeadline.count()
                << " s";
  std::fflush(nullptr);
  _exit(1);
}

// Runs `call` on a thread of its own and waits for it up to kStepDeadline;
// FailHung(what) if it does not return by then.
template <typename Call>
auto WithinDeadline(const char* what, Call call) -> decltype(call()) {
  decltype(call()) result{};
  std::atomic<bool> done{false};
  std::thread thread([&] {
    result = call();
    done.store(true);
  });
  if (!WaitFor([&] { return done.load(); })) {
    thread.detach();
    FailHung(what);
  }
  thread.join();
  return result;
}

}  // namespace rsm::testing

#endif  // RSM_TESTING_BOUNDED_WAIT_H_
