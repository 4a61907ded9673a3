// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/topology.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "rsm/core/controller.h"
#include "rsm/core/runtime.h"
#include "transport/port.h"

namespace rsm::core {
namespace {

constexpr size_t kAlignment = 8;

size_t RoundUp(size_t n) {
  return (n + kAlignment - 1) / kAlignment * kAlignment;
}

size_t HeaderBytes(size_t controllers) {
  return RoundUp(offsetof(rsm_topology_t, connections) +
                 controllers * sizeof(rsm_connections_t*));
}

size_t ConnectionsBytes(size_t remotes) {
  return RoundUp(offsetof(rsm_connections_t, remote_cntlr) +
                 remotes * sizeof(rsm_remote_cntlr_t));
}

void CopyName(const std::string& name, char (&field)[RSM_MAXNAMELEN]) {
  const size_t length = std::min(name.size(), sizeof(field) - 1);
  std::memcpy(field, name.data(), length);
  field[length] = '\0';
}

}  // namespace

RsmStatusOr<std::vector<LocalControllerInfo>> DescribeInterconnect(
    rsm_node_id_t* local_node_id) {
  RSM_ASSIGN_OR_RETURN(const transport::ClusterConfig* config, ProcessConfig());
  const transport::ClusterConfig& cluster = *config;
  *local_node_id = cluster.node_id;
  std::vector<LocalControllerInfo> controllers;
  if (cluster.controllers.empty()) return controllers;
  RSM_RETURN_IF_ERROR(BringUpEal(cluster));

  for (const transport::ControllerConfig& controller : cluster.controllers) {
    RSM_ASSIGN_OR_RETURN(transport::PortInfo port,
                         LocalPort(cluster, controller));
    Controller* opened =
        ControllerRegistry::Instance().FindOpened(controller.name);
    LocalControllerInfo local{
        controller.name, transport::MacToHardwareAddress(port.mac), {}};
    for (const transport::NodeConfig& node : cluster.nodes) {
      if (node.id == cluster.node_id) continue;
      for (const auto& [name, mac] : node.controller_macs) {
        if (name != controller.name) continue;
        // Active once this process has opened the controller and the peer's
        // engine answers its handshake; down otherwise (unknown is not
        // reported as working).
        const uint_t state =
            opened != nullptr && opened->backend().PathActive(node.id)
                ? RSM_CONNECTION_ACTIVE
                : kPathDown;
        local.remotes.push_back(
            {node.id, name, transport::MacToHardwareAddress(mac), state});
      }
    }
    controllers.push_back(std::move(local));
  }
  return controllers;
}

rsm_topology_t* LayOutTopology(
    rsm_node_id_t local_node_id,
    const std::vector<LocalControllerInfo>& controllers) {
  size_t total = HeaderBytes(controllers.size());
  for (const LocalControllerInfo& controller : controllers) {
    total += ConnectionsBytes(controller.remotes.size());
  }
  // Callers may look at connections[0] even when there are none.
  total = std::max(total, sizeof(rsm_topology_t));
  void* block = nullptr;
  if (posix_memalign(&block, kAlignment, total) != 0) return nullptr;
  std::memset(block, 0, total);

  auto* topology = static_cast<rsm_topology_t*>(block);
  topology->topology_hdr.local_nodeid = local_node_id;
  topology->topology_hdr.local_cntlr_count =
      static_cast<uint_t>(controllers.size());
  char* next = static_cast<char*>(block) + HeaderBytes(controllers.size());
  for (size_t i = 0; i < controllers.size(); ++i) {
    const LocalControllerInfo& controller = controllers[i];
    auto* connections = reinterpret_cast<rsm_connections_t*>(next);
    topology->connections[i] = connections;
    CopyName(controller.name, connections->hdr.cntlr_name);
    connections->hdr.local_hwaddr = controller.hwaddr;
    connections->hdr.remote_cntlr_count =
        static_cast<int>(controller.remotes.size());
    // The records run past the declared one-element array, by design.
    rsm_remote_cntlr_t* records = connections->remote_cntlr;
    for (size_t r = 0; r < controller.remotes.size(); ++r) {
      const RemoteControllerInfo& remote = controller.remotes[r];
      rsm_remote_cntlr_t& record = records[r];
      record.remote_nodeid = remote.node_id;
      CopyName(remote.name, record.remote_cntlrname);
      record.remote_hwaddr = remote.hwaddr;
      record.connection_state = remote.state;
    }
    next += ConnectionsBytes(controller.remotes.size());
  }
  return topology;
}

}  // namespace rsm::core
