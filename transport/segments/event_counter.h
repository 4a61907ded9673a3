// The pending-event count of a segment (rsm_intr_signal_post/wait,
// rsm_memseg_get_pollfd(3RSM)), kept as bytes in a pipe: one byte per pending
// event. The pipe is what rsm_memseg_get_pollfd hands out, and a pipe is
// readable exactly while an event is pending and reports POLLRDNORM, the
// event Solaris's pollfd asked for (an eventfd reports only POLLIN). Taking
// an event is a one-byte read, which the kernel makes atomic between any
// number of waiters.
#ifndef RSM_TRANSPORT_SEGMENTS_EVENT_COUNTER_H_
#define RSM_TRANSPORT_SEGMENTS_EVENT_COUNTER_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rsm::transport {

class EventCounter {
 public:
  // A pipe that can hold this many pending events (the most the kernel
  // gives an unprivileged process without raising its pipe limit is 1 MiB).
  static constexpr int kCapacity = 64 * 1024;

  static absl::StatusOr<std::unique_ptr<EventCounter>> Create();
  ~EventCounter();
  EventCounter(const EventCounter&) = delete;
  EventCounter& operator=(const EventCounter&) = delete;

  // Adds one event. With `accumulate` false, only if none is pending
  // (RSM_SIGPOST_NO_ACCUMULATE). False if the event was dropped: not
  // accumulating, or kCapacity events already pending.
  bool Post(bool accumulate);

  // Takes one pending event without waiting; false if there is none.
  bool TryConsume();

  // Ends the counter (its connection ended): the events pending can still
  // be taken, and after them every wait returns kClosed at once and poll(2)
  // reports the descriptor readable (end of file), so no waiter sleeps on a
  // segment that can no longer be signalled. Later posts are dropped.
  // Idempotent; any thread.
  void Close();

  enum class WaitResult { kConsumed, kTimedOut, kInterrupted, kClosed };
  // Takes one event, waiting up to `timeout` (absl::InfiniteDuration() for
  // ever): a short spin, then asleep in poll(2) until the pipe is readable.
  // kClosed once the counter is closed and empty.
  // A signal delivered to the thread while it sleeps ends the wait
  // (kInterrupted), as EINTR ended Solaris's.
  //
  // `drive` runs the engine that posts here once, for caller-driven
  // progress (kNo: it cannot, a thread of the engine's own drives it).
  // Such a waiter drives instead of sleeping while the engine has had work
  // in the last 100 us (with nobody driving, the event would come only with
  // the backstop), then sleeps 1 ms at a time, and drives again.
  enum class Drove { kNo, kIdle, kWorked };
  WaitResult Wait(absl::Duration timeout, absl::FunctionRef<Drove()> drive);
  WaitResult Wait(absl::Duration timeout) {
    return Wait(timeout, [] { return Drove::kNo; });
  }

  // Events pending now (a snapshot).
  int pending() const;
  // The descriptor poll(2) watches: readable while an event is pending.
  int read_fd() const { return read_fd_; }

 private:
  EventCounter(int read_fd, int write_fd)
      : read_fd_(read_fd), write_fd_(write_fd) {}

  // 1: took an event; 0: closed and empty; -1: none pending.
  int TakeOne();

  const int read_fd_;
  const int write_fd_;
  // Events written and not yet taken (plus one once closed): while it is
  // zero the pipe is surely empty and open, and TakeOne skips the read.
  std::atomic<int> maybe_readable_{0};
  bool closed_ ABSL_GUARDED_BY(post_mutex_) = false;
  // Serializes posts, so "none pending" and the write are one step for
  // RSM_SIGPOST_NO_ACCUMULATE. Waiters never take it.
  absl::Mutex post_mutex_;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_EVENT_COUNTER_H_
