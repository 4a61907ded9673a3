// SPDX-License-Identifier: BSD-3-Clause
// Session sequence numbers: 64-bit inside the engine (they never wrap in
// practice), 32-bit on the wire. The wire value runs 1..2^32-1 and wraps,
// skipping 0, which the decoder reserves for unsequenced frames and which an
// ack uses for "nothing yet". A receiver recovers the 64-bit number from
// the number it expects: the one with that wire value within half a cycle
// (2^31-1) of it. Windows are far smaller than half a cycle, so that is
// unambiguous. See docs/protocol.md, "Sessions and sequencing".

#ifndef RSM_TRANSPORT_ENGINE_SEQUENCE_H_
#define RSM_TRANSPORT_ENGINE_SEQUENCE_H_

#include <cstdint>

namespace rsm::transport {

// Wire values in one cycle: 1..2^32-1.
inline constexpr uint64_t kSequenceCycle = 0xFFFFFFFFu;
// The farthest a wire value may lie from the expected number, either way.
inline constexpr uint64_t kSequenceHalfCycle = kSequenceCycle / 2;  // 2^31-1

// 0 ("none") stays 0; n >= 1 becomes ((n - 1) mod (2^32 - 1)) + 1.
constexpr uint32_t SequenceToWire(uint64_t n) {
  return n == 0 ? 0 : static_cast<uint32_t>((n - 1) % kSequenceCycle + 1);
}

// 0 stays 0. Otherwise the n >= 1 with SequenceToWire(n) == wire closest to
// `reference`: n - reference lies in [-(2^31-1), 2^31-1], exactly one such n
// exists as the cycle is odd. Near the start, where that n would be below 1
// (reference < 2^31), the smallest n >= 1 with that wire value is returned
// instead, which is then ahead of `reference` (by up to a cycle); so with
// reference 0, n == wire. `reference` must stay below 2^64 - 2^32 (some
// thousand years at 100 Mpps).
constexpr uint64_t SequenceFromWire(uint32_t wire, uint64_t reference) {
  if (wire == 0) return 0;
  // (wire - reference) mod (2^32 - 1), in [0, 2^32 - 1); a wire value of
  // 2^32 - 1 is 0 mod the cycle.
  const uint64_t ahead =
      (wire + kSequenceCycle - reference % kSequenceCycle) % kSequenceCycle;
  const uint64_t behind = kSequenceCycle - ahead;  // in [1, 2^31 - 1] if used
  if (ahead > kSequenceHalfCycle && reference > behind) {
    return reference - behind;
  }
  // Ahead, or behind would be below 1. Only reference 0 with wire 2^32 - 1
  // lands on 0 here, and the smallest n for that wire value is 2^32 - 1.
  return reference + ahead == 0 ? kSequenceCycle : reference + ahead;
}

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_SEQUENCE_H_
