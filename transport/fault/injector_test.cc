// SPDX-License-Identifier: BSD-3-Clause
// FaultInjector on real mbufs. Every case needs EAL for its mempool, and EAL
// comes up once per process, so each runs in a forked child with a fresh
// pool; a full pool at the end shows that no frame leaked and none was freed
// twice.
#include "transport/fault/injector.h"

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "transport/eal.h"
#include "transport/testing/child_process.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::RunInChildProcess;
using ::testing::Each;
using ::testing::ElementsAreArray;

constexpr unsigned kPoolSize = 4095;
constexpr size_t kEthernetHeader = 14;
// Where MakeFrame puts a frame's sequence number.
constexpr size_t kSequenceOffset = kEthernetHeader;
constexpr size_t kSegmentBytes = 100;
constexpr uint16_t kCapacity = 64;

// Brings EAL up and gives `body` a fresh pool of kPoolSize free mbufs, in a
// child process.
void RunWithPool(absl::FunctionRef<void(rte_mempool*)> body) {
  const bool passed = RunInChildProcess([&] {
    std::vector<std::string> args = {"rsm",
                                     "--no-huge",
                                     "--no-pci",
                                     "-m",
                                     "128",
                                     "--no-shconf",
                                     "--no-telemetry",
                                     "--file-prefix=rsmfault",
                                     "-l",
                                     "0",
                                     "--log-level=*:warning"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    ASSERT_GE(rte_eal_init(static_cast<int>(argv.size()), argv.data()), 0);
    RemoveEmptyRuntimeDir();
    // No per-lcore cache, so that the available count is exact.
    rte_mempool* pool =
        rte_pktmbuf_pool_create("fault_test", kPoolSize, 0, 0,
                                RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    ASSERT_NE(pool, nullptr);
    body(pool);
  });
  EXPECT_TRUE(passed) << "the child's failures are above";
}

// An Ethernet header of 0xff, the sequence number, then bytes that depend on
// both, so that any two frames differ.
std::vector<uint8_t> Content(uint32_t sequence, size_t length) {
  std::vector<uint8_t> bytes(length);
  for (size_t i = 0; i < length; ++i) {
    bytes[i] = i < kEthernetHeader ? 0xff : static_cast<uint8_t>(sequence + i);
  }
  std::memcpy(&bytes[kSequenceOffset], &sequence, sizeof(sequence));
  return bytes;
}

// A frame of `segments` chained mbufs of kSegmentBytes each.
rte_mbuf* MakeFrame(rte_mempool* pool, uint32_t sequence, int segments = 1) {
  const std::vector<uint8_t> bytes =
      Content(sequence, segments * kSegmentBytes);
  rte_mbuf* head = nullptr;
  for (int i = 0; i < segments; ++i) {
    rte_mbuf* segment = rte_pktmbuf_alloc(pool);
    if (segment == nullptr) {
      ADD_FAILURE() << "pool empty";
      return head;
    }
    std::memcpy(rte_pktmbuf_append(segment, kSegmentBytes),
                &bytes[i * kSegmentBytes], kSegmentBytes);
    if (head == nullptr) {
      head = segment;
    } else {
      EXPECT_EQ(rte_pktmbuf_chain(head, segment), 0);
    }
  }
  return head;
}

std::vector<uint8_t> Bytes(const rte_mbuf* frame) {
  std::vector<uint8_t> bytes(rte_pktmbuf_pkt_len(frame));
  const void* data = rte_pktmbuf_read(frame, 0, bytes.size(), bytes.data());
  if (data != bytes.data()) std::memcpy(bytes.data(), data, bytes.size());
  return bytes;
}

uint32_t SequenceOf(const rte_mbuf* frame) {
  uint32_t sequence = 0;
  const void* data =
      rte_pktmbuf_read(frame, kSequenceOffset, sizeof(sequence), &sequence);
  std::memcpy(&sequence, data, sizeof(sequence));
  return sequence;
}

// What the sender does to keep a frame for retransmission.
void KeepReference(rte_mbuf* frame) {
  for (rte_mbuf* segment = frame; segment != nullptr; segment = segment->next) {
    rte_mbuf_refcnt_update(segment, 1);
  }
}

void FreeAll(rte_mbuf* const* frames, size_t count) {
  for (size_t i = 0; i < count; ++i) rte_pktmbuf_free(frames[i]);
}

struct StreamResult {
  // Sequence numbers in the order they came out.
  std::vector<uint32_t> received;
  FaultCounters counters;
};

// Sends `total` frames, numbered from 0, through an injector in bursts of
// `burst`, one microsecond apart; then calls it with nothing new, past every
// hold time, until it gives nothing. Frees what comes out.
StreamResult Stream(rte_mempool* pool, const FaultSpec& spec, uint64_t seed,
                    uint32_t total, uint16_t burst, int segments = 1) {
  FaultInjector injector(spec, seed);
  StreamResult result;
  rte_mbuf* frames[kCapacity];
  auto receive = [&](uint16_t count) {
    EXPECT_LE(count, kCapacity);
    for (uint16_t i = 0; i < count; ++i) {
      result.received.push_back(SequenceOf(frames[i]));
    }
    FreeAll(frames, count);
  };
  uint64_t now_us = 0;
  for (uint32_t sent = 0; sent < total; ++now_us) {
    const uint16_t count = std::min<uint32_t>(burst, total - sent);
    for (uint16_t i = 0; i < count; ++i) {
      frames[i] = MakeFrame(pool, sent++, segments);
    }
    receive(injector.Apply(frames, count, kCapacity, now_us));
  }
  for (uint16_t count = 1; count > 0;) {
    now_us += spec.delay_us + 1;
    count = injector.Apply(frames, 0, kCapacity, now_us);
    receive(count);
  }
  result.counters = injector.counters();
  return result;
}

std::vector<uint32_t> Iota(uint32_t count) {
  std::vector<uint32_t> numbers(count);
  for (uint32_t i = 0; i < count; ++i) numbers[i] = i;
  return numbers;
}

void ExpectPoolFull(rte_mempool* pool) {
  EXPECT_EQ(rte_mempool_avail_count(pool), kPoolSize);
}

FaultSpec Spec(const std::string& text) {
  absl::StatusOr<FaultSpec> spec = ParseFaultSpec(text);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.value_or(FaultSpec());
}

TEST(FaultInjectorTest, ZeroSpecPassesFramesThroughUntouched) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(FaultSpec(), 1);
    EXPECT_FALSE(injector.enabled());
    rte_mbuf* frames[kCapacity];
    std::vector<rte_mbuf*> sent;
    std::vector<std::vector<uint8_t>> contents;
    for (uint16_t i = 0; i < 16; ++i) {
      frames[i] = MakeFrame(pool, i, i % 2 + 1);
      sent.push_back(frames[i]);
      contents.push_back(Bytes(frames[i]));
    }
    ASSERT_EQ(injector.Apply(frames, 16, kCapacity, 0), 16);
    EXPECT_EQ(injector.Apply(frames + 16, 0, kCapacity - 16, 1000), 0);
    for (uint16_t i = 0; i < 16; ++i) {
      EXPECT_EQ(frames[i], sent[i]);
      EXPECT_EQ(rte_mbuf_refcnt_read(frames[i]), 1);
      EXPECT_EQ(Bytes(frames[i]), contents[i]);
    }
    const FaultCounters& counters = injector.counters();
    EXPECT_EQ(counters.dropped + counters.duplicated + counters.reordered +
                  counters.corrupted + counters.delayed,
              0u);
    FreeAll(frames, 16);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, DropAllFreesEveryFrame) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("drop=1"), 1);
    EXPECT_TRUE(injector.enabled());
    rte_mbuf* frames[kCapacity];
    for (uint16_t i = 0; i < 32; ++i) frames[i] = MakeFrame(pool, i, i % 3 + 1);
    EXPECT_EQ(injector.Apply(frames, 32, kCapacity, 0), 0);
    EXPECT_EQ(injector.counters().dropped, 32u);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, DropRateIsAccurateAndReproducibleBySeed) {
  RunWithPool([](rte_mempool* pool) {
    constexpr uint32_t kFrames = 100'000;
    const FaultSpec spec = Spec("drop=0.1");
    const StreamResult first = Stream(pool, spec, 1, kFrames, 32);
    EXPECT_NEAR(first.counters.dropped, kFrames / 10, kFrames / 100);
    EXPECT_EQ(first.received.size() + first.counters.dropped, kFrames);
    EXPECT_TRUE(std::is_sorted(first.received.begin(), first.received.end()));

    const StreamResult again = Stream(pool, spec, 1, kFrames, 32);
    EXPECT_EQ(again.received, first.received);

    const StreamResult other = Stream(pool, spec, 2, kFrames, 32);
    EXPECT_NEAR(other.counters.dropped, kFrames / 10, kFrames / 100);
    EXPECT_NE(other.received, first.received);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, DuplicateSendsTheSameFrameTwiceWithTwoReferences) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("duplicate=1"), 1);
    rte_mbuf* frames[kCapacity];
    std::vector<rte_mbuf*> sent;
    for (uint16_t i = 0; i < 8; ++i) {
      // Chains too: every segment needs the extra reference.
      frames[i] = MakeFrame(pool, i, i % 3 + 1);
      sent.push_back(frames[i]);
    }
    ASSERT_EQ(injector.Apply(frames, 8, kCapacity, 0), 16);
    EXPECT_EQ(injector.counters().duplicated, 8u);
    for (uint16_t i = 0; i < 8; ++i) {
      EXPECT_EQ(frames[2 * i], sent[i]);
      EXPECT_EQ(frames[2 * i + 1], sent[i]);
      for (rte_mbuf* s = sent[i]; s != nullptr; s = s->next) {
        EXPECT_EQ(rte_mbuf_refcnt_read(s), 2);
      }
    }
    FreeAll(frames, 16);
    ExpectPoolFull(pool);
  });
}

// Where `a` and `b` differ, as (byte offset, XOR of the two bytes).
std::map<size_t, int> Differences(const std::vector<uint8_t>& a,
                                  const std::vector<uint8_t>& b) {
  std::map<size_t, int> differences;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i]) differences[i] = a[i] ^ b[i];
  }
  return differences;
}

TEST(FaultInjectorTest, CorruptFlipsOneBitOfAPrivateCopyAfterTheHeader) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("corrupt=1"), 7);
    constexpr uint16_t kFrames = 48;
    rte_mbuf* frames[kCapacity];
    std::vector<rte_mbuf*> originals;
    std::vector<std::vector<uint8_t>> contents;
    for (uint16_t i = 0; i < kFrames; ++i) {
      frames[i] = MakeFrame(pool, i, i % 3 + 1);
      KeepReference(frames[i]);
      originals.push_back(frames[i]);
      contents.push_back(Bytes(frames[i]));
    }
    ASSERT_EQ(injector.Apply(frames, kFrames, kCapacity, 0), kFrames);
    EXPECT_EQ(injector.counters().corrupted, kFrames);
    std::vector<bool> flipped_segment(3);
    for (uint16_t i = 0; i < kFrames; ++i) {
      EXPECT_NE(frames[i], originals[i]);
      EXPECT_EQ(Bytes(originals[i]), contents[i]) << "original written";
      EXPECT_EQ(rte_mbuf_refcnt_read(originals[i]), 1);
      const std::vector<uint8_t> copy = Bytes(frames[i]);
      ASSERT_EQ(copy.size(), contents[i].size());
      const std::map<size_t, int> differences = Differences(copy, contents[i]);
      ASSERT_EQ(differences.size(), 1u) << "frame " << i;
      const auto [offset, bits] = *differences.begin();
      EXPECT_GE(offset, kEthernetHeader);
      EXPECT_EQ(__builtin_popcount(bits), 1) << "frame " << i;
      flipped_segment[offset / kSegmentBytes] = true;
    }
    // The flip reached into later segments of chains too.
    EXPECT_THAT(flipped_segment, Each(true));
    FreeAll(frames, kFrames);
    FreeAll(originals.data(), kFrames);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, CorruptLeavesAFrameWithNothingAfterTheHeaderAlone) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("corrupt=1"), 1);
    rte_mbuf* frame = rte_pktmbuf_alloc(pool);
    ASSERT_NE(frame, nullptr);
    std::memset(rte_pktmbuf_append(frame, kEthernetHeader), 0xff,
                kEthernetHeader);
    rte_mbuf* frames[1] = {frame};
    ASSERT_EQ(injector.Apply(frames, 1, 1, 0), 1);
    EXPECT_EQ(frames[0], frame);
    EXPECT_EQ(injector.counters().corrupted, 0u);
    rte_pktmbuf_free(frame);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, CorruptDropsInsteadWhenThePoolIsEmpty) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("corrupt=1"), 1);
    constexpr uint16_t kFrames = 4;
    rte_mbuf* frames[kFrames];
    for (uint16_t i = 0; i < kFrames; ++i) {
      frames[i] = MakeFrame(pool, i);
      // The sender's reference keeps the originals out of the pool.
      KeepReference(frames[i]);
    }
    std::vector<rte_mbuf*> originals(frames, frames + kFrames);
    std::vector<rte_mbuf*> filler(kPoolSize - kFrames);
    ASSERT_EQ(rte_pktmbuf_alloc_bulk(pool, filler.data(), filler.size()), 0);

    EXPECT_EQ(injector.Apply(frames, kFrames, kFrames, 0), 0);
    EXPECT_EQ(injector.counters().dropped, kFrames);
    EXPECT_EQ(injector.counters().corrupted, 0u);
    for (rte_mbuf* original : originals) {
      EXPECT_EQ(rte_mbuf_refcnt_read(original), 1);
    }
    FreeAll(originals.data(), originals.size());
    FreeAll(filler.data(), filler.size());
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, ReorderChangesTheOrderButLosesNothing) {
  RunWithPool([](rte_mempool* pool) {
    constexpr uint32_t kFrames = 10'000;
    const StreamResult result =
        Stream(pool, Spec("reorder=0.2"), 3, kFrames, 32);
    EXPECT_NEAR(result.counters.reordered, kFrames / 5, kFrames / 50);
    EXPECT_FALSE(
        std::is_sorted(result.received.begin(), result.received.end()));
    std::vector<uint32_t> sorted = result.received;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, Iota(kFrames));
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, ReorderedFrameWaitsForALaterOneOrForDelayUs) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("reorder=1,delay_us=100"), 1);
    rte_mbuf* frames[kCapacity];
    frames[0] = MakeFrame(pool, 0);
    EXPECT_EQ(injector.Apply(frames, 1, kCapacity, 1000), 0);
    EXPECT_EQ(injector.Apply(frames, 0, kCapacity, 1099), 0);
    ASSERT_EQ(injector.Apply(frames, 0, kCapacity, 1100), 1);
    EXPECT_EQ(SequenceOf(frames[0]), 0u);
    EXPECT_EQ(injector.counters().reordered, 1u);
    FreeAll(frames, 1);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, DelayHoldsFramesForDelayUsInOrder) {
  RunWithPool([](rte_mempool* pool) {
    FaultInjector injector(Spec("delay=1,delay_us=300"), 1);
    rte_mbuf* frames[kCapacity];
    for (uint16_t i = 0; i < 8; ++i) frames[i] = MakeFrame(pool, i, i % 2 + 1);
    EXPECT_EQ(injector.Apply(frames, 8, kCapacity, 1000), 0);
    for (uint16_t i = 0; i < 4; ++i) frames[i] = MakeFrame(pool, 8 + i);
    EXPECT_EQ(injector.Apply(frames, 4, kCapacity, 1100), 0);
    EXPECT_EQ(injector.Apply(frames, 0, kCapacity, 1299), 0);

    ASSERT_EQ(injector.Apply(frames, 0, kCapacity, 1300), 8);
    std::vector<uint32_t> received;
    for (uint16_t i = 0; i < 8; ++i) received.push_back(SequenceOf(frames[i]));
    EXPECT_THAT(received, ElementsAreArray(Iota(8)));
    FreeAll(frames, 8);

    EXPECT_EQ(injector.Apply(frames, 0, kCapacity, 1399), 0);
    ASSERT_EQ(injector.Apply(frames, 0, kCapacity, 1400), 4);
    FreeAll(frames, 4);
    EXPECT_EQ(injector.counters().delayed, 12u);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, FramesThatDoNotFitWaitInOrderForTheNextCall) {
  RunWithPool([](rte_mempool* pool) {
    constexpr uint16_t kBurst = 8;
    FaultInjector injector(Spec("duplicate=1"), 1);
    rte_mbuf* frames[kBurst];
    std::vector<uint32_t> received;
    auto receive = [&](uint16_t count) {
      EXPECT_LE(count, kBurst);
      for (uint16_t i = 0; i < count; ++i) {
        received.push_back(SequenceOf(frames[i]));
      }
      FreeAll(frames, count);
    };
    uint32_t sent = 0;
    for (uint64_t now_us = 0; now_us < 50; ++now_us) {
      for (uint16_t i = 0; i < kBurst; ++i) frames[i] = MakeFrame(pool, sent++);
      receive(injector.Apply(frames, kBurst, kBurst, now_us));
    }
    for (uint16_t count = 1; count > 0;) {
      count = injector.Apply(frames, 0, kBurst, 100);
      receive(count);
    }
    std::vector<uint32_t> expected;
    for (uint32_t sequence : Iota(sent)) {
      expected.insert(expected.end(), 2, sequence);
    }
    EXPECT_EQ(received, expected);
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, DestructorFreesHeldFrames) {
  RunWithPool([](rte_mempool* pool) {
    {
      FaultInjector injector(Spec("delay=1,reorder=0.5,duplicate=0.5"), 1);
      rte_mbuf* frames[kCapacity];
      for (uint16_t i = 0; i < 32; ++i) {
        frames[i] = MakeFrame(pool, i, i % 3 + 1);
      }
      EXPECT_EQ(injector.Apply(frames, 32, kCapacity, 0), 0);
      EXPECT_LT(rte_mempool_avail_count(pool), kPoolSize);
    }
    ExpectPoolFull(pool);
  });
}

TEST(FaultInjectorTest, ChainedFramesSurviveEveryFaultReproducibly) {
  RunWithPool([](rte_mempool* pool) {
    constexpr uint32_t kFrames = 5000;
    const FaultSpec spec = Spec(
        "drop=0.1,duplicate=0.1,reorder=0.1,corrupt=0.05,delay=0.1,"
        "delay_us=20");
    const StreamResult result = Stream(pool, spec, 11, kFrames, 16, 3);
    const FaultCounters& counters = result.counters;
    EXPECT_GT(counters.dropped, 0u);
    EXPECT_GT(counters.duplicated, 0u);
    EXPECT_GT(counters.reordered, 0u);
    EXPECT_GT(counters.corrupted, 0u);
    EXPECT_GT(counters.delayed, 0u);
    EXPECT_EQ(result.received.size(),
              kFrames - counters.dropped + counters.duplicated);
    ExpectPoolFull(pool);

    const StreamResult again = Stream(pool, spec, 11, kFrames, 16, 3);
    EXPECT_EQ(again.received, result.received);
    ExpectPoolFull(pool);
  });
}

}  // namespace
}  // namespace rsm::transport
