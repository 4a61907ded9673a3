// SPDX-License-Identifier: BSD-3-Clause
// What happens when a peer goes away: its waiting requests fail within the
// bound, other peers are served on, a restarted peer (new incarnation) is
// accepted, and frames from its old incarnation are dropped. And a sender
// whose receiver never answers holds at most its window.
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "transport/engine/engine.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"
#include "transport/wire/codec.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::AllDone;
using ::rsm::testing::InitTestEal;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;

TEST(PeerFailure, StoppedPeerFailsItsRequestsAndOthersCarryOn) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmpeer1"));
    auto cluster = TestCluster::Create("peerfail", 3);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    const std::vector<uint8_t> payload(2000, 0x5a);

    // A frame of node 2's first incarnation, kept to be replayed later.
    std::vector<uint8_t> old_frame;
    c.fabric().tap = [&](const rte_mbuf* m) {
      wire::DecodedFrame d;
      const auto bytes = absl::MakeConstSpan(
          rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m));
      if (old_frame.empty() &&
          wire::DecodeFrame(bytes, &d) == wire::DecodeStatus::kOk &&
          d.header.src_node == 2 && d.header.type == wire::FrameType::kPut) {
        old_frame.assign(bytes.begin(), bytes.end());
      }
    };
    // Traffic both ways, so node 2 has sent data frames.
    std::vector<Completion> warmup(20);
    for (size_t i = 0; i < warmup.size(); ++i) {
      const uint32_t from = i % 2 ? 2 : 1, to = i % 2 ? 1 : 2;
      ASSERT_EQ(c.engine(from).SendMessage(to, wire::FrameType::kPut, 1, i, 0,
                                           payload, &warmup[i]),
                Result::kOk);
    }
    ASSERT_TRUE(
        c.DriveUntil([&] { return AllDone(warmup); }, absl::Seconds(5)));
    ASSERT_FALSE(old_frame.empty());

    // Node 2 stops while node 1 has requests waiting on it.
    std::vector<Completion> to_2(40);
    for (Completion& done : to_2) {
      ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0,
                                        payload, &done),
                Result::kOk);
    }
    c.engine(1).RunOnce();
    c.engine(2).Stop();
    const absl::Time stopped = absl::Now();
    ASSERT_TRUE(c.DriveUntil([&] { return AllDone(to_2); }, absl::Seconds(2)));
    const absl::Duration took = absl::Now() - stopped;
    std::printf("requests failed %s after the peer stopped\n",
                absl::FormatDuration(took).c_str());
    EXPECT_LT(took, absl::Milliseconds(100 + 150));  // the bound, plus slack
    for (Completion& done : to_2) {
      EXPECT_EQ(done.Wait(absl::InfiniteFuture()),
                static_cast<int32_t>(Result::kPeerUnreachable));
    }
    EXPECT_EQ(c.engine(1).peer_counters(2)->unreachable.Get(), 1u);

    // Node 3 is still served.
    std::vector<Completion> to_3(30);
    for (Completion& done : to_3) {
      ASSERT_EQ(c.engine(1).SendMessage(3, wire::FrameType::kPut, 1, 0, 0,
                                        payload, &done),
                Result::kOk);
    }
    ASSERT_TRUE(c.DriveUntil([&] { return AllDone(to_3); }, absl::Seconds(5)));
    for (Completion& done : to_3)
      EXPECT_EQ(done.Wait(absl::InfiniteFuture()), 0);

    // Node 2 comes back as a new incarnation and is accepted.
    ASSERT_TRUE(c.Restart(2).ok());
    const PeerCounters& node2 = *c.engine(1).peer_counters(2);
    ASSERT_TRUE(c.DriveUntil([&] { return node2.sessions_started.Get() == 2; },
                             absl::Seconds(2)));
    Completion again;
    ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 99, 0,
                                      payload, &again),
              Result::kOk);
    ASSERT_TRUE(c.DriveUntil([&] { return again.IsDone(); }, absl::Seconds(5)));
    EXPECT_EQ(again.Wait(absl::InfiniteFuture()), 0);
    ASSERT_FALSE(c.sink(2).messages.empty());
    EXPECT_EQ(c.sink(2).messages.back().header.offset, 99u);

    // A frame of the old incarnation is dropped, not delivered.
    const size_t delivered = c.sink(1).messages.size();
    const uint64_t stale = node2.Drops(DropReason::kStaleIncarnation);
    rte_mbuf* replay =
        rte_pktmbuf_alloc(rte_pktmbuf_pool_create("replay", 63, 0, 0, 4096, 0));
    ASSERT_NE(replay, nullptr);
    std::memcpy(rte_pktmbuf_append(replay, old_frame.size()), old_frame.data(),
                old_frame.size());
    ASSERT_EQ(rte_ring_enqueue(c.fabric().port(0).rx, replay), 0);
    for (int i = 0; i < 10; ++i) c.DriveOnce();
    EXPECT_EQ(node2.Drops(DropReason::kStaleIncarnation), stale + 1);
    EXPECT_EQ(c.sink(1).messages.size(), delivered);
  }));
}

TEST(PeerFailure, SilentReceiverHoldsTheSenderToItsWindow) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmpeer2"));
    auto cluster = TestCluster::Create("flood", 2, [](EngineOptions& options) {
      options.window_frames = 64;
      options.block_when_full = false;
    });
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    // Establish the session, then node 2 falls silent.
    Completion hello;
    ASSERT_EQ(
        c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0, {}, &hello),
        Result::kOk);
    ASSERT_TRUE(c.DriveUntil([&] { return hello.IsDone(); }, absl::Seconds(5)));
    c.Pause(2, true);

    const std::vector<uint8_t> payload(1000, 1);
    uint32_t max_in_flight = 0;
    unsigned max_in_use = 0;
    int refused = 0;
    const absl::Time end = absl::Now() + absl::Milliseconds(60);
    while (absl::Now() < end) {
      for (int i = 0; i < 16; ++i) {
        if (c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0, payload,
                                    nullptr) == Result::kNoResources) {
          ++refused;
        }
      }
      c.DriveOnce();
      max_in_flight = std::max(max_in_flight, c.engine(1).frames_in_flight(2));
      max_in_use = std::max(max_in_use, c.engine(1).data_frames_in_use());
    }
    std::printf(
        "in flight <= %u frames, data frames in use <= %u, %d sends "
        "refused\n",
        max_in_flight, max_in_use, refused);
    EXPECT_EQ(max_in_flight, 64u);  // the window filled, and no further
    EXPECT_GT(refused, 0);          // the pool, not memory, ran out
    // The pool: 2 peers (node 2 and itself) x window, plus the request ring,
    // plus what per-lcore caches may hold.
    EXPECT_LE(max_in_use, c.engine(1).data_frames_capacity());
    EXPECT_LE(c.engine(1).data_frames_capacity(), 2u * 64 + 1024 + 1024);
    // Once node 2 counts as unreachable, node 1 lets go of everything; the
    // only frames left are those queued, unread, in node 2's RX ring (on
    // net_ring the receiver gets the sender's very mbufs).
    ASSERT_TRUE(c.DriveUntil(
        [&] { return c.engine(1).peer_counters(2)->unreachable.Get() == 1; },
        absl::Seconds(2)));
    for (int i = 0; i < 5; ++i) c.DriveOnce();
    EXPECT_EQ(c.engine(1).frames_in_flight(2), 0u);
    EXPECT_LE(c.engine(1).data_frames_in_use(),
              rte_ring_count(c.fabric().port(1).rx));
    EXPECT_LE(c.engine(1).data_frames_in_use(), 64u);
  }));
}

// A peer whose engine runs (its heartbeats and acks arrive) but that takes
// none of our frames (an MTU mismatch, a peer that drops them) is given up
// after unreachable_after without ack progress, instead of being
// retransmitted to for ever while the call waits.
TEST(PeerFailure, APeerThatIsHeardButAcksNothingIsGivenUp) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmpeer3"));
    auto cluster = TestCluster::Create("acksstall", 3);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    TestCluster& c = **cluster;
    const std::vector<uint8_t> payload(100, 0x5a);
    Completion warmup;
    ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 0, 0,
                                      payload, &warmup),
              Result::kOk);
    ASSERT_TRUE(
        c.DriveUntil([&] { return warmup.IsDone(); }, absl::Seconds(5)));
    ASSERT_EQ(warmup.Wait(absl::InfiniteFuture()), 0);

    // From now on node 2 never gets a PUT from node 1; every other frame
    // (heartbeats and acks both ways) passes.
    c.fabric().lose = [](const rte_mbuf* m) {
      wire::DecodedFrame d;
      const auto bytes = absl::MakeConstSpan(
          rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m));
      return wire::DecodeFrame(bytes, &d) == wire::DecodeStatus::kOk &&
             d.header.src_node == 1 && d.header.dst_node == 2 &&
             d.header.type == wire::FrameType::kPut;
    };
    const PeerCounters& node2 = *c.engine(1).peer_counters(2);
    const uint64_t heard_before = node2.frames_in.Get();
    Completion stalled;
    ASSERT_EQ(c.engine(1).SendMessage(2, wire::FrameType::kPut, 1, 1, 0,
                                      payload, &stalled),
              Result::kOk);
    ASSERT_TRUE(
        c.DriveUntil([&] { return stalled.IsDone(); }, absl::Seconds(10)));
    EXPECT_EQ(stalled.Wait(absl::InfiniteFuture()),
              static_cast<int32_t>(Result::kPeerUnreachable));
    EXPECT_EQ(node2.acks_stalled.Get(), 1u);
    EXPECT_EQ(node2.unreachable.Get(), 1u);
    // It was heard all along: silence is not what ended it.
    EXPECT_GE(node2.frames_in.Get() - heard_before, 2u);
  }));
}

}  // namespace
}  // namespace rsm::transport
