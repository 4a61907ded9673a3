// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/testing/n_nodes.h"

#include <pthread.h>
#include <sched.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rsm/core/controller_attributes.h"
#include "transport/port.h"
#include "transport/segments/segment_service.h"
#include "transport/testing/test_cluster.h"

namespace rsm::testing {

bool InitEalKeepingAffinity(const char* file_prefix, const char* lcores) {
  cpu_set_t affinity;
  const bool saved =
      pthread_getaffinity_np(pthread_self(), sizeof affinity, &affinity) == 0;
  const bool up = InitTestEal(file_prefix, lcores);
  if (saved) pthread_setaffinity_np(pthread_self(), sizeof affinity, &affinity);
  return up;
}

transport::MacAddress NodeCluster::MacOf(int node) {
  return {0x02, 0x00, 0x00, 0x00, 0x01, static_cast<uint8_t>(node)};
}

absl::StatusOr<std::unique_ptr<NodeCluster>> NodeCluster::Create(
    const char* name, int nodes,
    const std::function<void(transport::EngineOptions&)>& adjust) {
  std::unique_ptr<NodeCluster> cluster(new NodeCluster());
  std::vector<transport::MacAddress> macs;
  std::vector<transport::PeerAddress> peers;
  for (int node = 1; node <= nodes; ++node) {
    macs.push_back(MacOf(node));
    peers.push_back({static_cast<uint32_t>(node), MacOf(node)});
  }
  absl::StatusOr<std::unique_ptr<RingFabric>> fabric =
      RingFabric::Create(name, macs);
  if (!fabric.ok()) return fabric.status();
  cluster->fabric_ = *std::move(fabric);
  if (nodes != 2) {
    // A switch: frames wait in the ports' TX rings until moved.
    cluster->forwarding_.store(true);
    cluster->forwarder_ = std::thread([c = cluster.get()] { c->Forward(); });
  }
  for (int node = 1; node <= nodes; ++node) {
    transport::EngineOptions options;
    options.node_id = static_cast<uint32_t>(node);
    options.mac = MacOf(node);
    options.port_id = cluster->fabric_->port(node - 1).port_id;
    options.peers = peers;
    options.unreachable_after = absl::Seconds(2);
    if (adjust) adjust(options);
    absl::StatusOr<std::unique_ptr<transport::SegmentService>> backend =
        transport::SegmentService::Start(options);
    if (!backend.ok()) return backend.status();
    cluster->controllers_.push_back(core::ControllerRegistry::Instance().Adopt(
        std::make_unique<core::Controller>(
            absl::StrCat(name, ".node", node), core::Controller::Kind::kDpdk,
            core::DpdkControllerAttributes(), *std::move(backend))));
  }
  return cluster;
}

NodeCluster::~NodeCluster() {
  // The engines use the fabric's rings until they stop; the forwarder too.
  for (int node = 1; node <= size(); ++node) Stop(node);
  if (forwarder_.joinable()) {
    forwarding_.store(false);
    forwarder_.join();
  }
}

void NodeCluster::Forward() {
  while (forwarding_.load(std::memory_order_relaxed)) {
    // Idle: let the engine threads have the CPU (the machine may have two).
    if (fabric_->Forward() == 0) std::this_thread::yield();
  }
}

rsmapi_controller_handle_t NodeCluster::handle(int node) const {
  return reinterpret_cast<rsmapi_controller_handle_t>(controllers_[node - 1]);
}

core::Controller& NodeCluster::controller(int node) const {
  return *controllers_[node - 1];
}

void NodeCluster::Stop(int node) {
  controllers_[node - 1]->backend().Shutdown();
}

transport::FaultCounters NodeCluster::InjectedOnReceive(int node) const {
  return static_cast<transport::SegmentService&>(
             controllers_[node - 1]->backend())
      .engine()
      .rx_faults()
      .counters();
}

}  // namespace rsm::testing
