// SPDX-License-Identifier: BSD-3-Clause
// The engine between in-process nodes: handshake, delivery of messages of
// every size, counters, stop. Each case runs in its own process (EAL).
#include "transport/engine/engine.h"

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::AllDone;
using ::rsm::testing::InitTestEal;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;

std::vector<uint8_t> Pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<uint8_t>(seed + i * 7);
  return bytes;
}

TEST(Engine, DeliversMessagesOfEverySizeInOrderAndCompletesThem) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine1"));
    auto cluster = TestCluster::Create("basic", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    const uint32_t frame = c.engine(1).max_frame_payload();
    const std::vector<size_t> sizes = {
        0, 1, 64, frame - 1, frame, frame + 1, 3 * frame, 65536, 100};
    std::vector<Completion> done(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      const std::vector<uint8_t> payload = Pattern(sizes[i], i);
      ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 0x80000000,
                                        i * 1000, 7, payload, &done[i]),
                Result::kOk);
    }
    ASSERT_TRUE(c.DriveUntil([&] { return AllDone(done); }, absl::Seconds(10)));
    for (Completion& d : done) {
      EXPECT_EQ(d.Wait(absl::InfiniteFuture()), 0);
    }
    const auto& received = c.sink(2).messages;
    ASSERT_EQ(received.size(), sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      EXPECT_EQ(received[i].peer, 1u);
      EXPECT_EQ(received[i].header.type, wire::FrameType::kPut);
      EXPECT_EQ(received[i].header.segment_id, 0x80000000u);
      EXPECT_EQ(received[i].header.offset, i * 1000);
      EXPECT_EQ(received[i].header.aux, 7u);
      EXPECT_EQ(received[i].payload, Pattern(sizes[i], i)) << "message " << i;
    }
    EXPECT_TRUE(c.sink(1).messages.empty());
    EXPECT_EQ(c.engine(1).frames_in_flight(2), 0u);
    EXPECT_EQ(c.engine(1).peer_counters(2)->sessions_started.Get(), 1u);
    EXPECT_GT(c.engine(2).port_counters().frames_in.Get(), sizes.size());
    EXPECT_EQ(c.engine(1).port_counters().retransmits.Get(), 0u);
  }));
}

TEST(Engine, NeverSendsAFrameLargerThanTheMtu) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine6"));
    auto cluster =
        TestCluster::Create("mtu", 3);  // switched: frames pass a tap
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    uint16_t mtu = 0;
    ASSERT_EQ(rte_eth_dev_get_mtu(c.fabric().port(0).port_id, &mtu), 0);
    uint32_t largest = 0, frames = 0;
    c.fabric().tap = [&](const rte_mbuf* m) {
      largest = std::max(largest, rte_pktmbuf_pkt_len(m));
      ++frames;
    };
    std::vector<Completion> done(8);
    for (size_t i = 0; i < done.size(); ++i) {
      ASSERT_EQ(c.engine(1).SendMessage(2 + i % 2, wire::FrameType::kPut, 1, 0,
                                        0, Pattern(65536 - i, i), &done[i]),
                Result::kOk);
    }
    ASSERT_TRUE(c.DriveUntil([&] { return AllDone(done); }, absl::Seconds(10)));
    EXPECT_GT(frames, 8u * 45);  // 64 KiB messages went as dozens of frames
    EXPECT_EQ(largest, wire::kEthernetHeaderSize + mtu);  // full, never over
  }));
}

TEST(Engine, NodeTalksToItselfThroughItsPort) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine2"));
    auto cluster = TestCluster::Create("self", 1);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    Completion done;
    const std::vector<uint8_t> payload = Pattern(5000, 3);
    ASSERT_EQ(c.engine(1).SendMessage(1, wire::FrameType::kSignal, 1, 0, 0,
                                      payload, &done),
              Result::kOk);
    ASSERT_TRUE(c.DriveUntil([&] { return done.IsDone(); }, absl::Seconds(5)));
    ASSERT_EQ(c.sink(1).messages.size(), 1u);
    EXPECT_EQ(c.sink(1).messages[0].payload, payload);
  }));
}

TEST(Engine, RefusesWhatItCannotCarry) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine3"));
    auto cluster = TestCluster::Create("refuse", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    Engine& engine = (*cluster)->engine(1);
    EXPECT_EQ(
        engine.SendMessage(9, wire::FrameType::kPut, 1, 0, 0, {}, nullptr),
        Result::kInvalid);  // not a peer
    EXPECT_EQ(
        engine.SendMessage(2, wire::FrameType::kAck, 1, 0, 0, {}, nullptr),
        Result::kInvalid);  // not a message type
    const std::vector<uint8_t> huge((engine.max_frame_payload() + 1) * 256 + 1);
    EXPECT_EQ(
        engine.SendMessage(2, wire::FrameType::kPut, 1, 0, 0, huge, nullptr),
        Result::kInvalid);  // more frames than the window
  }));
}

TEST(Engine, RunsOnAWorkerLcore) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine5", "0,1"));
    auto cluster = TestCluster::Create("lcore", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    ASSERT_TRUE(c.engine(2).StartOnLcore(1).ok());
    EXPECT_FALSE(c.engine(1).StartOnLcore(7).ok());  // not in -l
    for (int i = 0; i < 200; ++i) {
      Completion done;
      ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, i, 0,
                                        Pattern(100, i), &done),
                Result::kOk);
      ASSERT_EQ(c.engine(1).Wait(done, absl::Now() + absl::Seconds(5)),
                Result::kOk);
    }
    c.engine(2).Stop();  // returns once the lcore has left the loop
    EXPECT_EQ(c.sink(2).messages.size(), 200u);
  }));
}

TEST(Engine, SinkRepliesFromTheEngineThread) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine7"));
    auto cluster = TestCluster::Create("reply", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    // Node 2 answers every message with the same bytes, from its sink.
    int refused = 0;
    c.sink(2).on_message = [&](const testing::RecordingSink::Message& m) {
      if (c.engine(2).SendFromEngine(m.peer, wire::FrameType::kGetReply, 0,
                                     m.header.offset, 0, m.payload,
                                     nullptr) != Result::kOk) {
        ++refused;
      }
    };
    std::vector<Completion> done(50);
    for (size_t i = 0; i < done.size(); ++i) {
      ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kGet, 1, i, 0,
                                        Pattern(i * 97, i), &done[i]),
                Result::kOk);
    }
    ASSERT_TRUE(
        c.DriveUntil([&] { return c.sink(1).messages.size() == done.size(); },
                     absl::Seconds(10)));
    EXPECT_EQ(refused, 0);
    for (size_t i = 0; i < done.size(); ++i) {
      const auto& reply = c.sink(1).messages[i];
      EXPECT_EQ(reply.header.type, wire::FrameType::kGetReply);
      EXPECT_EQ(reply.header.offset, i);
      EXPECT_EQ(reply.payload, Pattern(i * 97, i));
    }
  }));
}

TEST(Engine, TasksRunOnTheEngineThread) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine8"));
    auto cluster = TestCluster::Create("tasks", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    Engine& engine = (*cluster)->engine(2);
    const std::thread::id caller = std::this_thread::get_id();

    // Caller-driven: the caller becomes the engine thread while it waits.
    std::thread::id ran_on;
    ASSERT_EQ(engine.RunOnEngine([&] { ran_on = std::this_thread::get_id(); }),
              Result::kOk);
    EXPECT_EQ(ran_on, caller);

    ASSERT_TRUE(engine.StartThread().ok());
    bool nested_ran = false;
    ASSERT_EQ(engine.RunOnEngine([&] {
      ran_on = std::this_thread::get_id();
      // On the engine thread a task runs at once, not queued behind itself.
      EXPECT_EQ(engine.RunOnEngine([&] { nested_ran = true; }), Result::kOk);
    }),
              Result::kOk);
    EXPECT_NE(ran_on, caller);
    EXPECT_TRUE(nested_ran);

    engine.Stop();
    bool ran_after_stop = false;
    EXPECT_EQ(engine.RunOnEngine([&] { ran_after_stop = true; }),
              Result::kEngineStopped);
    EXPECT_FALSE(ran_after_stop);
  }));
}

TEST(Engine, StopFailsEverythingAndLaterSends) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine4"));
    auto cluster = TestCluster::Create("stop", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    std::vector<Completion> done(50);
    for (Completion& d : done) {
      ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0,
                                        Pattern(3000, 1), &d),
                Result::kOk);
    }
    c.engine(1).RunOnce();  // some leave, none is acknowledged yet
    c.engine(1).Stop();
    for (Completion& d : done) {
      ASSERT_TRUE(d.IsDone());
      EXPECT_EQ(d.Wait(absl::InfiniteFuture()),
                static_cast<int32_t>(Result::kEngineStopped));
    }
    EXPECT_EQ(
        c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0, {}, nullptr),
        Result::kEngineStopped);
    EXPECT_EQ(c.engine(1).data_frames_in_use(), 0u);
  }));
}

// Sessions that start just below a wrap of the 32-bit wire sequence number
// (2^32 - 1, then 1 again) carry traffic across it both ways as if nothing
// happened: nothing is taken for a duplicate, an old ack or a bad one.
void CrossesTheWireWrap(const char* name, uint64_t first_sequence) {
  ASSERT_TRUE(InitTestEal(name));
  auto cluster = TestCluster::Create(name, 2, [&](EngineOptions& options) {
    options.first_sequence = first_sequence;
    // Generous timeouts: a spurious retransmission (a loaded test machine)
    // would show up as a duplicate.
    options.initial_retransmit_timeout = absl::Milliseconds(20);
    options.min_retransmit_timeout = absl::Milliseconds(20);
    options.max_retransmit_timeout = absl::Milliseconds(200);
    options.unreachable_after = absl::Seconds(5);
  });
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  TestCluster& c = **cluster;
  constexpr int kMessages = 1000;
  constexpr size_t kOutstanding = 64;
  const uint32_t frame = c.engine(1).max_frame_payload();
  // Mostly one frame, every 10th three and every 7th two.
  auto size_of = [&](int i) -> size_t {
    if (i % 10 == 0) return 2 * frame + 17;
    if (i % 7 == 3) return frame + 1;
    return 1 + i % 200;
  };
  struct Direction {
    int from, to;
    int sent = 0;
    std::vector<Completion> done = std::vector<Completion>(kMessages);
  };
  Direction directions[] = {{1, 2}, {2, 1}};
  ASSERT_TRUE(c.DriveUntil(
      [&] {
        bool all_done = true;
        for (Direction& d : directions) {
          while (d.sent < kMessages &&
                 static_cast<size_t>(d.sent) - c.sink(d.to).messages.size() <
                     kOutstanding) {
            const int i = d.sent;
            const Result result = c.engine(d.from).SendMessage(
                d.to, wire::FrameType::kPut, 1, i, 0,
                Pattern(size_of(i), static_cast<uint8_t>(i + d.from)),
                &d.done[i]);
            if (result == Result::kNoResources) break;
            EXPECT_EQ(result, Result::kOk);
            ++d.sent;
          }
          all_done = all_done && d.sent == kMessages && AllDone(d.done);
        }
        return all_done;
      },
      absl::Seconds(30)));
  for (Direction& d : directions) {
    for (Completion& done : d.done) {
      EXPECT_EQ(done.Wait(absl::InfiniteFuture()), 0);
    }
    const auto& received = c.sink(d.to).messages;
    ASSERT_EQ(received.size(), static_cast<size_t>(kMessages));
    for (int i = 0; i < kMessages; ++i) {
      EXPECT_EQ(received[i].peer, static_cast<uint32_t>(d.from));
      EXPECT_EQ(received[i].header.offset, static_cast<uint64_t>(i));
      EXPECT_EQ(received[i].payload,
                Pattern(size_of(i), static_cast<uint8_t>(i + d.from)))
          << "message " << i << " from " << d.from;
    }
    EXPECT_EQ(c.engine(d.from).frames_in_flight(d.to), 0u);
    // Far more frames than there were below the wrap.
    EXPECT_GT(c.engine(d.from).peer_counters(d.to)->frames_out.Get(), 1000u);
  }
  for (int node = 1; node <= 2; ++node) {
    const PortCounters& port = c.engine(node).port_counters();
    EXPECT_EQ(port.Drops(DropReason::kBadAck), 0u) << node;
    EXPECT_EQ(port.Drops(DropReason::kDuplicate), 0u) << node;
    EXPECT_EQ(port.Drops(DropReason::kOutOfWindow), 0u) << node;
    EXPECT_EQ(c.engine(node).peer_counters(3 - node)->sessions_started.Get(),
              1u);
  }
}

TEST(Engine, SequenceNumbersCrossTheFirstWireWrap) {
  EXPECT_TRUE(RunInChildProcess(
      [] { CrossesTheWireWrap("rsmengine5", (uint64_t{1} << 32) - 100); }));
}

TEST(Engine, SequenceNumbersCrossTheSecondWireWrap) {
  EXPECT_TRUE(RunInChildProcess([] {
    CrossesTheWireWrap("rsmengine6", 2 * ((uint64_t{1} << 32) - 1) - 50);
  }));
}

}  // namespace
}  // namespace rsm::transport
