// SPDX-License-Identifier: BSD-3-Clause
#include "transport/wire/crc32c.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace rsm::transport::wire {
namespace {

// The definition, one bit at a time (reflected polynomial 0x82f63b78).
uint32_t BitByBit(uint32_t state, const uint8_t* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    state ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      state = (state & 1) != 0 ? (state >> 1) ^ 0x82f63b78u : state >> 1;
    }
  }
  return state;
}

TEST(Crc32c, CheckValueOfTheStandard) {
  const uint8_t digits[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(~Crc32cUpdate(~0u, digits, sizeof digits), 0xe3069283u);
}

// Every length around the three-way threshold and the lane boundaries, at
// every alignment, from arbitrary states: both paths agree with the
// definition.
TEST(Crc32c, BothPathsMatchTheDefinition) {
  std::mt19937 random(7);
  std::vector<uint8_t> bytes(9240 + 8);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 600; ++n) lengths.push_back(n);
  for (size_t n : {1500, 1514, 4095, 4096, 4097, 5000}) lengths.push_back(n);
  // Lanes of 3072 bytes (the last in the table of shift constants) and 3080.
  for (size_t n : {9216, 9240}) lengths.push_back(n);
  for (size_t length : lengths) {
    for (size_t offset : {0, 1, 3, 7}) {
      const uint32_t state = random();
      const uint8_t* data = bytes.data() + offset;
      const uint32_t want = BitByBit(state, data, length);
      ASSERT_EQ(Crc32cUpdate(state, data, length), want)
          << "length " << length << " offset " << offset;
      ASSERT_EQ(Crc32cUpdateOneStream(state, data, length), want)
          << "length " << length << " offset " << offset;
    }
  }
}

// Split anywhere, the CRC carries over: frames are checked as header, a
// zeroed crc field, then payload.
TEST(Crc32c, ContinuesAcrossSplits) {
  std::mt19937 random(9);
  std::vector<uint8_t> bytes(3000);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
  const uint32_t whole = Crc32cUpdate(~0u, bytes.data(), bytes.size());
  for (size_t split : {0, 52, 56, 191, 192, 1000, 2999, 3000}) {
    const uint32_t first = Crc32cUpdate(~0u, bytes.data(), split);
    EXPECT_EQ(Crc32cUpdate(first, bytes.data() + split, bytes.size() - split),
              whole)
        << split;
  }
}

}  // namespace
}  // namespace rsm::transport::wire
