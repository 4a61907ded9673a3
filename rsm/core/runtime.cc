#include "rsm/core/runtime.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"
#include "transport/eal.h"
#include "transport/log.h"
#include "transport/port.h"

namespace rsm::core {
namespace {

absl::Mutex config_mutex;
// Never freed: handles and the engine refer to it until the process exits.
const transport::ClusterConfig* process_config ABSL_GUARDED_BY(config_mutex) =
    nullptr;

absl::Status ControllerNotPresent(const absl::Status& cause) {
  transport::LogError(cause.message());
  return RsmError(RSMERR_CTLR_NOT_PRESENT, cause.message());
}

}  // namespace

absl::StatusOr<const transport::ClusterConfig*> ProcessConfig() {
  absl::MutexLock lock(&config_mutex);
  if (process_config == nullptr) {
    absl::StatusOr<transport::ClusterConfig> loaded =
        transport::LoadConfigFromEnvironment();
    if (!loaded.ok()) return ControllerNotPresent(loaded.status());
    process_config = new transport::ClusterConfig(*std::move(loaded));
  }
  return process_config;
}

absl::Status BringUpEal(const transport::ClusterConfig& config) {
  absl::Status eal = transport::EnsureEalInitialized(config);
  return eal.ok() ? eal : ControllerNotPresent(eal);
}

absl::StatusOr<transport::PortInfo> LocalPort(
    const transport::ClusterConfig& config,
    const transport::ControllerConfig& controller) {
  absl::StatusOr<transport::PortInfo> port =
      transport::FindPort(config, controller);
  if (!port.ok()) return ControllerNotPresent(port.status());
  return port;
}

}  // namespace rsm::core
