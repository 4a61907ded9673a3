// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_FRAME_OWNERSHIP_H_
#define RSM_TRANSPORT_ENGINE_FRAME_OWNERSHIP_H_

#include <rte_mbuf.h>

// Frames change threads inside DPDK code that ThreadSanitizer does not see
// (mempools, PMD rings): an application thread fills a frame the engine
// freed a moment ago, and on in-process ports one engine reads the very
// frame another wrote. These calls mark those hand-offs so the `tsan`
// config checks our code and not DPDK's; without it they cost nothing.
#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace rsm::transport {

// Before a frame goes back to DPDK (freed, or handed to the PMD to send).
inline void ReleaseFrame([[maybe_unused]] rte_mbuf* frame) {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(frame);
#endif
}

// After a frame comes from DPDK (allocated, or received).
inline void AcquireFrame([[maybe_unused]] rte_mbuf* frame) {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(frame);
#endif
}

inline void FreeFrame(rte_mbuf* frame) {
  ReleaseFrame(frame);
  rte_pktmbuf_free(frame);
}

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_FRAME_OWNERSHIP_H_
