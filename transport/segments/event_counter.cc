// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/event_counter.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "transport/engine/futex.h"

namespace rsm::transport {

absl::StatusOr<std::unique_ptr<EventCounter>> EventCounter::Create() {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  // The default pipe holds 64 KiB already; ask for it explicitly so the
  // capacity does not depend on the kernel's default.
  fcntl(fds[1], F_SETPIPE_SZ, kCapacity);
  return std::unique_ptr<EventCounter>(new EventCounter(fds[0], fds[1]));
}

EventCounter::~EventCounter() {
  Close();
  {
    absl::MutexLock lock(&post_mutex_);
    CloseWriteEnd();
  }
  close(read_fd_);
}

void EventCounter::CloseWriteEnd() {
  if (!write_open_) return;
  write_open_ = false;
  close(write_fd_);
}

void EventCounter::Close() {
  {
    absl::MutexLock lock(&post_mutex_);
    if (closed_.load(std::memory_order_relaxed)) return;
    closed_.store(true, std::memory_order_seq_cst);
    if (piped_.load(std::memory_order_relaxed)) CloseWriteEnd();
  }
  WakeSleepers();
}

void EventCounter::WakeSleepers() {
  // Pairs with Sleep: its sleepers_ increment, then its pending_/closed_
  // check. With both sides seq_cst, either the sleeper sees the event or
  // this sees the sleeper; a wake nobody needs costs no system call.
  if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
  wakes_.fetch_add(1, std::memory_order_seq_cst);
  FutexWakeAll(&wakes_);
}

bool EventCounter::Post(bool accumulate) {
  {
    absl::MutexLock lock(&post_mutex_);
    const int pending = pending_.load(std::memory_order_relaxed);
    if (closed_.load(std::memory_order_relaxed) || pending >= kCapacity ||
        (!accumulate && pending > 0)) {
      return false;
    }
    // Counted before the byte is written, so a take that reads the byte
    // always has a count to take.
    pending_.fetch_add(1, std::memory_order_seq_cst);
    if (piped_.load(std::memory_order_relaxed)) {
      const char event = 1;
      // Non-blocking; cannot fail while pending_ < kCapacity, but a
      // refused byte must not leave a count the pipe does not show.
      if (write(write_fd_, &event, 1) != 1) {
        pending_.fetch_sub(1, std::memory_order_relaxed);
        return false;
      }
    }
  }
  WakeSleepers();
  return true;
}

bool EventCounter::TakeFromCount() {
  int pending = pending_.load(std::memory_order_relaxed);
  while (pending > 0) {
    if (pending_.compare_exchange_weak(pending, pending - 1,
                                       std::memory_order_acquire)) {
      return true;
    }
  }
  return false;
}

int EventCounter::TakeOne() {
  // No read-modify-write and no system call while nothing is pending: what
  // a spinning waiter mostly finds. seq_cst: Sleep's half of the handshake.
  if (pending_.load(std::memory_order_seq_cst) > 0) {
    // Announced before piped_ is read: PollableFd waits for takes that may
    // have missed the switch, so each is either counted into the pipe's
    // fill or done on the count before it.
    unpiped_takes_.fetch_add(1, std::memory_order_seq_cst);
    if (!piped_.load(std::memory_order_seq_cst)) {
      const bool took = TakeFromCount();
      unpiped_takes_.fetch_sub(1, std::memory_order_release);
      if (took) return 1;
    } else {
      unpiped_takes_.fetch_sub(1, std::memory_order_relaxed);
      // The byte first, then the count: the kernel makes one-byte reads
      // atomic between takers, and the count never drops below the bytes.
      char event;
      if (read(read_fd_, &event, 1) == 1) {
        pending_.fetch_sub(1, std::memory_order_release);
        return 1;
      }
    }
  }
  // closed_ before pending_: once closed nothing is posted, so a count of
  // zero read afterwards is final.
  return closed_.load(std::memory_order_acquire) &&
                 pending_.load(std::memory_order_acquire) == 0
             ? 0
             : -1;
}

bool EventCounter::TryConsume() { return TakeOne() == 1; }

int EventCounter::PollableFd() {
  absl::MutexLock lock(&post_mutex_);
  if (!piped_.load(std::memory_order_relaxed)) {
    piped_.store(true, std::memory_order_seq_cst);
    // Takes that read piped_ as false finish on the count alone; from now on
    // a take needs a byte, and none is there until the fill below.
    while (unpiped_takes_.load(std::memory_order_acquire) != 0) sched_yield();
    // No post can run (the mutex) and no take can uncount without a byte:
    // the count is stable while the pipe is filled to match it.
    std::string bytes(pending_.load(std::memory_order_acquire), '\1');
    for (size_t written = 0; written < bytes.size();) {
      const ssize_t n =
          write(write_fd_, bytes.data() + written, bytes.size() - written);
      if (n <= 0) break;  // cannot happen: the count is below the capacity
      written += static_cast<size_t>(n);
    }
    if (closed_.load(std::memory_order_relaxed)) CloseWriteEnd();
  }
  return read_fd_;
}

bool EventCounter::Sleep(absl::Duration timeout) {
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  const uint32_t seen = wakes_.load(std::memory_order_seq_cst);
  // Announced, then checked: a post after this check bumps wakes_, and the
  // futex then refuses to sleep on the stale `seen`.
  bool interrupted = false;
  if (pending_.load(std::memory_order_seq_cst) == 0 &&
      !closed_.load(std::memory_order_seq_cst)) {
    interrupted = !FutexWait(&wakes_, seen, timeout);
  }
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
  return !interrupted;
}

EventCounter::WaitResult EventCounter::Wait(absl::Duration timeout,
                                            absl::FunctionRef<Drove()> drive) {
  // A post usually lands within a few microseconds of a busy peer's; a
  // short spin catches it without a sleep and a wake.
  constexpr uint32_t kSpins = 64;
  // A waiter that drives the engine keeps at it this long after the engine
  // last had work, then sleeps (the backstop drives meanwhile): a reply to
  // a post it just made comes within microseconds, and an idle wait must
  // not hold a core for ever.
  constexpr absl::Duration kDriveWhileIdle = absl::Microseconds(100);
  constexpr absl::Duration kDriverSleep = absl::Milliseconds(1);
  // Long waits sleep in steps, so no timeout overflows the kernel's.
  constexpr absl::Duration kLongestSleep = absl::Hours(1);
  const absl::Time deadline = timeout == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : absl::Now() + timeout;
  absl::Time drive_until = absl::InfinitePast();
  for (uint32_t round = 1;; ++round) {
    const int taken = TakeOne();
    if (taken == 1) return WaitResult::kConsumed;
    if (taken == 0) return WaitResult::kClosed;
    const Drove drove = drive();
    absl::Duration sleep = kLongestSleep;
    if (drove != Drove::kNo) {
      const absl::Time now = absl::Now();
      if (now >= deadline) return WaitResult::kTimedOut;
      if (drove == Drove::kWorked || drive_until == absl::InfinitePast()) {
        drive_until = now + kDriveWhileIdle;
      }
      if (now < drive_until) continue;
      sleep = kDriverSleep;
      drive_until = absl::InfinitePast();
    } else if (round < kSpins) {
      continue;
    }
    if (deadline != absl::InfiniteFuture()) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return WaitResult::kTimedOut;
      sleep = std::min(sleep, left);
    }
    if (!Sleep(sleep)) return WaitResult::kInterrupted;
  }
}

}  // namespace rsm::transport
