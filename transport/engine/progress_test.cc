// SPDX-License-Identifier: BSD-3-Clause
// How the engine is driven (progress.cc): a dedicated thread pinned where
// the settings say, napping when idle and woken by a request; caller-driven
// progress with a backstop thread. Each case runs in a forked child with an
// EAL of its own and two nodes on cross-connected net_ring ports.
#include <sched.h>
#include <time.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "transport/engine/engine.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"
#include "transport/testing/threads.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::InitTestEal;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;
using ::rsm::testing::ThreadsNamed;

int CpusOf(pid_t tid, cpu_set_t* cpus) {
  CPU_ZERO(cpus);
  return sched_getaffinity(tid, sizeof(*cpus), cpus);
}

// Node 1 sends `count` messages to node 2, waiting for each.
void SendAndWait(TestCluster& c, int count) {
  for (int i = 0; i < count; ++i) {
    Completion done;
    ASSERT_EQ(
        c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, i, 0, {}, &done),
        Result::kOk);
    ASSERT_EQ(c.engine(1).Wait(done, absl::Now() + absl::Seconds(10)),
              Result::kOk)
        << "message " << i;
  }
}

double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return absl::ToDoubleSeconds(absl::DurationFromTimespec(now));
}

TEST(Progress, DedicatedThreadRunsOnTheConfiguredCore) {
  EXPECT_TRUE(RunInChildProcess([] {
    cpu_set_t allowed;
    ASSERT_EQ(CpusOf(0, &allowed), 0);
    if (!CPU_ISSET(1, &allowed)) {
      GTEST_SKIP() << "this process may not run on CPU 1";
    }
    ASSERT_TRUE(InitTestEal("rsmprogress1"));
    auto cluster = TestCluster::Create("pin", 2, [](EngineOptions& options) {
      if (options.node_id == 2) options.core = 1;
    });
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    ASSERT_TRUE(c.engine(2).StartThread().ok());
    const std::vector<pid_t> engines = ThreadsNamed("rsm-engine");
    ASSERT_EQ(engines.size(), 1u);
    cpu_set_t cpus;
    ASSERT_EQ(CpusOf(engines[0], &cpus), 0);
    EXPECT_EQ(CPU_COUNT(&cpus), 1);
    EXPECT_TRUE(CPU_ISSET(1, &cpus));
    SendAndWait(c, 100);
    c.engine(2).Stop();
    EXPECT_EQ(c.sink(2).messages.size(), 100u);
  }));
}

TEST(Progress, ACoreThatCannotBeHadIsRefused) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmprogress2"));
    auto cluster = TestCluster::Create(
        "badcore", 2, [](EngineOptions& options) { options.core = 1023; });
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    const absl::Status started = (*cluster)->engine(2).StartThread();
    EXPECT_EQ(started.code(), absl::StatusCode::kInvalidArgument) << started;
    EXPECT_TRUE((*cluster)->engine(2).stopped());
  }));
}

// An idle dedicated driver naps instead of spinning, and the next request
// wakes it: the exchange carries on after idle periods far longer than the
// driver spins.
TEST(Progress, IdleDriverNapsAndARequestWakesIt) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmprogress3"));
    auto cluster = TestCluster::Create("nap", 2, [](EngineOptions& options) {
      options.idle_sleep = absl::Milliseconds(5);
    });
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    ASSERT_TRUE(c.engine(1).StartThread().ok());
    ASSERT_TRUE(c.engine(2).StartThread().ok());
    SendAndWait(c, 10);
    // Two idle engines for 300 ms: spinning, they would burn about 600 ms of
    // CPU; napping (50 us of spin, then 5 ms naps), a few percent of it.
    const double cpu_before = ProcessCpuSeconds();
    absl::SleepFor(absl::Milliseconds(300));
    const double idle_cpu = ProcessCpuSeconds() - cpu_before;
    EXPECT_LT(idle_cpu, 0.15) << "idle engines used " << idle_cpu << " s";
    for (int round = 0; round < 5; ++round) {
      absl::SleepFor(absl::Milliseconds(20));
      SendAndWait(c, 1);
    }
    c.engine(1).Stop();
    c.engine(2).Stop();
    EXPECT_EQ(c.sink(2).messages.size(), 15u);
  }));
}

// Caller-driven progress: node 1's sender drives its own engine while it
// waits; node 2 has nobody calling, and its backstop thread serves it.
TEST(Progress, CallerDrivenWithABackstop) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmprogress4"));
    auto cluster = TestCluster::Create("caller", 2, [](EngineOptions& options) {
      options.progress = Progress::kCaller;
    });
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    ASSERT_TRUE(c.engine(1).StartThread().ok());
    ASSERT_TRUE(c.engine(2).StartThread().ok());
    SendAndWait(c, 200);
    // Heartbeats keep both ends alive while nobody calls.
    absl::SleepFor(absl::Milliseconds(300));
    EXPECT_TRUE(c.engine(1).SessionEstablished(2));
    SendAndWait(c, 10);
    c.engine(1).Stop();
    c.engine(2).Stop();
    EXPECT_EQ(c.sink(2).messages.size(), 210u);
  }));
}

// Two Stops at once (say an explicit one and a destructor's): neither may
// return while the engine thread still runs, or the caller frees the engine
// under it.
TEST(Progress, EveryStopReturnsOnlyOnceTheThreadHasEnded) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmprogress4"));
    auto cluster = TestCluster::Create("stop", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    ASSERT_TRUE(c.engine(1).StartThread().ok());
    std::atomic<bool> task_started{false};
    // Keeps the engine thread busy in one iteration while both Stops come.
    std::thread busy([&] {
      c.engine(1).RunOnEngine([&] {
        task_started.store(true);
        absl::SleepFor(absl::Milliseconds(300));
      });
    });
    while (!task_started.load()) absl::SleepFor(absl::Milliseconds(1));
    std::atomic<int> threads_left_at_return[2] = {-1, -1};
    std::vector<std::thread> stoppers;
    for (int i = 0; i < 2; ++i) {
      stoppers.emplace_back([&, i] {
        c.engine(1).Stop();
        threads_left_at_return[i].store(
            static_cast<int>(ThreadsNamed("rsm-engine").size()));
      });
      absl::SleepFor(absl::Milliseconds(20));
    }
    for (std::thread& stopper : stoppers) stopper.join();
    busy.join();
    EXPECT_EQ(threads_left_at_return[0].load(), 0);
    EXPECT_EQ(threads_left_at_return[1].load(), 0);
    EXPECT_TRUE(c.engine(1).stopped());
  }));
}

}  // namespace
}  // namespace rsm::transport
