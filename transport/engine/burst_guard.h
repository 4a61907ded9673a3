// SPDX-License-Identifier: BSD-3-Clause
// DPDK 22.11's memif PMD tears a connection down in the EAL interrupt thread
// when the peer goes away: it unmaps the shared rings while this engine may
// be inside rte_eth_rx_burst or rte_eth_tx_burst reading them, and the burst
// faults (SIGSEGV). The driver cannot be mended from here, so on such a port
// each burst runs under a guard: a fault inside it abandons the burst as if
// the wire had lost it, and the engine carries on (the peer's session times
// out or restarts as on any link loss). A fault anywhere else is left alone:
// it goes to the handler installed before ours, or ends the process as it
// would have.
#ifndef RSM_TRANSPORT_ENGINE_BURST_GUARD_H_
#define RSM_TRANSPORT_ENGINE_BURST_GUARD_H_

#include <rte_mbuf.h>

#include <cstdint>

namespace rsm::transport {

// Whether `port_id`'s driver needs the guard (net_memif).
bool PortNeedsBurstGuard(uint16_t port_id);

// Installs the process's SIGSEGV and SIGBUS handler that the guarded bursts
// rely on. Idempotent; any thread.
void InstallBurstGuard();

// rte_eth_rx_burst / rte_eth_tx_burst on queue 0 under the guard. A burst
// that faulted sets `*faulted` and returns 0 (rx: whatever the driver had
// taken is lost) or `count` (tx: the frames are lost like on a wire and must
// not be freed again: the driver may have freed some).
uint16_t GuardedRxBurst(uint16_t port_id, rte_mbuf** frames, uint16_t count,
                        bool* faulted);
uint16_t GuardedTxBurst(uint16_t port_id, rte_mbuf** frames, uint16_t count,
                        bool* faulted);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_BURST_GUARD_H_
