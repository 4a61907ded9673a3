// SPDX-License-Identifier: BSD-3-Clause
// testdata/wire/golden_frames.pcap pins the wire format: if this test fails,
// either the codec changed by accident, or on purpose and the capture must be
// regenerated (bazel run //tools/golden_frames:make_golden_frames), reviewed
// in Wireshark and committed with a protocol version bump.

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/golden_frames/golden_frames.h"
#include "tools/golden_frames/pcap.h"
#include "transport/wire/codec.h"
#include "transport/wire/frame.h"

namespace rsm::transport::wire {
namespace {

using ::rsm::tools::Frame;
using ::rsm::tools::GoldenFrame;
using ::testing::ElementsAreArray;

std::string ReadGoldenFile() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  const std::string path = absl::StrCat(srcdir == nullptr ? "" : srcdir, "/",
                                        workspace == nullptr ? "" : workspace,
                                        "/testdata/wire/golden_frames.pcap");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  EXPECT_TRUE(in) << "cannot read " << path;
  return contents.str();
}

class GoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = ReadGoldenFile();
    absl::StatusOr<std::vector<Frame>> frames = tools::ReadPcap(file_);
    ASSERT_TRUE(frames.ok()) << frames.status();
    captured_ = *std::move(frames);
    ASSERT_EQ(captured_.size(), golden_.size());
  }

  const std::vector<GoldenFrame> golden_ = tools::GoldenFrames();
  std::string file_;
  std::vector<Frame> captured_;
};

TEST_F(GoldenTest, HasEveryFrameType) {
  std::set<FrameType> types;
  for (const GoldenFrame& golden : golden_) types.insert(golden.header.type);
  EXPECT_EQ(types.size(), static_cast<size_t>(kFrameTypeCount));
}

TEST_F(GoldenTest, CapturedFramesDecodeToTheGoldenHeaders) {
  for (size_t i = 0; i < golden_.size(); ++i) {
    const GoldenFrame& golden = golden_[i];
    SCOPED_TRACE(absl::StrCat("frame ", i, ": ", golden.header.ToString()));
    DecodedFrame decoded;
    ASSERT_EQ(DecodeFrame(captured_[i], &decoded), DecodeStatus::kOk);
    EXPECT_EQ(decoded.header, golden.header);
    EXPECT_EQ(decoded.dst, golden.dst);
    EXPECT_EQ(decoded.src, golden.src);
    EXPECT_THAT(decoded.payload, ElementsAreArray(golden.payload));
  }
}

TEST_F(GoldenTest, EncodingGivesTheCapturedBytes) {
  for (size_t i = 0; i < golden_.size(); ++i) {
    const GoldenFrame& golden = golden_[i];
    SCOPED_TRACE(absl::StrCat("frame ", i, ": ", golden.header.ToString()));
    Frame frame(kFrameOverhead + golden.payload.size());
    ASSERT_EQ(EncodeFrame(golden.dst, golden.src, golden.header, golden.payload,
                          frame.data()),
              frame.size());
    EXPECT_THAT(frame, ElementsAreArray(captured_[i]));
  }
}

// Timestamps and record headers too: regenerating the capture from an
// unchanged codec gives an identical file.
TEST_F(GoldenTest, FileIsWhatTheGeneratorWrites) {
  EXPECT_TRUE(tools::WritePcap(captured_) == file_);
}

}  // namespace
}  // namespace rsm::transport::wire
