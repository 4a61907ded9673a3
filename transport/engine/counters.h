// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_COUNTERS_H_
#define RSM_TRANSPORT_ENGINE_COUNTERS_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "transport/wire/codec.h"

namespace rsm::transport {

// A counter written by the engine thread alone and read by anyone: a relaxed
// load and store, no read-modify-write, so counting costs no locked
// instruction on the data path.
class Counter {
 public:
  void Add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n,
                 std::memory_order_relaxed);
  }
  // For the few counters application threads also bump: an atomic add.
  void AddFromAnyThread(uint64_t n = 1) {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Why a received frame was dropped.
enum class DropReason : uint8_t {
  kMalformed,         // the decoder refused it (see decode_errors)
  kBadChecksum,       // CRC32C mismatch
  kNotForUs,          // destination node is not this node
  kUnknownPeer,       // source node is not configured
  kWrongSourceMac,    // source MAC is not the one configured for the node
  kStaleIncarnation,  // from an earlier incarnation of the peer or of us
  kNotConnected,      // sequenced frame before the session handshake
  kOutOfWindow,       // sequence number beyond the receive window
  kDuplicate,         // already received
  kBadAck,            // acknowledges frames never sent
  kBadFragment,       // not the continuation of the message being gathered
  kCount,
};
absl::string_view DropReasonName(DropReason reason);

struct TrafficCounters {
  Counter frames_in, bytes_in, frames_out, bytes_out;
  Counter retransmits;          // frames sent again
  Counter retransmit_timeouts;  // timer expiries that resent frames
  Counter fast_retransmits;     // gaps repaired on a selective ack
  Counter drops[static_cast<int>(DropReason::kCount)];
  void Drop(DropReason reason) { drops[static_cast<int>(reason)].Add(); }
  uint64_t Drops(DropReason reason) const {
    return drops[static_cast<int>(reason)].Get();
  }
};

// Per port: everything through it; per peer: what is attributable to one.
struct PortCounters : TrafficCounters {
  // Frames the decoder refused, by its verdict (DecodeStatus); their sum is
  // the malformed and bad-checksum drops.
  Counter decode_errors[wire::kDecodeStatusCount];
  Counter tx_ring_full;  // frames the PMD did not accept
  Counter no_mbufs;  // allocations that failed (any thread: AddFromAnyThread)
  Counter requests_failed;  // completed with an error
  // Bursts abandoned because the driver faulted in them (memif, when the
  // peer goes away: burst_guard.h).
  Counter burst_faults;
};

struct PeerCounters : TrafficCounters {
  Counter messages_delivered;
  Counter sessions_started;  // handshakes completed (restarts included)
  Counter unreachable;       // times declared unreachable
  // Of those, times it was heard but acked nothing for unreachable_after
  // while frames were in flight (an MTU mismatch, a peer that drops them).
  Counter acks_stalled;
};

// Every traffic counter and the non-zero drops ("rx_<reason>", as
// docs/protocol.md names them) on one line, for logs and tools.
std::string CountersToString(const TrafficCounters& counters);
// The same plus the port's own counters and decode errors.
std::string CountersToString(const PortCounters& counters);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_COUNTERS_H_
