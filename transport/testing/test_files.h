// SPDX-License-Identifier: BSD-3-Clause
// Files a test writes for the code under test (cluster files, segment-id
// files), where Bazel lets it write.
#ifndef RSM_TRANSPORT_TESTING_TEST_FILES_H_
#define RSM_TRANSPORT_TESTING_TEST_FILES_H_

#include <string>

namespace rsm::testing {

// `name` in the test's temporary directory (TEST_TMPDIR, else /tmp).
std::string TestFilePath(const std::string& name);

// Writes `text` to TestFilePath(name), replacing it; returns the path.
std::string WriteTestFile(const std::string& name, const std::string& text);

}  // namespace rsm::testing

#endif  // RSM_TRANSPORT_TESTING_TEST_FILES_H_
