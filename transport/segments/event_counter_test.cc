// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/event_counter.h"

#include <poll.h>
#include <sys/ioctl.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

using WaitResult = EventCounter::WaitResult;

std::unique_ptr<EventCounter> NewCounter() {
  auto counter = EventCounter::Create();
  EXPECT_TRUE(counter.ok()) << counter.status();
  return counter.ok() ? std::move(*counter) : nullptr;
}

int BytesIn(int fd) {
  int bytes = -1;
  EXPECT_EQ(ioctl(fd, FIONREAD, &bytes), 0);
  return bytes;
}

bool Readable(int fd) {
  pollfd readable{fd, POLLRDNORM, 0};
  return poll(&readable, 1, 0) == 1;
}

TEST(EventCounter, TakesWhatWasPostedAndNoMore) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  EXPECT_FALSE(events->TryConsume());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(events->Post(true));
  EXPECT_EQ(events->pending(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(events->TryConsume());
  EXPECT_FALSE(events->TryConsume());
  EXPECT_EQ(events->pending(), 0);
}

TEST(EventCounter, NotAccumulatingPostsOnlyWhenNonePending) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  EXPECT_TRUE(events->Post(false));
  EXPECT_FALSE(events->Post(false));
  EXPECT_TRUE(events->Post(true));
  EXPECT_EQ(events->pending(), 2);
}

TEST(EventCounter, RefusesPostsBeyondItsCapacity) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  for (int i = 0; i < EventCounter::kCapacity; ++i) {
    ASSERT_TRUE(events->Post(true)) << i;
  }
  EXPECT_FALSE(events->Post(true));
  EXPECT_EQ(events->pending(), EventCounter::kCapacity);
  // The pipe holds them all once pollable.
  EXPECT_EQ(BytesIn(events->PollableFd()), EventCounter::kCapacity);
}

TEST(EventCounter, PollableFdHoldsOneBytePerPendingEvent) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  ASSERT_TRUE(events->Post(true));
  ASSERT_TRUE(events->Post(true));
  const int fd = events->PollableFd();
  EXPECT_EQ(events->PollableFd(), fd);
  EXPECT_EQ(BytesIn(fd), 2);
  EXPECT_TRUE(Readable(fd));
  ASSERT_TRUE(events->TryConsume());
  EXPECT_EQ(BytesIn(fd), 1);
  ASSERT_TRUE(events->TryConsume());
  EXPECT_FALSE(Readable(fd));
  EXPECT_FALSE(events->TryConsume());
  ASSERT_TRUE(events->Post(true));
  EXPECT_TRUE(Readable(fd));
  EXPECT_EQ(events->pending(), 1);
}

TEST(EventCounter, AWaitTimesOutWhenNothingIsPosted) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->Wait(absl::ZeroDuration()), WaitResult::kTimedOut);
  EXPECT_EQ(events->Wait(absl::Milliseconds(2)), WaitResult::kTimedOut);
}

// What a wait without timeout on another thread returns once `wake` has run,
// 20 ms after it started: long enough for the waiter to be asleep on most
// runs (a wake that comes earlier meets its spin, which is fine too).
WaitResult WaitWokenBy(EventCounter& events,
                       const std::function<void()>& wake) {
  std::atomic<WaitResult> result{WaitResult::kTimedOut};
  std::thread waiter(
      [&] { result.store(events.Wait(absl::InfiniteDuration())); });
  absl::SleepFor(absl::Milliseconds(20));
  wake();
  waiter.join();
  return result.load();
}

TEST(EventCounter, APostWakesASleepingWaiter) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(WaitWokenBy(*events, [&] { ASSERT_TRUE(events->Post(true)); }),
            WaitResult::kConsumed);
  EXPECT_EQ(events->pending(), 0);
}

TEST(EventCounter, CloseLeavesPendingEventsThenEndsEveryWait) {
  for (const bool pollable : {false, true}) {
    auto events = NewCounter();
    ASSERT_NE(events, nullptr);
    ASSERT_TRUE(events->Post(true));
    events->Close();
    events->Close();
    EXPECT_FALSE(events->Post(true));
    const int fd = pollable ? events->PollableFd() : -1;
    if (pollable) {
      EXPECT_EQ(BytesIn(fd), 1);
    }
    EXPECT_EQ(events->Wait(absl::InfiniteDuration()), WaitResult::kConsumed);
    // Closed and empty: every later wait returns at once.
    EXPECT_EQ(events->Wait(absl::InfiniteDuration()), WaitResult::kClosed);
    // poll(2) reports the end of file, so a poller does not sleep either.
    if (pollable) {
      EXPECT_TRUE(Readable(fd));
    }
  }
}

TEST(EventCounter, CloseWakesASleepingWaiter) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(WaitWokenBy(*events, [&] { events->Close(); }),
            WaitResult::kClosed);
}

// Posters and waiters race while the counter switches to the pipe halfway:
// every event is taken exactly once, and the pipe ends empty.
TEST(EventCounter, EveryEventIsTakenOnceAcrossTheSwitchToThePipe) {
  auto events = NewCounter();
  ASSERT_NE(events, nullptr);
  constexpr int kThreads = 3;
  constexpr int kPostsEach = 20000;
  std::atomic<int> posted{0}, taken{0}, unexpected{0}, posters_done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPostsEach; ++i) {
        if (events->Post(true)) posted.fetch_add(1);
      }
      posters_done.fetch_add(1);
    });
    threads.emplace_back([&] {
      // Until every event is taken, or (a refused post) none is left.
      while (taken.load() < kThreads * kPostsEach &&
             (posters_done.load() < kThreads || events->pending() > 0)) {
        const WaitResult result = events->Wait(absl::Milliseconds(1));
        if (result == WaitResult::kConsumed) {
          taken.fetch_add(1);
        } else if (result != WaitResult::kTimedOut) {
          unexpected.fetch_add(1);
        }
      }
    });
  }
  while (posted.load() < kPostsEach) std::this_thread::yield();
  const int fd = events->PollableFd();
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(posted.load(), kThreads * kPostsEach);
  EXPECT_EQ(taken.load(), kThreads * kPostsEach);
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(events->pending(), 0);
  EXPECT_EQ(BytesIn(fd), 0);
}

}  // namespace
}  // namespace rsm::transport
