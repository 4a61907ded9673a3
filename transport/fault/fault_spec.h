// SPDX-License-Identifier: BSD-3-Clause
// What faults to inject into a stream of frames, as a cluster file or a test
// writes them. Plain data with no DPDK types, so that the cluster-file parser
// can hold one; transport/fault/injector.h applies it to mbufs.

#ifndef RSM_TRANSPORT_FAULT_FAULT_SPEC_H_
#define RSM_TRANSPORT_FAULT_FAULT_SPEC_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rsm::transport {

// Each probability is per frame, in [0, 1].
struct FaultSpec {
  double drop = 0;
  double duplicate = 0;
  double reorder = 0;
  double corrupt = 0;
  double delay = 0;
  // How long a delayed frame is held, and how long a reordered frame waits
  // for a later one to overtake it.
  uint32_t delay_us = 200;

  // Any probability > 0.
  bool enabled() const;

  // "none", or the items that differ from the defaults in the order
  // drop, duplicate, reorder, corrupt, delay, delay_us, each probability in
  // the shortest form that parses back to the same double.
  std::string ToString() const;
};

bool operator==(const FaultSpec& a, const FaultSpec& b);
inline bool operator!=(const FaultSpec& a, const FaultSpec& b) {
  return !(a == b);
}

// Parses comma-separated name=value items, any subset in any order, such as
// "drop=0.1,duplicate=0.01,reorder=0.1,corrupt=0.001,delay=0.05,delay_us=300".
// Spaces around items, names and values are ignored. "" and "none" mean no
// faults. InvalidArgumentError names the bad item.
absl::StatusOr<FaultSpec> ParseFaultSpec(absl::string_view text);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_FAULT_FAULT_SPEC_H_
