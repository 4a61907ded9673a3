// SPDX-License-Identifier: BSD-3-Clause
// The two futex calls the engine's waits are built on (Linux, private to the
// process). A 32-bit atomic is the futex word.
#ifndef RSM_TRANSPORT_ENGINE_FUTEX_H_
#define RSM_TRANSPORT_ENGINE_FUTEX_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

#include "absl/time/time.h"

namespace rsm::transport {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "a futex word is a plain 32-bit integer");

// Sleeps while *word == expected, for at most `timeout`. Returns on a wake,
// a timeout, a signal or a changed word alike; the caller re-reads the word.
// False only when a signal handler ran during the sleep (EINTR: a timed
// futex wait is not restarted after a handler, SA_RESTART or not).
inline bool FutexWait(std::atomic<uint32_t>* word, uint32_t expected,
                      absl::Duration timeout) {
  const timespec relative = absl::ToTimespec(timeout);
  return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, &relative,
                 nullptr, 0) == 0 ||
         errno != EINTR;
}

inline void FutexWakeAll(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
}

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_FUTEX_H_
