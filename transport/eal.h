// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_EAL_H_
#define RSM_TRANSPORT_EAL_H_

#include <atomic>

#include "absl/status/status.h"
#include "transport/config.h"

namespace rsm::transport {

// Initialises DPDK's EAL with config.EalArgv(), once per process. EAL can be
// initialised only once in a process's life (not again after a failure or
// rte_eal_cleanup), so every later call returns the first call's result,
// whatever config it is given. Thread-safe.
//
// EAL pins the calling thread to its main lcore; that thread belongs to the
// application, so its CPU affinity is restored afterwards.
absl::Status EnsureEalInitialized(const ClusterConfig& config);

// EAL makes a runtime directory per --file-prefix (/var/run/dpdk/<prefix>)
// even with --no-shconf, and never removes it. Call after rte_eal_init: an
// empty one (--no-shconf leaves it empty) is removed at once, so nothing is
// left behind however the process ends; one in use is kept.
void RemoveEmptyRuntimeDir();

namespace eal_internal {
extern std::atomic<bool> forked_after_eal;
}  // namespace eal_internal

// True in a child that fork() made after this process brought EAL up. EAL,
// its ports, its shared memory and the engine threads belong to the parent
// (DPDK does not survive a fork), so the child must not touch them: its
// engines report themselves stopped, and no DPDK controller can be opened.
inline bool ForkedAfterEal() {
  return eal_internal::forked_after_eal.load(std::memory_order_relaxed);
}

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_EAL_H_
