// SPDX-License-Identifier: BSD-3-Clause
// Many application threads sending through one engine at once, through the
// request ring, waiting on their completions: nothing lost, each thread's
// messages in its order, and (under --config=tsan) no data race. Once with
// the sending node caller-driven (its waiting threads run the loop), once
// with a dedicated engine thread on each node.
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "transport/engine/engine.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::InitTestEal;
using ::rsm::testing::RecordingSink;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;

constexpr int kThreads = 4;
constexpr int kPerThread = 1500;

std::vector<uint8_t> Payload(int thread, int index) {
  std::vector<uint8_t> bytes(1 + (index * 37) % 3000);
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(thread * 31 + index + i);
  }
  return bytes;
}

void RunThreads(const char* name, bool sender_has_thread) {
  ASSERT_TRUE(InitTestEal(name));
  auto cluster = TestCluster::Create(name, 2);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  TestCluster& c = **cluster;
  // Written by node 2's engine thread; read after Stop() joined it.
  std::vector<int> next(kThreads, 0);
  int out_of_order = 0, corrupt = 0;
  c.sink(2).on_message = [&](const RecordingSink::Message& m) {
    const int thread = static_cast<int>(m.header.segment_id);
    const int index = static_cast<int>(m.header.offset);
    if (thread < 0 || thread >= kThreads || index != next[thread]) {
      ++out_of_order;
      return;
    }
    if (m.payload != Payload(thread, index)) ++corrupt;
    ++next[thread];
  };
  ASSERT_TRUE(c.engine(2).StartThread().ok());
  if (sender_has_thread) {
    ASSERT_TRUE(c.engine(1).StartThread().ok());
  }

  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Completion done;
      for (int i = 0; i < kPerThread; ++i) {
        done.Reset();
        const Result sent = c.engine(1).SendMessage(2, wire::FrameType::kPut, t,
                                                    i, 0, Payload(t, i), &done);
        const std::optional<Result> result =
            sent == Result::kOk
                ? c.engine(1).Wait(done, absl::Now() + absl::Seconds(10))
                : sent;
        if (result != Result::kOk) {
          if (failures[t]++ == 0) {
            const absl::string_view why =
                result ? ResultName(*result) : "timed out";
            std::printf("thread %d message %d: %.*s\n", t, i,
                        static_cast<int>(why.size()), why.data());
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  c.engine(1).Stop();
  c.engine(2).Stop();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    EXPECT_EQ(next[t], kPerThread) << "thread " << t;
  }
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(corrupt, 0);
}

// Control tasks from many threads are serialized on the engine thread: a
// plain counter they all bump ends exact, and tsan sees no race on it.
TEST(Threads, TasksFromFourThreadsAreSerialized) {
  EXPECT_TRUE(RunInChildProcess(
      [] {
        ASSERT_TRUE(InitTestEal("rsmthr3"));
        auto cluster = TestCluster::Create("rsmthr3", 2);
        ASSERT_TRUE(cluster.ok()) << cluster.status();
        Engine& engine = (*cluster)->engine(1);
        ASSERT_TRUE(engine.StartThread().ok());
        int64_t counter = 0;  // engine thread only
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
          threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
              EXPECT_EQ(engine.RunOnEngine([&] { ++counter; }), Result::kOk);
            }
          });
        }
        for (std::thread& thread : threads) thread.join();
        int64_t seen = -1;
        ASSERT_EQ(engine.RunOnEngine([&] { seen = counter; }), Result::kOk);
        EXPECT_EQ(seen, kThreads * 2000);
        engine.Stop();
      },
      240));
}

TEST(Threads, FourSendersCallerDriven) {
  EXPECT_TRUE(RunInChildProcess([] { RunThreads("rsmthr1", false); }, 240));
}

TEST(Threads, FourSendersWithEngineThreads) {
  EXPECT_TRUE(RunInChildProcess([] { RunThreads("rsmthr2", true); }, 240));
}

}  // namespace
}  // namespace rsm::transport
