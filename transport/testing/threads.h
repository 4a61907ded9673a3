// SPDX-License-Identifier: BSD-3-Clause
// What a test can see of this process's threads.
#ifndef RSM_TRANSPORT_TESTING_THREADS_H_
#define RSM_TRANSPORT_TESTING_THREADS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace rsm::testing {

// The ids of this process's threads named `name` (as pthread_setname_np
// set it), from /proc/self/task.
std::vector<pid_t> ThreadsNamed(const std::string& name);

}  // namespace rsm::testing

#endif  // RSM_TRANSPORT_TESTING_THREADS_H_
