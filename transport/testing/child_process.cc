// SPDX-License-Identifier: BSD-3-Clause
#include "transport/testing/child_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "gtest/gtest.h"

namespace rsm::testing {

bool RunInChildProcess(absl::FunctionRef<void()> body, int timeout_seconds) {
  std::fflush(nullptr);  // nothing buffered is printed twice
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return false;
  }
  if (pid == 0) {
    body();
    std::fflush(nullptr);
    // _exit: the child must not run the parent's atexit handlers or gtest's
    // end-of-run reporting.
    _exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "child did not finish within " << timeout_seconds
                    << " s";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFSIGNALED(status)) {
    ADD_FAILURE() << "child killed by signal " << WTERMSIG(status);
    return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace rsm::testing
