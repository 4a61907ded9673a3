// SPDX-License-Identifier: BSD-3-Clause
// rsm_get_controller, rsm_get_controller_attr, rsm_release_controller,
// rsm_get_interconnect_topology and rsm_free_interconnect_topology through
// the C API, with Solaris's return codes. Each case that loads a
// configuration or brings up DPDK runs in its own child process (EAL and the
// configuration live once per process).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/capi_setups.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_files.h"
#include "transport/testing/threads.h"

namespace {

using rsm::testing::Pages;
using rsm::testing::RunInChildProcess;
using rsm::testing::ThreadsNamed;
using rsm::testing::WriteTestFile;

// The embedded default unless a test sets RSM_CONFIG in its child.
void UseEmbeddedDefault() { unsetenv("RSM_CONFIG"); }

char* Name(const char* name) { return const_cast<char*>(name); }

TEST(GetController, NullOutPointerIsBadControllerHandle) {
  EXPECT_EQ(rsm_get_controller(Name("loopback"), nullptr),
            RSMERR_BAD_CTLR_HNDL);
}

TEST(GetController, NullNameAndAnyLoopbackUnitAreTheOneLoopback) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    rsmapi_controller_handle_t by_null = nullptr, by_name = nullptr,
                               by_unit = nullptr;
    ASSERT_EQ(rsm_get_controller(nullptr, &by_null), RSM_SUCCESS);
    ASSERT_EQ(rsm_get_controller(Name("loopback"), &by_name), RSM_SUCCESS);
    ASSERT_EQ(rsm_get_controller(Name("loopback3"), &by_unit), RSM_SUCCESS);
    EXPECT_NE(by_null, nullptr);
    EXPECT_EQ(by_null, by_name);
    EXPECT_EQ(by_null, by_unit);
  }));
}

TEST(GetController, UnknownNamesAreNotPresent) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    for (const char* name : {"dpdk7", "wrsm0", "loopbackx", "", "dpdk"}) {
      rsmapi_controller_handle_t handle = nullptr;
      EXPECT_EQ(rsm_get_controller(Name(name), &handle),
                RSMERR_CTLR_NOT_PRESENT)
          << "'" << name << "'";
    }
  }));
}

TEST(ReleaseController, CountsReferencesAsSolarisDid) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    rsmapi_controller_handle_t handle = nullptr;
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(rsm_get_controller(nullptr, &handle), RSM_SUCCESS);
    }
    rsmapi_controller_attr_t attr;
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(rsm_get_controller_attr(handle, &attr), RSM_SUCCESS) << i;
      EXPECT_EQ(rsm_release_controller(handle), RSM_SUCCESS) << i;
    }
    // No reference left: release is a bad handle, attributes not present.
    EXPECT_EQ(rsm_release_controller(handle), RSMERR_BAD_CTLR_HNDL);
    EXPECT_EQ(rsm_get_controller_attr(handle, &attr), RSMERR_CTLR_NOT_PRESENT);
    // Getting it again revives the same controller.
    rsmapi_controller_handle_t again = nullptr;
    ASSERT_EQ(rsm_get_controller(nullptr, &again), RSM_SUCCESS);
    EXPECT_EQ(again, handle);
    EXPECT_EQ(rsm_get_controller_attr(handle, &attr), RSM_SUCCESS);
  }));
}

// A same-node put/get round on `controller`: export, publish, connect, put,
// get. The import handle stays connected (for the caller to try after the
// controller is gone); the export is left published.
rsm_memseg_import_handle_t RoundTrip(rsmapi_controller_handle_t controller,
                                     const Pages& memory, uint8_t value) {
  rsm_memseg_export_handle_t exported = nullptr;
  EXPECT_EQ(rsm_memseg_export_create(controller, &exported, memory.data(),
                                     memory.size(), 0),
            RSM_SUCCESS);
  rsm_memseg_id_t id = 0;
  EXPECT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0), RSM_SUCCESS);
  rsm_memseg_import_handle_t imported = nullptr;
  EXPECT_EQ(
      rsm_memseg_import_connect(controller, 1, id, RSM_PERM_RDWR, &imported),
      RSM_SUCCESS);
  uint8_t out[8], in[8] = {};
  std::fill(out, out + sizeof out, value);
  EXPECT_EQ(rsm_memseg_import_put(imported, 0, out, sizeof out), RSM_SUCCESS);
  EXPECT_EQ(rsm_memseg_import_get(imported, 0, in, sizeof in), RSM_SUCCESS);
  EXPECT_EQ(in[7], value);
  EXPECT_EQ(memory.data()[7], value);
  return imported;
}

TEST(ReleaseController, LastReleaseStopsTheEngineAndNextGetStartsANewOne) {
  EXPECT_TRUE(RunInChildProcess(
      [] {
        UseEmbeddedDefault();
        rsmapi_controller_handle_t first = nullptr, second = nullptr;
        ASSERT_EQ(rsm_get_controller(Name("dpdk0"), &first), RSM_SUCCESS);
        ASSERT_EQ(rsm_get_controller(Name("dpdk0"), &second), RSM_SUCCESS);
        ASSERT_EQ(first, second);
        EXPECT_EQ(ThreadsNamed("rsm-engine").size(), 1u);
        const Pages memory(1);
        rsm_memseg_import_handle_t stale = RoundTrip(first, memory, 1);

        // One reference left: still running.
        EXPECT_EQ(rsm_release_controller(first), RSM_SUCCESS);
        EXPECT_EQ(ThreadsNamed("rsm-engine").size(), 1u);
        // The last one stops the engine; what was made on it fails cleanly.
        EXPECT_EQ(rsm_release_controller(first), RSM_SUCCESS);
        EXPECT_TRUE(ThreadsNamed("rsm-engine").empty());
        uint8_t byte = 9;
        EXPECT_EQ(rsm_memseg_import_put(stale, 0, &byte, 1),
                  RSMERR_CONN_ABORTED);
        EXPECT_EQ(memory.data()[0], 1);  // what the round wrote, not 9
        rsmapi_controller_attr_t attr;
        EXPECT_EQ(rsm_get_controller_attr(first, &attr),
                  RSMERR_CTLR_NOT_PRESENT);

        // Opened again (and again: the port's frame pools are taken over,
        // not leaked), the controller is a new one on the same port.
        for (int round = 2; round < 12; ++round) {
          rsmapi_controller_handle_t again = nullptr;
          ASSERT_EQ(rsm_get_controller(Name("dpdk0"), &again), RSM_SUCCESS)
              << round;
          EXPECT_NE(again, first);
          EXPECT_EQ(ThreadsNamed("rsm-engine").size(), 1u);
          const Pages fresh(1);
          RoundTrip(again, fresh, static_cast<uint8_t>(round));
          EXPECT_EQ(rsm_release_controller(again), RSM_SUCCESS);
          EXPECT_TRUE(ThreadsNamed("rsm-engine").empty());
        }
        EXPECT_EQ(rsm_memseg_import_put(stale, 0, &byte, 1),
                  RSMERR_CONN_ABORTED);
      },
      60));
}

TEST(ControllerCalls, RefuseHandlesThatAreNotControllers) {
  EXPECT_EQ(rsm_release_controller(nullptr), RSMERR_BAD_CTLR_HNDL);
  rsmapi_controller_attr_t attr;
  EXPECT_EQ(rsm_get_controller_attr(nullptr, &attr), RSMERR_BAD_CTLR_HNDL);
  int not_a_controller = 0;
  auto bogus = reinterpret_cast<rsmapi_controller_handle_t>(&not_a_controller);
  EXPECT_EQ(rsm_get_controller_attr(bogus, &attr), RSMERR_BAD_CTLR_HNDL);
  EXPECT_EQ(rsm_release_controller(bogus), RSMERR_BAD_CTLR_HNDL);
}

TEST(GetControllerAttr, NullAttributePointerIsBadAddress) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    rsmapi_controller_handle_t handle = nullptr;
    ASSERT_EQ(rsm_get_controller(nullptr, &handle), RSM_SUCCESS);
    EXPECT_EQ(rsm_get_controller_attr(handle, nullptr), RSMERR_BAD_ADDR);
  }));
}

TEST(GetControllerAttr, LoopbackReportsOnlyThePageSize) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    rsmapi_controller_handle_t handle = nullptr;
    ASSERT_EQ(rsm_get_controller(Name("loopback"), &handle), RSM_SUCCESS);
    rsmapi_controller_attr_t attr;
    ASSERT_EQ(rsm_get_controller_attr(handle, &attr), RSM_SUCCESS);
    EXPECT_EQ(attr.attr_page_size, static_cast<size_t>(sysconf(_SC_PAGESIZE)));
    EXPECT_EQ(attr.attr_direct_access_sizes, 0u);
    EXPECT_EQ(attr.attr_atomic_sizes, 0u);
    EXPECT_EQ(attr.attr_max_export_segment_size, 0u);
    EXPECT_EQ(attr.attr_tot_export_segment_size, 0u);
    EXPECT_EQ(attr.attr_max_export_segments, 0u);
    EXPECT_EQ(attr.attr_max_import_map_size, 0u);
    EXPECT_EQ(attr.attr_tot_import_map_size, 0u);
    EXPECT_EQ(attr.attr_max_import_segments, 0u);
  }));
}

TEST(GetController, EmbeddedDefaultHasADpdkControllerOnNetRing) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    rsmapi_controller_handle_t dpdk = nullptr, loopback = nullptr;
    ASSERT_EQ(rsm_get_controller(Name("dpdk0"), &dpdk), RSM_SUCCESS);
    ASSERT_EQ(rsm_get_controller(nullptr, &loopback), RSM_SUCCESS);
    EXPECT_NE(dpdk, loopback);
    rsmapi_controller_attr_t attr;
    ASSERT_EQ(rsm_get_controller_attr(dpdk, &attr), RSM_SUCCESS);
    EXPECT_EQ(attr.attr_page_size, static_cast<size_t>(sysconf(_SC_PAGESIZE)));
    EXPECT_EQ(attr.attr_direct_access_sizes, 0u);  // no load/store over frames
    EXPECT_EQ(attr.attr_max_export_segment_size, size_t{1} << 30);
    EXPECT_GT(attr.attr_tot_export_segment_size,
              attr.attr_max_export_segment_size);
    EXPECT_EQ(attr.attr_max_export_segments, 4095u);
    EXPECT_EQ(attr.attr_max_import_segments, 4095u);
    EXPECT_EQ(attr.attr_max_import_map_size, 0u);
    EXPECT_EQ(rsm_release_controller(dpdk), RSM_SUCCESS);
    EXPECT_EQ(rsm_release_controller(dpdk), RSMERR_BAD_CTLR_HNDL);
  }));
}

TEST(GetController, ManyThreadsAtOnceKeepTheCountExact) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    constexpr int kThreads = 8, kRounds = 2000;
    std::vector<std::thread> threads;
    std::vector<int> failures(kThreads, 0);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([t, &failures] {
        for (int i = 0; i < kRounds; ++i) {
          rsmapi_controller_handle_t handle = nullptr;
          if (rsm_get_controller(nullptr, &handle) != RSM_SUCCESS) {
            ++failures[t];
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0);
    rsmapi_controller_handle_t handle = nullptr;
    ASSERT_EQ(rsm_get_controller(nullptr, &handle), RSM_SUCCESS);
    for (int i = 0; i < kThreads * kRounds + 1; ++i) {
      ASSERT_EQ(rsm_release_controller(handle), RSM_SUCCESS) << i;
    }
    EXPECT_EQ(rsm_release_controller(handle), RSMERR_BAD_CTLR_HNDL);
  }));
}

TEST(BadConfiguration, EveryControllerIsNotPresentUntilTheFileIsFixed) {
  EXPECT_TRUE(RunInChildProcess([] {
    const std::string path =
        WriteTestFile("broken.ini", "[cluster]\nnode_id = abc\n");
    setenv("RSM_CONFIG", path.c_str(), 1);
    rsmapi_controller_handle_t handle = nullptr;
    EXPECT_EQ(rsm_get_controller(nullptr, &handle), RSMERR_CTLR_NOT_PRESENT);
    EXPECT_EQ(rsm_get_controller(Name("dpdk0"), &handle),
              RSMERR_CTLR_NOT_PRESENT);
    rsm_topology_t* topology = nullptr;
    EXPECT_EQ(rsm_get_interconnect_topology(&topology),
              RSMERR_CTLR_NOT_PRESENT);
    // Fixed in place: the next call loads it.
    WriteTestFile("broken.ini", "[cluster]\nnode_id = 5\n");
    ASSERT_EQ(rsm_get_controller(nullptr, &handle), RSM_SUCCESS);
    ASSERT_EQ(rsm_get_interconnect_topology(&topology), RSM_SUCCESS);
    EXPECT_EQ(topology->topology_hdr.local_nodeid, 5u);
    EXPECT_EQ(topology->topology_hdr.local_cntlr_count, 0u);
    rsm_free_interconnect_topology(topology);
  }));
}

TEST(BadConfiguration, MissingFileIsNotPresent) {
  EXPECT_TRUE(RunInChildProcess([] {
    setenv("RSM_CONFIG", "/nonexistent/rsm/cluster.ini", 1);
    rsmapi_controller_handle_t handle = nullptr;
    EXPECT_EQ(rsm_get_controller(nullptr, &handle), RSMERR_CTLR_NOT_PRESENT);
  }));
}

TEST(GetInterconnectTopology, NullPointerIsBadTopologyPointer) {
  EXPECT_EQ(rsm_get_interconnect_topology(nullptr), RSMERR_BAD_TOPOLOGY_PTR);
  rsm_free_interconnect_topology(nullptr);  // tolerated, like free()
}

TEST(GetInterconnectTopology, EmbeddedDefaultIsOneNodeWithDpdk0) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseEmbeddedDefault();
    rsm_topology_t* topology = nullptr;
    ASSERT_EQ(rsm_get_interconnect_topology(&topology), RSM_SUCCESS);
    ASSERT_NE(topology, nullptr);
    EXPECT_EQ(topology->topology_hdr.local_nodeid, 1u);
    ASSERT_EQ(topology->topology_hdr.local_cntlr_count, 1u);
    const rsm_connections_t* dpdk0 = topology->connections[0];
    EXPECT_STREQ(dpdk0->hdr.cntlr_name, "dpdk0");
    EXPECT_NE(dpdk0->hdr.local_hwaddr, 0u);
    EXPECT_LT(dpdk0->hdr.local_hwaddr, uint64_t{1} << 48);
    EXPECT_EQ(dpdk0->hdr.remote_cntlr_count, 0);
    rsm_free_interconnect_topology(topology);
  }));
}

TEST(GetInterconnectTopology, ListsTheOtherConfiguredNodes) {
  EXPECT_TRUE(RunInChildProcess([] {
    const std::string path = WriteTestFile("three_nodes.ini", R"ini(
[cluster]
node_id = 2
[eal]
args = --no-huge --no-pci -m 64 --no-shconf --no-telemetry --file-prefix=rsmtopo -l 0 --log-level=*:warning
[controller.dpdk0]
device = net_ring0
[node.1]
dpdk0 = 02:00:00:00:00:01
[node.2]
dpdk0 = 02:00:00:00:00:02
[node.9]
dpdk0 = 0a:0b:0c:0d:0e:0f
)ini");
    setenv("RSM_CONFIG", path.c_str(), 1);
    rsm_topology_t* topology = nullptr;
    ASSERT_EQ(rsm_get_interconnect_topology(&topology), RSM_SUCCESS);
    EXPECT_EQ(topology->topology_hdr.local_nodeid, 2u);
    ASSERT_EQ(topology->topology_hdr.local_cntlr_count, 1u);
    const rsm_connections_t* dpdk0 = topology->connections[0];
    EXPECT_STREQ(dpdk0->hdr.cntlr_name, "dpdk0");
    ASSERT_EQ(dpdk0->hdr.remote_cntlr_count, 2);  // not this node itself
    const rsm_remote_cntlr_t* remotes = dpdk0->remote_cntlr;
    EXPECT_EQ(remotes[0].remote_nodeid, 1u);
    EXPECT_STREQ(remotes[0].remote_cntlrname, "dpdk0");
    EXPECT_EQ(remotes[0].remote_hwaddr, 0x020000000001u);
    EXPECT_EQ(remotes[1].remote_nodeid, 9u);
    EXPECT_EQ(remotes[1].remote_hwaddr, 0x0a0b0c0d0e0fu);
    // No peer session has been established, so no path is active yet.
    EXPECT_NE(remotes[0].connection_state, unsigned{RSM_CONNECTION_ACTIVE});
    rsm_free_interconnect_topology(topology);
  }));
}

}  // namespace
