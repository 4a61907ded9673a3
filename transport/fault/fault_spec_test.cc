// SPDX-License-Identifier: BSD-3-Clause
#include "transport/fault/fault_spec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

using ::testing::HasSubstr;

FaultSpec Parsed(const std::string& text) {
  absl::StatusOr<FaultSpec> spec = ParseFaultSpec(text);
  EXPECT_TRUE(spec.ok()) << text << ": " << spec.status();
  return spec.value_or(FaultSpec());
}

TEST(FaultSpecTest, DefaultIsDisabledWithDelayOf200Us) {
  const FaultSpec spec;
  EXPECT_FALSE(spec.enabled());
  EXPECT_EQ(spec.delay_us, 200u);
  EXPECT_EQ(spec.ToString(), "none");
}

TEST(FaultSpecTest, AnyProbabilityEnables) {
  for (double FaultSpec::*field :
       {&FaultSpec::drop, &FaultSpec::duplicate, &FaultSpec::reorder,
        &FaultSpec::corrupt, &FaultSpec::delay}) {
    FaultSpec spec;
    spec.*field = 1e-9;
    EXPECT_TRUE(spec.enabled()) << spec.ToString();
  }
}

TEST(FaultSpecTest, DelayAloneDoesNotEnable) {
  EXPECT_FALSE(Parsed("delay_us=300").enabled());
}

TEST(ParseFaultSpecTest, EmptyAndNoneAreNoFaults) {
  for (const char* text : {"", "none", "  none ", " "}) {
    EXPECT_EQ(Parsed(text), FaultSpec()) << "'" << text << "'";
  }
}

TEST(ParseFaultSpecTest, EveryItem) {
  const FaultSpec spec = Parsed(
      "drop=0.1,duplicate=0.01,reorder=0.1,corrupt=0.001,delay=0.05,"
      "delay_us=300");
  EXPECT_EQ(spec.drop, 0.1);
  EXPECT_EQ(spec.duplicate, 0.01);
  EXPECT_EQ(spec.reorder, 0.1);
  EXPECT_EQ(spec.corrupt, 0.001);
  EXPECT_EQ(spec.delay, 0.05);
  EXPECT_EQ(spec.delay_us, 300u);
  EXPECT_TRUE(spec.enabled());
}

TEST(ParseFaultSpecTest, SubsetInAnyOrderWithSpaces) {
  FaultSpec expected;
  expected.delay = 1;
  expected.delay_us = 0;
  expected.drop = 0.25;
  EXPECT_EQ(Parsed(" delay_us = 0 , drop=.25,delay = 1 "), expected);
  EXPECT_EQ(Parsed("delay=1e0,drop=2.5e-1,delay_us=0"), expected);
}

TEST(ParseFaultSpecTest, BoundsAreIncluded) {
  const FaultSpec spec = Parsed("drop=0,corrupt=1,delay_us=4294967295");
  EXPECT_EQ(spec.drop, 0);
  EXPECT_EQ(spec.corrupt, 1);
  EXPECT_EQ(spec.delay_us, 4294967295u);
}

struct BadSpec {
  std::string text;
  std::string message;
};

class ParseFaultSpecBadTest : public ::testing::TestWithParam<BadSpec> {};

TEST_P(ParseFaultSpecBadTest, NamesTheBadItem) {
  absl::StatusOr<FaultSpec> spec = ParseFaultSpec(GetParam().text);
  ASSERT_FALSE(spec.ok()) << GetParam().text;
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(spec.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseFaultSpecBadTest,
    ::testing::ValuesIn(std::vector<BadSpec>{
        {"drop=1.5", "'drop=1.5': drop is not a probability from 0 to 1"},
        {"drop=0.1,reorder=-0.1",
         "'reorder=-0.1': reorder is not a probability from 0 to 1"},
        {"corrupt=nan", "'corrupt=nan': corrupt is not a probability"},
        {"delay=inf", "'delay=inf': delay is not a probability"},
        {"duplicate=", "'duplicate=': duplicate is not a probability"},
        {"drop=0.1x", "'drop=0.1x': drop is not a probability"},
        {"drop=10%", "'drop=10%': drop is not a probability"},
        {"loss=0.1", "'loss=0.1': unknown fault 'loss' (expected drop,"},
        {"none,drop=0.1", "'none': not name=value"},
        {"drop", "'drop': not name=value"},
        {"drop=0.1,,delay=0.1", "empty item in 'drop=0.1,,delay=0.1'"},
        {"drop=0.1,", "empty item in 'drop=0.1,'"},
        {"drop=0.1,drop=0.2", "'drop=0.2': drop is given twice"},
        {"delay_us=-1", "'delay_us=-1': delay_us is not a decimal number"},
        {"delay_us=+5", "'delay_us=+5': delay_us is not a decimal number"},
        {"delay_us=1.5", "'delay_us=1.5': delay_us is not a decimal number"},
        {"delay_us=4294967296",
         "'delay_us=4294967296': delay_us is not a decimal number of "
         "microseconds from 0 to 4294967295"},
        {"delay_us=", "'delay_us=': delay_us is not a decimal number"},
    }));

TEST(FaultSpecToStringTest, ListsWhatDiffersFromTheDefault) {
  EXPECT_EQ(Parsed("delay=0.05,drop=0.1").ToString(), "drop=0.1,delay=0.05");
  EXPECT_EQ(Parsed("delay_us=300").ToString(), "delay_us=300");
  EXPECT_EQ(Parsed("drop=0,delay_us=200").ToString(), "none");
  EXPECT_EQ(Parsed("drop=0.1,duplicate=0.01,reorder=0.1,corrupt=0.001,"
                   "delay=0.05,delay_us=300")
                .ToString(),
            "drop=0.1,duplicate=0.01,reorder=0.1,corrupt=0.001,delay=0.05,"
            "delay_us=300");
}

TEST(FaultSpecToStringTest, RoundTripsExactly) {
  std::vector<FaultSpec> specs(4);
  specs[1].drop = 1.0 / 3;
  specs[1].delay_us = 0;
  specs[2].duplicate = 1e-9;
  specs[2].reorder = 0.1 + 0.2;  // not 0.3
  specs[2].corrupt = 1;
  specs[3].delay = 5e-324;  // the smallest double above 0
  specs[3].delay_us = 4294967295u;
  for (const FaultSpec& spec : specs) {
    const std::string text = spec.ToString();
    absl::StatusOr<FaultSpec> parsed = ParseFaultSpec(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(*parsed, spec) << text;
  }
}

}  // namespace
}  // namespace rsm::transport
