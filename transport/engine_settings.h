// SPDX-License-Identifier: BSD-3-Clause
// How a controller's engine runs: the [engine] section of the cluster file
// (docs/configuration.md). Plain values with the defaults a LAN, memif or an
// in-process port wants; config.cc reads them, the engine uses them.
#ifndef RSM_TRANSPORT_ENGINE_SETTINGS_H_
#define RSM_TRANSPORT_ENGINE_SETTINGS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rsm::transport {

// Who runs the engine loop.
enum class Progress {
  // A thread of the engine's own (pinned to `core` if one is set) drives it
  // all the time; when idle it backs off to short sleeps, and a request
  // wakes it.
  kThread,
  // Application threads drive it while they wait for a completion, so a node
  // can run on one core; a background thread drives it only when nobody has
  // for a while (serving peers, acks, heartbeats), sleeping in between.
  kCaller,
};

struct EngineSettings {
  Progress progress = Progress::kThread;
  // The CPU the engine's thread is pinned to; -1: not pinned (the scheduler
  // places it among the process's CPUs).
  int core = -1;
  // Frames in flight (sent, not yet acknowledged) per peer. Also bounds the
  // receiver's reorder buffer, so the mbuf pool is sized from it.
  uint32_t window_frames = 256;
  // The port's MTU (largest frame payload above the Ethernet header); 0
  // keeps the port's own. Every node on a segment must use the same.
  uint32_t mtu = 0;
  // What an application thread does when no mbuf or ring slot is free:
  // drive the engine and retry until `blocking_timeout`, or fail at once.
  bool block_when_full = true;
  absl::Duration blocking_timeout = absl::Seconds(5);
  // The retransmission timeout follows the measured round trip (smoothed
  // RTT + 4 x its variation, as TCP does), within these bounds; it starts
  // at the initial value and doubles on each timeout without progress. The
  // floor is above the scheduling gaps of a shared machine's vCPUs, so a
  // late ack is not taken for a loss; losses are mostly repaired earlier, on
  // selective acks.
  absl::Duration initial_retransmit_timeout = absl::Milliseconds(1);
  absl::Duration min_retransmit_timeout = absl::Milliseconds(1);
  absl::Duration max_retransmit_timeout = absl::Milliseconds(20);
  absl::Duration heartbeat_interval = absl::Milliseconds(10);
  // A peer silent this long is unreachable: its requests fail.
  absl::Duration unreachable_after = absl::Milliseconds(100);
  // How long a dedicated engine thread with nothing to do keeps polling
  // before it naps. Short by default: on a shared machine a spinning engine
  // takes the core its peers and its application need; with a core of its
  // own, a longer spin saves the wake-up of a nap.
  absl::Duration idle_spin = absl::Microseconds(10);
  // Longest nap of an idle engine (naps start at 10 us and double while it
  // stays idle), and the caller mode's background thread's pause between
  // looks: bounds how late an idle node notices a frame from a peer. A
  // request from this node wakes a napping engine at once.
  absl::Duration idle_sleep = absl::Milliseconds(1);
};

// Whether `key` is an [engine] key.
bool IsEngineSettingKey(absl::string_view key);

// Sets `key` from `value` in `settings`; InvalidArgumentError with the bare
// problem (the caller adds file and section) for a value out of range or not
// of the key's form.
absl::Status ParseEngineSetting(absl::string_view key, absl::string_view value,
                                EngineSettings& settings);

// The checks between keys (a heartbeat within the liveness bound, retransmit
// bounds in order), once every key is read.
absl::Status ValidateEngineSettings(const EngineSettings& settings);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_SETTINGS_H_
