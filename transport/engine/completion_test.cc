// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/completion.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

TEST(CompletionTest, CompleteBeforeWaitTakesTheFastPath) {
  Completion completion;
  EXPECT_FALSE(completion.IsDone());
  completion.Complete(42);
  EXPECT_TRUE(completion.IsDone());
  // A result that is already there is returned whatever the deadline.
  EXPECT_EQ(completion.Wait(absl::InfinitePast()), 42);
}

// True if thread `tid` of this process is blocked in futex() on an address
// inside `object` (from /proc/self/task/<tid>/syscall: the system call's
// number, then its arguments, the first being the futex address).
bool SleepsInFutexOn(pid_t tid, const Completion& object) {
  std::ifstream file(absl::StrCat("/proc/self/task/", tid, "/syscall"));
  std::string line;
  if (!std::getline(file, line)) return false;
  const std::vector<std::string> fields = absl::StrSplit(line, ' ');
  uint64_t address;
  if (fields.size() < 2 || fields[0] != absl::StrCat(SYS_futex) ||
      !absl::SimpleHexAtoi(fields[1], &address)) {
    return false;
  }
  const auto begin = reinterpret_cast<uintptr_t>(&object);
  return address >= begin && address < begin + sizeof(object);
}

TEST(CompletionTest, WakesAWaiterThatIsAsleep) {
  Completion completion;
  std::atomic<pid_t> waiter_tid{0};
  std::optional<int32_t> result;
  absl::Time returned_at;
  std::thread waiter([&] {
    waiter_tid.store(gettid());
    result = completion.Wait(absl::InfiniteFuture());
    returned_at = absl::Now();
  });

  absl::SleepFor(absl::Milliseconds(20));
  // Asleep, not spinning; on a loaded machine it may take a little longer.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!SleepsInFutexOn(waiter_tid.load(), completion) &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  ASSERT_TRUE(SleepsInFutexOn(waiter_tid.load(), completion));

  const absl::Time completed_at = absl::Now();
  completion.Complete(7);
  waiter.join();
  EXPECT_EQ(result, 7);
  // Woken by Complete(), not by the end of its bounded sleep.
  const absl::Duration latency = returned_at - completed_at;
  EXPECT_LT(latency, Completion::kMaxSleep / 2);
  RecordProperty("wake_latency_us",
                 absl::StrCat(absl::ToDoubleMicroseconds(latency)));
}

TEST(CompletionTest, ReturnsNulloptWhenTheDeadlinePasses) {
  Completion completion;
  const absl::Time start = absl::Now();
  EXPECT_EQ(completion.Wait(start + absl::Milliseconds(30)), std::nullopt);
  const absl::Duration waited = absl::Now() - start;
  EXPECT_GE(waited, absl::Milliseconds(30));
  EXPECT_LT(waited, absl::Milliseconds(30) + absl::Seconds(1));

  EXPECT_EQ(completion.Wait(absl::InfinitePast()), std::nullopt);

  // The request is still in flight after a timeout; its result still arrives.
  completion.Complete(3);
  EXPECT_EQ(completion.Wait(absl::InfinitePast()), 3);
}

TEST(CompletionTest, ProgressRunsUntilItCompletesTheRequest) {
  Completion completion;
  int calls = 0;
  const std::optional<int32_t> result =
      completion.Wait(absl::InfiniteFuture(), [&] {
        if (++calls == 3) completion.Complete(-5);
        return true;
      });
  EXPECT_EQ(result, -5);
  EXPECT_EQ(calls, 3);
}

TEST(CompletionTest, ProgressWithNothingToDoSleepsUntilWoken) {
  Completion completion;
  std::atomic<int> calls{0};
  std::thread engine([&] {
    absl::SleepFor(absl::Milliseconds(20));
    completion.Complete(11);
  });
  const std::optional<int32_t> result =
      completion.Wait(absl::InfiniteFuture(), [&] {
        calls.fetch_add(1);
        return false;
      });
  engine.join();
  EXPECT_EQ(result, 11);
  // Not a busy loop: one call before the sleep, and perhaps one more if the
  // wake came between the call and the sleep.
  EXPECT_LE(calls.load(), 2);
}

// Two threads bounce a counter through two Completions, each reset by its
// waiter before the other side can complete it again.
TEST(CompletionTest, ResetForReuseInAPingPong) {
  constexpr int32_t kRounds = 100'000;
  Completion ping;
  Completion pong;
  std::thread echo([&] {
    for (int32_t i = 0; i < kRounds; ++i) {
      const std::optional<int32_t> value = ping.Wait(absl::InfiniteFuture());
      ping.Reset();
      pong.Complete(*value + 1);
    }
  });
  int wrong = 0;
  for (int32_t i = 0; i < kRounds; ++i) {
    ping.Complete(i);
    const std::optional<int32_t> value = pong.Wait(absl::InfiniteFuture());
    pong.Reset();
    if (value != i + 1) ++wrong;
  }
  echo.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace rsm::transport
