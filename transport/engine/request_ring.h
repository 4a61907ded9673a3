// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_REQUEST_RING_H_
#define RSM_TRANSPORT_ENGINE_REQUEST_RING_H_

#include <memory>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct rte_ring;

namespace rsm::transport {

namespace internal {

// The untyped ring under RequestRing<T>: a DPDK rte_ring of pointers, with
// multi-producer enqueue and single-consumer dequeue, in memory of its own,
// so it needs no EAL. Out of line, so that DPDK's inline ring code is
// compiled once, in request_ring.cc, where its sync mode and its treatment
// under ThreadSanitizer are explained.
class PointerRing {
 public:
  static absl::StatusOr<PointerRing> Create(absl::string_view name,
                                            unsigned capacity);

  bool Enqueue(void* object);
  unsigned DequeueBurst(void** out, unsigned max);
  unsigned Count() const;
  unsigned Capacity() const;

 private:
  struct Free {
    void operator()(rte_ring* ring) const;
  };

  explicit PointerRing(rte_ring* ring) : ring_(ring) {}

  std::unique_ptr<rte_ring, Free> ring_;
};

}  // namespace internal

// How application threads hand requests to an engine: pointers to T, any
// number of producer threads, one consumer (the engine thread). The ring
// carries the pointer only; the request itself stays where the producer put
// it, and everything the producer wrote to it before Enqueue() is visible to
// the engine after the DequeueBurst() that returned it: DPDK moves the
// producer tail past a slot only after the slot is written, and the consumer
// reads no slot before it has seen the tail pass it.
template <typename T>
class RequestRing {
 public:
  static_assert(std::is_object_v<T>, "the ring carries object pointers");

  // `name` is DPDK's (at most RTE_RING_NAMESIZE - 1 characters, for logs);
  // `capacity` is rounded up to a power of two, at most 2^30.
  static absl::StatusOr<std::unique_ptr<RequestRing>> Create(
      absl::string_view name, unsigned capacity) {
    absl::StatusOr<internal::PointerRing> ring =
        internal::PointerRing::Create(name, capacity);
    if (!ring.ok()) return ring.status();
    return std::unique_ptr<RequestRing>(new RequestRing(*std::move(ring)));
  }

  // Any thread. False if the ring is full: what to do then (drive progress,
  // back off, report a lack of resources) is the caller's business.
  bool Enqueue(T* request) { return ring_.Enqueue(request); }

  // The engine thread only. Moves up to `max` requests, oldest first, into
  // `out` and returns how many. Each producer's requests come out in the
  // order it enqueued them.
  unsigned DequeueBurst(T** out, unsigned max) {
    // The ring holds the void* that Enqueue() converted each T* to, and
    // copies slots as 64-bit words whatever their type; T* and void* have
    // the same size and representation for object types.
    return ring_.DequeueBurst(reinterpret_cast<void**>(out), max);
  }

  // Requests in the ring: a snapshot, exact only while nobody enqueues or
  // dequeues. Any thread.
  unsigned Count() const { return ring_.Count(); }
  // How many requests fit, a power of two.
  unsigned Capacity() const { return ring_.Capacity(); }

 private:
  explicit RequestRing(internal::PointerRing ring) : ring_(std::move(ring)) {}

  internal::PointerRing ring_;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_REQUEST_RING_H_
