// SPDX-License-Identifier: BSD-3-Clause
#include "transport/log.h"

#include <rte_log.h>

#include <cstdint>

namespace rsm::transport {
namespace {

struct LogType {
  const char* name;
  int id;
};

// rte_log works before rte_eal_init (it writes to stderr until EAL sets up
// its stream), so the types are registered on first use, not at EAL init.
// Registering picks up a level already given with --log-level, and EAL's
// --log-level applies to types registered before it.
LogType& TypeOf(LogSource source) {
  static LogType types[] = {
      {"rsm.core", rte_log_register_type_and_pick_level("rsm.core",
                                                        RTE_LOG_INFO)},
      {"rsm.segments", rte_log_register_type_and_pick_level("rsm.segments",
                                                            RTE_LOG_INFO)},
      {"rsm.engine", rte_log_register_type_and_pick_level("rsm.engine",
                                                          RTE_LOG_INFO)},
  };
  return types[static_cast<int>(source)];
}

uint32_t RteLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return RTE_LOG_ERR;
    case LogLevel::kWarning:
      return RTE_LOG_WARNING;
    case LogLevel::kInfo:
      return RTE_LOG_INFO;
    case LogLevel::kDebug:
      return RTE_LOG_DEBUG;
  }
  return RTE_LOG_DEBUG;
}

}  // namespace

bool ShouldLog(LogSource source, LogLevel level) {
  const LogType& type = TypeOf(source);
  // A type that could not be registered logs like a user type: errors only.
  if (type.id < 0) return level == LogLevel::kError;
  return rte_log_can_log(static_cast<uint32_t>(type.id), RteLevel(level));
}

void Log(LogSource source, LogLevel level, absl::string_view message) {
  const LogType& type = TypeOf(source);
  const uint32_t id =
      type.id < 0 ? RTE_LOGTYPE_USER1 : static_cast<uint32_t>(type.id);
  rte_log(RteLevel(level), id, "%s: %.*s\n", type.name,
          static_cast<int>(message.size()), message.data());
}

}  // namespace rsm::transport
