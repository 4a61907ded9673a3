// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine_settings.h"

#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rsm::transport {
namespace {

constexpr uint32_t kMaxWindowFrames = 4096;
constexpr uint32_t kMinMtu = 256;
constexpr uint32_t kMaxMtu = 9600;
constexpr int kMaxCore = 1023;

absl::Status Invalid(absl::string_view value, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("'", value, "' is not ", want));
}

// A decimal integer in [low, high], digits only.
absl::Status ParseInteger(absl::string_view value, int64_t low, int64_t high,
                          int64_t& out) {
  const std::string want =
      absl::StrCat("a whole number from ", low, " to ", high);
  if (value.empty() ||
      value.find_first_not_of("0123456789") != absl::string_view::npos) {
    return Invalid(value, want);
  }
  if (!absl::SimpleAtoi(value, &out) || out < low || out > high) {
    return Invalid(value, want);
  }
  return absl::OkStatus();
}

// "100ms", "1.5s", "250us": a positive duration no longer than a minute.
absl::Status ParseDuration(absl::string_view value, absl::Duration& out) {
  absl::Duration parsed;
  if (!absl::ParseDuration(value, &parsed) || parsed <= absl::ZeroDuration() ||
      parsed > absl::Minutes(1) || parsed == absl::InfiniteDuration()) {
    return Invalid(value,
                   "a duration from 1us to 1m with its unit (e.g. 100ms)");
  }
  out = parsed;
  return absl::OkStatus();
}

}  // namespace

bool IsEngineSettingKey(absl::string_view key) {
  return key == "progress" || key == "core" || key == "window_frames" ||
         key == "mtu" || key == "block_when_full" ||
         key == "blocking_timeout" || key == "initial_retransmit_timeout" ||
         key == "min_retransmit_timeout" || key == "max_retransmit_timeout" ||
         key == "heartbeat_interval" || key == "unreachable_after" ||
         key == "idle_spin" || key == "idle_sleep";
}

absl::Status ParseEngineSetting(absl::string_view key, absl::string_view value,
                                EngineSettings& settings) {
  int64_t number = 0;
  if (key == "progress") {
    if (value == "thread") {
      settings.progress = Progress::kThread;
    } else if (value == "caller") {
      settings.progress = Progress::kCaller;
    } else {
      return Invalid(value, "'thread' or 'caller'");
    }
  } else if (key == "core") {
    if (absl::Status s = ParseInteger(value, 0, kMaxCore, number); !s.ok()) {
      return s;
    }
    settings.core = static_cast<int>(number);
  } else if (key == "window_frames") {
    if (absl::Status s = ParseInteger(value, 1, kMaxWindowFrames, number);
        !s.ok()) {
      return s;
    }
    settings.window_frames = static_cast<uint32_t>(number);
  } else if (key == "mtu") {
    if (absl::Status s = ParseInteger(value, kMinMtu, kMaxMtu, number);
        !s.ok()) {
      return s;
    }
    settings.mtu = static_cast<uint32_t>(number);
  } else if (key == "block_when_full") {
    if (value != "yes" && value != "no") return Invalid(value, "'yes' or 'no'");
    settings.block_when_full = value == "yes";
  } else if (key == "blocking_timeout") {
    return ParseDuration(value, settings.blocking_timeout);
  } else if (key == "initial_retransmit_timeout") {
    return ParseDuration(value, settings.initial_retransmit_timeout);
  } else if (key == "min_retransmit_timeout") {
    return ParseDuration(value, settings.min_retransmit_timeout);
  } else if (key == "max_retransmit_timeout") {
    return ParseDuration(value, settings.max_retransmit_timeout);
  } else if (key == "heartbeat_interval") {
    return ParseDuration(value, settings.heartbeat_interval);
  } else if (key == "unreachable_after") {
    return ParseDuration(value, settings.unreachable_after);
  } else if (key == "idle_spin") {
    return ParseDuration(value, settings.idle_spin);
  } else if (key == "idle_sleep") {
    return ParseDuration(value, settings.idle_sleep);
  } else {
    return absl::InvalidArgumentError("unknown key");
  }
  return absl::OkStatus();
}

absl::Status ValidateEngineSettings(const EngineSettings& s) {
  if (s.min_retransmit_timeout > s.initial_retransmit_timeout ||
      s.initial_retransmit_timeout > s.max_retransmit_timeout) {
    return absl::InvalidArgumentError(
        "retransmit timeouts must keep min <= initial <= max");
  }
  // Two heartbeats at least within the bound, or one lost heartbeat would
  // declare a live peer dead.
  if (s.heartbeat_interval * 2 > s.unreachable_after) {
    return absl::InvalidArgumentError(
        "heartbeat_interval must be at most half of unreachable_after");
  }
  if (s.idle_sleep > s.heartbeat_interval) {
    return absl::InvalidArgumentError(
        "idle_sleep must not exceed heartbeat_interval");
  }
  return absl::OkStatus();
}

}  // namespace rsm::transport
