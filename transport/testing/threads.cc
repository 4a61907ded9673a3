// SPDX-License-Identifier: BSD-3-Clause
#include "transport/testing/threads.h"

#include <dirent.h>

#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rsm::testing {

std::vector<pid_t> ThreadsNamed(const std::string& name) {
  std::vector<pid_t> tids;
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return tids;
  while (const dirent* entry = readdir(tasks)) {
    pid_t tid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &tid)) continue;
    std::string comm;
    std::ifstream(absl::StrCat("/proc/self/task/", tid, "/comm")) >> comm;
    if (comm == name) tids.push_back(tid);
  }
  closedir(tasks);
  return tids;
}

}  // namespace rsm::testing
