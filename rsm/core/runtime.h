// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_RUNTIME_H_
#define RSM_CORE_RUNTIME_H_

#include "absl/status/status.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"
#include "transport/config.h"
#include "transport/port.h"

namespace rsm::core {

// RSMERR_CTLR_NOT_PRESENT because the controller could not be set up. A
// setup failure is the operator's to fix, so `cause` is logged at error
// level, not only at debug as every failing call is.
RsmStatus ControllerNotPresent(const absl::Status& cause);

// The process's cluster configuration (RSM_CONFIG's file, or the embedded
// default), loaded on first use and kept for the life of the process. A
// failed load is logged (the message names the file, section and key) and
// returned as RSMERR_CTLR_NOT_PRESENT; the next call tries again, so a fixed
// file is picked up without restarting.
RsmStatusOr<const transport::ClusterConfig*> ProcessConfig();

// Brings up DPDK's EAL with `config` (once per process; see
// transport::EnsureEalInitialized): what every DPDK controller needs.
// Failures are logged and returned as RSMERR_CTLR_NOT_PRESENT.
RsmStatus BringUpEal(const transport::ClusterConfig& config);

// This node's port on a DPDK controller (EAL must be up): see
// transport::FindPort. RSMERR_CTLR_NOT_PRESENT if the port is missing.
RsmStatusOr<transport::PortInfo> LocalPort(
    const transport::ClusterConfig& config,
    const transport::ControllerConfig& controller);

}  // namespace rsm::core

#endif  // RSM_CORE_RUNTIME_H_
