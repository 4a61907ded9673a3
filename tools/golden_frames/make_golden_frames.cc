// SPDX-License-Identifier: BSD-3-Clause
// Writes testdata/wire/golden_frames.pcap from GoldenFrames():
//
//   bazel run //tools/golden_frames:make_golden_frames
//
// Run it only when the wire format changes on purpose, and commit the new
// capture together with that change.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "tools/golden_frames/golden_frames.h"
#include "tools/golden_frames/pcap.h"
#include "transport/wire/codec.h"

ABSL_FLAG(std::string, output, "",
          "where to write the capture; default: "
          "testdata/wire/golden_frames.pcap in the workspace (bazel run)");

namespace rsm::tools {
namespace {

int Main() {
  std::string path = absl::GetFlag(FLAGS_output);
  if (path.empty()) {
    // Set by `bazel run`; the binary itself runs in its runfiles tree.
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    if (workspace == nullptr) {
      std::fprintf(stderr, "--output is required outside `bazel run`\n");
      return 2;
    }
    path = absl::StrCat(workspace, "/testdata/wire/golden_frames.pcap");
  }

  std::vector<Frame> frames;
  for (const GoldenFrame& golden : GoldenFrames()) {
    Frame& frame = frames.emplace_back(transport::wire::kFrameOverhead +
                                       golden.payload.size());
    frame.resize(transport::wire::EncodeFrame(
        golden.dst, golden.src, golden.header, golden.payload, frame.data()));
  }
  const std::string file = WritePcap(frames);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(file.data(), static_cast<std::streamsize>(file.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return 1;
  }
  std::printf("wrote %zu frames to %s\n", frames.size(), path.c_str());
  return 0;
}

}  // namespace
}  // namespace rsm::tools

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return rsm::tools::Main();
}
