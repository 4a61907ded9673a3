#include "transport/log.h"

#include <rte_log.h>

#include <string>

namespace rsm::transport {
namespace {

// rte_log works before rte_eal_init (it writes to stderr until EAL sets up
// its stream), so the type is registered on first use, not at EAL init.
int LogType() {
  static const int type =
      rte_log_register_type_and_pick_level("rsm", RTE_LOG_INFO);
  return type;
}

void Log(uint32_t level, absl::string_view message) {
  const int type = LogType();
  rte_log(level, type < 0 ? RTE_LOGTYPE_USER1 : type, "rsm: %.*s\n",
          static_cast<int>(message.size()), message.data());
}

}  // namespace

void LogError(absl::string_view message) { Log(RTE_LOG_ERR, message); }
void LogWarning(absl::string_view message) { Log(RTE_LOG_WARNING, message); }
void LogInfo(absl::string_view message) { Log(RTE_LOG_INFO, message); }

}  // namespace rsm::transport
