// The engine between in-process nodes: handshake, delivery of messages of
// every size, counters, stop. Each case runs in its own process (EAL).
#include "transport/engine/engine.h"

#include <numeric>
#include <vector>

#include "gtest/gtest.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::InitTestEal;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;

std::vector<uint8_t> Pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7);
  return bytes;
}

TEST(Engine, DeliversMessagesOfEverySizeInOrderAndCompletesThem) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmengine1"));
    auto cluster = TestCluster::Create("basic", 2);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    const uint32_t frame = c.engine(1).max_frame_payload();
    const std::vector<size_t> sizes = {0,         1,         64,
                                       frame - 1, frame,     frame + 1,
                                       3 * frame, 65536,     100};
    std::vector<Completion> done(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      const std::vector<uint8_t> payload = Pattern(sizes[i], i);
      ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 0x80000000,
                                        i * 1000, 7, payload, &done[i]),
                TransportResult::kOk);
    }
    ASSERT_TRUE(c.DriveUntil(
        [&] {
          return std::all_of(done.begin(), done.end(),
                             [](const Completion& d) { return d.IsDone(); });
        },
        absl::Seconds(10)));
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
              TransportResult::kOk);
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
    EXPECT_EQ(engine.SendMessage(9, wire::FrameType::kPut, 1, 0, 0, {}, nullptr),
              TransportResult::kInvalid);  // not a peer
    EXPECT_EQ(engine.SendMessage(2, wire::FrameType::kAck, 1, 0, 0, {}, nullptr),
              TransportResult::kInvalid);  // not a message type
    const std::vector<uint8_t> huge(
        (engine.max_frame_payload() + 1) * 256 + 1);
    EXPECT_EQ(
        engine.SendMessage(2, wire::FrameType::kPut, 1, 0, 0, huge, nullptr),
        TransportResult::kInvalid);  // more frames than the window
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
                TransportResult::kOk);
      ASSERT_EQ(c.engine(1).Wait(done, absl::Now() + absl::Seconds(5)),
                TransportResult::kOk);
    }
    c.engine(2).Stop();  // returns once the lcore has left the loop
    EXPECT_EQ(c.sink(2).messages.size(), 200u);
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
                TransportResult::kOk);
    }
    c.engine(1).RunOnce();  // some leave, none is acknowledged yet
    c.engine(1).Stop();
    for (Completion& d : done) {
      ASSERT_TRUE(d.IsDone());
      EXPECT_EQ(d.Wait(absl::InfiniteFuture()),
                static_cast<int32_t>(TransportResult::kEngineStopped));
    }
    EXPECT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0, {},
                                      nullptr),
              TransportResult::kEngineStopped);
    EXPECT_EQ(c.engine(1).data_frames_in_use(), 0u);
  }));
}

}  // namespace
}  // namespace rsm::transport
