// SPDX-License-Identifier: BSD-3-Clause
// Seeded fault injection on a stream of frames (mbufs), so that reliability
// tests can drop, duplicate, reorder, delay and corrupt frames reproducibly on
// any port type. The engine keeps one injector per direction and runs every
// RX and TX burst through it.

#ifndef RSM_TRANSPORT_FAULT_INJECTOR_H_
#define RSM_TRANSPORT_FAULT_INJECTOR_H_

#include <cstdint>
#include <random>
#include <vector>

#include "transport/fault/fault_spec.h"

struct rte_mbuf;

namespace rsm::transport {

struct FaultCounters {
  uint64_t dropped = 0;     // including corruptions that found no free mbuf
  uint64_t duplicated = 0;  // frames sent twice
  uint64_t reordered = 0;   // frames (or copies) held to be overtaken
  uint64_t corrupted = 0;
  uint64_t delayed = 0;  // frames (or copies) held for delay_us
};

// Per frame, in this order and each decided by the seeded generator: drop
// (frees it); corrupt (replaces it with a private copy that has one bit
// flipped after the Ethernet header, so the frame still reaches the decoder,
// whose CRC catches it; the original is never written, because the sender
// keeps it for retransmission and net_ring hands the very same mbuf to the
// receiver); duplicate (the same mbuf twice, with one more reference); then
// for each copy, reorder (held until a later frame has gone out, or for
// delay_us if none does) or delay (held for delay_us).
//
// The same seed, frames and now_us values give the same faults. Used by one
// thread (the engine's).
class FaultInjector {
 public:
  FaultInjector(const FaultSpec& spec, uint64_t seed);
  // Owns the frames it holds.
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;
  // Frees the frames still held.
  ~FaultInjector();

  // Cached: the engine asks on every burst.
  bool enabled() const { return enabled_; }

  // Applies faults to frames[0..count) in place and appends held frames that
  // are due, returning the new count (<= capacity). Frames that do not fit
  // stay held, in order, for the next call. Requires count <= capacity, and
  // now_us never going back. Call it on every engine iteration, with count 0
  // when there is nothing new, so that held frames are released. Without
  // faults it returns count and touches nothing.
  uint16_t Apply(rte_mbuf** frames, uint16_t count, uint16_t capacity,
                 uint64_t now_us);

  const FaultCounters& counters() const { return counters_; }

 private:
  struct Held {
    rte_mbuf* frame;
    // Its place in the input stream, from 1.
    uint64_t arrival;
    // Released at or after this time (0 for frames that only lacked room).
    uint64_t due_us;
    // Also released once a frame that arrived after it has gone out.
    bool reordered;
  };

  // Where this call's frames go.
  struct Output {
    rte_mbuf** frames;
    uint16_t count;
    uint16_t capacity;
  };

  bool Chance(double probability);
  uint64_t Below(uint64_t bound);
  void Inject(rte_mbuf* frame, uint64_t arrival, uint64_t now_us, Output& out);
  void Place(rte_mbuf* frame, uint64_t arrival, uint64_t now_us, Output& out);
  // A copy with one bit flipped, or nullptr if the pool has no room; either
  // way the reference to `frame` is released.
  rte_mbuf* CorruptedCopy(rte_mbuf* frame);
  void Emit(rte_mbuf* frame, uint64_t arrival, Output& out);
  void ReleaseDue(uint64_t now_us, Output& out);

  const FaultSpec spec_;
  const bool enabled_;
  std::mt19937_64 random_;
  FaultCounters counters_;
  // This call's frames: the output overwrites the caller's array.
  std::vector<rte_mbuf*> incoming_;
  // In the order they were held.
  std::vector<Held> held_;
  uint64_t arrivals_ = 0;
  // The largest arrival number that has gone out, 0 before the first.
  uint64_t newest_emitted_ = 0;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_FAULT_INJECTOR_H_
