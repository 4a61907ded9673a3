#include "transport/segments/event_counter.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

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
  close(read_fd_);
}

void EventCounter::Close() {
  absl::MutexLock lock(&post_mutex_);
  if (closed_) return;
  closed_ = true;
  close(write_fd_);
  // After the close: a waiter that sees it reads the end of file.
  maybe_readable_.fetch_add(1, std::memory_order_release);
}

int EventCounter::pending() const {
  int bytes = 0;
  return ioctl(read_fd_, FIONREAD, &bytes) == 0 ? bytes : 0;
}

bool EventCounter::Post(bool accumulate) {
  absl::MutexLock lock(&post_mutex_);
  // Closed, the descriptor number may already name another file.
  if (closed_ || (!accumulate && pending() > 0)) return false;
  const char event = 1;
  // Counted before the write, so a waiter that finds the byte also finds
  // the count (it may find the count first and retry).
  maybe_readable_.fetch_add(1, std::memory_order_release);
  // Non-blocking: a full pipe (kCapacity events pending) drops the event
  // rather than stall the poster, which may be an engine thread.
  if (write(write_fd_, &event, 1) == 1) return true;
  maybe_readable_.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

int EventCounter::TakeOne() {
  // No system call while there is surely nothing to read: what a spinning
  // waiter mostly finds.
  if (maybe_readable_.load(std::memory_order_acquire) <= 0) return -1;
  char event;
  const ssize_t got = read(read_fd_, &event, 1);
  if (got == 1) maybe_readable_.fetch_sub(1, std::memory_order_relaxed);
  return got == 1 ? 1 : got == 0 ? 0 : -1;
}

bool EventCounter::TryConsume() { return TakeOne() == 1; }

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
  // poll(2) takes an int of milliseconds; long timeouts sleep in steps.
  constexpr int64_t kLongestSleepMs = int64_t{3600} * 1000;
  const absl::Time deadline = timeout == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : absl::Now() + timeout;
  absl::Time drive_until = absl::InfinitePast();
  for (uint32_t round = 1;; ++round) {
    const int taken = TakeOne();
    if (taken == 1) return WaitResult::kConsumed;
    if (taken == 0) return WaitResult::kClosed;
    const Drove drove = drive();
    absl::Duration sleep = absl::InfiniteDuration();
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
    int wait_ms = -1;
    if (deadline != absl::InfiniteFuture() ||
        sleep != absl::InfiniteDuration()) {
      const absl::Duration left = std::min(deadline - absl::Now(), sleep);
      if (left <= absl::ZeroDuration()) return WaitResult::kTimedOut;
      // Rounded up, so a sub-millisecond remainder still sleeps.
      wait_ms = static_cast<int>(std::min<int64_t>(
          absl::ToInt64Milliseconds(left + absl::Milliseconds(1) -
                                    absl::Nanoseconds(1)),
          kLongestSleepMs));
    }
    pollfd readable{read_fd_, POLLIN, 0};
    // Another waiter may take the event between poll and read; the loop
    // then sleeps again until the deadline.
    if (poll(&readable, 1, wait_ms) < 0 && errno == EINTR) {
      return WaitResult::kInterrupted;
    }
  }
}

}  // namespace rsm::transport
