// SPDX-License-Identifier: BSD-3-Clause
// Classic libpcap files (not pcapng), linktype 1 (Ethernet), written
// little-endian with fixed timestamps so that the same frames always give the
// same bytes: a golden file can be regenerated and compared, and opened in
// Wireshark or tcpdump.

#ifndef RSM_TOOLS_GOLDEN_FRAMES_PCAP_H_
#define RSM_TOOLS_GOLDEN_FRAMES_PCAP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rsm::tools {

using Frame = std::vector<uint8_t>;

// Frame i is stamped 1700000000 s + i ms.
std::string WritePcap(const std::vector<Frame>& frames);

// Reads what WritePcap writes: a little-endian, microsecond, Ethernet file.
// InvalidArgumentError for anything else or a truncated file.
absl::StatusOr<std::vector<Frame>> ReadPcap(absl::string_view file);

}  // namespace rsm::tools

#endif  // RSM_TOOLS_GOLDEN_FRAMES_PCAP_H_
