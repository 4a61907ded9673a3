// SPDX-License-Identifier: BSD-3-Clause
#include "transport/testing/test_files.h"

#include <cstdlib>
#include <fstream>

namespace rsm::testing {

std::string TestFilePath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::string WriteTestFile(const std::string& name, const std::string& text) {
  const std::string path = TestFilePath(name);
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

}  // namespace rsm::testing
