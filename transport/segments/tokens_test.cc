// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/tokens.h"

#include <set>

#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

TEST(Tokens, CountUpSkippingZeroAcrossTheWrap) {
  uint32_t next = UINT32_MAX - 1;
  auto none = [](uint32_t) { return false; };
  EXPECT_EQ(NextFreeToken(&next, none), UINT32_MAX - 1);
  EXPECT_EQ(NextFreeToken(&next, none), UINT32_MAX);
  EXPECT_EQ(NextFreeToken(&next, none), 1u);
  EXPECT_EQ(NextFreeToken(&next, none), 2u);
}

TEST(Tokens, SkipValuesStillInUse) {
  // A connection made long ago holds 1 and a GET holds 3 when the counter
  // comes round again.
  const std::set<uint32_t> live = {1, 3, 4};
  auto in_use = [&](uint32_t token) { return live.count(token) > 0; };
  uint32_t next = UINT32_MAX;
  EXPECT_EQ(NextFreeToken(&next, in_use), UINT32_MAX);
  EXPECT_EQ(NextFreeToken(&next, in_use), 2u);
  EXPECT_EQ(NextFreeToken(&next, in_use), 5u);
  EXPECT_EQ(next, 6u);
}

}  // namespace
}  // namespace rsm::transport
