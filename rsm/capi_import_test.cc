// SPDX-License-Identifier: BSD-3-Clause
// rsm_memseg_import_connect, _disconnect, _map and _unmap through the C API,
// on loopback, on the embedded default's dpdk0 and across two nodes
// (rsm/testing/capi_setups.h): every argument error in Solaris's order
// (rsm_memseg_import_connect(3RSM)), one granted and one refused connect per
// access code (the whole access matrix is transport/segments' to test), and
// what a mapping is on each setup. Each case runs in a forked child.
#include <cstdint>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/capi_setups.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400456;
constexpr rsm_memseg_id_t kUnknownId = 0x4ABCDE;

class ImportConnect : public SetupTest {};
class ImportDisconnect : public SetupTest {};
class ImportMap : public SetupTest {};

TEST_P(ImportConnect, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    const rsmapi_controller_handle_t ctlr = nodes.importer();
    const rsm_node_id_t exporter = nodes.exporter_node();
    // A node the loopback controller cannot reach; on DPDK, no cluster member.
    const rsm_node_id_t stranger = Nodes::kStranger;
    struct Row {
      const char* what;
      rsmapi_controller_handle_t controller;
      rsm_node_id_t node;
      rsm_memseg_id_t id;
      rsm_permission_t perm;
      bool null_out;
      int expected;
    };
    std::vector<Row> rows = {
        {"NULL controller first", nullptr, stranger, kUnknownId, 0777, true,
         RSMERR_BAD_CTLR_HNDL},
        {"not a controller", NotAHandle<rsmapi_controller_handle_t>(), exporter,
         kId, RSM_PERM_RDWR, false, RSMERR_BAD_CTLR_HNDL},
        {"NULL out pointer before perm", ctlr, stranger, kUnknownId, 0777, true,
         RSMERR_BAD_SEG_HNDL},
        {"perm 0700", ctlr, exporter, kId, 0700, false, RSMERR_PERM_DENIED},
        {"perm 0644", ctlr, exporter, kId, 0644, false, RSMERR_PERM_DENIED},
        {"perm 01", ctlr, exporter, kId, 01, false, RSMERR_PERM_DENIED},
        {"perm 01400", ctlr, exporter, kId, 01400, false, RSMERR_PERM_DENIED},
        {"perm before the node", ctlr, stranger, kUnknownId, 0700, false,
         RSMERR_PERM_DENIED},
        {"unknown segment id", ctlr, exporter, kUnknownId, RSM_PERM_RDWR, false,
         RSMERR_SEG_NOT_PUBLISHED},
        // Loopback reaches only this node (Solaris: RSMERR_CTLR_NOT_PRESENT);
        // on DPDK a node outside the cluster has no path.
        {"node not in the cluster", ctlr, stranger, kId, RSM_PERM_RDWR, false,
         nodes.loopback() ? RSMERR_CTLR_NOT_PRESENT
                          : RSMERR_REMOTE_NODE_UNREACHABLE},
    };
    if (nodes.loopback()) {
      rows.push_back({"loopback to another node", ctlr, exporter + 1, kId,
                      RSM_PERM_RDWR, false, RSMERR_CTLR_NOT_PRESENT});
    }
    for (const Row& row : rows) {
      auto* const untouched = NotAHandle<rsm_memseg_import_handle_t>();
      rsm_memseg_import_handle_t handle = untouched;
      EXPECT_EQ(
          rsm_memseg_import_connect(row.controller, row.node, row.id, row.perm,
                                    row.null_out ? nullptr : &handle),
          row.expected)
          << row.what;
      if (!row.null_out && row.expected != RSMERR_BAD_CTLR_HNDL) {
        EXPECT_EQ(handle, nullptr) << row.what << ": *im_memseg not cleared";
      }
    }
    // The good case, once per permission.
    for (rsm_permission_t perm :
         {RSM_PERM_NONE, RSM_PERM_READ, RSM_PERM_WRITE, RSM_PERM_RDWR}) {
      rsm_memseg_import_handle_t handle = nullptr;
      EXPECT_EQ(rsm_memseg_import_connect(ctlr, exporter, kId, perm, &handle),
                RSM_SUCCESS)
          << std::oct << perm;
      EXPECT_NE(handle, nullptr);
    }
  });
}

TEST_P(ImportConnect, AccessListGrantsAndRefuses) {
  RunCase([](Nodes& nodes) {
    Pages read_only(1), elsewhere(1);
    rsm_memseg_id_t read_id = kId, elsewhere_id = kId + 1;
    // The importer's node may only read.
    ASSERT_NE(ExportAndPublish(nodes, read_only, &read_id, 0,
                               {{nodes.importer_node(), RSM_PERM_READ}}),
              nullptr);
    rsm_memseg_import_handle_t handle = nullptr;
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        read_id, RSM_PERM_READ, &handle),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        read_id, RSM_PERM_RDWR, &handle),
              RSMERR_PERM_DENIED);
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        read_id, RSM_PERM_WRITE, &handle),
              RSMERR_PERM_DENIED);
    if (nodes.loopback()) return;  // its list cannot name another node
    // Published to another node only.
    ASSERT_NE(ExportAndPublish(nodes, elsewhere, &elsewhere_id, 0,
                               {{Nodes::kStranger, RSM_PERM_RDWR}}),
              nullptr);
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        elsewhere_id, RSM_PERM_READ, &handle),
              RSMERR_SEG_NOT_PUBLISHED_TO_NODE);
  });
}

TEST_P(ImportConnect, ConnectionsAreIndependent) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t one = Connect(nodes, id);
    rsm_memseg_import_handle_t two = Connect(nodes, id);
    ASSERT_NE(one, nullptr);
    ASSERT_NE(two, nullptr);
    EXPECT_NE(one, two);
    ASSERT_EQ(rsm_memseg_import_disconnect(one), RSM_SUCCESS);
    uint64_t value = 0x1122334455667788;
    EXPECT_EQ(rsm_memseg_import_put64(two, 8, &value, 1), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_put64(one, 8, &value, 1), RSMERR_BAD_SEG_HNDL);
    uint64_t stored = 0;
    std::memcpy(&stored, memory.data() + 8, sizeof stored);
    EXPECT_EQ(stored, value);
  });
}

TEST_P(ImportDisconnect, BadHandlesAndMappings) {
  RunCase([](Nodes& nodes) {
    Pages memory(2);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    EXPECT_EQ(rsm_memseg_import_disconnect(nullptr), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_import_disconnect(NotAHandle<rsm_memseg_import_handle_t>()),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_disconnect(
                  reinterpret_cast<rsm_memseg_import_handle_t>(exported)),
              RSMERR_BAD_SEG_HNDL);
    void* address = nullptr;
    const int mapped = rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                             RSM_PERM_RDWR, 0, memory.size());
    if (nodes.can_map()) {
      ASSERT_EQ(mapped, RSM_SUCCESS);
      EXPECT_EQ(rsm_memseg_import_disconnect(imported),
                RSMERR_SEG_STILL_MAPPED);
      ASSERT_EQ(rsm_memseg_import_unmap(imported), RSM_SUCCESS);
    } else {
      EXPECT_EQ(mapped, RSMERR_MAP_FAILED);
    }
    EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSMERR_BAD_SEG_HNDL);
    uint8_t byte = 0;
    EXPECT_EQ(rsm_memseg_import_get8(imported, 0, &byte, 1),
              RSMERR_BAD_SEG_HNDL);
  });
}

TEST_P(ImportMap, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(4);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    void* address = nullptr;
    void* const unaligned_fixed = memory.data() + 8;
    struct Row {
      const char* what;
      rsm_memseg_import_handle_t handle;
      bool null_address;
      rsm_attribute_t attr;
      rsm_permission_t perm;
      off_t offset;
      size_t length;
      int expected;
    };
    const Row rows[] = {
        {"NULL handle first", nullptr, true, RSM_MAP_NONE, 0700, 3, 0,
         RSMERR_BAD_SEG_HNDL},
        {"not a handle", NotAHandle<rsm_memseg_import_handle_t>(), false,
         RSM_MAP_NONE, RSM_PERM_RDWR, 0, page, RSMERR_BAD_SEG_HNDL},
        {"an export handle",
         reinterpret_cast<rsm_memseg_import_handle_t>(exported), false,
         RSM_MAP_NONE, RSM_PERM_RDWR, 0, page, RSMERR_BAD_SEG_HNDL},
        {"NULL address before perm", imported, true, RSM_MAP_NONE, 0700, 3, 0,
         RSMERR_BAD_ADDR},
        {"perm 0700 before length", imported, false, RSM_MAP_NONE, 0700, 3, 0,
         RSMERR_BAD_PERMS},
        {"perm 01400", imported, false, RSM_MAP_NONE, 01400, 0, page,
         RSMERR_BAD_PERMS},
        {"length 0 before alignment", imported, false, RSM_MAP_NONE,
         RSM_PERM_RDWR, 3, 0, RSMERR_BAD_LENGTH},
        {"beyond the segment", imported, false, RSM_MAP_NONE, RSM_PERM_RDWR,
         static_cast<off_t>(page), memory.size(), RSMERR_BAD_LENGTH},
        {"offset past the end", imported, false, RSM_MAP_NONE, RSM_PERM_RDWR,
         static_cast<off_t>(memory.size() + page), page, RSMERR_BAD_LENGTH},
        {"beyond the segment before alignment", imported, false, RSM_MAP_NONE,
         RSM_PERM_RDWR, 3, memory.size(), RSMERR_BAD_LENGTH},
        {"negative offset", imported, false, RSM_MAP_NONE, RSM_PERM_RDWR,
         -static_cast<off_t>(page), page, RSMERR_BAD_LENGTH},
        {"unaligned offset", imported, false, RSM_MAP_NONE, RSM_PERM_RDWR, 8,
         page, RSMERR_BAD_MEM_ALIGNMENT},
    };
    for (const Row& row : rows) {
      address = unaligned_fixed;
      EXPECT_EQ(rsm_memseg_import_map(
                    row.handle, row.null_address ? nullptr : &address, row.attr,
                    row.perm, row.offset, row.length),
                row.expected)
          << row.what;
    }
    // RSM_MAP_FIXED needs a page-aligned address.
    address = unaligned_fixed;
    EXPECT_EQ(rsm_memseg_import_map(imported, &address, RSM_MAP_FIXED,
                                    RSM_PERM_RDWR, 0, page),
              RSMERR_BAD_MEM_ALIGNMENT);

    EXPECT_EQ(rsm_memseg_import_unmap(imported), RSMERR_SEG_NOT_MAPPED);
    address = nullptr;
    const int mapped = rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                             RSM_PERM_RDWR, page, 2 * page);
    if (!nodes.can_map()) {
      // Frames cannot be loaded from or stored to: remote memory is never
      // mapped.
      EXPECT_EQ(mapped, RSMERR_MAP_FAILED);
      EXPECT_EQ(rsm_memseg_import_unmap(imported), RSMERR_SEG_NOT_MAPPED);
      return;
    }
    // In this process: the exporter's memory itself.
    ASSERT_EQ(mapped, RSM_SUCCESS);
    EXPECT_EQ(address, memory.data() + page);
    // One mapping per handle; NULL address is still checked first.
    EXPECT_EQ(rsm_memseg_import_map(imported, nullptr, RSM_MAP_NONE,
                                    RSM_PERM_RDWR, 0, page),
              RSMERR_BAD_ADDR);
    EXPECT_EQ(
        rsm_memseg_import_map(imported, &address, RSM_MAP_NONE, 0700, 0, 0),
        RSMERR_SEG_ALREADY_MAPPED);
    EXPECT_EQ(rsm_memseg_import_unmap(nullptr), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_unmap(NotAHandle<rsm_memseg_import_handle_t>()),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_unmap(imported), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_unmap(imported), RSMERR_SEG_NOT_MAPPED);
  });
}

TEST_P(ImportMap, WhatAMappingIs) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(2);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t rdwr = Connect(nodes, id);
    rsm_memseg_import_handle_t read = Connect(nodes, id, RSM_PERM_READ);
    ASSERT_NE(rdwr, nullptr);
    ASSERT_NE(read, nullptr);
    void* address = nullptr;
    if (!nodes.can_map()) {
      EXPECT_EQ(rsm_memseg_import_map(rdwr, &address, RSM_MAP_NONE,
                                      RSM_PERM_READ, 0, page),
                RSMERR_MAP_FAILED);
      return;
    }
    // Stores through the mapping are the exporter's memory.
    ASSERT_EQ(rsm_memseg_import_map(rdwr, &address, RSM_MAP_NONE, RSM_PERM_RDWR,
                                    page, page),
              RSM_SUCCESS);
    static_cast<uint8_t*>(address)[5] = 0x5a;
    EXPECT_EQ(memory.data()[page + 5], 0x5a);
    ASSERT_EQ(rsm_memseg_import_unmap(rdwr), RSM_SUCCESS);
    // No more than the connect asked for.
    EXPECT_EQ(rsm_memseg_import_map(read, &address, RSM_MAP_NONE, RSM_PERM_RDWR,
                                    0, page),
              RSMERR_BAD_PERMS);
    EXPECT_EQ(rsm_memseg_import_map(read, &address, RSM_MAP_NONE,
                                    RSM_PERM_WRITE, 0, page),
              RSMERR_BAD_PERMS);
    EXPECT_EQ(rsm_memseg_import_map(read, &address, RSM_MAP_NONE, RSM_PERM_READ,
                                    0, page),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_import_unmap(read), RSM_SUCCESS);
    // RSM_MAP_FIXED: only where the memory is.
    address = memory.data();
    EXPECT_EQ(rsm_memseg_import_map(rdwr, &address, RSM_MAP_FIXED,
                                    RSM_PERM_RDWR, 0, page),
              RSM_SUCCESS);
    EXPECT_EQ(address, memory.data());
    ASSERT_EQ(rsm_memseg_import_unmap(rdwr), RSM_SUCCESS);
    address = memory.data() + page;
    EXPECT_EQ(rsm_memseg_import_map(rdwr, &address, RSM_MAP_FIXED,
                                    RSM_PERM_RDWR, 0, page),
              RSMERR_MAP_FAILED);
  });
}

TEST_P(ImportMap, ArgumentsAreCheckedBeforeTheLostConnection) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    ASSERT_EQ(rsm_memseg_export_unpublish(exported), RSM_SUCCESS);
    if (!nodes.can_map()) {
      // A remote import learns of the unpublish from a REVOKE frame, which a
      // put's round trip is sure to have delivered; until then map says
      // what it says for any remote segment.
      uint8_t byte = 0;
      ASSERT_EQ(rsm_memseg_import_put8(imported, 0, &byte, 1),
                RSMERR_CONN_ABORTED);
    }
    // Solaris checked the arguments, then mmap failed (ENODEV: the
    // connection was aborted). A same-node import is told at once, REVOKE
    // or not.
    void* address = nullptr;
    EXPECT_EQ(
        rsm_memseg_import_map(imported, &address, RSM_MAP_NONE, 0700, 0, page),
        RSMERR_BAD_PERMS);
    EXPECT_EQ(rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                    RSM_PERM_RDWR, 0, 0),
              RSMERR_BAD_LENGTH);
    EXPECT_EQ(rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                    RSM_PERM_RDWR, 8, page),
              RSMERR_BAD_LENGTH);
    EXPECT_EQ(rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                    RSM_PERM_RDWR, 0, page),
              RSMERR_CONN_ABORTED);
  });
}

INSTANTIATE_TEST_SUITE_P(Setups, ImportConnect,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ImportDisconnect,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ImportMap, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);

}  // namespace
}  // namespace rsm::testing
