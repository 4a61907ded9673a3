// SPDX-License-Identifier: BSD-3-Clause
#include "transport/eal.h"

#include <pthread.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <sched.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "transport/log.h"

namespace rsm::transport {
namespace {

absl::Mutex eal_mutex;
// The first attempt's outcome; heap-allocated so no destructor runs at exit.
absl::Status* eal_result ABSL_GUARDED_BY(eal_mutex) = nullptr;

absl::Status InitializeEal(const ClusterConfig& config) {
  std::vector<std::string> args = config.EalArgv();
  // rte_eal_init may permute argv, so it gets its own array of pointers into
  // strings that outlive the call.
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  cpu_set_t affinity;
  const bool saved_affinity =
      pthread_getaffinity_np(pthread_self(), sizeof(affinity), &affinity) == 0;
  const int parsed = rte_eal_init(static_cast<int>(args.size()), argv.data());
  if (saved_affinity) {
    pthread_setaffinity_np(pthread_self(), sizeof(affinity), &affinity);
  }
  if (parsed < 0) {
    return absl::UnavailableError(
        absl::StrCat(config.source, ": DPDK EAL initialisation failed (",
                     rte_strerror(rte_errno),
                     ") with arguments: ", absl::StrJoin(args, " ")));
  }
  Log(LogSource::kEngine, LogLevel::kInfo,
      absl::StrCat("EAL up (", config.source, "): ", absl::StrJoin(args, " ")));
  return absl::OkStatus();
}

}  // namespace

void RemoveEmptyRuntimeDir() { rmdir(rte_eal_get_runtime_dir()); }

namespace eal_internal {
std::atomic<bool> forked_after_eal{false};
}  // namespace eal_internal

absl::Status EnsureEalInitialized(const ClusterConfig& config) {
  absl::MutexLock lock(&eal_mutex);
  if (eal_result == nullptr) {
    eal_result = new absl::Status(InitializeEal(config));
    if (eal_result->ok()) {
      RemoveEmptyRuntimeDir();
      // Only an async-signal-safe store in the child: it may have been
      // forked while another thread held any lock.
      pthread_atfork(nullptr, nullptr, [] {
        eal_internal::forked_after_eal.store(true, std::memory_order_relaxed);
      });
    }
  }
  return *eal_result;
}

}  // namespace rsm::transport
