// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/segment_id_range.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"

namespace rsm::core {
namespace {

using ::testing::HasSubstr;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// testdata/segmentid/<name> in this test's runfiles.
std::string TestFile(absl::string_view name) {
  return absl::StrCat(Env("TEST_SRCDIR"), "/", Env("TEST_WORKSPACE"),
                      "/testdata/segmentid/", name);
}

// Writes `text` to a fresh file under the test's temporary directory.
std::string WriteFile(absl::string_view name, absl::string_view text) {
  const std::string path = absl::StrCat(Env("TEST_TMPDIR"), "/", name);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
  return path;
}

struct Case {
  const char* file;
  const char* appid;
  int code;
  rsm_memseg_id_t base = 0;
  uint32_t length = 0;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.file << " '" << c.appid << "'";
}

constexpr Case kCases[] = {
    // Lookup: the first line naming the appid in any case, through comments
    // (indented too), tabs and spaces; lines with more than 4 fields are
    // fine while they are not the match.
    {"example.segmentid", "myapp", RSM_SUCCESS, 0x400000, 4096},
    {"example.segmentid", "MYAPP", RSM_SUCCESS, 0x400000, 4096},
    {"example.segmentid", "sunw_ops", RSM_SUCCESS, 0x500000, 65536},
    {"example.segmentid", "spacedapp", RSM_SUCCESS, 0x7fff0000, 65536},
    {"example.segmentid", "upperkeyword", RSM_SUCCESS, 0x600000, 16},
    {"example.segmentid", "mixedcase", RSM_SUCCESS, 0x61000a, 32},
    {"example.segmentid", "zeros", RSM_SUCCESS, 0x400000, 10},
    {"example.segmentid", "wide", RSMERR_BAD_CONF},
    {"example.segmentid", "nosuch", RSMERR_BAD_APPID},
    {"example.segmentid", "", RSMERR_BAD_APPID},
    {"example.segmentid", "my app", RSMERR_BAD_APPID},
    {"example.segmentid", "#", RSMERR_BAD_APPID},
    {"empty.segmentid", "myapp", RSMERR_BAD_APPID},
    {"comments_only.segmentid", "commented", RSMERR_BAD_APPID},

    // A short or blank line stops the search when it is read, that is when
    // it comes before the match; lines after the match are never read.
    {"blank_line.segmentid", "before", RSM_SUCCESS, 0x400000, 16},
    {"blank_line.segmentid", "after", RSMERR_BAD_CONF},
    {"blank_line.segmentid", "nosuch", RSMERR_BAD_CONF},
    {"whitespace_line.segmentid", "before", RSM_SUCCESS, 0x400000, 16},
    {"whitespace_line.segmentid", "after", RSMERR_BAD_CONF},
    {"fewer_fields.segmentid", "first", RSM_SUCCESS, 0x400000, 16},
    {"fewer_fields.segmentid", "short", RSMERR_BAD_CONF},
    {"fewer_fields.segmentid", "after", RSMERR_BAD_CONF},
    {"malformed_after_match.segmentid", "found", RSM_SUCCESS, 0x400000, 16},

    // The keyword is checked on the matching line only (any case), and the
    // first matching line decides even when a later one is good.
    {"keyword.segmentid", "manpage", RSMERR_BAD_CONF},
    {"keyword.segmentid", "good", RSM_SUCCESS, 0x410000, 16},
    {"keyword.segmentid", "twice", RSM_SUCCESS, 0x420000, 16},
    {"keyword.segmentid", "badfirst", RSMERR_BAD_CONF},
    {"keyword.segmentid", "goodfirst", RSM_SUCCESS, 0x460000, 16},

    // Numbers parse completely, hex base (optional 0x) and decimal length,
    // without sign, and the range ends at or below 0xFFFFFFFF.
    {"numbers.segmentid", "nothex", RSMERR_BAD_CONF},
    {"numbers.segmentid", "negbase", RSMERR_BAD_CONF},
    {"numbers.segmentid", "plusbase", RSMERR_BAD_CONF},
    {"numbers.segmentid", "bareprefix", RSMERR_BAD_CONF},
    {"numbers.segmentid", "doubleprefix", RSMERR_BAD_CONF},
    {"numbers.segmentid", "hexlength", RSMERR_BAD_CONF},
    {"numbers.segmentid", "prefixlength", RSMERR_BAD_CONF},
    {"numbers.segmentid", "neglength", RSMERR_BAD_CONF},
    {"numbers.segmentid", "fraction", RSMERR_BAD_CONF},
    {"numbers.segmentid", "trailing", RSMERR_BAD_CONF},
    {"numbers.segmentid", "trailcomment", RSMERR_BAD_CONF},
    {"numbers.segmentid", "base33", RSMERR_BAD_CONF},
    {"numbers.segmentid", "hugebase", RSMERR_BAD_CONF},
    {"numbers.segmentid", "length33", RSMERR_BAD_CONF},
    {"numbers.segmentid", "wraps", RSMERR_BAD_CONF},
    {"numbers.segmentid", "wrapsbig", RSMERR_BAD_CONF},
    {"numbers.segmentid", "lastid", RSM_SUCCESS, 0xffffffff, 1},
    {"numbers.segmentid", "allids", RSM_SUCCESS, 0, 4294967295u},
    {"numbers.segmentid", "upto", RSM_SUCCESS, 0x80000000, 2147483648u},
    {"numbers.segmentid", "zerolength", RSM_SUCCESS, 0x400000, 0},
    {"numbers.segmentid", "zeroatend", RSM_SUCCESS, 0xffffffff, 0},
    // Not checked against the application id space, as in Solaris.
    {"numbers.segmentid", "driverrange", RSM_SUCCESS, 0x100, 10},
    {"numbers.segmentid", "userapprange", RSM_SUCCESS, 0x80000000, 100},
};

class FindSegmentIdRangeTest : public ::testing::TestWithParam<Case> {};

TEST_P(FindSegmentIdRangeTest, ReturnsSolarisResult) {
  const Case& c = GetParam();
  absl::StatusOr<SegmentIdRange> range =
      FindSegmentIdRange(TestFile(c.file), c.appid);
  ASSERT_EQ(SegmentIdRangeCode(range.status()), c.code) << range.status();
  if (c.code != RSM_SUCCESS) return;
  EXPECT_EQ(range->base, c.base);
  EXPECT_EQ(range->length, c.length);
}

INSTANTIATE_TEST_SUITE_P(Files, FindSegmentIdRangeTest,
                         ::testing::ValuesIn(kCases));

TEST(FindSegmentIdRange, ErrorsNameTheFileAndLine) {
  const std::string path = TestFile("blank_line.segmentid");
  EXPECT_THAT(FindSegmentIdRange(path, "after").status().message(),
              HasSubstr(absl::StrCat(path, ":2: 0 fields, want 4")));
  EXPECT_THAT(FindSegmentIdRange(TestFile("keyword.segmentid"), "manpage")
                  .status()
                  .message(),
              HasSubstr(":2: keyword is 'reserve', not 'reserved'"));
  EXPECT_THAT(FindSegmentIdRange(TestFile("numbers.segmentid"), "wraps")
                  .status()
                  .message(),
              HasSubstr("range 0xffffffff + 2 goes past 0xffffffff"));
  EXPECT_THAT(FindSegmentIdRange(TestFile("example.segmentid"), "nosuch")
                  .status()
                  .message(),
              HasSubstr("'nosuch'"));
}

TEST(FindSegmentIdRange, MissingFileIsBadConf) {
  absl::StatusOr<SegmentIdRange> range = FindSegmentIdRange(
      absl::StrCat(Env("TEST_TMPDIR"), "/no-such.segmentid"), "myapp");
  EXPECT_EQ(SegmentIdRangeCode(range.status()), RSMERR_BAD_CONF);
  EXPECT_THAT(range.status().message(), HasSubstr("cannot open"));
}

TEST(FindSegmentIdRange, DirectoryIsBadConf) {
  EXPECT_EQ(SegmentIdRangeCode(
                FindSegmentIdRange(Env("TEST_TMPDIR"), "myapp").status()),
            RSMERR_BAD_CONF);
}

TEST(FindSegmentIdRange, LastLineNeedsNoNewline) {
  const std::string path =
      WriteFile("no_newline.segmentid",
                "reserved other 400000 16\nreserved last 410000 32");
  absl::StatusOr<SegmentIdRange> range = FindSegmentIdRange(path, "last");
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->base, 0x410000u);
  EXPECT_EQ(range->length, 32u);
}

TEST(FindSegmentIdRange, CarriageReturnIsBlank) {
  const std::string path =
      WriteFile("crlf.segmentid",
                "# written on Windows\r\nreserved first 400000 16\r\n"
                "reserved second 410000 32\r\n");
  absl::StatusOr<SegmentIdRange> range = FindSegmentIdRange(path, "second");
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->base, 0x410000u);
  EXPECT_EQ(range->length, 32u);

  // A line holding only "\r" is blank, hence malformed.
  const std::string blank =
      WriteFile("crlf_blank.segmentid",
                "reserved first 400000 16\r\n\r\nreserved "
                "second 410000 32\r\n");
  EXPECT_EQ(SegmentIdRangeCode(FindSegmentIdRange(blank, "second").status()),
            RSMERR_BAD_CONF);
}

TEST(FindSegmentIdRange, TrailingBlanksDoNotMakeAFourthField) {
  const std::string path =
      WriteFile("trailing_blanks.segmentid", "reserved myapp 400000  \t \n");
  EXPECT_EQ(SegmentIdRangeCode(FindSegmentIdRange(path, "myapp").status()),
            RSMERR_BAD_CONF);
}

TEST(FindSegmentIdRange, LinesOfAnyLength) {
  // Longer than any fixed line buffer: the comment stays one line.
  const std::string path = WriteFile(
      "long_line.segmentid",
      absl::StrCat("# ", std::string(100000, 'x'), " reserved no 1 1\n",
                   "reserved ", std::string(5000, 'a'), " 400000 16\n",
                   "reserved myapp 410000 32\n"));
  absl::StatusOr<SegmentIdRange> range = FindSegmentIdRange(path, "myapp");
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->base, 0x410000u);
  absl::StatusOr<SegmentIdRange> long_appid =
      FindSegmentIdRange(path, std::string(5000, 'A'));
  ASSERT_TRUE(long_appid.ok()) << long_appid.status();
  EXPECT_EQ(long_appid->base, 0x400000u);
}

// Sets or clears RSM_SEGMENTID_FILE for one test and restores it after.
class SegmentIdFilePathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = getenv(kSegmentIdFileEnvVar)) saved_ = value;
  }
  void TearDown() override {
    if (saved_.has_value()) {
      setenv(kSegmentIdFileEnvVar, saved_->c_str(), 1);
    } else {
      unsetenv(kSegmentIdFileEnvVar);
    }
  }

 private:
  std::optional<std::string> saved_;
};

TEST_F(SegmentIdFilePathTest, DefaultIsSolarisFile) {
  unsetenv(kSegmentIdFileEnvVar);
  EXPECT_EQ(SegmentIdFilePath(), "/etc/rsm/rsm.segmentid");
}

TEST_F(SegmentIdFilePathTest, EmptyMeansDefault) {
  setenv(kSegmentIdFileEnvVar, "", 1);
  EXPECT_EQ(SegmentIdFilePath(), "/etc/rsm/rsm.segmentid");
}

TEST_F(SegmentIdFilePathTest, EnvironmentOverrides) {
  setenv(kSegmentIdFileEnvVar, "/tmp/my.segmentid", 1);
  EXPECT_EQ(SegmentIdFilePath(), "/tmp/my.segmentid");
}

}  // namespace
}  // namespace rsm::core
