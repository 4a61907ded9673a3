#ifndef RSM_TRANSPORT_LOG_H_
#define RSM_TRANSPORT_LOG_H_

#include "absl/strings/string_view.h"

namespace rsm::transport {

// Messages for people go through DPDK's rte_log under our own log type
// ("rsm"), so their level is set like any DPDK component's
// (--log-level=rsm:debug). These wrappers keep rte_log's types out of the
// layers above.
void LogError(absl::string_view message);
void LogWarning(absl::string_view message);
void LogInfo(absl::string_view message);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_LOG_H_
