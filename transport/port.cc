// SPDX-License-Identifier: BSD-3-Clause
#include "transport/port.h"

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rsm::transport {

namespace {

const MacAddress* ConfiguredMac(const ClusterConfig& cluster,
                                const ControllerConfig& controller) {
  for (const NodeConfig& node : cluster.nodes) {
    if (node.id != cluster.node_id) continue;
    for (const auto& [name, mac] : node.controller_macs) {
      if (name == controller.name) return &mac;
    }
  }
  return nullptr;
}

// How long a memif client keeps trying to reach its server, and how long
// each attempt waits for the link.
constexpr absl::Duration kMemifConnectTimeout = absl::Seconds(10);
constexpr absl::Duration kMemifLinkWait = absl::Milliseconds(200);

bool LinkUp(uint16_t port_id) {
  rte_eth_link link{};
  return rte_eth_link_get_nowait(port_id, &link) == 0 &&
         link.link_status == RTE_ETH_LINK_UP;
}

// A net_memif port whose vdev spec does not say role=server (client is
// memif's default role).
bool IsMemifClient(uint16_t port_id) {
  rte_eth_dev_info info{};
  if (rte_eth_dev_info_get(port_id, &info) != 0 ||
      info.driver_name == nullptr ||
      std::strcmp(info.driver_name, "net_memif") != 0 ||
      info.device == nullptr) {
    return false;
  }
  const rte_devargs* devargs = rte_dev_devargs(info.device);
  if (devargs == nullptr || devargs->args == nullptr) return true;
  rte_kvargs* kvargs = rte_kvargs_parse(devargs->args, nullptr);
  if (kvargs == nullptr) return false;
  const char* role = rte_kvargs_get(kvargs, "role");
  const bool client = role == nullptr || std::strcmp(role, "server") != 0;
  rte_kvargs_free(kvargs);
  return client;
}

// DPDK 22.11's memif client does not retry on its own: started before the
// server's socket exists, rte_eth_dev_start fails; started after the socket
// exists but before the server's port has started, the server refuses it
// ("ID 0 not found") and its link stays down for good. So the client starts
// until the start succeeds, and restarts (stop + start) whenever the link is
// not up within kMemifLinkWait, until kMemifConnectTimeout.
int StartMemifClient(uint16_t port_id) {
  const absl::Time deadline = absl::Now() + kMemifConnectTimeout;
  absl::Duration backoff = absl::Milliseconds(10);
  for (;;) {
    const int rc = rte_eth_dev_start(port_id);
    if (rc == 0) {
      const absl::Time link_deadline =
          std::min(absl::Now() + kMemifLinkWait, deadline);
      while (!LinkUp(port_id) && absl::Now() < link_deadline) {
        absl::SleepFor(absl::Milliseconds(1));
      }
      if (LinkUp(port_id)) return 0;
      rte_eth_dev_stop(port_id);
      if (absl::Now() >= deadline) return -ENOTCONN;
    } else if (absl::Now() >= deadline) {
      return rc;
    } else {
      absl::SleepFor(backoff);
      backoff = std::min(2 * backoff, kMemifLinkWait);
    }
  }
}

}  // namespace

absl::StatusOr<PortInfo> FindPort(const ClusterConfig& cluster,
                                  const ControllerConfig& controller) {
  const std::string port_name = controller.PortName();
  PortInfo info{};
  if (rte_eth_dev_get_port_by_name(port_name.c_str(), &info.port_id) != 0) {
    return absl::NotFoundError(absl::StrCat(
        "controller ", controller.name, ": no DPDK port named '", port_name,
        "' (device '", controller.device, "' was not probed by EAL)"));
  }
  rte_ether_addr mac;
  const int mac_rc = rte_eth_macaddr_get(info.port_id, &mac);
  if (mac_rc != 0) {
    return absl::InternalError(absl::StrCat(
        "controller ", controller.name, ": cannot read the MAC of ", port_name,
        ": ", rte_strerror(-mac_rc)));
  }
  if (const MacAddress* configured = ConfiguredMac(cluster, controller)) {
    info.mac = *configured;
  } else if (!rte_is_zero_ether_addr(&mac)) {
    for (size_t i = 0; i < info.mac.size(); ++i) {
      info.mac[i] = mac.addr_bytes[i];
    }
  } else {
    info.mac = {0x02,
                0x52,
                0x53,
                0x4d,
                static_cast<uint8_t>(cluster.node_id),
                static_cast<uint8_t>(info.port_id)};
  }
  rte_eth_link link{};
  info.link_up = rte_eth_link_get_nowait(info.port_id, &link) == 0 &&
                 link.link_status == RTE_ETH_LINK_UP;
  return info;
}

absl::StatusOr<uint16_t> StartPort(uint16_t port_id, rte_mempool* pool,
                                   uint16_t rx_descriptors,
                                   uint16_t tx_descriptors, uint16_t mtu) {
  rte_eth_conf conf{};
  conf.rxmode.mtu = mtu;
  int rc = rte_eth_dev_configure(port_id, 1, 1, &conf);
  if (rc == 0) {
    rc = rte_eth_rx_queue_setup(port_id, 0, rx_descriptors,
                                rte_eth_dev_socket_id(port_id), nullptr, pool);
  }
  if (rc == 0) {
    rc = rte_eth_tx_queue_setup(port_id, 0, tx_descriptors,
                                rte_eth_dev_socket_id(port_id), nullptr);
  }
  const bool memif_client = rc == 0 && IsMemifClient(port_id);
  if (rc == 0) {
    rc = memif_client ? StartMemifClient(port_id) : rte_eth_dev_start(port_id);
  }
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot start port ", port_id,
        mtu != 0 ? absl::StrCat(" with MTU ", mtu) : "", ": ",
        rte_strerror(-rc),
        memif_client
            ? absl::StrCat(" (memif client: no server answered within ",
                           absl::FormatDuration(kMemifConnectTimeout), ")")
            : ""));
  }
  // Peers' frames are addressed to our configured MAC, which need not be
  // the port's own; not every PMD supports promiscuous mode, and virtual
  // ones need none.
  rte_eth_promiscuous_enable(port_id);
  uint16_t started_mtu = RTE_ETHER_MTU;
  if (rte_eth_dev_get_mtu(port_id, &started_mtu) != 0) {
    started_mtu = RTE_ETHER_MTU;
  }
  return started_mtu;
}

uint64_t MacToHardwareAddress(const MacAddress& mac) {
  uint64_t address = 0;
  for (uint8_t octet : mac) address = (address << 8) | octet;
  return address;
}

}  // namespace rsm::transport
