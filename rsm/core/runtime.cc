// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/runtime.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

}  // namespace

RsmStatus ControllerNotPresent(const absl::Status& cause) {
  transport::Log(transport::LogSource::kCore, transport::LogLevel::kError,
                 cause.message());
  return RsmError(RSMERR_CTLR_NOT_PRESENT, cause.message());
}

RsmStatusOr<const transport::ClusterConfig*> ProcessConfig() {
  absl::MutexLock lock(&config_mutex);
  if (process_config == nullptr) {
    absl::StatusOr<transport::ClusterConfig> loaded =
        transport::LoadConfigFromEnvironment();
    if (!loaded.ok()) return ControllerNotPresent(loaded.status());
    process_config = new transport::ClusterConfig(*std::move(loaded));
  }
  return process_config;
}

RsmStatus BringUpEal(const transport::ClusterConfig& config) {
  const absl::Status eal = transport::EnsureEalInitialized(config);
  return eal.ok() ? RsmSuccess() : ControllerNotPresent(eal);
}

RsmStatusOr<transport::PortInfo> LocalPort(
    const transport::ClusterConfig& config,
    const transport::ControllerConfig& controller) {
  absl::StatusOr<transport::PortInfo> port =
      transport::FindPort(config, controller);
  if (!port.ok()) return ControllerNotPresent(port.status());
  return *std::move(port);
}

}  // namespace rsm::core
