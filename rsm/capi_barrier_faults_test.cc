// SPDX-License-Identifier: BSD-3-Clause
// Barriers across two nodes whose engines lose and reorder frames (injected
// on receive, both nodes): a span that close_barrier reports successful is
// whole in the exporter's memory, checked against a model over 10,000
// spans; and a span whose exporter stops before it closes is never reported
// successful, and close never hangs. Two nodes on cross-connected net_ring
// ports (rsm/testing/n_nodes.h), each case in a forked child.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/bounded_wait.h"
#include "rsm/testing/capi_setups.h"
#include "rsm/testing/n_nodes.h"
#include "transport/fault/fault_spec.h"
#include "transport/testing/child_process.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400d00;
constexpr char kFaults[] = "drop=0.05,reorder=0.05";

// Both nodes drop and reorder 5% of the frames they receive; each node's
// injector has a seed of its own.
void InjectFaults(transport::EngineOptions& options) {
  absl::StatusOr<transport::FaultSpec> faults =
      transport::ParseFaultSpec(kFaults);
  ASSERT_TRUE(faults.ok()) << faults.status();
  options.rx_faults = *faults;
  options.fault_seed = 1000 + options.node_id;
}

// Node 2 exports `pages` pages, node 1 imports them in EXPLICIT mode with a
// barrier.
struct ExplicitImport {
  explicit ExplicitImport(NodeCluster& cluster, size_t pages) : memory(pages) {
    rsm_memseg_id_t id = kId;
    EXPECT_EQ(rsm_memseg_export_create(cluster.handle(2), &exported,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_connect(cluster.handle(1), 2, id, RSM_PERM_RDWR,
                                        &imported),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_set_mode(imported, RSM_BARRIER_MODE_EXPLICIT),
              RSM_SUCCESS);
    std::memset(&barrier, 0xA5, sizeof barrier);
    EXPECT_EQ(
        rsm_memseg_import_init_barrier(imported, RSM_BARRIER_NODE, &barrier),
        RSM_SUCCESS);
  }

  Pages memory;
  rsm_memseg_export_handle_t exported = nullptr;
  rsm_memseg_import_handle_t imported = nullptr;
  rsmapi_barrier_t barrier;
};

void OnFaultyNodes(const char* name,
                   const std::function<void(NodeCluster&)>& body,
                   int timeout_seconds) {
  EXPECT_TRUE(RunInChildProcess(
      [&] {
        ASSERT_TRUE(
            InitEalKeepingAffinity(absl::StrCat(name, getpid()).c_str()));
        absl::StatusOr<std::unique_ptr<NodeCluster>> cluster =
            NodeCluster::Create(name, 2, InjectFaults);
        ASSERT_TRUE(cluster.ok()) << cluster.status();
        body(**cluster);
      },
      timeout_seconds));
}

TEST(BarrierUnderFaults, SuccessfulSpansAreWholeInTheExportersMemory) {
  OnFaultyNodes(
      "barfault",
      [](NodeCluster& cluster) {
        constexpr int kSpans = 10000;
        constexpr size_t kPages = 16;
        ExplicitImport import(cluster, kPages);
        ASSERT_NE(import.imported, nullptr);
        const size_t size = import.memory.size();
        std::vector<uint8_t> model(size, 0);
        std::mt19937 random(20240614);
        const auto start = std::chrono::steady_clock::now();
        uint64_t puts = 0, bytes = 0;
        for (int span = 0; span < kSpans; ++span) {
          ASSERT_EQ(rsm_memseg_import_open_barrier(&import.barrier),
                    RSM_SUCCESS)
              << "span " << span;
          // A few puts of random sizes at random offsets: mostly within a
          // frame, now and then several frames' worth.
          const int count = 1 + static_cast<int>(random() % 4);
          for (int i = 0; i < count; ++i) {
            const size_t length =
                1 + random() % (random() % 8 == 0 ? 6000 : 700);
            const size_t offset = random() % (size - length + 1);
            std::vector<uint8_t> data = Pattern(length, random());
            ASSERT_EQ(rsm_memseg_import_put(import.imported,
                                            static_cast<off_t>(offset),
                                            data.data(), length),
                      RSM_SUCCESS)
                << "span " << span;
            std::copy(data.begin(), data.end(), model.begin() + offset);
            ++puts;
            bytes += length;
          }
          ASSERT_EQ(rsm_memseg_import_close_barrier(&import.barrier),
                    RSM_SUCCESS)
              << "span " << span;
          // Every put of the span is in the exporter's memory, and nothing
          // else changed.
          ASSERT_EQ(std::memcmp(import.memory.data(), model.data(), size), 0)
              << "span " << span << " is not whole in the exporter's memory";
        }
        const double seconds = std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - start)
                                   .count();
        // What a get reads back agrees too.
        std::vector<uint8_t> back(size);
        ASSERT_EQ(rsm_memseg_import_get(import.imported, 0, back.data(), size),
                  RSM_SUCCESS);
        EXPECT_TRUE(back == model);
        std::printf(
            "%d spans, %llu puts, %llu bytes in %.2f s (%.1f us/span)\n",
            kSpans, static_cast<unsigned long long>(puts),
            static_cast<unsigned long long>(bytes), seconds,
            seconds * 1e6 / kSpans);
        // The faults were really injected: read once the engines stopped.
        for (int node = 1; node <= 2; ++node) {
          const uint64_t retransmits =
              cluster.controller(node).backend().Traffic().retransmits;
          cluster.Stop(node);
          const transport::FaultCounters injected =
              cluster.InjectedOnReceive(node);
          std::printf(
              "node %d: %llu frames dropped and %llu reordered on receive, "
              "%llu retransmits\n",
              node, static_cast<unsigned long long>(injected.dropped),
              static_cast<unsigned long long>(injected.reordered),
              static_cast<unsigned long long>(retransmits));
          EXPECT_GT(injected.dropped, 0u) << "node " << node;
          EXPECT_GT(injected.reordered, 0u) << "node " << node;
          EXPECT_GT(retransmits, 0u) << "node " << node;
        }
      },
      240);
}

// Where in the span the exporter stops.
enum class StopAt {
  kAfterOpen,    // before any put of the span
  kAfterPuts,    // after the span's puts, before close
  kMidStream,    // while another thread streams puts into the span
  kMidLargePut,  // while a put of several 64 KiB messages is being sent
};

std::string StopName(const ::testing::TestParamInfo<StopAt>& info) {
  switch (info.param) {
    case StopAt::kAfterOpen:
      return "AfterOpen";
    case StopAt::kAfterPuts:
      return "AfterPuts";
    case StopAt::kMidStream:
      return "MidStream";
    case StopAt::kMidLargePut:
      return "MidLargePut";
  }
  return "Unknown";
}

class ExporterStopsMidSpan : public ::testing::TestWithParam<StopAt> {};

bool IsSpanFailure(int rc) {
  return rc == RSMERR_CONN_ABORTED || rc == RSMERR_BARRIER_FAILURE;
}

TEST_P(ExporterStopsMidSpan, CloseFailsAndNeverHangs) {
  const StopAt stop_at = GetParam();
  OnFaultyNodes(
      "barstop",
      [stop_at](NodeCluster& cluster) {
        ExplicitImport import(cluster, 128);
        ASSERT_NE(import.imported, nullptr);
        // A span that completes first: the connection works.
        ASSERT_EQ(rsm_memseg_import_open_barrier(&import.barrier), RSM_SUCCESS);
        std::vector<uint8_t> data = Pattern(4096, 1);
        ASSERT_EQ(rsm_memseg_import_put(import.imported, 0, data.data(), 4096),
                  RSM_SUCCESS);
        ASSERT_EQ(rsm_memseg_import_close_barrier(&import.barrier),
                  RSM_SUCCESS);

        ASSERT_EQ(rsm_memseg_import_open_barrier(&import.barrier), RSM_SUCCESS);
        // Puts into a span report nothing until close; once the loss is
        // known they say RSMERR_CONN_ABORTED.
        auto put = [&](off_t offset, size_t length) {
          const int rc = rsm_memseg_import_put(import.imported, offset,
                                               data.data(), length);
          EXPECT_TRUE(rc == RSM_SUCCESS || rc == RSMERR_CONN_ABORTED) << rc;
          return rc;
        };
        int close_rc = RSM_SUCCESS;
        switch (stop_at) {
          case StopAt::kAfterOpen:
            cluster.Stop(2);
            for (int i = 0; i < 8; ++i) put(i * 512, 512);
            break;
          case StopAt::kAfterPuts:
            for (int i = 0; i < 8; ++i) put(i * 512, 512);
            cluster.Stop(2);
            break;
          case StopAt::kMidStream:
          case StopAt::kMidLargePut: {
            std::vector<uint8_t> large =
                Pattern(stop_at == StopAt::kMidLargePut ? 200 * 1024 : 1500, 2);
            std::atomic<int> issued{0};
            std::atomic<bool> stop{false};
            std::thread putter([&] {
              while (!stop.load()) {
                const int rc = rsm_memseg_import_put(
                    import.imported,
                    static_cast<off_t>((issued.load() % 2) * large.size()),
                    large.data(), large.size());
                EXPECT_TRUE(rc == RSM_SUCCESS || rc == RSMERR_CONN_ABORTED)
                    << rc;
                issued.fetch_add(1);
                if (rc != RSM_SUCCESS) break;
              }
            });
            if (!WaitFor([&] { return issued.load() >= 4; })) {
              FailHung("the putter");
            }
            cluster.Stop(2);
            // The putter keeps going into the lost span for a while.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            stop.store(true);
            putter.join();
            break;
          }
        }
        close_rc = WithinDeadline("close_barrier", [&] {
          return rsm_memseg_import_close_barrier(&import.barrier);
        });
        EXPECT_TRUE(IsSpanFailure(close_rc))
            << "close_barrier returned " << close_rc;
        std::printf("close_barrier after the exporter stopped: %d\n", close_rc);
        // The connection is lost for good.
        EXPECT_EQ(WithinDeadline("close_barrier again",
                                 [&] {
                                   return rsm_memseg_import_close_barrier(
                                       &import.barrier);
                                 }),
                  RSMERR_CONN_ABORTED);
        EXPECT_EQ(rsm_memseg_import_open_barrier(&import.barrier),
                  RSMERR_BARRIER_OPEN_FAILED);
        EXPECT_EQ(rsm_memseg_import_destroy_barrier(&import.barrier),
                  RSM_SUCCESS);
        EXPECT_EQ(rsm_memseg_import_disconnect(import.imported), RSM_SUCCESS);
      },
      90);
}

INSTANTIATE_TEST_SUITE_P(StopPoints, ExporterStopsMidSpan,
                         ::testing::Values(StopAt::kAfterOpen,
                                           StopAt::kAfterPuts,
                                           StopAt::kMidStream,
                                           StopAt::kMidLargePut),
                         StopName);

}  // namespace
}  // namespace rsm::testing
