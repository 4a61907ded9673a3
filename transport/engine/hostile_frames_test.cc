// SPDX-License-Identifier: BSD-3-Clause
// Frames an honest engine would never send, crafted by the test from a real
// one and put straight on the receiver's port: each is dropped, counted and
// never delivered. Each case also delivers the same crafted frame with only
// the hostile part undone, so the crafting itself is known to be sound.
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

using ::rsm::testing::InitTestEal;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;

// Three nodes; node 2 has sent node 1 one PUT, whose decoded form is kept
// as the model of the frames crafted later.
class HostileFrames {
 public:
  bool Start(const char* name) {
    auto cluster = TestCluster::Create(name, 3);
    EXPECT_TRUE(cluster.ok()) << cluster.status();
    if (!cluster.ok()) return false;
    cluster_ = std::move(*cluster);
    pool_ = rte_pktmbuf_pool_create(name, 63, 0, 0, 4096, 0);
    cluster_->fabric().tap = [this](const rte_mbuf* m) {
      wire::DecodedFrame d;
      const auto bytes = absl::MakeConstSpan(
          rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m));
      if (!have_model_ &&
          wire::DecodeFrame(bytes, &d) == wire::DecodeStatus::kOk &&
          d.header.src_node == 2 && d.header.type == wire::FrameType::kPut) {
        model_ = d.header;
        have_model_ = true;
      }
    };
    Completion done;
    const std::vector<uint8_t> payload(16, 1);
    EXPECT_EQ(cluster_->engine(2).SendMessage(1, wire::FrameType::kPut, 7, 0, 0,
                                              payload, &done),
              Result::kOk);
    EXPECT_TRUE(
        cluster_->DriveUntil([&] { return done.IsDone(); }, absl::Seconds(5)));
    cluster_->fabric().tap = nullptr;
    return pool_ != nullptr && have_model_ &&
           cluster_->sink(1).messages.size() == 1;
  }

  // Node 2's next PUT to node 1, as it would send it (seq one further).
  wire::FrameHeader NextPut() const { return PutFrame(1); }
  // The PUT `ahead` frames after the model, 16 bytes at offset 8 * ahead.
  wire::FrameHeader PutFrame(uint32_t ahead) const {
    wire::FrameHeader header = model_;
    header.seq = model_.seq + ahead;
    header.offset = 8 * ahead;
    return header;
  }

  // Puts the frame on node 1's port as if it came from `src`, and runs the
  // cluster a little.
  void Inject(const wire::FrameHeader& header, const MacAddress& src) {
    const std::vector<uint8_t> payload(16, 0xee);
    rte_mbuf* frame = rte_pktmbuf_alloc(pool_);
    ASSERT_NE(frame, nullptr);
    auto* data = reinterpret_cast<uint8_t*>(
        rte_pktmbuf_append(frame, wire::kFrameOverhead + payload.size()));
    ASSERT_NE(data, nullptr);
    wire::EncodeFrame(Mac(1), src, header, payload, data);
    ASSERT_EQ(rte_ring_enqueue(cluster_->fabric().port(0).rx, frame), 0);
    for (int i = 0; i < 20; ++i) cluster_->DriveOnce();
  }

  const MacAddress& Mac(int node) const {
    return cluster_->fabric().port(node - 1).mac;
  }
  size_t delivered() const { return cluster_->sink(1).messages.size(); }
  const testing::RecordingSink::Message& last_delivered() const {
    return cluster_->sink(1).messages.back();
  }
  uint64_t drops(DropReason reason) const {
    return cluster_->engine(1).port_counters().Drops(reason);
  }

 private:
  std::unique_ptr<TestCluster> cluster_;
  rte_mempool* pool_ = nullptr;
  wire::FrameHeader model_{};
  bool have_model_ = false;
};

TEST(HostileFrames, AFrameFromAnotherNodesMacIsDropped) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmhostile1"));
    HostileFrames h;
    ASSERT_TRUE(h.Start("hostmac"));
    // Node 3 (or anyone on the segment) claiming to be node 2.
    h.Inject(h.NextPut(), h.Mac(3));
    EXPECT_EQ(h.drops(DropReason::kWrongSourceMac), 1u);
    const MacAddress stranger = {0x02, 0xde, 0xad, 0xbe, 0xef, 0x01};
    h.Inject(h.NextPut(), stranger);
    EXPECT_EQ(h.drops(DropReason::kWrongSourceMac), 2u);
    EXPECT_EQ(h.delivered(), 1u);
    // The same frame from node 2's own MAC is node 2's next message.
    h.Inject(h.NextPut(), h.Mac(2));
    EXPECT_EQ(h.delivered(), 2u);
    EXPECT_EQ(h.drops(DropReason::kWrongSourceMac), 2u);
  }));
}

TEST(HostileFrames, ASequenceFarBeyondTheWindowIsDropped) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmhostile2"));
    HostileFrames h;
    ASSERT_TRUE(h.Start("hostseq"));
    wire::FrameHeader far = h.NextPut();
    far.seq += 1000000;
    h.Inject(far, h.Mac(2));
    EXPECT_EQ(h.drops(DropReason::kOutOfWindow), 1u);
    EXPECT_EQ(h.delivered(), 1u);
    h.Inject(h.NextPut(), h.Mac(2));
    EXPECT_EQ(h.delivered(), 2u);
  }));
}

// Fragments of one message carry the same type, segment and aux at
// consecutive offsets; a fragment that does not continue the message being
// gathered loses it, so parts of different messages are never joined.
TEST(HostileFrames, FragmentsThatDoNotContinueTheMessageAreDropped) {
  EXPECT_TRUE(RunInChildProcess([] {
    ASSERT_TRUE(InitTestEal("rsmhostile3"));
    HostileFrames h;
    ASSERT_TRUE(h.Start("hostfrag"));
    auto fragment = [&](uint32_t ahead, uint16_t flags) {
      wire::FrameHeader header = h.PutFrame(ahead);
      header.flags = flags;
      return header;
    };
    // A first fragment at offset 8, then a "last" one for another segment.
    h.Inject(fragment(1, wire::kFirstFragment), h.Mac(2));
    wire::FrameHeader other_segment = fragment(2, wire::kLastFragment);
    other_segment.offset = 8 + 16;
    other_segment.segment_id += 1;
    h.Inject(other_segment, h.Mac(2));
    EXPECT_EQ(h.drops(DropReason::kBadFragment), 1u);
    // A first fragment, then one that skips 16 bytes.
    h.Inject(fragment(3, wire::kFirstFragment), h.Mac(2));
    wire::FrameHeader gap = fragment(4, wire::kLastFragment);
    gap.offset = 8 * 3 + 32;
    h.Inject(gap, h.Mac(2));
    EXPECT_EQ(h.drops(DropReason::kBadFragment), 2u);
    // A last fragment with no first.
    h.Inject(fragment(5, wire::kLastFragment), h.Mac(2));
    EXPECT_EQ(h.drops(DropReason::kBadFragment), 3u);
    EXPECT_EQ(h.delivered(), 1u);
    // The same shape done right is one 32-byte message.
    h.Inject(fragment(6, wire::kFirstFragment), h.Mac(2));
    wire::FrameHeader next = fragment(7, wire::kLastFragment);
    next.offset = 8 * 6 + 16;
    h.Inject(next, h.Mac(2));
    ASSERT_EQ(h.delivered(), 2u);
    EXPECT_EQ(h.last_delivered().payload.size(), 32u);
    EXPECT_EQ(h.last_delivered().header.offset, 8u * 6);
    EXPECT_EQ(h.drops(DropReason::kBadFragment), 3u);
  }));
}

}  // namespace
}  // namespace rsm::transport
