// SPDX-License-Identifier: BSD-3-Clause
// The pending-event count of a segment (rsm_intr_signal_post/wait,
// rsm_memseg_get_pollfd(3RSM)).
//
// The count is an atomic integer, so a post and a take cost no system call,
// and a sleeping waiter sleeps on a futex that a post wakes only when
// someone sleeps. A descriptor for poll(2) exists from the first
// PollableFd() on: a pipe that then holds one byte per pending event, so it
// is readable exactly while an event is pending and reports POLLRDNORM, the
// event Solaris's pollfd asked for (an eventfd reports only POLLIN). Segments
// nobody polls never touch the pipe.
#ifndef RSM_TRANSPORT_SEGMENTS_EVENT_COUNTER_H_
#define RSM_TRANSPORT_SEGMENTS_EVENT_COUNTER_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rsm::transport {

class EventCounter {
 public:
  // At most this many pending events (what the pipe holds once pollable;
  // 1 MiB is the most the kernel gives an unprivileged process).
  static constexpr int kCapacity = 64 * 1024;

  static absl::StatusOr<std::unique_ptr<EventCounter>> Create();
  ~EventCounter();
  EventCounter(const EventCounter&) = delete;
  EventCounter& operator=(const EventCounter&) = delete;

  // Adds one event. With `accumulate` false, only if none is pending
  // (RSM_SIGPOST_NO_ACCUMULATE). False if the event was dropped: not
  // accumulating, closed, or kCapacity events already pending.
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
  // ever): a short spin, then asleep until a post. kClosed once the counter
  // is closed and empty. A signal handler that runs while the thread sleeps
  // ends the wait (kInterrupted), as EINTR ended Solaris's.
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
  int pending() const { return pending_.load(std::memory_order_acquire); }

  // The descriptor poll(2) watches: readable while an event is pending, and
  // at end of file once closed. The first call fills the pipe with the
  // events pending; from then on every post also writes a byte and every
  // take reads one.
  int PollableFd();

 private:
  EventCounter(int read_fd, int write_fd)
      : read_fd_(read_fd), write_fd_(write_fd) {}

  // 1: took an event; 0: closed and empty; -1: none pending.
  int TakeOne();
  // Decrements pending_ unless it is zero.
  bool TakeFromCount();
  // Sleeps until a post, a close or `timeout`; false if a signal handler
  // interrupted it.
  bool Sleep(absl::Duration timeout);
  void WakeSleepers();
  void CloseWriteEnd() ABSL_EXCLUSIVE_LOCKS_REQUIRED(post_mutex_);

  const int read_fd_;
  const int write_fd_;
  // Events posted and not taken. While the pipe is in use, every byte in it
  // is counted here (a post counts before it writes, a take reads before it
  // uncounts), so pending_ == 0 means the pipe is empty too.
  std::atomic<int> pending_{0};
  // Set once (under post_mutex_) by the first PollableFd.
  std::atomic<bool> piped_{false};
  // Takes in progress that may not have seen piped_ yet; PollableFd waits
  // for them before it fills the pipe, so no take is missed or counted twice.
  std::atomic<int> unpiped_takes_{0};
  std::atomic<bool> closed_{false};
  // Futex word: bumped by a post or close that finds a sleeper.
  std::atomic<uint32_t> wakes_{0};
  std::atomic<uint32_t> sleepers_{0};
  // Serializes posts, the close and the switch to the pipe, so "none
  // pending" and the count are one step for RSM_SIGPOST_NO_ACCUMULATE.
  // Takers never take it.
  absl::Mutex post_mutex_;
  // The pipe's write end, closed by Close once the pipe is in use (poll
  // then sees end of file), else by the PollableFd that fills it.
  bool write_open_ ABSL_GUARDED_BY(post_mutex_) = true;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_EVENT_COUNTER_H_
