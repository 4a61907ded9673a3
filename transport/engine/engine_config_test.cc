// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/engine_config.h"

#include "gtest/gtest.h"

namespace rsm::transport {
namespace {

TEST(EngineOptionsFor, TakesPeersAddressFaultsAndSettingsFromTheClusterFile) {
  ClusterConfig cluster;
  cluster.node_id = 2;
  ControllerConfig dpdk0;
  dpdk0.name = "dpdk0";
  dpdk0.device = "net_ring0";
  dpdk0.rx_faults.drop = 0.25;
  dpdk0.tx_faults.duplicate = 0.5;
  dpdk0.fault_seed = 42;
  cluster.controllers = {dpdk0};
  cluster.engine.progress = Progress::kCaller;
  cluster.engine.unreachable_after = absl::Seconds(3);
  cluster.engine.window_frames = 32;
  cluster.nodes = {
      {1, {{"dpdk0", {2, 0, 0, 0, 0, 1}}, {"dpdk1", {2, 0, 0, 0, 1, 1}}}},
      {2, {{"dpdk0", {2, 0, 0, 0, 0, 2}}}},
      {3, {{"dpdk1", {2, 0, 0, 0, 1, 3}}}},  // not on dpdk0
      {4, {{"dpdk0", {2, 0, 0, 0, 0, 4}}}},
  };
  const PortInfo port{7, {2, 0x52, 0x53, 0x4d, 2, 7}, true};

  const EngineOptions options = EngineOptionsFor(cluster, dpdk0, port);
  EXPECT_EQ(options.node_id, 2u);
  EXPECT_EQ(options.port_id, 7);
  EXPECT_EQ(options.mac, port.mac);
  ASSERT_EQ(options.peers.size(), 2u);
  EXPECT_EQ(options.peers[0].node_id, 1u);
  EXPECT_EQ(options.peers[0].mac, (MacAddress{2, 0, 0, 0, 0, 1}));
  EXPECT_EQ(options.peers[1].node_id, 4u);
  EXPECT_EQ(options.rx_faults, dpdk0.rx_faults);
  EXPECT_EQ(options.tx_faults, dpdk0.tx_faults);
  EXPECT_EQ(options.fault_seed, 42u);
  EXPECT_EQ(options.progress, Progress::kCaller);
  EXPECT_EQ(options.unreachable_after, absl::Seconds(3));
  EXPECT_EQ(options.window_frames, 32u);
}

}  // namespace
}  // namespace rsm::transport
