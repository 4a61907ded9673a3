// SPDX-License-Identifier: BSD-3-Clause
#include "transport/fault/injector.h"

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cassert>

namespace rsm::transport {
namespace {

// One more reference to every segment: rte_pktmbuf_free drops one reference
// per segment, so a chain shared through its head alone would lose its tail
// at the first free.
void AddReference(rte_mbuf* frame) {
  for (rte_mbuf* segment = frame; segment != nullptr; segment = segment->next) {
    rte_mbuf_refcnt_update(segment, 1);
  }
}

uint8_t* ByteAt(rte_mbuf* frame, uint32_t offset) {
  rte_mbuf* segment = frame;
  while (offset >= segment->data_len) {
    offset -= segment->data_len;
    segment = segment->next;
  }
  return rte_pktmbuf_mtod_offset(segment, uint8_t*, offset);
}

}  // namespace

FaultInjector::FaultInjector(const FaultSpec& spec, uint64_t seed)
    : spec_(spec), enabled_(spec.enabled()), random_(seed) {}

FaultInjector::~FaultInjector() {
  for (const Held& held : held_) rte_pktmbuf_free(held.frame);
}

uint16_t FaultInjector::Apply(rte_mbuf** frames, uint16_t count,
                              uint16_t capacity, uint64_t now_us) {
  assert(count <= capacity);
  if (!enabled()) return count;
  incoming_.assign(frames, frames + count);
  Output out{frames, 0, capacity};
  // Held frames first: they are older than this call's, and frames held only
  // for lack of room must keep their place.
  ReleaseDue(now_us, out);
  for (rte_mbuf* frame : incoming_) Inject(frame, ++arrivals_, now_us, out);
  // Again, for frames this call's have overtaken.
  ReleaseDue(now_us, out);
  return out.count;
}

bool FaultInjector::Chance(double probability) {
  // A draw only for faults that are on, so that turning one on does not
  // change the others' runs more than it must. 53 random bits, as a double in
  // [0, 1): the same on every standard library, unlike
  // std::uniform_real_distribution.
  return probability > 0 &&
         static_cast<double>(random_() >> 11) * 0x1.0p-53 < probability;
}

uint64_t FaultInjector::Below(uint64_t bound) { return random_() % bound; }

void FaultInjector::Inject(rte_mbuf* frame, uint64_t arrival, uint64_t now_us,
                           Output& out) {
  if (Chance(spec_.drop)) {
    rte_pktmbuf_free(frame);
    ++counters_.dropped;
    return;
  }
  // A frame with nothing after its Ethernet header is not ours to corrupt.
  if (Chance(spec_.corrupt) && rte_pktmbuf_pkt_len(frame) > RTE_ETHER_HDR_LEN) {
    frame = CorruptedCopy(frame);
    if (frame == nullptr) {
      ++counters_.dropped;
      return;
    }
    ++counters_.corrupted;
  }
  if (Chance(spec_.duplicate)) {
    AddReference(frame);
    ++counters_.duplicated;
    Place(frame, arrival, now_us, out);
  }
  Place(frame, arrival, now_us, out);
}

void FaultInjector::Place(rte_mbuf* frame, uint64_t arrival, uint64_t now_us,
                          Output& out) {
  const uint64_t due_us = now_us + spec_.delay_us;
  if (Chance(spec_.reorder)) {
    held_.push_back({frame, arrival, due_us, /*reordered=*/true});
    ++counters_.reordered;
  } else if (Chance(spec_.delay)) {
    held_.push_back({frame, arrival, due_us, /*reordered=*/false});
    ++counters_.delayed;
  } else if (out.count < out.capacity) {
    Emit(frame, arrival, out);
  } else {
    // No room: out stays full for the rest of this call, so every later
    // frame lands here too, behind this one.
    held_.push_back({frame, arrival, /*due_us=*/0, /*reordered=*/false});
  }
}

rte_mbuf* FaultInjector::CorruptedCopy(rte_mbuf* frame) {
  rte_mbuf* copy = rte_pktmbuf_copy(frame, frame->pool, 0, UINT32_MAX);
  rte_pktmbuf_free(frame);
  if (copy == nullptr) return nullptr;
  const uint32_t offset =
      RTE_ETHER_HDR_LEN + Below(rte_pktmbuf_pkt_len(copy) - RTE_ETHER_HDR_LEN);
  *ByteAt(copy, offset) ^= static_cast<uint8_t>(1u << Below(8));
  return copy;
}

void FaultInjector::Emit(rte_mbuf* frame, uint64_t arrival, Output& out) {
  out.frames[out.count++] = frame;
  newest_emitted_ = std::max(newest_emitted_, arrival);
}

void FaultInjector::ReleaseDue(uint64_t now_us, Output& out) {
  size_t kept = 0;
  for (const Held& held : held_) {
    const bool due = now_us >= held.due_us ||
                     (held.reordered && newest_emitted_ > held.arrival);
    if (due && out.count < out.capacity) {
      Emit(held.frame, held.arrival, out);
    } else {
      held_[kept++] = held;
    }
  }
  held_.resize(kept);
}

}  // namespace rsm::transport
