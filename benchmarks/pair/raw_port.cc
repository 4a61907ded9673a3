// SPDX-License-Identifier: BSD-3-Clause
#include "benchmarks/pair/raw_port.h"

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "transport/port.h"

namespace rsm::bench {
namespace {

constexpr uint16_t kDescriptors = 1024;
// Neither IPv4 nor the protocol's: IEEE 802 local experimental.
constexpr uint16_t kEtherType = 0x88B5;

}  // namespace

absl::StatusOr<RawPort> RawPort::Start(const char* name) {
  uint16_t port_id = 0;
  if (rte_eth_dev_get_port_by_name(name, &port_id) != 0) {
    return absl::NotFoundError(absl::StrCat("no port ", name));
  }
  static rte_mempool* const pool = rte_pktmbuf_pool_create(
      "rawbench", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
  if (pool == nullptr) return absl::ResourceExhaustedError("no raw pool");
  absl::StatusOr<uint16_t> mtu =
      transport::StartPort(port_id, pool, kDescriptors, kDescriptors, 0);
  if (!mtu.ok()) return mtu.status();
  return RawPort(port_id, pool,
                 static_cast<uint16_t>(*mtu + RTE_ETHER_HDR_LEN));
}

void RawPort::Stop() { rte_eth_dev_stop(port_id_); }

rte_mbuf* RawPort::Frame(uint16_t length) {
  rte_mbuf* frame = rte_pktmbuf_alloc(pool_);
  if (frame == nullptr) return nullptr;
  auto* header = static_cast<rte_ether_hdr*>(
      static_cast<void*>(rte_pktmbuf_append(frame, length)));
  std::memset(header, 0xff, size_t{2} * RTE_ETHER_ADDR_LEN);
  header->ether_type = rte_cpu_to_be_16(kEtherType);
  return frame;
}

void RawPort::SendAll(rte_mbuf** frames, uint16_t count) {
  uint16_t sent = 0;
  while (sent < count) {
    sent += rte_eth_tx_burst(port_id_, 0, frames + sent, count - sent);
  }
}

uint16_t RawPort::SendOrDrop(rte_mbuf** frames, uint16_t count) {
  const uint16_t sent = rte_eth_tx_burst(port_id_, 0, frames, count);
  Free(frames + sent, count - sent);
  return sent;
}

uint16_t RawPort::Receive(rte_mbuf** frames, uint16_t at_most) {
  return rte_eth_rx_burst(port_id_, 0, frames, at_most);
}

void RawPort::Free(rte_mbuf** frames, uint16_t count) {
  for (uint16_t i = 0; i < count; ++i) rte_pktmbuf_free(frames[i]);
}

}  // namespace rsm::bench
