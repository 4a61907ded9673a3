// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/request_ring.h"

#include <rte_common.h>
#include <rte_ring.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/config.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

#ifdef ABSL_HAVE_THREAD_SANITIZER
#include <sanitizer/tsan_interface.h>
#endif

namespace rsm::transport::internal {

namespace {

// With RING_F_EXACT_SZ, which makes the usable capacity exactly the power of
// two asked for, the ring has twice as many slots, and DPDK allows fewer than
// 2^31.
constexpr unsigned kMaxCapacity = 1u << 30;

// Producers use DPDK's relaxed tail sync (RTS) mode, not the classic
// multi-producer one. In the classic mode a producer that has reserved a slot
// (moved the head) publishes it by moving the tail, but only after every
// earlier producer has moved it: producers spin on each other. Application
// threads outnumber cores here, so a producer is sometimes preempted between
// the two steps, and the others then spin away their time slices, and with them
// the CPU the preempted one needs to finish. Since each producer goes straight
// on to its next request, that can turn into a lasting convoy: with 4 producers
// on this 2-core machine, the classic mode moved 1M requests in 0.05-0.2 s, or
// now and then stalled past a 2-minute timeout. In RTS mode whichever producer
// finishes last moves the tail for all, and nobody waits on a preempted
// producer except the engine, which cannot dequeue past its slot anyway. The
// cost is a second compare-and-swap per enqueue. The engine is the only
// consumer, so the dequeue side needs no atomic read-modify-write at all.
constexpr unsigned kFlags = RING_F_MP_RTS_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ;

// ThreadSanitizer and DPDK 22.11's ring do not understand each other.
// Debian's x86 build orders the single consumer's side with plain volatile
// accesses and compiler barriers: correct under x86's total store order, a
// data race in the C++ model. And the RTS producer tail is a 64-bit word
// that producers compare-and-swap whole while the consumer reads its upper
// 32-bit half (the position); TSan keys synchronization by address, so it
// connects neither. It would report the tails, every slot, and everything
// the producer wrote to the request. So the ring's internals are not
// instrumented (the two functions below carry
// ABSL_ATTRIBUTE_NO_SANITIZE_THREAD; the DPDK code in them is all inlined or,
// like rte_pause(), touches no memory), and TSan is told instead the one
// guarantee the ring gives its users: what a producer did before it enqueued
// a pointer happens before what the consumer does after dequeuing it. TSan
// still checks everything on either side of the hand-over.
void ReleaseToConsumer(void* object) {
#ifdef ABSL_HAVE_THREAD_SANITIZER
  __tsan_release(object);
#else
  static_cast<void>(object);
#endif
}

void AcquireFromProducer(void* object) {
#ifdef ABSL_HAVE_THREAD_SANITIZER
  __tsan_acquire(object);
#else
  static_cast<void>(object);
#endif
}

ABSL_ATTRIBUTE_NO_SANITIZE_THREAD bool RingEnqueue(rte_ring* ring,
                                                   void* object) {
  return rte_ring_mp_rts_enqueue_bulk_elem(ring, &object, sizeof(void*), 1,
                                           nullptr) == 1;
}

ABSL_ATTRIBUTE_NO_SANITIZE_THREAD unsigned RingDequeueBurst(rte_ring* ring,
                                                            void** out,
                                                            unsigned max) {
  return rte_ring_sc_dequeue_burst_elem(ring, out, sizeof(void*), max, nullptr);
}

}  // namespace

absl::StatusOr<PointerRing> PointerRing::Create(absl::string_view name,
                                                unsigned capacity) {
  if (capacity == 0 || capacity > kMaxCapacity) {
    return absl::InvalidArgumentError(
        absl::StrCat("request ring '", name, "': capacity ", capacity,
                     " is outside [1, ", kMaxCapacity, "]"));
  }
  const unsigned count = rte_align32pow2(capacity);
  const ssize_t size = rte_ring_get_memsize(rte_align32pow2(count + 1));
  if (size < 0) {
    return absl::InternalError(
        absl::StrCat("request ring '", name,
                     "': rte_ring_get_memsize: ", std::strerror(-size)));
  }
  // rte_ring_create() would take the memory from EAL (and register the ring
  // by name, process-wide); the engine needs neither, so the ring lives in
  // ordinary memory, cache-line aligned as DPDK lays out its fields, and
  // works before or without rte_eal_init().
  std::unique_ptr<rte_ring, Free> ring(static_cast<rte_ring*>(
      std::aligned_alloc(RTE_CACHE_LINE_SIZE, static_cast<size_t>(size))));
  if (ring == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "request ring '", name, "': cannot allocate ", size, " bytes"));
  }
  const std::string c_name(name);
  const int rc = rte_ring_init(ring.get(), c_name.c_str(), count, kFlags);
  if (rc != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request ring '", name, "': rte_ring_init: ", std::strerror(-rc)));
  }
  return PointerRing(ring.release());
}

bool PointerRing::Enqueue(void* object) {
  ReleaseToConsumer(object);
  return RingEnqueue(ring_.get(), object);
}

unsigned PointerRing::DequeueBurst(void** out, unsigned max) {
  const unsigned n = RingDequeueBurst(ring_.get(), out, max);
  for (unsigned i = 0; i < n; ++i) AcquireFromProducer(out[i]);
  return n;
}

unsigned PointerRing::Count() const {
  // Not rte_ring_count(): it reads the producer tail first, so a consumer
  // that moves in between can make the difference underflow. The consumer
  // tail never passes the producer tail, so reading it first keeps the
  // difference non-negative; producers that move in between can push it past
  // the capacity, hence the clamp. Relaxed: a snapshot orders nothing.
  const uint32_t cons = __atomic_load_n(&ring_->cons.tail, __ATOMIC_RELAXED);
  const uint32_t prod = __atomic_load_n(&ring_->prod.tail, __ATOMIC_RELAXED);
  return std::min(prod - cons, ring_->capacity);
}

unsigned PointerRing::Capacity() const { return ring_->capacity; }

void PointerRing::Free::operator()(rte_ring* ring) const { std::free(ring); }

}  // namespace rsm::transport::internal
