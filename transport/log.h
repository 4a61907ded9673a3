// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_LOG_H_
#define RSM_TRANSPORT_LOG_H_

#include "absl/strings/string_view.h"

namespace rsm::transport {

// Messages for people go through DPDK's rte_log, one log type per layer, so
// their level is set like any DPDK component's: `--log-level=rsm.*:debug` in
// the cluster file's [eal] args explains every failing call. These wrappers
// keep rte_log's types out of the layers above.
enum class LogSource {
  kCore,      // "rsm.core": the RSMAPI layer; why a call failed
  kSegments,  // "rsm.segments": the segment protocol
  kEngine,    // "rsm.engine": sessions, ports, EAL
};

enum class LogLevel { kError, kWarning, kInfo, kDebug };

// Whether a message at `level` would be written: callers that build a
// message test this first, so nothing is formatted on the data path while
// the level is off (debug is off by default).
bool ShouldLog(LogSource source, LogLevel level);

void Log(LogSource source, LogLevel level, absl::string_view message);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_LOG_H_
