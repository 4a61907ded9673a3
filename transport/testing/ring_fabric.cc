// SPDX-License-Identifier: BSD-3-Clause
#include "transport/testing/ring_fabric.h"

#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace rsm::testing {
namespace {

constexpr unsigned kRingSize = 16384;
constexpr unsigned kBurst = 64;

}  // namespace

absl::StatusOr<std::unique_ptr<RingFabric>> RingFabric::Create(
    const char* name, const std::vector<transport::MacAddress>& macs) {
  std::unique_ptr<RingFabric> fabric(new RingFabric());
  fabric->switched_ = macs.size() != 2;
  for (size_t i = 0; i < macs.size(); ++i) {
    const std::string base = absl::StrCat(name, i);
    Port port{};
    port.mac = macs[i];
    port.rx = rte_ring_create((base + "rx").c_str(), kRingSize, SOCKET_ID_ANY,
                              RING_F_SP_ENQ | RING_F_SC_DEQ);
    // Cross-connected: the second port sends into the first one's RX ring
    // and receives from its TX ring.
    port.tx =
        !fabric->switched_ && i == 1
            ? fabric->ports_[0].rx
            : rte_ring_create((base + "tx").c_str(), kRingSize, SOCKET_ID_ANY,
                              RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (!fabric->switched_ && i == 1) {
      rte_ring_free(port.rx);
      port.rx = fabric->ports_[0].tx;
    }
    if (port.rx == nullptr || port.tx == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat("cannot create the rings of ", base));
    }
    const int port_id =
        rte_eth_from_rings(base.c_str(), &port.rx, 1, &port.tx, 1, 0);
    if (port_id < 0) {
      return absl::UnavailableError(absl::StrCat("rte_eth_from_rings ", base));
    }
    port.port_id = static_cast<uint16_t>(port_id);
    fabric->ports_.push_back(port);
  }
  return fabric;
}

RingFabric::~RingFabric() {
  // The ports keep pointers to the rings; they are left to the process's end
  // (EAL cannot be re-initialised anyway), only queued frames are freed.
  for (const Port& port : ports_) {
    void* frame = nullptr;
    while (rte_ring_dequeue(port.rx, &frame) == 0) {
      rte_pktmbuf_free(static_cast<rte_mbuf*>(frame));
    }
    while (rte_ring_dequeue(port.tx, &frame) == 0) {
      rte_pktmbuf_free(static_cast<rte_mbuf*>(frame));
    }
  }
}

unsigned RingFabric::Forward() {
  unsigned delivered = 0;
  if (!switched_) return 0;
  for (const Port& from : ports_) {
    void* frames[kBurst];
    const unsigned n = rte_ring_dequeue_burst(from.tx, frames, kBurst, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      auto* m = static_cast<rte_mbuf*>(frames[i]);
      if (tap) tap(m);
      if (lose && lose(m)) {
        rte_pktmbuf_free(m);
        continue;
      }
      const auto* eth = rte_pktmbuf_mtod(m, const rte_ether_hdr*);
      const bool broadcast = rte_is_broadcast_ether_addr(&eth->dst_addr);
      bool kept = false;
      for (const Port& to : ports_) {
        const bool match =
            broadcast ? &to != &from
                      : std::memcmp(to.mac.data(), eth->dst_addr.addr_bytes,
                                    to.mac.size()) == 0;
        if (!match) continue;
        if (kept) rte_mbuf_refcnt_update(m, 1);
        if (rte_ring_enqueue(to.rx, m) == 0) {
          kept = true;
          ++delivered;
        } else if (kept) {
          rte_mbuf_refcnt_update(m, -1);
        }
      }
      if (!kept) rte_pktmbuf_free(m);
    }
  }
  return delivered;
}

}  // namespace rsm::testing
