// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/topology.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace rsm::core {
namespace {

bool Inside(const void* p, const void* block, size_t size) {
  auto address = reinterpret_cast<uintptr_t>(p);
  auto start = reinterpret_cast<uintptr_t>(block);
  return address >= start && address < start + size;
}

TEST(LayOutTopology, PutsEveryRecordInOneAlignedBlock) {
  const std::vector<LocalControllerInfo> controllers = {
      {"dpdk0",
       0x020000000001,
       {{2, "dpdk0", 0x020000000002, kPathDown},
        {3, "dpdk0", 0x020000000003, RSM_CONNECTION_ACTIVE}}},
      {"dpdk1", 0x020000000101, {}},
      {"dpdk2", 0x020000000201, {{4, "dpdk2", 0x020000000204, kPathDown}}},
  };
  rsm_topology_t* topology = LayOutTopology(7, controllers);
  ASSERT_NE(topology, nullptr);
  // The whole description must lie within the first allocation: header,
  // pointers, then each controller's header followed by its records.
  const size_t expected_size = offsetof(rsm_topology_t, connections) +
                               3 * sizeof(void*) +
                               3 * offsetof(rsm_connections_t, remote_cntlr) +
                               3 * sizeof(rsm_remote_cntlr_t);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(topology) % 8, 0u);
  EXPECT_EQ(topology->topology_hdr.local_nodeid, 7u);
  ASSERT_EQ(topology->topology_hdr.local_cntlr_count, 3u);

  const rsm_connections_t* first = topology->connections[0];
  EXPECT_EQ(reinterpret_cast<const char*>(first),
            reinterpret_cast<const char*>(&topology->connections[3]));
  for (uint_t i = 0; i < 3; ++i) {
    const rsm_connections_t* c = topology->connections[i];
    EXPECT_TRUE(Inside(c, topology, expected_size)) << i;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(c) % 8, 0u) << i;
    EXPECT_EQ(std::string(c->hdr.cntlr_name), controllers[i].name);
    EXPECT_EQ(c->hdr.local_hwaddr, controllers[i].hwaddr);
    ASSERT_EQ(c->hdr.remote_cntlr_count,
              static_cast<int>(controllers[i].remotes.size()));
    const rsm_remote_cntlr_t* records = c->remote_cntlr;
    for (int r = 0; r < c->hdr.remote_cntlr_count; ++r) {
      const RemoteControllerInfo& want = controllers[i].remotes[r];
      EXPECT_TRUE(Inside(&records[r] + 1, topology, expected_size + 1));
      EXPECT_EQ(records[r].remote_nodeid, want.node_id);
      EXPECT_EQ(std::string(records[r].remote_cntlrname), want.name);
      EXPECT_EQ(records[r].remote_hwaddr, want.hwaddr);
      EXPECT_EQ(records[r].connection_state, want.state);
    }
  }
  // Controllers follow each other: the second starts right after the first
  // one's two records.
  EXPECT_EQ(reinterpret_cast<const char*>(topology->connections[1]),
            reinterpret_cast<const char*>(&first->remote_cntlr[0]) +
                2 * sizeof(rsm_remote_cntlr_t));
  std::free(topology);
}

TEST(LayOutTopology, NoControllersStillGivesAFullHeader) {
  rsm_topology_t* topology = LayOutTopology(1, {});
  ASSERT_NE(topology, nullptr);
  EXPECT_EQ(topology->topology_hdr.local_nodeid, 1u);
  EXPECT_EQ(topology->topology_hdr.local_cntlr_count, 0u);
  std::free(topology);
}

TEST(LayOutTopology, TruncatesOverlongNamesWithinTheField) {
  const std::string long_name(RSM_MAXNAMELEN + 40, 'x');
  rsm_topology_t* topology =
      LayOutTopology(1, {{long_name, 1, {{2, long_name, 2, kPathDown}}}});
  ASSERT_NE(topology, nullptr);
  const rsm_connections_t* c = topology->connections[0];
  EXPECT_EQ(std::string(c->hdr.cntlr_name),
            std::string(RSM_MAXNAMELEN - 1, 'x'));
  EXPECT_EQ(std::string(c->remote_cntlr[0].remote_cntlrname),
            std::string(RSM_MAXNAMELEN - 1, 'x'));
  std::free(topology);
}

}  // namespace
}  // namespace rsm::core
