// SPDX-License-Identifier: BSD-3-Clause
// The frames in testdata/wire/golden_frames.pcap: a short conversation
// between node 1 and node 2 with one frame of every type (and a PUT in two
// fragments). make_golden_frames writes them; //transport/wire:golden_test
// checks that the committed capture still decodes to exactly these and that
// encoding these still gives the committed bytes.

#ifndef RSM_TOOLS_GOLDEN_FRAMES_GOLDEN_FRAMES_H_
#define RSM_TOOLS_GOLDEN_FRAMES_GOLDEN_FRAMES_H_

#include <cstdint>
#include <vector>

#include "transport/config.h"
#include "transport/wire/frame.h"

namespace rsm::tools {

struct GoldenFrame {
  transport::MacAddress dst;
  transport::MacAddress src;
  transport::wire::FrameHeader header;
  std::vector<uint8_t> payload;
};

std::vector<GoldenFrame> GoldenFrames();

}  // namespace rsm::tools

#endif  // RSM_TOOLS_GOLDEN_FRAMES_GOLDEN_FRAMES_H_
