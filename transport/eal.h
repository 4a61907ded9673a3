#ifndef RSM_TRANSPORT_EAL_H_
#define RSM_TRANSPORT_EAL_H_

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

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_EAL_H_
