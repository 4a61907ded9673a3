// SPDX-License-Identifier: BSD-3-Clause
// rsm_memseg_export_create, _destroy, _rebind, _publish, _republish and
// _unpublish through the C API, on loopback, on the embedded default's dpdk0
// and across two nodes (rsm/testing/capi_setups.h): every argument error in
// Solaris's order (rsm_memseg_export_create(3RSM),
// rsm_memseg_export_publish(3RSM) on segment ids), then what each call does to
// an importer. Each case runs in a forked child.
#include <sys/mman.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/capi_setups.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400123;
// The largest export a DPDK controller takes (its
// attr_max_export_segment_size).
constexpr size_t kDpdkMaxExport = size_t{1} << 30;

// Publishes a fresh export of `memory` on the exporter with `id` and `acl`;
// returns publish's code. The export is destroyed again either way, so rows
// do not see each other's ids.
int PublishFresh(const Nodes& nodes, const Pages& memory, rsm_memseg_id_t id,
                 std::vector<rsmapi_access_entry_t> acl) {
  rsm_memseg_export_handle_t exported = nullptr;
  const int created = rsm_memseg_export_create(nodes.exporter(), &exported,
                                               memory.data(), memory.size(), 0);
  if (created != RSM_SUCCESS) {
    ADD_FAILURE() << "rsm_memseg_export_create = " << created;
    return -1;
  }
  const int rc = rsm_memseg_export_publish(exported, &id, acl.data(),
                                           static_cast<uint_t>(acl.size()));
  EXPECT_EQ(rsm_memseg_export_destroy(exported), RSM_SUCCESS);
  return rc;
}

std::vector<rsmapi_access_entry_t> Acl(rsm_node_id_t node,
                                       rsm_permission_t perm) {
  return {{node, perm}};
}

// Puts `text` at `offset` and expects it in `memory`, the exporter's side.
void ExpectPutLands(rsm_memseg_import_handle_t imported, off_t offset,
                    const char* text, const uint8_t* memory) {
  const size_t length = std::strlen(text);
  ASSERT_EQ(
      rsm_memseg_import_put(imported, offset, const_cast<char*>(text), length),
      RSM_SUCCESS);
  EXPECT_EQ(std::memcmp(memory + offset, text, length), 0);
}

class ExportCreate : public SetupTest {};
class ExportDestroy : public SetupTest {};
class ExportRebind : public SetupTest {};
class ExportPublish : public SetupTest {};
class ExportRepublish : public SetupTest {};
class ExportUnpublish : public SetupTest {};

TEST_P(ExportCreate, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(2);
    uint8_t* const aligned = memory.data();
    uint8_t* const unaligned = memory.data() + 8;
    // Mapped before the unmapped range is found, so it cannot land there.
    // Two pages of which the second is read-only: remote puts could not
    // write there.
    auto* read_only =
        static_cast<uint8_t*>(mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(read_only, MAP_FAILED);
    ASSERT_EQ(mprotect(read_only + page, page, PROT_READ), 0);
    void* const unmapped = UnmappedRange(2 * page);
    // Three pages of which the last is not mapped.
    auto* partly =
        static_cast<uint8_t*>(mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(partly, MAP_FAILED);
    ASSERT_EQ(munmap(partly + 2 * page, page), 0);
    const rsmapi_controller_handle_t ctlr = nodes.exporter();
    const bool dpdk = !nodes.loopback();
    const size_t too_large = kDpdkMaxExport + page;
    struct Row {
      const char* what;
      rsmapi_controller_handle_t controller;
      bool null_memseg;
      void* vaddr;
      size_t size;
      int expected;
    };
    std::vector<Row> rows = {
        {"NULL controller first", nullptr, true, nullptr, 0,
         RSMERR_BAD_CTLR_HNDL},
        {"not a controller", NotAHandle<rsmapi_controller_handle_t>(), false,
         aligned, page, RSMERR_BAD_CTLR_HNDL},
        {"NULL memseg before NULL vaddr", ctlr, true, nullptr, 0,
         RSMERR_BAD_SEG_HNDL},
        {"NULL vaddr before size 0", ctlr, false, nullptr, 0, RSMERR_BAD_ADDR},
        {"size 0 before alignment", ctlr, false, unaligned, 0,
         RSMERR_BAD_LENGTH},
        {"unaligned vaddr", ctlr, false, unaligned, page,
         RSMERR_BAD_MEM_ALIGNMENT},
        {"unaligned size", ctlr, false, aligned, page + 8,
         RSMERR_BAD_MEM_ALIGNMENT},
        {"alignment before the size limit", ctlr, false, unaligned, too_large,
         RSMERR_BAD_MEM_ALIGNMENT},
        {"unmapped memory", ctlr, false, unmapped, 2 * page, RSMERR_BAD_ADDR},
        {"partly unmapped memory", ctlr, false, partly, 3 * page,
         RSMERR_BAD_ADDR},
        {"partly read-only memory", ctlr, false, read_only, 2 * page,
         RSMERR_PERM_DENIED},
    };
    if (dpdk) {
      // Checked before the memory is: Solaris's library refused the size
      // before the kernel locked any page.
      rows.push_back({"size limit before the memory", ctlr, false, unmapped,
                      too_large, RSMERR_BAD_LENGTH});
    }
    for (const Row& row : rows) {
      auto* const untouched =
          NotAHandle<rsm_memseg_export_handle_t>();  // must be cleared
      rsm_memseg_export_handle_t handle = untouched;
      EXPECT_EQ(rsm_memseg_export_create(row.controller,
                                         row.null_memseg ? nullptr : &handle,
                                         row.vaddr, row.size, 0),
                row.expected)
          << row.what;
      if (!row.null_memseg && row.expected != RSMERR_BAD_CTLR_HNDL) {
        EXPECT_EQ(handle, nullptr) << row.what << ": *memseg not cleared";
      }
    }
    // And the good case, with both flags.
    rsm_memseg_export_handle_t handle = nullptr;
    ASSERT_EQ(
        rsm_memseg_export_create(ctlr, &handle, aligned, 2 * page,
                                 RSM_ALLOW_REBIND | RSM_CREATE_SEG_DONTWAIT),
        RSM_SUCCESS);
    EXPECT_NE(handle, nullptr);
    EXPECT_EQ(rsm_memseg_export_destroy(handle), RSM_SUCCESS);
    munmap(read_only, 2 * page);
    munmap(partly, 2 * page);
  });
}

// Whether the mapping holding `address` is locked (VmFlags "lo" in smaps).
bool Locked(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &start, &end) ==
        2) {
      inside = start <= at && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line.find(" lo") != std::string::npos;
    }
  }
  return false;
}

// Solaris pinned exported pages; so does this, where the process may lock
// memory (root here; RLIMIT_MEMLOCK otherwise).
TEST_P(ExportCreate, PinsTheMemoryUntilRebindOrDestroy) {
  if (geteuid() != 0) GTEST_SKIP() << "locking memory needs CAP_IPC_LOCK";
  RunCase([](Nodes& nodes) {
    Pages memory(4), other(4);
    ASSERT_FALSE(Locked(memory.data()));
    rsm_memseg_export_handle_t handle = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &handle, memory.data(),
                                       memory.size(), RSM_ALLOW_REBIND),
              RSM_SUCCESS);
    EXPECT_TRUE(Locked(memory.data()));
    EXPECT_TRUE(Locked(memory.data() + memory.size() - 1));
    ASSERT_EQ(rsm_memseg_export_rebind(handle, other.data(), 0, other.size()),
              RSM_SUCCESS);
    EXPECT_FALSE(Locked(memory.data()));
    EXPECT_TRUE(Locked(other.data()));
    ASSERT_EQ(rsm_memseg_export_destroy(handle), RSM_SUCCESS);
    EXPECT_FALSE(Locked(other.data()));
  });
}

TEST_P(ExportCreate, SizeLimitIsTheDpdkControllersOnly) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    // Address space only: reserved, never touched (pinning locks pages as
    // they are touched, so it allocates none).
    const size_t reserved = kDpdkMaxExport + page;
    auto* memory = static_cast<uint8_t*>(
        mmap(nullptr, reserved, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    ASSERT_NE(memory, MAP_FAILED);
    rsm_memseg_export_handle_t handle = nullptr;
    // Exactly the limit is fine everywhere.
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &handle, memory,
                                       kDpdkMaxExport, 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_destroy(handle), RSM_SUCCESS);
    // One page more: loopback has no limit (attr 0), dpdk has 1 GiB.
    EXPECT_EQ(rsm_memseg_export_create(nodes.exporter(), &handle, memory,
                                       reserved, 0),
              nodes.loopback() ? RSM_SUCCESS : RSMERR_BAD_LENGTH);
    if (nodes.loopback()) {
      EXPECT_EQ(rsm_memseg_export_destroy(handle), RSM_SUCCESS);
    }
    munmap(memory, reserved);
  });
}

TEST_P(ExportDestroy, BadHandlesAndDestroyingTwice) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    EXPECT_EQ(rsm_memseg_export_destroy(nullptr), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_export_destroy(NotAHandle<rsm_memseg_export_handle_t>()),
        RSMERR_BAD_SEG_HNDL);
    // An import handle is not an export handle.
    EXPECT_EQ(rsm_memseg_export_destroy(
                  reinterpret_cast<rsm_memseg_export_handle_t>(imported)),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_export_destroy(exported), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_destroy(exported), RSMERR_BAD_SEG_HNDL);
    // Every other export call refuses the destroyed handle too.
    EXPECT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_export_unpublish(exported), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_export_republish(exported, nullptr, 0),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_export_rebind(exported, memory.data(), 0, memory.size()),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSM_SUCCESS);
  });
}

TEST_P(ExportDestroy, UnpublishesAndFreesTheId) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    ASSERT_EQ(rsm_memseg_export_destroy(exported), RSM_SUCCESS);
    rsm_memseg_import_handle_t imported = nullptr;
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        id, RSM_PERM_RDWR, &imported),
              RSMERR_SEG_NOT_PUBLISHED);
    // The id is free again.
    EXPECT_EQ(PublishFresh(nodes, memory, id, {}), RSM_SUCCESS);
  });
}

TEST_P(ExportRebind, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(2), other(2), small(1);
    rsm_memseg_export_handle_t fixed = nullptr, rebindable = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &fixed, memory.data(),
                                       memory.size(), 0),
              RSM_SUCCESS);
    ASSERT_EQ(
        rsm_memseg_export_create(nodes.exporter(), &rebindable, memory.data(),
                                 memory.size(), RSM_ALLOW_REBIND),
        RSM_SUCCESS);
    void* const read_only =
        mmap(nullptr, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(read_only, MAP_FAILED);
    void* const unmapped = UnmappedRange(2 * page);
    struct Row {
      const char* what;
      rsm_memseg_export_handle_t handle;
      void* vaddr;
      size_t size;
      int expected;
    };
    const Row rows[] = {
        {"NULL handle first", nullptr, nullptr, 0, RSMERR_BAD_SEG_HNDL},
        {"not a handle", NotAHandle<rsm_memseg_export_handle_t>(), other.data(),
         other.size(), RSMERR_BAD_SEG_HNDL},
        {"NULL vaddr before the flag", fixed, nullptr, 0, RSMERR_BAD_ADDR},
        {"no RSM_ALLOW_REBIND before the size", fixed, small.data(),
         small.size(), RSMERR_REBIND_NOT_ALLOWED},
        {"no RSM_ALLOW_REBIND, same memory", fixed, memory.data(),
         memory.size(), RSMERR_REBIND_NOT_ALLOWED},
        {"another size", rebindable, small.data(), small.size(),
         RSMERR_BAD_LENGTH},
        {"another size, unaligned too", rebindable, other.data() + 8, page,
         RSMERR_BAD_LENGTH},
        {"unaligned vaddr", rebindable, other.data() + 8, other.size(),
         RSMERR_BAD_MEM_ALIGNMENT},
        {"unmapped memory", rebindable, unmapped, 2 * page, RSMERR_BAD_ADDR},
        {"read-only memory", rebindable, read_only, 2 * page,
         RSMERR_PERM_DENIED},
        {"same memory: nothing to do", rebindable, memory.data(), memory.size(),
         RSM_SUCCESS},
    };
    for (const Row& row : rows) {
      EXPECT_EQ(rsm_memseg_export_rebind(row.handle, row.vaddr, 0, row.size),
                row.expected)
          << row.what;
    }
    // The offset argument is ignored, as Solaris ignored it.
    EXPECT_EQ(
        rsm_memseg_export_rebind(rebindable, other.data(), 12345, other.size()),
        RSM_SUCCESS);
    munmap(read_only, 2 * page);
  });
}

TEST_P(ExportRebind, IsTransparentToAnImporter) {
  RunCase([](Nodes& nodes) {
    Pages first(2), second(2);
    second.Fill(0xbb);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported =
        ExportAndPublish(nodes, first, &id, RSM_ALLOW_REBIND);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    ExpectPutLands(imported, 0, "before the rebind", first.data());

    ASSERT_EQ(
        rsm_memseg_export_rebind(exported, second.data(), 0, second.size()),
        RSM_SUCCESS);
    // Still connected; reads and writes reach the new memory only.
    uint8_t got[32];
    ASSERT_EQ(rsm_memseg_import_get(imported, 0, got, sizeof got), RSM_SUCCESS);
    for (uint8_t byte : got) ASSERT_EQ(byte, 0xbb);
    ExpectPutLands(imported, 100, "after the rebind", second.data());
    EXPECT_EQ(first.data()[100], 0) << "written to the old memory";
    if (nodes.can_map()) {
      void* address = nullptr;
      ASSERT_EQ(rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                      RSM_PERM_RDWR, 0, second.size()),
                RSM_SUCCESS);
      EXPECT_EQ(address, second.data());
      EXPECT_EQ(rsm_memseg_import_unmap(imported), RSM_SUCCESS);
    }

    // Back to the first memory, whose bytes are as they were left.
    ASSERT_EQ(rsm_memseg_export_rebind(exported, first.data(), 0, first.size()),
              RSM_SUCCESS);
    char text[18] = {};
    ASSERT_EQ(rsm_memseg_import_get(imported, 0, text, 17), RSM_SUCCESS);
    EXPECT_STREQ(text, "before the rebind");
  });
}

TEST_P(ExportRebind, BeforePublishTheNewMemoryIsPublished) {
  RunCase([](Nodes& nodes) {
    Pages first(1), second(1);
    rsm_memseg_export_handle_t exported = nullptr;
    ASSERT_EQ(
        rsm_memseg_export_create(nodes.exporter(), &exported, first.data(),
                                 first.size(), RSM_ALLOW_REBIND),
        RSM_SUCCESS);
    ASSERT_EQ(
        rsm_memseg_export_rebind(exported, second.data(), 0, second.size()),
        RSM_SUCCESS);
    rsm_memseg_id_t id = kId;
    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    ExpectPutLands(imported, 8, "published after a rebind", second.data());
    EXPECT_EQ(first.data()[8], 0);
  });
}

TEST_P(ExportPublish, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_export_handle_t exported = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &exported,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    rsm_memseg_id_t id = kId;
    rsm_memseg_id_t reserved = 1;
    // NULL id first, before the handle.
    EXPECT_EQ(rsm_memseg_export_publish(nullptr, nullptr, nullptr, 0),
              RSMERR_BAD_SEGID);
    EXPECT_EQ(rsm_memseg_export_publish(exported, nullptr, nullptr, 0),
              RSMERR_BAD_SEGID);
    EXPECT_EQ(rsm_memseg_export_publish(nullptr, &id, nullptr, 0),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_export_publish(
                  NotAHandle<rsm_memseg_export_handle_t>(), &id, nullptr, 0),
              RSMERR_BAD_SEG_HNDL);
    // A NULL list with a length, before the id is checked.
    EXPECT_EQ(rsm_memseg_export_publish(exported, &reserved, nullptr, 1),
              RSMERR_BAD_ACL);
    // A reserved id, before the list's entries are.
    std::vector<rsmapi_access_entry_t> bad_acl = Acl(65, RSM_PERM_RDWR);
    EXPECT_EQ(rsm_memseg_export_publish(exported, &reserved, bad_acl.data(), 1),
              RSMERR_RESERVED_SEGID);
    EXPECT_EQ(reserved, 1u);

    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    EXPECT_EQ(id, kId);
    // Published: the NULL-list check still comes first, then "already
    // published" before the id and the list's entries.
    EXPECT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 1),
              RSMERR_BAD_ACL);
    EXPECT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSMERR_SEG_ALREADY_PUBLISHED);
    EXPECT_EQ(rsm_memseg_export_publish(exported, &reserved, bad_acl.data(), 1),
              RSMERR_SEG_ALREADY_PUBLISHED);
    // An import handle is not an export handle.
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    EXPECT_EQ(rsm_memseg_export_publish(
                  reinterpret_cast<rsm_memseg_export_handle_t>(imported), &id,
                  nullptr, 0),
              RSMERR_BAD_SEG_HNDL);
  });
}

TEST_P(ExportPublish, ReservedSegmentIds) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    struct Row {
      rsm_memseg_id_t id;
      int expected;
    };
    const Row rows[] = {
        {1, RSMERR_RESERVED_SEGID},           // driver private
        {0x0FFFFF, RSMERR_RESERVED_SEGID},    // driver private, last
        {0x100000, RSMERR_RESERVED_SEGID},    // cluster transport
        {0x200000, RSMERR_RESERVED_SEGID},    // RSMLIB: the library refused it
        {0x3FFFFF, RSMERR_RESERVED_SEGID},    // DLPI, last
        {0x400000, RSM_SUCCESS},              // first application id
        {0x5FFFFF, RSM_SUCCESS},              // OPS: convention only
        {0x7FFFFFFF, RSM_SUCCESS},            // last application id
        {0x80000000, RSMERR_RESERVED_SEGID},  // automatic ids
        {0xFFFFFFFF, RSMERR_RESERVED_SEGID},
    };
    for (const Row& row : rows) {
      EXPECT_EQ(PublishFresh(nodes, memory, row.id, {}), row.expected)
          << std::hex << "0x" << row.id;
    }
  });
}

TEST_P(ExportPublish, AccessListValidation) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    const rsm_node_id_t self = nodes.exporter_node();
    std::vector<rsmapi_access_entry_t> sixty_four, sixty_five;
    for (rsm_node_id_t node = 1; node <= 65; ++node) {
      if (node <= 64) sixty_four.push_back({node, RSM_PERM_RDWR});
      sixty_five.push_back({node, RSM_PERM_RDWR});
    }
    struct Row {
      const char* what;
      std::vector<rsmapi_access_entry_t> acl;
      int expected;
    };
    std::vector<Row> rows = {
        {"65 entries", sixty_five, RSMERR_BAD_ACL},
        {"node 65", Acl(65, RSM_PERM_RDWR), RSMERR_BAD_ACL},
        {"permission 0667", Acl(self, 0667), RSMERR_BAD_ACL},
        {"permission 01000", Acl(self, 01000), RSMERR_BAD_ACL},
        {"permission 0666", Acl(self, 0666), RSM_SUCCESS},
        // Solaris compared the number: 0577 <= 0666 passes.
        {"permission 0577", Acl(self, 0577), RSM_SUCCESS},
        {"empty list", {}, RSM_SUCCESS},
    };
    if (nodes.loopback()) {
      // Loopback: at most one entry, naming this node.
      rows.push_back(
          {"another node", Acl(self + 1, RSM_PERM_RDWR), RSMERR_BAD_ACL});
      rows.push_back(
          {"two entries", {{self, 0600}, {self, 0600}}, RSMERR_BAD_ACL});
      rows.push_back({"64 entries", sixty_four, RSMERR_BAD_ACL});
    } else {
      rows.push_back(
          {"another node", Acl(Nodes::kStranger, RSM_PERM_RDWR), RSM_SUCCESS});
      rows.push_back({"node 64", Acl(64, RSM_PERM_RDWR), RSM_SUCCESS});
      rows.push_back({"64 entries", sixty_four, RSM_SUCCESS});
      rows.push_back(
          {"a node twice", {{self, 0600}, {self, 0400}}, RSM_SUCCESS});
    }
    for (const Row& row : rows) {
      EXPECT_EQ(PublishFresh(nodes, memory, kId, row.acl), row.expected)
          << row.what;
    }
  });
}

TEST_P(ExportPublish, AssignsIdsAndRefusesDuplicates) {
  RunCase([](Nodes& nodes) {
    Pages a(1), b(1), c(1);
    rsm_memseg_id_t first = 0, second = 0, same = kId, duplicate = kId;
    rsm_memseg_export_handle_t one = ExportAndPublish(nodes, a, &first);
    rsm_memseg_export_handle_t two = ExportAndPublish(nodes, b, &second);
    ASSERT_NE(one, nullptr);
    ASSERT_NE(two, nullptr);
    // Id 0 asks for an automatic one, written back; never the same twice.
    EXPECT_GE(first, 0x80000000u);
    EXPECT_GE(second, 0x80000000u);
    EXPECT_NE(first, second);
    rsm_memseg_export_handle_t three = ExportAndPublish(nodes, c, &same);
    ASSERT_NE(three, nullptr);
    rsm_memseg_export_handle_t four = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &four, a.data(),
                                       a.size(), 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_publish(four, &duplicate, nullptr, 0),
              RSMERR_SEGID_IN_USE);
    EXPECT_EQ(duplicate, kId);
    // Each id reaches its own segment.
    for (auto [id, memory] :
         {std::pair{first, &a}, std::pair{second, &b}, std::pair{same, &c}}) {
      rsm_memseg_import_handle_t imported = Connect(nodes, id);
      ASSERT_NE(imported, nullptr);
      ExpectPutLands(imported, 0, "mine", memory->data());
    }
    // Once the holder unpublishes, the id can be published again.
    ASSERT_EQ(rsm_memseg_export_unpublish(three), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_publish(four, &duplicate, nullptr, 0),
              RSM_SUCCESS);
  });
}

TEST(ExportPublishTwoNodes, IdsArePerNode) {
  EXPECT_TRUE(RunOn(SetupKind::kTwoNodes, [](Nodes& nodes) {
    TwoNodeControllers& two = *nodes.two_nodes();
    Pages on_node1(1), on_node2(1);
    rsm_memseg_export_handle_t exported[2] = {};
    const Pages* memory[2] = {&on_node1, &on_node2};
    for (int node = 1; node <= 2; ++node) {
      rsm_memseg_id_t id = kId;
      ASSERT_EQ(rsm_memseg_export_create(two.handle(node), &exported[node - 1],
                                         memory[node - 1]->data(),
                                         memory[node - 1]->size(), 0),
                RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_export_publish(exported[node - 1], &id, nullptr, 0),
                RSM_SUCCESS)
          << "node " << node;
    }
    // Each node imports the other's segment of the same id.
    for (int node = 1; node <= 2; ++node) {
      const int other = 3 - node;
      rsm_memseg_import_handle_t imported = nullptr;
      ASSERT_EQ(rsm_memseg_import_connect(two.handle(node), other, kId,
                                          RSM_PERM_RDWR, &imported),
                RSM_SUCCESS);
      ExpectPutLands(imported, 0, node == 1 ? "from node 1" : "from node 2",
                     memory[other - 1]->data());
    }
    EXPECT_STREQ(reinterpret_cast<char*>(on_node2.data()), "from node 1");
    EXPECT_STREQ(reinterpret_cast<char*>(on_node1.data()), "from node 2");
  }));
}

TEST_P(ExportRepublish, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_export_handle_t exported = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &exported,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    std::vector<rsmapi_access_entry_t> good =
        Acl(nodes.importer_node(), RSM_PERM_RDWR);
    EXPECT_EQ(rsm_memseg_export_republish(nullptr, nullptr, 1),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_export_republish(
                  NotAHandle<rsm_memseg_export_handle_t>(), good.data(), 1),
              RSMERR_BAD_SEG_HNDL);
    // Not published, before the NULL list.
    EXPECT_EQ(rsm_memseg_export_republish(exported, nullptr, 1),
              RSMERR_SEG_NOT_PUBLISHED);
    EXPECT_EQ(rsm_memseg_export_republish(exported, good.data(), 1),
              RSMERR_SEG_NOT_PUBLISHED);
    rsm_memseg_id_t id = kId;
    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_republish(exported, nullptr, 1),
              RSMERR_BAD_ACL);
    std::vector<rsmapi_access_entry_t> too_long(65, {1, RSM_PERM_RDWR});
    EXPECT_EQ(rsm_memseg_export_republish(exported, too_long.data(), 65),
              RSMERR_BAD_ACL);
    std::vector<rsmapi_access_entry_t> node_65 = Acl(65, RSM_PERM_RDWR);
    EXPECT_EQ(rsm_memseg_export_republish(exported, node_65.data(), 1),
              RSMERR_BAD_ACL);
    std::vector<rsmapi_access_entry_t> perm_0667 =
        Acl(nodes.importer_node(), 0667);
    EXPECT_EQ(rsm_memseg_export_republish(exported, perm_0667.data(), 1),
              RSMERR_BAD_ACL);
    if (nodes.loopback()) {
      std::vector<rsmapi_access_entry_t> other =
          Acl(nodes.exporter_node() + 1, RSM_PERM_RDWR);
      EXPECT_EQ(rsm_memseg_export_republish(exported, other.data(), 1),
                RSMERR_BAD_ACL);
    }
    EXPECT_EQ(rsm_memseg_export_republish(exported, good.data(), 1),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_republish(exported, nullptr, 0), RSM_SUCCESS);
    // After an unpublish it is not published any more.
    ASSERT_EQ(rsm_memseg_export_unpublish(exported), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_republish(exported, good.data(), 1),
              RSMERR_SEG_NOT_PUBLISHED);
  });
}

TEST_P(ExportRepublish, ExistingConnectionsKeepTheirGrant) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(
        nodes, memory, &id, 0, Acl(nodes.importer_node(), RSM_PERM_RDWR));
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);

    // Loopback's list can name only this node: it loses write instead of
    // being left out.
    std::vector<rsmapi_access_entry_t> narrower =
        nodes.loopback() ? Acl(nodes.importer_node(), RSM_PERM_READ)
                         : Acl(Nodes::kStranger, RSM_PERM_RDWR);
    ASSERT_EQ(rsm_memseg_export_republish(exported, narrower.data(), 1),
              RSM_SUCCESS);
    // The existing connection works as before, both ways.
    ExpectPutLands(imported, 0, "still connected", memory.data());
    char text[16] = {};
    ASSERT_EQ(rsm_memseg_import_get(imported, 0, text, 15), RSM_SUCCESS);
    EXPECT_STREQ(text, "still connected");
    // A new connect is decided by the new list.
    rsm_memseg_import_handle_t again = nullptr;
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        id, RSM_PERM_RDWR, &again),
              nodes.loopback() ? RSMERR_PERM_DENIED
                               : RSMERR_SEG_NOT_PUBLISHED_TO_NODE);
    if (nodes.loopback()) {
      EXPECT_EQ(
          rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(), id,
                                    RSM_PERM_READ, &again),
          RSM_SUCCESS);
    }
    // And by the list put back.
    std::vector<rsmapi_access_entry_t> wider =
        Acl(nodes.importer_node(), RSM_PERM_RDWR);
    ASSERT_EQ(rsm_memseg_export_republish(exported, wider.data(), 1),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        id, RSM_PERM_RDWR, &again),
              RSM_SUCCESS);
  });
}

TEST_P(ExportUnpublish, ArgumentErrors) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_export_handle_t exported = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &exported,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_unpublish(nullptr), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(
        rsm_memseg_export_unpublish(NotAHandle<rsm_memseg_export_handle_t>()),
        RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_export_unpublish(exported), RSMERR_SEG_NOT_PUBLISHED);
    rsm_memseg_id_t id = kId;
    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_unpublish(exported), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_unpublish(exported), RSMERR_SEG_NOT_PUBLISHED);
  });
}

TEST_P(ExportUnpublish, AbortsImportersAndMayBePublishedAgain) {
  RunCase([](Nodes& nodes) {
    Pages memory(2), local(1);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    ExpectPutLands(imported, 0, "connected", memory.data());

    ASSERT_EQ(rsm_memseg_export_unpublish(exported), RSM_SUCCESS);
    uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t words[2] = {};
    EXPECT_EQ(rsm_memseg_import_put(imported, 64, bytes, sizeof bytes),
              RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_memseg_import_get(imported, 0, bytes, sizeof bytes),
              RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_memseg_import_put32(imported, 0, words, 2),
              RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_memseg_import_get32(imported, 0, words, 2),
              RSMERR_CONN_ABORTED);
    EXPECT_EQ(memory.data()[64], 0) << "a put after the unpublish landed";
    // putv/getv: Solaris's kernel refused a vector on a lost connection.
    rsm_iovec_t io = {};
    io.io_type = RSM_VA_TYPE;
    io.local.vaddr = reinterpret_cast<caddr_t>(local.data());
    io.transfer_length = 16;
    rsm_scat_gath_t sg = {};
    sg.remote_handle = imported;
    sg.io_request_count = 1;
    sg.iovec = &io;
    EXPECT_EQ(rsm_memseg_import_putv(&sg), RSMERR_BAD_SGIO);
    EXPECT_EQ(rsm_memseg_import_getv(&sg), RSMERR_BAD_SGIO);
    void* address = nullptr;
    EXPECT_EQ(rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                    RSM_PERM_RDWR, 0, memory.size()),
              RSMERR_CONN_ABORTED);
    rsm_memseg_import_handle_t again = nullptr;
    EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), nodes.exporter_node(),
                                        id, RSM_PERM_RDWR, &again),
              RSMERR_SEG_NOT_PUBLISHED);
    EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSM_SUCCESS);

    // Published again under the same id: a new connection works, the old
    // one stays ended.
    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    again = Connect(nodes, id);
    ASSERT_NE(again, nullptr);
    ExpectPutLands(again, 128, "published again", memory.data());
    char text[10] = {};
    ASSERT_EQ(rsm_memseg_import_get(again, 0, text, 9), RSM_SUCCESS);
    EXPECT_STREQ(text, "connected");
  });
}

INSTANTIATE_TEST_SUITE_P(Setups, ExportCreate, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ExportDestroy,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ExportRebind, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ExportPublish,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ExportRepublish,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, ExportUnpublish,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);

}  // namespace
}  // namespace rsm::testing
