// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_TESTING_CHILD_PROCESS_H_
#define RSM_TRANSPORT_TESTING_CHILD_PROCESS_H_

#include "absl/functional/function_ref.h"

namespace rsm::testing {

// DPDK's EAL can be initialised once per process, and the library keeps its
// configuration for the process's life, so a test that needs its own
// configuration or a fresh EAL runs its body in a forked child. Call it from
// a process that has not initialised EAL. Returns true when the child ran
// `body` to the end with no gtest failure (its failures are printed by the
// child); false if it failed, crashed or did not finish within the timeout.
bool RunInChildProcess(absl::FunctionRef<void()> body,
                       int timeout_seconds = 60);

}  // namespace rsm::testing

#endif  // RSM_TRANSPORT_TESTING_CHILD_PROCESS_H_
