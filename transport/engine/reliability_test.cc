// SPDX-License-Identifier: BSD-3-Clause
// The reliability promise under injected faults: 100,000 messages over every
// ordered pair of 2 and of 4 in-process nodes, with 10% drop, 10% reorder,
// 1% duplication and 0.1% corruption on every receive path, arrive exactly
// once, in order and byte-identical; the counters show the retransmissions,
// duplicates and checksum drops that took.
#include <cstdint>
#include <random>
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

constexpr int kMessages = 100000;
// Messages a sender keeps outstanding per destination; the rest wait, so
// that one thread can drive every node.
constexpr int kOutstanding = 48;

// Mostly small, some up to 64 KiB.
size_t MessageSize(std::mt19937_64& random) {
  const uint64_t pick = random() % 100;
  if (pick < 80) return 1 + random() % 256;
  if (pick < 97) return 257 + random() % 4096;
  return 4353 + random() % (65536 - 4353 + 1);
}

// The payload is a function of (source, destination, index), so the
// receiver checks every byte without the sender's copy.
std::vector<uint8_t> Payload(uint32_t from, uint32_t to, uint32_t index,
                             size_t size) {
  std::vector<uint8_t> bytes(size);
  uint64_t state = (uint64_t{from} << 48) ^ (uint64_t{to} << 40) ^ index;
  for (uint8_t& byte : bytes) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    byte = static_cast<uint8_t>(state >> 56);
  }
  return bytes;
}

void RunReliability(const char* name, int nodes) {
  ASSERT_TRUE(InitTestEal(name));
  auto cluster = TestCluster::Create(name, nodes, [](EngineOptions& options) {
    ASSERT_TRUE(
        ParseFaultSpec("drop=0.1,reorder=0.1,duplicate=0.01,corrupt=0.001")
            .ok());
    options.rx_faults =
        *ParseFaultSpec("drop=0.1,reorder=0.1,duplicate=0.01,corrupt=0.001");
    options.fault_seed = 1000 + options.node_id;
    options.block_when_full = false;
  });
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  TestCluster& c = **cluster;

  struct Pair {
    uint32_t from, to;
    int sent = 0, received = 0, to_send = 0;
  };
  std::vector<Pair> pairs;
  for (int from = 1; from <= nodes; ++from) {
    for (int to = 1; to <= nodes; ++to) {
      if (from != to) pairs.push_back({uint32_t(from), uint32_t(to)});
    }
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    pairs[i].to_send = kMessages / static_cast<int>(pairs.size()) +
                       (i < kMessages % pairs.size() ? 1 : 0);
  }
  auto pair_of = [&](uint32_t from, uint32_t to) -> Pair& {
    for (Pair& p : pairs) {
      if (p.from == from && p.to == to) return p;
    }
    return pairs.front();
  };
  int mismatches = 0;
  std::vector<std::mt19937_64> sizes(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) sizes[i].seed(77 + i);
  std::vector<std::mt19937_64> receiver_sizes = sizes;
  for (int node = 1; node <= nodes; ++node) {
    c.sink(node).on_message = [&, node](const RecordingSink::Message& m) {
      Pair& p = pair_of(m.peer, node);
      const size_t index = &p - pairs.data();
      const std::vector<uint8_t> want =
          Payload(p.from, p.to, p.received, MessageSize(receiver_sizes[index]));
      if (m.header.offset != static_cast<uint64_t>(p.received) ||
          m.payload != want) {
        ++mismatches;
      }
      ++p.received;
    };
  }

  int total_received = 0;
  const absl::Time deadline = absl::Now() + absl::Minutes(4);
  while (total_received < kMessages && absl::Now() < deadline) {
    for (size_t i = 0; i < pairs.size(); ++i) {
      Pair& p = pairs[i];
      while (p.sent < p.to_send && p.sent - p.received < kOutstanding) {
        std::mt19937_64 peek = sizes[i];
        const std::vector<uint8_t> payload =
            Payload(p.from, p.to, p.sent, MessageSize(peek));
        const Result result = c.engine(p.from).SendMessage(
            p.to, wire::FrameType::kPut, 1, p.sent, 0, payload, nullptr);
        if (result == Result::kNoResources) break;
        ASSERT_EQ(result, Result::kOk);
        sizes[i] = peek;
        ++p.sent;
      }
    }
    c.DriveOnce();
    total_received = 0;
    for (const Pair& p : pairs) total_received += p.received;
  }
  EXPECT_EQ(total_received, kMessages);
  EXPECT_EQ(mismatches, 0);
  uint64_t retransmits = 0, duplicates = 0, bad_checksums = 0, unreachable = 0;
  for (int node = 1; node <= nodes; ++node) {
    const PortCounters& port = c.engine(node).port_counters();
    retransmits += port.retransmits.Get();
    duplicates += port.Drops(DropReason::kDuplicate);
    bad_checksums += port.Drops(DropReason::kBadChecksum);
    for (int peer = 1; peer <= nodes; ++peer) {
      unreachable += c.engine(node).peer_counters(peer)->unreachable.Get();
    }
    std::printf("node %d: %s\n", node, CountersToString(port).c_str());
  }
  EXPECT_GT(retransmits, 0u);
  EXPECT_GT(duplicates, 0u);
  EXPECT_GT(bad_checksums, 0u);
  EXPECT_EQ(bad_checksums, [&] {
    uint64_t decoded_as_bad = 0;
    for (int node = 1; node <= nodes; ++node) {
      decoded_as_bad +=
          c.engine(node)
              .port_counters()
              .decode_errors[static_cast<int>(wire::DecodeStatus::kBadChecksum)]
              .Get();
    }
    return decoded_as_bad;
  }());
  EXPECT_EQ(unreachable, 0u);  // faults alone never look like a dead peer
}

TEST(Reliability, TwoNodesUnderFaults) {
  EXPECT_TRUE(RunInChildProcess([] { RunReliability("rsmrel2", 2); }, 300));
}

TEST(Reliability, FourNodesUnderFaults) {
  EXPECT_TRUE(RunInChildProcess([] { RunReliability("rsmrel4", 4); }, 300));
}

}  // namespace
}  // namespace rsm::transport
