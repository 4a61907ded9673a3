// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/exported_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace rsm::core {
namespace {

// Three mappings as /proc/self/maps lists them: two writable ones side by
// side, a gap, then a read-only one.
constexpr char kMaps[] =
    "10000-12000 rw-p 00000000 00:00 0 \n"
    "12000-14000 rwxp 00000000 00:00 0          [heap]\n"
    "20000-22000 r--p 00000000 08:01 1234       /usr/lib/libx.so\n"
    "not a mapping line\n"
    "30000-31000 -w-s 00000000 00:00 0\n";

int Check(uintptr_t begin, size_t size) {
  return CheckExportableMemory(begin, size, kMaps).code();
}

TEST(ExportedMemory, AcceptsWritableRangesAcrossAdjacentMappings) {
  EXPECT_EQ(Check(0x10000, 0x1000), RSM_SUCCESS);
  EXPECT_EQ(Check(0x11000, 0x3000), RSM_SUCCESS);
  EXPECT_EQ(Check(0x10000, 0x4000), RSM_SUCCESS);
  EXPECT_EQ(Check(0x30000, 0x1000), RSM_SUCCESS);
}

TEST(ExportedMemory, RefusesUnmappedPagesAsABadAddress) {
  EXPECT_EQ(Check(0x8000, 0x1000), RSMERR_BAD_ADDR);
  EXPECT_EQ(Check(0xf000, 0x2000), RSMERR_BAD_ADDR);
  EXPECT_EQ(Check(0x13000, 0x2000), RSMERR_BAD_ADDR);  // runs into the gap
  EXPECT_EQ(Check(0x30000, 0x2000), RSMERR_BAD_ADDR);  // past the last one
  EXPECT_EQ(Check(0x40000, 0x1000), RSMERR_BAD_ADDR);
  EXPECT_EQ(Check(UINTPTR_MAX - 0xfff, 0x2000), RSMERR_BAD_ADDR);  // wraps
}

TEST(ExportedMemory, RefusesReadOnlyPagesAsPermissionDenied) {
  EXPECT_EQ(Check(0x20000, 0x1000), RSMERR_PERM_DENIED);
  EXPECT_EQ(Check(0x21000, 0x1000), RSMERR_PERM_DENIED);
}

TEST(ExportedMemory, ChecksThisProcesssOwnMappings) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  auto* memory =
      static_cast<uint8_t*>(mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(memory, MAP_FAILED);
  ASSERT_EQ(mprotect(memory + page, page, PROT_READ), 0);
  EXPECT_EQ(CheckExportableMemory(memory, page).code(), RSM_SUCCESS);
  EXPECT_EQ(CheckExportableMemory(memory, 2 * page).code(), RSMERR_PERM_DENIED);
  ASSERT_EQ(mprotect(memory + page, page, PROT_NONE), 0);
  EXPECT_EQ(CheckExportableMemory(memory + page, page).code(),
            RSMERR_PERM_DENIED);
  ASSERT_EQ(munmap(memory + 2 * page, page), 0);
  EXPECT_EQ(CheckExportableMemory(memory + 2 * page, page).code(),
            RSMERR_BAD_ADDR);
  munmap(memory, 2 * page);
}

}  // namespace
}  // namespace rsm::core
