// SPDX-License-Identifier: BSD-3-Clause
// rsm_get_segmentid_range through the C API: Solaris's NULL checks, the file
// chosen by RSM_SEGMENTID_FILE, and its return codes.
#include <stdlib.h>

#include <fstream>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "transport/testing/test_files.h"

namespace {

using ::rsm::testing::TestFilePath;
using ::rsm::testing::WriteTestFile;

constexpr char kEnvVar[] = "RSM_SEGMENTID_FILE";

// Each test chooses the file through the environment and leaves it as found.
class GetSegmentIdRange : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = getenv(kEnvVar)) saved_ = value;
    path_ = WriteTestFile("capi.segmentid",
                          "# ranges\n"
                          "reserved myapp 400000 4096\n"
                          "reserved other 500000 16\n");
    setenv(kEnvVar, path_.c_str(), 1);
  }
  void TearDown() override {
    if (saved_.has_value()) {
      setenv(kEnvVar, saved_->c_str(), 1);
    } else {
      unsetenv(kEnvVar);
    }
  }

  std::string path_;

 private:
  std::optional<std::string> saved_;
};

TEST_F(GetSegmentIdRange, FindsTheRangeInTheEnvironmentsFile) {
  rsm_memseg_id_t base = 0;
  uint32_t length = 0;
  ASSERT_EQ(rsm_get_segmentid_range("MyApp", &base, &length), RSM_SUCCESS);
  EXPECT_EQ(base, 0x400000u);
  EXPECT_EQ(length, 4096u);
  ASSERT_EQ(rsm_get_segmentid_range("other", &base, &length), RSM_SUCCESS);
  EXPECT_EQ(base, 0x500000u);
  EXPECT_EQ(length, 16u);
}

TEST_F(GetSegmentIdRange, AnyNullArgumentIsBadAddr) {
  rsm_memseg_id_t base = 0;
  uint32_t length = 0;
  EXPECT_EQ(rsm_get_segmentid_range(nullptr, &base, &length), RSMERR_BAD_ADDR);
  EXPECT_EQ(rsm_get_segmentid_range("myapp", nullptr, &length),
            RSMERR_BAD_ADDR);
  EXPECT_EQ(rsm_get_segmentid_range("myapp", &base, nullptr), RSMERR_BAD_ADDR);
  EXPECT_EQ(rsm_get_segmentid_range(nullptr, nullptr, nullptr),
            RSMERR_BAD_ADDR);
}

TEST_F(GetSegmentIdRange, NullIsCheckedBeforeTheFile) {
  setenv(kEnvVar, TestFilePath("no-such.segmentid").c_str(), 1);
  uint32_t length = 0;
  EXPECT_EQ(rsm_get_segmentid_range("myapp", nullptr, &length),
            RSMERR_BAD_ADDR);
}

TEST_F(GetSegmentIdRange, UnknownAppidIsBadAppidAndOutputsAreUntouched) {
  rsm_memseg_id_t base = 7;
  uint32_t length = 9;
  EXPECT_EQ(rsm_get_segmentid_range("nosuch", &base, &length),
            RSMERR_BAD_APPID);
  EXPECT_EQ(base, 7u);
  EXPECT_EQ(length, 9u);
}

TEST_F(GetSegmentIdRange, MissingFileIsBadConf) {
  setenv(kEnvVar, TestFilePath("no-such.segmentid").c_str(), 1);
  rsm_memseg_id_t base = 7;
  uint32_t length = 9;
  EXPECT_EQ(rsm_get_segmentid_range("myapp", &base, &length), RSMERR_BAD_CONF);
  EXPECT_EQ(base, 7u);
  EXPECT_EQ(length, 9u);
}

TEST_F(GetSegmentIdRange, MalformedFileIsBadConf) {
  setenv(kEnvVar,
         WriteTestFile("bad.segmentid", "\nreserved myapp 400000 16\n").c_str(),
         1);
  rsm_memseg_id_t base = 0;
  uint32_t length = 0;
  EXPECT_EQ(rsm_get_segmentid_range("myapp", &base, &length), RSMERR_BAD_CONF);
}

TEST_F(GetSegmentIdRange, FileIsReadOnEveryCall) {
  rsm_memseg_id_t base = 0;
  uint32_t length = 0;
  ASSERT_EQ(rsm_get_segmentid_range("myapp", &base, &length), RSM_SUCCESS);
  WriteTestFile("capi.segmentid", "reserved myapp 410000 32\n");
  ASSERT_EQ(rsm_get_segmentid_range("myapp", &base, &length), RSM_SUCCESS);
  EXPECT_EQ(base, 0x410000u);
  EXPECT_EQ(length, 32u);
}

TEST_F(GetSegmentIdRange, EmptyVariableMeansTheSolarisFile) {
  setenv(kEnvVar, "", 1);
  std::ifstream solaris_file("/etc/rsm/rsm.segmentid");
  if (solaris_file.good()) GTEST_SKIP() << "/etc/rsm/rsm.segmentid exists";
  rsm_memseg_id_t base = 0;
  uint32_t length = 0;
  EXPECT_EQ(rsm_get_segmentid_range("myapp", &base, &length), RSMERR_BAD_CONF);
}

}  // namespace
