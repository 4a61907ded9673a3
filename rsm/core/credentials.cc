// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rsm::core {

transport::ConnectRequest CurrentCredentials(uint32_t requested) {
  transport::ConnectRequest request;
  request.requested = requested;
  request.uid = geteuid();
  request.gid = getegid();
  gid_t groups[transport::kMaxConnectGroups];
  const int n = getgroups(transport::kMaxConnectGroups, groups);
  // More groups than a CONNECT carries: send none rather than a cut list
  // (the primary gid still counts).
  for (int i = 0; i < n; ++i) request.groups.push_back(groups[i]);
  return request;
}

uint32_t CreationMode() {
  // Linux 4.7 and later show the umask in /proc; umask(2) can only be read
  // by setting it, which races with other threads creating files.
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "Umask:")) continue;
    uint32_t mask = 0;
    if (absl::numbers_internal::safe_strtou32_base(
            absl::StripAsciiWhitespace(rest), &mask, 8)) {
      return 0777 & ~mask;
    }
  }
  const mode_t mask = umask(022);
  umask(mask);
  return 0777 & ~mask;
}

}  // namespace rsm::core
