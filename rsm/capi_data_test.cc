// SPDX-License-Identifier: BSD-3-Clause
// Data movement through the C API: rsm_memseg_import_put/get, their 8..64-bit
// forms, putv/getv, local memory handles and rsm_dpdk_get_counters, on
// loopback, on the embedded default's dpdk0 and across two nodes
// (rsm/testing/capi_setups.h). Every argument error in Solaris's order
// (rsm_memseg_import_put(3RSM), rsm_create_localmemory_handle(3RSM)), then what
// lands where. Each case runs in a forked child.
#include <cstdint>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "rsm/rsm_dpdk.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/capi_setups.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400789;

// One of the ten put/get calls, with a uniform signature: `count` elements
// of `unit` bytes (put and get: bytes).
struct AccessCall {
  const char* name;
  size_t unit;
  bool put;
  int (*call)(rsm_memseg_import_handle_t, off_t, void*, size_t);
};

const AccessCall kAccessCalls[] = {
    {"put", 1, true,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_put(h, o, d, n);
     }},
    {"get", 1, false,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_get(h, o, d, n);
     }},
    {"put8", 1, true,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_put8(h, o, static_cast<uint8_t*>(d), n);
     }},
    {"get8", 1, false,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_get8(h, o, static_cast<uint8_t*>(d), n);
     }},
    {"put16", 2, true,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_put16(h, o, static_cast<uint16_t*>(d), n);
     }},
    {"get16", 2, false,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_get16(h, o, static_cast<uint16_t*>(d), n);
     }},
    {"put32", 4, true,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_put32(h, o, static_cast<uint32_t*>(d), n);
     }},
    {"get32", 4, false,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_get32(h, o, static_cast<uint32_t*>(d), n);
     }},
    {"put64", 8, true,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_put64(h, o, static_cast<uint64_t*>(d), n);
     }},
    {"get64", 8, false,
     [](rsm_memseg_import_handle_t h, off_t o, void* d, size_t n) {
       return rsm_memseg_import_get64(h, o, static_cast<uint64_t*>(d), n);
     }},
};

class PutGet : public SetupTest {};
class PutvGetv : public SetupTest {};
class LocalMemoryHandle : public SetupTest {};
class DpdkCounters : public SetupTest {};

TEST_P(PutGet, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    Pages memory(2);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t rdwr = Connect(nodes, id);
    rsm_memseg_import_handle_t read_only = Connect(nodes, id, RSM_PERM_READ);
    rsm_memseg_import_handle_t write_only = Connect(nodes, id, RSM_PERM_WRITE);
    rsm_memseg_import_handle_t neither = Connect(nodes, id, RSM_PERM_NONE);
    ASSERT_TRUE(rdwr && read_only && write_only && neither);
    const auto size = static_cast<off_t>(memory.size());
    alignas(8) uint8_t buffer[64] = {};
    for (const AccessCall& f : kAccessCalls) {
      const auto unit = static_cast<off_t>(f.unit);
      rsm_memseg_import_handle_t wrong = f.put ? read_only : write_only;
      struct Row {
        const char* what;
        rsm_memseg_import_handle_t handle;
        off_t offset;
        void* data;
        size_t count;
        int expected;
      };
      std::vector<Row> rows = {
          {"NULL handle first", nullptr, unit / 2, nullptr, 1,
           RSMERR_BAD_SEG_HNDL},
          {"not a handle", NotAHandle<rsm_memseg_import_handle_t>(), 0, buffer,
           1, RSMERR_BAD_SEG_HNDL},
          {"an export handle",
           reinterpret_cast<rsm_memseg_import_handle_t>(exported), 0, buffer, 1,
           RSMERR_BAD_SEG_HNDL},
          {"NULL data before alignment", rdwr, unit / 2, nullptr, 1,
           RSMERR_BAD_ADDR},
          {"direction not asked for, before the range", wrong, size, buffer, 1,
           RSMERR_PERM_DENIED},
          {"direction not asked for", wrong, 0, buffer, 1, RSMERR_PERM_DENIED},
          {"no direction asked for", neither, 0, buffer, 1, RSMERR_PERM_DENIED},
          {"past the end", rdwr, size - unit, buffer, 2, RSMERR_BAD_LENGTH},
          {"at the end", rdwr, size, buffer, 1, RSMERR_BAD_LENGTH},
          {"far past the end", rdwr, 4 * size, buffer, 1, RSMERR_BAD_LENGTH},
          {"negative offset", rdwr, -unit, buffer, 1, RSMERR_BAD_LENGTH},
          {"nothing at the end", rdwr, size, buffer, 0, RSM_SUCCESS},
          {"the last element", rdwr, size - unit, buffer, 1, RSM_SUCCESS},
      };
      if (f.unit > 1) {
        rows.push_back({"data off by one", rdwr, 0, buffer + 1, 1,
                        RSMERR_BAD_MEM_ALIGNMENT});
        rows.push_back({"data off by half", rdwr, 0, buffer + f.unit / 2, 1,
                        RSMERR_BAD_MEM_ALIGNMENT});
        rows.push_back({"offset off by half", rdwr, unit / 2, buffer, 1,
                        RSMERR_BAD_MEM_ALIGNMENT});
        rows.push_back({"offset off by one", rdwr, 1, buffer, 1,
                        RSMERR_BAD_MEM_ALIGNMENT});
        rows.push_back({"alignment before the direction", wrong, unit / 2,
                        buffer, 1, RSMERR_BAD_MEM_ALIGNMENT});
        rows.push_back({"count overflowing the length", rdwr, 0, buffer,
                        SIZE_MAX / f.unit + 1, RSMERR_BAD_LENGTH});
      }
      for (const Row& row : rows) {
        EXPECT_EQ(f.call(row.handle, row.offset, row.data, row.count),
                  row.expected)
            << f.name << ": " << row.what;
      }
    }
  });
}

TEST_P(PutGet, MappedWindowBoundsAccesses) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(4);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    void* address = nullptr;
    const int mapped = rsm_memseg_import_map(imported, &address, RSM_MAP_NONE,
                                             RSM_PERM_RDWR, page, 2 * page);
    if (!nodes.can_map()) {
      ASSERT_EQ(mapped, RSMERR_MAP_FAILED);
    } else {
      ASSERT_EQ(mapped, RSM_SUCCESS);
      uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
      uint32_t word = 7;
      struct Row {
        const char* what;
        off_t offset;
        size_t length;
        int expected;
      };
      const off_t window = static_cast<off_t>(page);
      const Row rows[] = {
          {"window start", window, 8, RSM_SUCCESS},
          {"window end", 3 * window - 8, 8, RSM_SUCCESS},
          {"before the window", 0, 8, RSMERR_BAD_OFFSET},
          {"across the start", window - 4, 8, RSMERR_BAD_OFFSET},
          {"across the end", 3 * window - 4, 8, RSMERR_BAD_OFFSET},
          {"after the window", 3 * window, 1, RSMERR_BAD_OFFSET},
          {"past the segment", 5 * window, 1, RSMERR_BAD_OFFSET},
      };
      for (const Row& row : rows) {
        EXPECT_EQ(
            rsm_memseg_import_put(imported, row.offset, bytes, row.length),
            row.expected)
            << "put " << row.what;
        EXPECT_EQ(
            rsm_memseg_import_get(imported, row.offset, bytes, row.length),
            row.expected)
            << "get " << row.what;
      }
      // Alignment is still checked before the window.
      EXPECT_EQ(rsm_memseg_import_put32(imported, 2, &word, 1),
                RSMERR_BAD_MEM_ALIGNMENT);
      ASSERT_EQ(rsm_memseg_import_unmap(imported), RSM_SUCCESS);
    }
    // Unmapped: the whole segment, and RSMERR_BAD_LENGTH past it.
    uint8_t byte = 9;
    EXPECT_EQ(rsm_memseg_import_put(imported, 0, &byte, 1), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_put(imported, 4 * page - 1, &byte, 1),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_put(imported, 4 * page, &byte, 1),
              RSMERR_BAD_LENGTH);
  });
}

TEST_P(PutGet, RepCountCountsElements) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    uint8_t* const seg = memory.data();

    uint32_t words[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
    ASSERT_EQ(rsm_memseg_import_put32(imported, 16, words, 3), RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(seg + 16, words, 12), 0);
    EXPECT_EQ(seg[28] | seg[29] | seg[30] | seg[31], 0) << "put32 x3 wrote 16";
    uint16_t halves[4] = {0xa1a1, 0xa2a2, 0xa3a3, 0xa4a4};
    ASSERT_EQ(rsm_memseg_import_put16(imported, 64, halves, 3), RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(seg + 64, halves, 6), 0);
    EXPECT_EQ(seg[70] | seg[71], 0);
    uint64_t longs[3] = {0x0102030405060708, 0x1112131415161718,
                         0x2122232425262728};
    ASSERT_EQ(rsm_memseg_import_put64(imported, 128, longs, 2), RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(seg + 128, longs, 16), 0);
    EXPECT_EQ(seg[144], 0);
    uint8_t bytes[6] = {1, 2, 3, 4, 5, 6};
    ASSERT_EQ(rsm_memseg_import_put8(imported, 201, bytes, 5), RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(seg + 201, bytes, 5), 0);
    EXPECT_EQ(seg[206], 0);

    // getN: rep_cnt elements into the caller's array, no more.
    uint32_t got_words[3] = {0xdeadbeef, 0xdeadbeef, 0xdeadbeef};
    ASSERT_EQ(rsm_memseg_import_get32(imported, 16, got_words, 2), RSM_SUCCESS);
    EXPECT_EQ(got_words[0], words[0]);
    EXPECT_EQ(got_words[1], words[1]);
    EXPECT_EQ(got_words[2], 0xdeadbeefu);
    uint16_t got_halves[3] = {0xffff, 0xffff, 0xffff};
    ASSERT_EQ(rsm_memseg_import_get16(imported, 64, got_halves, 2),
              RSM_SUCCESS);
    EXPECT_EQ(got_halves[1], halves[1]);
    EXPECT_EQ(got_halves[2], 0xffff);
    uint64_t got_longs[3] = {0, 0, 0x99};
    ASSERT_EQ(rsm_memseg_import_get64(imported, 128, got_longs, 2),
              RSM_SUCCESS);
    EXPECT_EQ(got_longs[0], longs[0]);
    EXPECT_EQ(got_longs[1], longs[1]);
    EXPECT_EQ(got_longs[2], 0x99u);
    uint8_t got_bytes[6] = {0, 0, 0, 0, 0, 0x77};
    ASSERT_EQ(rsm_memseg_import_get8(imported, 201, got_bytes, 5), RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(got_bytes, bytes, 5), 0);
    EXPECT_EQ(got_bytes[5], 0x77);
  });
}

TEST_P(PutGet, ZeroLengthSucceeds) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    alignas(8) uint8_t buffer[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    for (const AccessCall& f : kAccessCalls) {
      for (off_t offset : {off_t{0}, static_cast<off_t>(memory.size())}) {
        EXPECT_EQ(f.call(imported, offset, buffer, 0), RSM_SUCCESS)
            << f.name << " at " << offset;
      }
      // The data pointer is checked even when nothing moves.
      EXPECT_EQ(f.call(imported, 0, nullptr, 0), RSMERR_BAD_ADDR) << f.name;
    }
    for (size_t i = 0; i < memory.size(); ++i) {
      ASSERT_EQ(memory.data()[i], 0) << "byte " << i << " written";
    }
    EXPECT_EQ(buffer[0], 1);
  });
}

TEST_P(PutGet, RoundTrip) {
  RunCase([](Nodes& nodes) {
    Pages memory(4);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    // Unaligned and longer than one frame.
    const size_t length = 3 * Pages::PageSize() + 5;
    std::vector<uint8_t> data = Pattern(length, 1);
    ASSERT_EQ(rsm_memseg_import_put(imported, 100, data.data(), length),
              RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(memory.data() + 100, data.data(), length), 0);
    std::vector<uint8_t> back(length);
    ASSERT_EQ(rsm_memseg_import_get(imported, 100, back.data(), length),
              RSM_SUCCESS);
    EXPECT_EQ(back, data);
    // What the exporter writes itself, the importer reads.
    std::vector<uint8_t> local = Pattern(256, 2);
    std::memcpy(memory.data() + 512, local.data(), local.size());
    uint64_t longs[32];
    ASSERT_EQ(rsm_memseg_import_get64(imported, 512, longs, 32), RSM_SUCCESS);
    EXPECT_EQ(std::memcmp(longs, local.data(), sizeof longs), 0);
  });
}

// A scatter/gather list over `entries`, to the import `remote`.
rsm_scat_gath_t Vector(rsm_memseg_import_handle_t remote,
                       std::vector<rsm_iovec_t>& entries) {
  rsm_scat_gath_t sg = {};
  sg.remote_handle = remote;
  sg.io_request_count = entries.size();
  sg.io_residual_count = 12345;  // must be overwritten
  sg.iovec = entries.data();
  return sg;
}

rsm_iovec_t VaEntry(void* local, size_t remote_offset, size_t length) {
  rsm_iovec_t io = {};
  io.io_type = RSM_VA_TYPE;
  io.local.vaddr = static_cast<caddr_t>(local);
  io.remote_offset = remote_offset;
  io.transfer_length = length;
  return io;
}

rsm_iovec_t HandleEntry(rsm_localmemory_handle_t handle, size_t local_offset,
                        size_t remote_offset, size_t length) {
  rsm_iovec_t io = {};
  io.io_type = RSM_HANDLE_TYPE;
  io.local.handle = handle;
  io.local_offset = local_offset;
  io.remote_offset = remote_offset;
  io.transfer_length = length;
  return io;
}

TEST_P(PutvGetv, ArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(2), local(1), freed_memory(1);
    rsm_memseg_id_t id = kId;
    rsm_memseg_export_handle_t exported = ExportAndPublish(nodes, memory, &id);
    ASSERT_NE(exported, nullptr);
    rsm_memseg_import_handle_t rdwr = Connect(nodes, id);
    rsm_memseg_import_handle_t read_only = Connect(nodes, id, RSM_PERM_READ);
    rsm_memseg_import_handle_t write_only = Connect(nodes, id, RSM_PERM_WRITE);
    ASSERT_TRUE(rdwr && read_only && write_only);
    rsm_localmemory_handle_t handle = nullptr, freed = nullptr;
    ASSERT_EQ(rsm_create_localmemory_handle(
                  nodes.importer(), &handle,
                  reinterpret_cast<caddr_t>(local.data()), local.size()),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_create_localmemory_handle(
                  nodes.importer(), &freed,
                  reinterpret_cast<caddr_t>(freed_memory.data()), page),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_free_localmemory_handle(nodes.importer(), freed),
              RSM_SUCCESS);
    for (bool put : {true, false}) {
      auto call = put ? rsm_memseg_import_putv : rsm_memseg_import_getv;
      const char* name = put ? "putv" : "getv";
      EXPECT_EQ(call(nullptr), RSMERR_BAD_SGIO) << name;
      struct Row {
        const char* what;
        rsm_memseg_import_handle_t remote;
        std::vector<rsm_iovec_t> entries;
        ulong_t count;  // io_request_count
        bool null_iovec;
        int expected;
        // Entries not done, when the call got as far as the entries.
        ulong_t residual;
      };
      const rsm_iovec_t good = VaEntry(local.data(), 0, 16);
      rsm_iovec_t bad_type = good;
      bad_type.io_type = 0;
      rsm_iovec_t bad_type3 = good;
      bad_type3.io_type = 3;
      const std::vector<rsm_iovec_t> one = {good};
      const std::vector<rsm_iovec_t> seventeen(17, good);
      const std::vector<Row> rows = {
          {"NULL remote handle before the count", nullptr, one, 0, false,
           RSMERR_BAD_SEG_HNDL, 12345},
          {"not a handle", NotAHandle<rsm_memseg_import_handle_t>(), one, 1,
           false, RSMERR_BAD_SEG_HNDL, 12345},
          {"an export handle",
           reinterpret_cast<rsm_memseg_import_handle_t>(exported), one, 1,
           false, RSMERR_BAD_SEG_HNDL, 12345},
          {"count 0", rdwr, one, 0, false, RSMERR_BAD_SGIO, 12345},
          {"count 17", rdwr, seventeen, 17, false, RSMERR_BAD_SGIO, 12345},
          {"NULL iovec", rdwr, one, 1, true, RSMERR_BAD_SGIO, 12345},
          {"NULL local handle",
           rdwr,
           {HandleEntry(nullptr, 0, 0, 16)},
           1,
           false,
           RSMERR_BAD_SGIO,
           1},
          {"unknown local handle",
           rdwr,
           {HandleEntry(NotAHandle<rsm_localmemory_handle_t>(), 0, 0, 16)},
           1,
           false,
           RSMERR_BAD_SGIO,
           1},
          {"freed local handle",
           rdwr,
           {HandleEntry(freed, 0, 0, 16)},
           1,
           false,
           RSMERR_BAD_SGIO,
           1},
          {"past the local handle's end",
           rdwr,
           {HandleEntry(handle, page - 8, 0, 16)},
           1,
           false,
           RSMERR_BAD_SGIO,
           1},
          {"NULL local address",
           rdwr,
           {VaEntry(nullptr, 0, 16)},
           1,
           false,
           RSMERR_BAD_SGIO,
           1},
          {"io_type 0", rdwr, {bad_type}, 1, false, RSMERR_BAD_SGIO, 1},
          {"io_type 3", rdwr, {bad_type3}, 1, false, RSMERR_BAD_SGIO, 1},
          {"past the segment",
           rdwr,
           {VaEntry(local.data(), memory.size() - 8, 16)},
           1,
           false,
           RSMERR_BAD_LENGTH,
           1},
          {"direction not asked for", put ? read_only : write_only, one, 1,
           false, RSMERR_PERM_DENIED, 1},
          {"sixteen entries", rdwr, std::vector<rsm_iovec_t>(16, good), 16,
           false, RSM_SUCCESS, 0},
      };
      for (const Row& row : rows) {
        std::vector<rsm_iovec_t> entries = row.entries;
        rsm_scat_gath_t sg = Vector(row.remote, entries);
        sg.io_request_count = row.count;
        if (row.null_iovec) sg.iovec = nullptr;
        EXPECT_EQ(call(&sg), row.expected) << name << ": " << row.what;
        EXPECT_EQ(sg.io_residual_count, row.residual)
            << name << ": " << row.what;
      }
    }
  });
}

TEST_P(PutvGetv, ResidualCountsWhatWasNotDone) {
  RunCase([](Nodes& nodes) {
    Pages memory(1), local(1);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    std::vector<uint8_t> data = Pattern(64, 3);
    std::memcpy(local.data(), data.data(), data.size());
    auto four_with_third = [&](rsm_iovec_t third) {
      return std::vector<rsm_iovec_t>{VaEntry(local.data(), 0, 16),
                                      VaEntry(local.data() + 16, 16, 16), third,
                                      VaEntry(local.data() + 48, 48, 16)};
    };
    // The third entry names no local memory: two done, two not.
    std::vector<rsm_iovec_t> entries = four_with_third(
        HandleEntry(NotAHandle<rsm_localmemory_handle_t>(), 0, 32, 16));
    rsm_scat_gath_t sg = Vector(imported, entries);
    EXPECT_EQ(rsm_memseg_import_putv(&sg), RSMERR_BAD_SGIO);
    EXPECT_EQ(sg.io_residual_count, 2u);
    EXPECT_EQ(std::memcmp(memory.data(), data.data(), 32), 0);
    for (size_t i = 32; i < 64; ++i) {
      ASSERT_EQ(memory.data()[i], 0) << "byte " << i << " written";
    }
    // The third entry is past the segment's end.
    entries = four_with_third(VaEntry(local.data(), memory.size() - 8, 16));
    sg = Vector(imported, entries);
    EXPECT_EQ(rsm_memseg_import_putv(&sg), RSMERR_BAD_LENGTH);
    EXPECT_EQ(sg.io_residual_count, 2u);

    // getv the same way: the first two entries are read, the fourth not.
    std::memset(local.data(), 0xee, local.size());
    entries = four_with_third(VaEntry(nullptr, 32, 16));
    sg = Vector(imported, entries);
    EXPECT_EQ(rsm_memseg_import_getv(&sg), RSMERR_BAD_SGIO);
    EXPECT_EQ(sg.io_residual_count, 2u);
    EXPECT_EQ(std::memcmp(local.data(), data.data(), 32), 0);
    for (size_t i = 48; i < 64; ++i) {
      ASSERT_EQ(local.data()[i], 0xee) << "byte " << i << " read";
    }
  });
}

TEST_P(PutvGetv, MixesHandlesAndAddresses) {
  RunCase([](Nodes& nodes) {
    const size_t page = Pages::PageSize();
    Pages memory(4), source(2), target(2);
    std::vector<uint8_t> by_handle = Pattern(source.size(), 4);
    std::memcpy(source.data(), by_handle.data(), by_handle.size());
    std::vector<uint8_t> by_address = Pattern(3 * page, 5);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    rsm_localmemory_handle_t source_handle = nullptr, target_handle = nullptr;
    ASSERT_EQ(rsm_create_localmemory_handle(
                  nodes.importer(), &source_handle,
                  reinterpret_cast<caddr_t>(source.data()), source.size()),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_create_localmemory_handle(
                  nodes.importer(), &target_handle,
                  reinterpret_cast<caddr_t>(target.data()), target.size()),
              RSM_SUCCESS);
    // Sixteen entries, alternating handle and address, of odd lengths and
    // offsets, one of them empty; what each should leave in the segment.
    std::vector<uint8_t> model(memory.size(), 0);
    std::vector<rsm_iovec_t> entries;
    size_t remote = 3;
    for (size_t i = 0; i < RSM_MAX_SGIOREQS; ++i) {
      const size_t length = i == 7 ? 0 : 97 * i + 13;
      const size_t local_offset = 37 * i;
      if (i % 2 == 0) {
        entries.push_back(
            HandleEntry(source_handle, local_offset, remote, length));
        std::memcpy(model.data() + remote, by_handle.data() + local_offset,
                    length);
      } else {
        entries.push_back(
            VaEntry(by_address.data() + local_offset, remote, length));
        std::memcpy(model.data() + remote, by_address.data() + local_offset,
                    length);
      }
      remote += length + 11;
    }
    ASSERT_LT(remote, memory.size());
    rsm_scat_gath_t sg = Vector(imported, entries);
    ASSERT_EQ(rsm_memseg_import_putv(&sg), RSM_SUCCESS);
    EXPECT_EQ(sg.io_residual_count, 0u);
    EXPECT_EQ(std::memcmp(memory.data(), model.data(), model.size()), 0);

    // Back with getv: into a handle's memory and into plain addresses.
    std::vector<uint8_t> by_address_back(by_address.size(), 0);
    std::vector<rsm_iovec_t> back;
    for (size_t i = 0; i < entries.size(); ++i) {
      rsm_iovec_t io = entries[i];
      if (io.io_type == RSM_HANDLE_TYPE) {
        io.local.handle = target_handle;
      } else {
        io.local.vaddr =
            reinterpret_cast<caddr_t>(by_address_back.data()) + 37 * i;
      }
      back.push_back(io);
    }
    sg = Vector(imported, back);
    ASSERT_EQ(rsm_memseg_import_getv(&sg), RSM_SUCCESS);
    EXPECT_EQ(sg.io_residual_count, 0u);
    for (size_t i = 0; i < entries.size(); ++i) {
      const rsm_iovec_t& io = entries[i];
      const uint8_t* got = io.io_type == RSM_HANDLE_TYPE
                               ? target.data() + io.local_offset
                               : by_address_back.data() + 37 * i;
      EXPECT_EQ(
          std::memcmp(got, model.data() + io.remote_offset, io.transfer_length),
          0)
          << "entry " << i;
    }
  });
}

TEST_P(LocalMemoryHandle, CreateArgumentErrorsInSolarisOrder) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    const rsmapi_controller_handle_t ctlr = nodes.importer();
    auto* const aligned = reinterpret_cast<caddr_t>(memory.data());
    struct Row {
      const char* what;
      rsmapi_controller_handle_t controller;
      bool null_out;
      caddr_t vaddr;
      size_t length;
      int expected;
    };
    const Row rows[] = {
        {"unaligned address before the controller", nullptr, true, aligned + 8,
         0, RSMERR_BAD_ADDR},
        {"NULL address", ctlr, false, nullptr, memory.size(), RSMERR_BAD_ADDR},
        {"NULL controller", nullptr, true, aligned, 0, RSMERR_BAD_CTLR_HNDL},
        {"not a controller", NotAHandle<rsmapi_controller_handle_t>(), false,
         aligned, memory.size(), RSMERR_BAD_CTLR_HNDL},
        {"NULL out pointer before the length", ctlr, true, aligned, 0,
         RSMERR_BAD_LOCALMEM_HNDL},
        {"length 0", ctlr, false, aligned, 0, RSMERR_BAD_LENGTH},
        {"a whole page", ctlr, false, aligned, memory.size(), RSM_SUCCESS},
        // Only the address must be page aligned.
        {"an odd length", ctlr, false, aligned, 100, RSM_SUCCESS},
    };
    for (const Row& row : rows) {
      rsm_localmemory_handle_t handle = nullptr;
      EXPECT_EQ(rsm_create_localmemory_handle(row.controller,
                                              row.null_out ? nullptr : &handle,
                                              row.vaddr, row.length),
                row.expected)
          << row.what;
      if (row.expected == RSM_SUCCESS) {
        EXPECT_NE(handle, nullptr);
        EXPECT_EQ(rsm_free_localmemory_handle(ctlr, handle), RSM_SUCCESS);
      }
    }
  });
}

TEST_P(LocalMemoryHandle, FreeArgumentErrors) {
  RunCase([](Nodes& nodes) {
    Pages memory(1);
    const rsmapi_controller_handle_t ctlr = nodes.importer();
    rsm_localmemory_handle_t handle = nullptr;
    ASSERT_EQ(rsm_create_localmemory_handle(
                  ctlr, &handle, reinterpret_cast<caddr_t>(memory.data()),
                  memory.size()),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_free_localmemory_handle(nullptr, handle),
              RSMERR_BAD_CTLR_HNDL);
    EXPECT_EQ(rsm_free_localmemory_handle(
                  NotAHandle<rsmapi_controller_handle_t>(), handle),
              RSMERR_BAD_CTLR_HNDL);
    EXPECT_EQ(rsm_free_localmemory_handle(ctlr, nullptr),
              RSMERR_BAD_LOCALMEM_HNDL);
    EXPECT_EQ(rsm_free_localmemory_handle(
                  ctlr, NotAHandle<rsm_localmemory_handle_t>()),
              RSMERR_BAD_LOCALMEM_HNDL);
    EXPECT_EQ(rsm_free_localmemory_handle(ctlr, handle), RSM_SUCCESS);
    EXPECT_EQ(rsm_free_localmemory_handle(ctlr, handle),
              RSMERR_BAD_LOCALMEM_HNDL);
  });
}

TEST_P(DpdkCounters, CountFramesOnDpdkOnly) {
  RunCase([](Nodes& nodes) {
    rsm_dpdk_counters_t before = {}, after = {};
    EXPECT_EQ(rsm_dpdk_get_counters(nullptr, &before), RSMERR_BAD_CTLR_HNDL);
    EXPECT_EQ(rsm_dpdk_get_counters(NotAHandle<rsmapi_controller_handle_t>(),
                                    &before),
              RSMERR_BAD_CTLR_HNDL);
    EXPECT_EQ(rsm_dpdk_get_counters(nodes.importer(), nullptr),
              RSMERR_BAD_ADDR);

    Pages memory(1);
    rsm_memseg_id_t id = kId;
    ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
    rsm_memseg_import_handle_t imported = Connect(nodes, id);
    ASSERT_NE(imported, nullptr);
    rsm_dpdk_counters_t importer_before = {}, importer_after = {};
    ASSERT_EQ(rsm_dpdk_get_counters(nodes.exporter(), &before), RSM_SUCCESS);
    ASSERT_EQ(rsm_dpdk_get_counters(nodes.importer(), &importer_before),
              RSM_SUCCESS);
    uint8_t bytes[100] = {42};
    ASSERT_EQ(rsm_memseg_import_put(imported, 0, bytes, sizeof bytes),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_import_get(imported, 0, bytes, sizeof bytes),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_dpdk_get_counters(nodes.exporter(), &after), RSM_SUCCESS);
    ASSERT_EQ(rsm_dpdk_get_counters(nodes.importer(), &importer_after),
              RSM_SUCCESS);
    if (nodes.loopback()) {
      // No frames, nothing counted.
      const rsm_dpdk_counters_t zero = {};
      EXPECT_EQ(std::memcmp(&after, &zero, sizeof zero), 0);
      return;
    }
    // One PUT applied and one GET served by the exporter, frames both ways
    // through the importer's port.
    EXPECT_EQ(after.puts_applied - before.puts_applied, 1u);
    EXPECT_EQ(after.gets_served - before.gets_served, 1u);
    EXPECT_EQ(after.accesses_refused, 0u);
    EXPECT_GT(importer_after.frames_out, importer_before.frames_out);
    EXPECT_GT(importer_after.frames_in, importer_before.frames_in);
    EXPECT_GT(importer_after.bytes_out, importer_before.bytes_out);
    EXPECT_GT(importer_after.bytes_in, importer_before.bytes_in);
    if (nodes.two_nodes() != nullptr) {
      // The importer's own segment service applied and served nothing.
      EXPECT_EQ(importer_after.puts_applied, 0u);
      EXPECT_EQ(importer_after.gets_served, 0u);
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Setups, PutGet, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, PutvGetv, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, LocalMemoryHandle,
                         ::testing::ValuesIn(AllSetups()), SetupParamName);
INSTANTIATE_TEST_SUITE_P(Setups, DpdkCounters, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);

}  // namespace
}  // namespace rsm::testing
