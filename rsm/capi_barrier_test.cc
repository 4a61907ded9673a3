// SPDX-License-Identifier: BSD-3-Clause
// Barriers and barrier modes through the C API
// (rsm_memseg_import_init_barrier(3RSM), docs/compatibility.md "Barriers and
// signals"): every function and every code it documents, on loopback, on the
// embedded default's dpdk0 and across two nodes (rsm/testing/capi_setups.h),
// each case in a forked child. RSMERR_BARRIER_FAILURE, which needs a put that
// could not be sent, runs on two nodes with engine options of its own
// (rsm/testing/n_nodes.h).
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/bounded_wait.h"
#include "rsm/testing/capi_setups.h"
#include "rsm/testing/n_nodes.h"
#include "transport/testing/child_process.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400b00;

// A published segment of the exporter and one import of it.
class Imported {
 public:
  explicit Imported(const Nodes& nodes, size_t pages = 4,
                    rsm_memseg_id_t id = kId)
      : memory_(pages), id_(id) {
    exported_ = ExportAndPublish(nodes, memory_, &id_);
    if (exported_ != nullptr) imported_ = Connect(nodes, id_);
  }

  bool ok() const { return imported_ != nullptr; }
  const Pages& memory() const { return memory_; }
  rsm_memseg_id_t id() const { return id_; }
  rsm_memseg_export_handle_t exported() const { return exported_; }
  rsm_memseg_import_handle_t imported() const { return imported_; }

 private:
  Pages memory_;
  rsm_memseg_id_t id_;
  rsm_memseg_export_handle_t exported_ = nullptr;
  rsm_memseg_import_handle_t imported_ = nullptr;
};

// A barrier struct that no init ever touched: what the caller's stack held.
rsmapi_barrier_t GarbageBarrier(uint8_t fill) {
  rsmapi_barrier_t barrier;
  std::memset(&barrier, fill, sizeof barrier);
  return barrier;
}

// The four calls that take only a barrier, for "each of them returns X".
struct BarrierCall {
  const char* name;
  int (*call)(rsmapi_barrier_t*);
};
const BarrierCall kBarrierCalls[] = {
    {"open", rsm_memseg_import_open_barrier},
    {"order", rsm_memseg_import_order_barrier},
    {"close", rsm_memseg_import_close_barrier},
    {"destroy", rsm_memseg_import_destroy_barrier},
};

using BarrierTest = SetupTest;

TEST_P(BarrierTest, InitRefusesABadHandleThenANullBarrier) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    rsmapi_barrier_t barrier = GarbageBarrier(0);
    EXPECT_EQ(
        rsm_memseg_import_init_barrier(nullptr, RSM_BARRIER_NODE, &barrier),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_import_init_barrier(NotAHandle<rsm_memseg_import_handle_t>(),
                                       RSM_BARRIER_NODE, &barrier),
        RSMERR_BAD_SEG_HNDL);
    // An export handle is a handle of the wrong kind.
    EXPECT_EQ(
        rsm_memseg_import_init_barrier(
            reinterpret_cast<rsm_memseg_import_handle_t>(segment.exported()),
            RSM_BARRIER_NODE, &barrier),
        RSMERR_BAD_SEG_HNDL);
    // The handle is checked first.
    EXPECT_EQ(
        rsm_memseg_import_init_barrier(nullptr, RSM_BARRIER_NODE, nullptr),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                             RSM_BARRIER_NODE, nullptr),
              RSMERR_BAD_BARRIER_PTR);
    // Nothing above initialised the struct.
    EXPECT_EQ(rsm_memseg_import_open_barrier(&barrier),
              RSMERR_BARRIER_UNINITIALIZED);
    // A disconnected handle is no handle any more.
    ASSERT_EQ(rsm_memseg_import_disconnect(segment.imported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                             RSM_BARRIER_NODE, &barrier),
              RSMERR_BAD_SEG_HNDL);
  });
}

TEST_P(BarrierTest, InitAcceptsEveryBarrierType) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    for (rsm_barrier_type_t type :
         {RSM_BARRIER_SEGMENT, RSM_BARRIER_NODE, RSM_BARRIER_SEGMENT_THREAD,
          RSM_BARRIER_NODE_THREAD, static_cast<rsm_barrier_type_t>(0)}) {
      rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
      ASSERT_EQ(
          rsm_memseg_import_init_barrier(segment.imported(), type, &barrier),
          RSM_SUCCESS)
          << "type " << type;
      EXPECT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_close_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
    }
  });
}

TEST_P(BarrierTest, NullBarrierIsRefusedByEveryCall) {
  RunCase([](Nodes&) {
    for (const BarrierCall& call : kBarrierCalls) {
      EXPECT_EQ(call.call(nullptr), RSMERR_BAD_BARRIER_PTR) << call.name;
    }
  });
}

TEST_P(BarrierTest, UninitialisedBarrierIsRefusedByEveryCall) {
  RunCase([](Nodes& nodes) {
    // With a live import around, so that a table lookup has something to
    // find if it looked in the wrong place.
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    for (uint8_t fill : {0x00, 0xA5, 0xFF}) {
      for (const BarrierCall& call : kBarrierCalls) {
        rsmapi_barrier_t barrier = GarbageBarrier(fill);
        EXPECT_EQ(call.call(&barrier), RSMERR_BARRIER_UNINITIALIZED)
            << call.name << ", struct filled with " << int{fill};
      }
    }
    // A struct whose seg names a live import but that init never touched.
    rsmapi_barrier_t barrier = GarbageBarrier(0x5A);
    barrier.seg = segment.imported();
    for (const BarrierCall& call : kBarrierCalls) {
      EXPECT_EQ(call.call(&barrier), RSMERR_BARRIER_UNINITIALIZED) << call.name;
    }
  });
}

TEST_P(BarrierTest, DestroyedBarrierIsRefusedByEveryCall) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    for (const BarrierCall& call : kBarrierCalls) {
      rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
      ASSERT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                               RSM_BARRIER_NODE, &barrier),
                RSM_SUCCESS);
      // A copy the application kept of the struct as init left it.
      const rsmapi_barrier_t copy = barrier;
      ASSERT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(call.call(&barrier), RSMERR_BARRIER_UNINITIALIZED) << call.name;
      rsmapi_barrier_t stale = copy;
      EXPECT_EQ(call.call(&stale), RSMERR_BARRIER_UNINITIALIZED)
          << call.name << " on a copy";
    }
  });
}

TEST_P(BarrierTest, OpenOrderCloseDestroySucceedInBothModes) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    for (rsm_barrier_mode_t mode :
         {RSM_BARRIER_MODE_IMPLICIT, RSM_BARRIER_MODE_EXPLICIT}) {
      ASSERT_EQ(rsm_memseg_import_set_mode(segment.imported(), mode),
                RSM_SUCCESS);
      rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
      ASSERT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                               RSM_BARRIER_NODE, &barrier),
                RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
      const std::vector<uint8_t> first = Pattern(3000, mode + 1);
      const std::vector<uint8_t> second = Pattern(5000, mode + 11);
      ASSERT_EQ(rsm_memseg_import_put(segment.imported(), 100,
                                      const_cast<uint8_t*>(first.data()),
                                      first.size()),
                RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_order_barrier(&barrier), RSM_SUCCESS);
      // Overlaps the first: the order barrier orders them.
      ASSERT_EQ(rsm_memseg_import_put(segment.imported(), 2000,
                                      const_cast<uint8_t*>(second.data()),
                                      second.size()),
                RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_import_close_barrier(&barrier), RSM_SUCCESS);
      std::vector<uint8_t> expected(7000);
      std::copy(first.begin(), first.end(), expected.begin());
      std::copy(second.begin(), second.end(), expected.begin() + 1900);
      // Applied in the exporter's memory once close returned...
      EXPECT_EQ(std::memcmp(segment.memory().data() + 100, expected.data(),
                            expected.size()),
                0)
          << "mode " << mode;
      // ... and what a get reads back.
      std::vector<uint8_t> back(expected.size());
      ASSERT_EQ(rsm_memseg_import_get(segment.imported(), 100, back.data(),
                                      back.size()),
                RSM_SUCCESS);
      EXPECT_TRUE(back == expected) << "mode " << mode;
      // A barrier may span again after a close.
      EXPECT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_close_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
    }
  });
}

TEST_P(BarrierTest, PutsWorkWithoutABarrierAndAfterOneIsDestroyed) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    uint8_t byte = 0x11;
    // IMPLICIT mode needs no barrier (docs/compatibility.md).
    EXPECT_EQ(rsm_memseg_import_put(segment.imported(), 0, &byte, 1),
              RSM_SUCCESS);
    rsmapi_barrier_t one = GarbageBarrier(0xA5);
    rsmapi_barrier_t other = GarbageBarrier(0xA5);
    ASSERT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                             RSM_BARRIER_NODE, &one),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                             RSM_BARRIER_NODE, &other),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_import_destroy_barrier(&one), RSM_SUCCESS);
    byte = 0x22;
    EXPECT_EQ(rsm_memseg_import_put(segment.imported(), 1, &byte, 1),
              RSM_SUCCESS);
    uint8_t back[2] = {};
    EXPECT_EQ(rsm_memseg_import_get(segment.imported(), 0, back, 2),
              RSM_SUCCESS);
    EXPECT_EQ(back[0], 0x11);
    EXPECT_EQ(back[1], 0x22);
    // Destroying one barrier leaves the other alone.
    EXPECT_EQ(rsm_memseg_import_open_barrier(&other), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_close_barrier(&other), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_destroy_barrier(&other), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_destroy_barrier(&other),
              RSMERR_BARRIER_UNINITIALIZED);
  });
}

TEST_P(BarrierTest, ExplicitPutsAreVisibleOnceCloseReturns) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes, 16);
    ASSERT_TRUE(segment.ok());
    ASSERT_EQ(rsm_memseg_import_set_mode(segment.imported(),
                                         RSM_BARRIER_MODE_EXPLICIT),
              RSM_SUCCESS);
    rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
    ASSERT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                             RSM_BARRIER_NODE, &barrier),
              RSM_SUCCESS);
    const size_t size = segment.memory().size();
    std::vector<uint8_t> model(size, 0);
    std::mt19937 random(5150);
    for (int span = 0; span < 50; ++span) {
      ASSERT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
      const int puts = 1 + static_cast<int>(random() % 8);
      for (int i = 0; i < puts; ++i) {
        // Up to a few 64 KiB messages' worth.
        const size_t length = 1 + random() % (random() % 4 == 0 ? size : 512);
        const size_t offset = random() % (size - length + 1);
        std::vector<uint8_t> data = Pattern(length, random());
        ASSERT_EQ(rsm_memseg_import_put(segment.imported(),
                                        static_cast<off_t>(offset), data.data(),
                                        length),
                  RSM_SUCCESS);
        std::copy(data.begin(), data.end(), model.begin() + offset);
      }
      ASSERT_EQ(rsm_memseg_import_close_barrier(&barrier), RSM_SUCCESS)
          << "span " << span;
      ASSERT_EQ(std::memcmp(segment.memory().data(), model.data(), size), 0)
          << "span " << span;
    }
    EXPECT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
  });
}

// Unpublish, destroy, or unpublish and publish again under the same id (a
// new segment): the import's connection ended, so close says
// RSMERR_CONN_ABORTED, and open RSMERR_BARRIER_OPEN_FAILED.
enum class Revoke { kUnpublish, kDestroy, kRepublishSameId };

void CloseAfterRevocation(Nodes& nodes, Revoke how) {
  for (rsm_barrier_mode_t mode :
       {RSM_BARRIER_MODE_IMPLICIT, RSM_BARRIER_MODE_EXPLICIT}) {
    SCOPED_TRACE(mode == RSM_BARRIER_MODE_IMPLICIT ? "implicit" : "explicit");
    Imported target(nodes, 4, kId + mode);
    ASSERT_TRUE(target.ok());
    ASSERT_EQ(rsm_memseg_import_set_mode(target.imported(), mode), RSM_SUCCESS);
    rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
    ASSERT_EQ(rsm_memseg_import_init_barrier(target.imported(),
                                             RSM_BARRIER_NODE, &barrier),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
    uint8_t bytes[64] = {1, 2, 3};
    ASSERT_EQ(rsm_memseg_import_put(target.imported(), 0, bytes, sizeof bytes),
              RSM_SUCCESS);
    switch (how) {
      case Revoke::kUnpublish:
        ASSERT_EQ(rsm_memseg_export_unpublish(target.exported()), RSM_SUCCESS);
        break;
      case Revoke::kDestroy:
        ASSERT_EQ(rsm_memseg_export_destroy(target.exported()), RSM_SUCCESS);
        break;
      case Revoke::kRepublishSameId: {
        ASSERT_EQ(rsm_memseg_export_unpublish(target.exported()), RSM_SUCCESS);
        rsm_memseg_id_t id = target.id();
        ASSERT_EQ(rsm_memseg_export_publish(target.exported(), &id, nullptr, 0),
                  RSM_SUCCESS);
        ASSERT_EQ(id, target.id());
        break;
      }
    }
    // The exporter's REVOKE travels ahead of its answer to the barrier, so
    // close sees the connection ended on every setup, at once.
    EXPECT_EQ(rsm_memseg_import_close_barrier(&barrier), RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_memseg_import_close_barrier(&barrier), RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_memseg_import_open_barrier(&barrier),
              RSMERR_BARRIER_OPEN_FAILED);
    EXPECT_EQ(rsm_memseg_import_order_barrier(&barrier),
              RSMERR_BARRIER_FAILURE);
    EXPECT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_disconnect(target.imported()), RSM_SUCCESS);
    if (how == Revoke::kRepublishSameId) {
      // The new segment under the old id takes a new connection.
      rsm_memseg_import_handle_t again = Connect(nodes, target.id());
      ASSERT_NE(again, nullptr);
      ASSERT_EQ(rsm_memseg_import_set_mode(again, mode), RSM_SUCCESS);
      ASSERT_EQ(
          rsm_memseg_import_init_barrier(again, RSM_BARRIER_NODE, &barrier),
          RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_import_put(again, 8, bytes, 3), RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_close_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(std::memcmp(target.memory().data() + 8, bytes, 3), 0);
      EXPECT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_disconnect(again), RSM_SUCCESS);
    }
  }
}

TEST_P(BarrierTest, CloseAfterUnpublishIsConnAborted) {
  RunCase(
      [](Nodes& nodes) { CloseAfterRevocation(nodes, Revoke::kUnpublish); });
}

TEST_P(BarrierTest, CloseAfterDestroyIsConnAborted) {
  RunCase([](Nodes& nodes) { CloseAfterRevocation(nodes, Revoke::kDestroy); });
}

TEST_P(BarrierTest, CloseAfterRepublishUnderTheSameIdIsConnAborted) {
  RunCase([](Nodes& nodes) {
    CloseAfterRevocation(nodes, Revoke::kRepublishSameId);
  });
}

TEST_P(BarrierTest, OpenFailsOnceTheConnectionIsLost) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
    ASSERT_EQ(rsm_memseg_import_init_barrier(segment.imported(),
                                             RSM_BARRIER_NODE, &barrier),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_export_unpublish(segment.exported()), RSM_SUCCESS);
    // Nothing but open is called: the REVOKE reaches a DPDK importer on its
    // own (loopback ends the connection within unpublish).
    int rc = rsm_memseg_import_open_barrier(&barrier);
    if (nodes.loopback()) {
      EXPECT_EQ(rc, RSMERR_BARRIER_OPEN_FAILED);
    } else {
      ASSERT_TRUE(WaitFor([&] {
        rc = rsm_memseg_import_open_barrier(&barrier);
        return rc != RSM_SUCCESS;
      })) << "open kept succeeding on a revoked connection";
      EXPECT_EQ(rc, RSMERR_BARRIER_OPEN_FAILED);
    }
    EXPECT_EQ(rsm_memseg_import_open_barrier(&barrier),
              RSMERR_BARRIER_OPEN_FAILED);
    // Disconnected: the barrier outlives its import and keeps failing.
    ASSERT_EQ(rsm_memseg_import_disconnect(segment.imported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_open_barrier(&barrier),
              RSMERR_BARRIER_OPEN_FAILED);
    EXPECT_EQ(rsm_memseg_import_close_barrier(&barrier), RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
  });
}

TEST_P(BarrierTest, SetModeRefusesBadHandlesAndBadModes) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    EXPECT_EQ(rsm_memseg_import_set_mode(nullptr, RSM_BARRIER_MODE_EXPLICIT),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_import_set_mode(NotAHandle<rsm_memseg_import_handle_t>(),
                                   RSM_BARRIER_MODE_EXPLICIT),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_import_set_mode(
            reinterpret_cast<rsm_memseg_import_handle_t>(segment.exported()),
            RSM_BARRIER_MODE_EXPLICIT),
        RSMERR_BAD_SEG_HNDL);
    // The handle is checked before the mode.
    EXPECT_EQ(
        rsm_memseg_import_set_mode(nullptr, static_cast<rsm_barrier_mode_t>(7)),
        RSMERR_BAD_SEG_HNDL);
    for (int bad : {2, 3, -1, 0x7fffffff}) {
      EXPECT_EQ(rsm_memseg_import_set_mode(
                    segment.imported(), static_cast<rsm_barrier_mode_t>(bad)),
                RSMERR_BAD_MODE)
          << bad;
    }
    // A refused mode changed nothing.
    rsm_barrier_mode_t mode = RSM_BARRIER_MODE_EXPLICIT;
    ASSERT_EQ(rsm_memseg_import_get_mode(segment.imported(), &mode),
              RSM_SUCCESS);
    EXPECT_EQ(mode, RSM_BARRIER_MODE_IMPLICIT);
  });
}

TEST_P(BarrierTest, GetModeRefusesBadHandlesAndReadsBackSetMode) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    rsm_barrier_mode_t mode = RSM_BARRIER_MODE_EXPLICIT;
    EXPECT_EQ(rsm_memseg_import_get_mode(nullptr, &mode), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_get_mode(
                  NotAHandle<rsm_memseg_import_handle_t>(), &mode),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_import_get_mode(
            reinterpret_cast<rsm_memseg_import_handle_t>(segment.exported()),
            &mode),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_get_mode(nullptr, nullptr),
              RSMERR_BAD_SEG_HNDL);
    // Solaris crashed; rsm-dpdk says RSMERR_BAD_ADDR (compatibility.md).
    EXPECT_EQ(rsm_memseg_import_get_mode(segment.imported(), nullptr),
              RSMERR_BAD_ADDR);
    // The default is IMPLICIT.
    ASSERT_EQ(rsm_memseg_import_get_mode(segment.imported(), &mode),
              RSM_SUCCESS);
    EXPECT_EQ(mode, RSM_BARRIER_MODE_IMPLICIT);
    for (rsm_barrier_mode_t set :
         {RSM_BARRIER_MODE_EXPLICIT, RSM_BARRIER_MODE_EXPLICIT,
          RSM_BARRIER_MODE_IMPLICIT, RSM_BARRIER_MODE_EXPLICIT}) {
      ASSERT_EQ(rsm_memseg_import_set_mode(segment.imported(), set),
                RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_import_get_mode(segment.imported(), &mode),
                RSM_SUCCESS);
      EXPECT_EQ(mode, set);
    }
    // Per import: another import of the same segment keeps the default.
    rsm_memseg_import_handle_t other = Connect(nodes, segment.id());
    ASSERT_NE(other, nullptr);
    ASSERT_EQ(rsm_memseg_import_get_mode(other, &mode), RSM_SUCCESS);
    EXPECT_EQ(mode, RSM_BARRIER_MODE_IMPLICIT);
    ASSERT_EQ(rsm_memseg_import_disconnect(other), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_get_mode(other, &mode), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_set_mode(other, RSM_BARRIER_MODE_IMPLICIT),
              RSMERR_BAD_SEG_HNDL);
  });
}

INSTANTIATE_TEST_SUITE_P(Setups, BarrierTest, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);

// ---------------------------------------------------------------------------
// RSMERR_BARRIER_FAILURE. The exporter refuses a put only for a right or a
// range the importer's library has already checked, so on this
// implementation a span fails only when one of its puts could not be sent:
// the engine had no frame for it (block_when_full off). Two nodes with engine
// options of their own.

// Node 2 exports, node 1 imports (options adjusted by `adjust`).
void OnTwoNodes(const char* name,
                const std::function<void(transport::EngineOptions&)>& adjust,
                const std::function<void(NodeCluster&)>& body) {
  EXPECT_TRUE(RunInChildProcess(
      [&] {
        ASSERT_TRUE(
            InitEalKeepingAffinity(absl::StrCat(name, getpid()).c_str()));
        absl::StatusOr<std::unique_ptr<NodeCluster>> cluster =
            NodeCluster::Create(name, 2, adjust);
        ASSERT_TRUE(cluster.ok()) << cluster.status();
        body(**cluster);
      },
      60));
}

struct Span {
  Pages memory{32};
  rsm_memseg_export_handle_t exported = nullptr;
  rsm_memseg_import_handle_t imported = nullptr;
  rsmapi_barrier_t barrier = GarbageBarrier(0xA5);
};

// Exports on node 2, imports on node 1 in EXPLICIT mode, inits the barrier.
void Prepare(NodeCluster& cluster, Span& span) {
  rsm_memseg_id_t id = kId;
  ASSERT_EQ(rsm_memseg_export_create(cluster.handle(2), &span.exported,
                                     span.memory.data(), span.memory.size(), 0),
            RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_export_publish(span.exported, &id, nullptr, 0),
            RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_import_connect(cluster.handle(1), 2, id, RSM_PERM_RDWR,
                                      &span.imported),
            RSM_SUCCESS);
  ASSERT_EQ(
      rsm_memseg_import_set_mode(span.imported, RSM_BARRIER_MODE_EXPLICIT),
      RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_import_init_barrier(span.imported, RSM_BARRIER_NODE,
                                           &span.barrier),
            RSM_SUCCESS);
}

// A span that puts `length` bytes at 0 then closes; RSM_SUCCESS expected,
// and the bytes in the exporter's memory.
void CleanSpan(Span& span, size_t length, uint32_t seed) {
  ASSERT_EQ(rsm_memseg_import_open_barrier(&span.barrier), RSM_SUCCESS);
  std::vector<uint8_t> data = Pattern(length, seed);
  ASSERT_EQ(rsm_memseg_import_put(span.imported, 0, data.data(), length),
            RSM_SUCCESS);
  EXPECT_EQ(rsm_memseg_import_order_barrier(&span.barrier), RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_import_close_barrier(&span.barrier), RSM_SUCCESS);
  EXPECT_EQ(std::memcmp(span.memory.data(), data.data(), length), 0);
}

TEST(Barrier, PutLargerThanTheWindowIsSplitToFitIt) {
  // 16 frames in flight: a 64 KiB put (about 45 frames at the net_ring MTU)
  // travels as several messages that each fit the window, in both modes.
  OnTwoNodes(
      "barwin",
      [](transport::EngineOptions& options) { options.window_frames = 16; },
      [](NodeCluster& cluster) {
        Span span;
        Prepare(cluster, span);
        CleanSpan(span, 64 * 1024, 2);
        ASSERT_EQ(rsm_memseg_import_set_mode(span.imported,
                                             RSM_BARRIER_MODE_IMPLICIT),
                  RSM_SUCCESS);
        std::vector<uint8_t> big = Pattern(64 * 1024 + 100, 3);
        ASSERT_EQ(
            rsm_memseg_import_put(span.imported, 0, big.data(), big.size()),
            RSM_SUCCESS);
        EXPECT_EQ(std::memcmp(span.memory.data(), big.data(), big.size()), 0);
      });
}

TEST(BarrierFailure, PutWithNoFreeFrameFailsItsSpan) {
  // The importer does not wait for frames (block_when_full off) and has few:
  // puts streamed faster than the exporter acknowledges them run out.
  OnTwoNodes(
      "barpool",
      [](transport::EngineOptions& options) {
        if (options.node_id != 1) return;
        options.block_when_full = false;
        options.window_frames = 32;
        options.request_ring_size = 16;
      },
      [](NodeCluster& cluster) {
        Span span;
        Prepare(cluster, span);
        CleanSpan(span, 4096, 1);
        ASSERT_EQ(rsm_memseg_import_open_barrier(&span.barrier), RSM_SUCCESS);
        // 32 KiB puts (23 frames each) until order says one was not sent.
        std::vector<uint8_t> data = Pattern(32 * 1024, 4);
        int rc = RSM_SUCCESS;
        int puts = 0;
        const bool failed = WaitFor(
            [&] {
              for (int i = 0; i < 64; ++i, ++puts) {
                EXPECT_EQ(rsm_memseg_import_put(
                              span.imported,
                              static_cast<off_t>((puts % 4) * data.size()),
                              data.data(), data.size()),
                          RSM_SUCCESS);
              }
              rc = rsm_memseg_import_order_barrier(&span.barrier);
              return rc != RSM_SUCCESS;
            },
            kStepDeadline, std::chrono::milliseconds(0));
        ASSERT_TRUE(failed) << "every one of " << puts << " puts was sent";
        EXPECT_EQ(rc, RSMERR_BARRIER_FAILURE);
        EXPECT_EQ(rsm_memseg_import_close_barrier(&span.barrier),
                  RSMERR_BARRIER_FAILURE);
        // Frames come back as the exporter acknowledges: a new span works.
        CleanSpan(span, 4096, 5);
      });
}

}  // namespace
}  // namespace rsm::testing
