// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/sequence.h"

#include <cstdint>
#include <random>

#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

constexpr uint64_t kCycle = (uint64_t{1} << 32) - 1;
constexpr uint64_t kHalf = (uint64_t{1} << 31) - 1;

static_assert(SequenceToWire(0) == 0);
static_assert(SequenceToWire(1) == 1);
static_assert(SequenceToWire(kCycle) == 0xFFFFFFFFu);
static_assert(SequenceToWire(kCycle + 1) == 1);
static_assert(SequenceFromWire(0, 12345) == 0);
static_assert(SequenceFromWire(1, kCycle) == kCycle + 1);

TEST(Sequence, ToWireRunsOneToMaxAndSkipsZero) {
  EXPECT_EQ(SequenceToWire(0), 0u);
  for (uint64_t n = 1; n < 100000; ++n) {
    ASSERT_EQ(SequenceToWire(n), n) << n;
  }
  for (uint64_t cycle : {uint64_t{1}, uint64_t{2}, uint64_t{1000}}) {
    const uint64_t end = cycle * kCycle;  // the last number of a cycle
    for (uint64_t n = end - 1000; n <= end + 1000; ++n) {
      const uint32_t wire = SequenceToWire(n);
      ASSERT_NE(wire, 0u) << n;
      if (n <= end) {
        ASSERT_EQ(wire, 0xFFFFFFFFu - (end - n)) << n;
      } else {
        ASSERT_EQ(wire, n - end) << n;
      }
      ASSERT_EQ(SequenceToWire(n + 1), wire == 0xFFFFFFFFu ? 1u : wire + 1)
          << n;
    }
  }
}

TEST(Sequence, FromWireZeroIsNone) {
  for (uint64_t reference :
       {uint64_t{0}, uint64_t{1}, kCycle, 2 * kCycle + 7, uint64_t{1} << 50}) {
    EXPECT_EQ(SequenceFromWire(0, reference), 0u);
  }
}

// Every n near 0 and near the wraps, from references on both sides of it.
TEST(Sequence, RoundTripsExhaustivelyNearZeroAndTheWraps) {
  const uint64_t starts[] = {1, kCycle - 2000, 2 * kCycle - 2000,
                             50 * kCycle - 2000};
  const int64_t offsets[] = {
      -int64_t{kHalf}, -1000000, -300, -1, 0, 1, 300, 1000000, int64_t{kHalf}};
  for (uint64_t start : starts) {
    for (uint64_t n = start; n < start + 4000; ++n) {
      const uint32_t wire = SequenceToWire(n);
      for (int64_t d : offsets) {
        if (d < 0 && n <= static_cast<uint64_t>(-d)) continue;
        const uint64_t reference = n + d;
        ASSERT_EQ(SequenceFromWire(wire, reference), n)
            << "n=" << n << " d=" << d;
      }
    }
  }
}

TEST(Sequence, ResultIsWithinHalfACycleOfTheReference) {
  for (uint64_t reference :
       {uint64_t{1} << 31, kCycle, kCycle + 1, 2 * kCycle, 3 * kCycle + 99}) {
    for (uint64_t wire = 1; wire <= 0xFFFFFFFFu; wire += 65521) {
      const uint64_t n =
          SequenceFromWire(static_cast<uint32_t>(wire), reference);
      ASSERT_EQ(SequenceToWire(n), wire);
      const uint64_t distance = n > reference ? n - reference : reference - n;
      ASSERT_LE(distance, kHalf) << "wire=" << wire;
    }
  }
}

// Near the start a number below 1 is impossible: the smallest n >= 1 with
// that wire value is taken, even beyond half a cycle ahead.
TEST(Sequence, NearTheStartNeverReturnsLessThanOne) {
  EXPECT_EQ(SequenceFromWire(1, 0), 1u);
  EXPECT_EQ(SequenceFromWire(0xFFFFFFFFu, 0), kCycle);
  EXPECT_EQ(SequenceFromWire(0xFFFFFFFFu, 1), kCycle);
  EXPECT_EQ(SequenceFromWire(0xFFFFFFFFu, 10), kCycle);
  for (uint64_t wire = 1; wire <= 0xFFFFFFFFu; wire += 4099) {
    EXPECT_EQ(SequenceFromWire(static_cast<uint32_t>(wire), 0), wire);
  }
  // Once the reference is far enough along, the same wire value means the
  // number just behind it.
  EXPECT_EQ(SequenceFromWire(0xFFFFFFFFu, kHalf + 1), kCycle);
  EXPECT_EQ(SequenceFromWire(0xFFFFFFFFu - 5, kCycle + 10), kCycle - 5);
}

TEST(Sequence, RandomRoundTrips) {
  std::mt19937_64 random(20240601);
  std::uniform_int_distribution<int64_t> offset(-int64_t{kHalf} + 1,
                                                int64_t{kHalf} - 1);
  for (int i = 0; i < 2000000; ++i) {
    // Mostly near a wrap, some anywhere below 2^62.
    const uint64_t n =
        i % 2 == 0 ? (random() % 1000 + 1) * kCycle + random() % 2001 - 1000
                   : random() % (uint64_t{1} << 62) + 1;
    const int64_t d = offset(random);
    if (d < 0 && n < static_cast<uint64_t>(-d)) continue;
    ASSERT_EQ(SequenceFromWire(SequenceToWire(n), n + d), n)
        << "n=" << n << " d=" << d;
  }
}

}  // namespace
}  // namespace rsm::transport
