// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/exported_memory.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace rsm::core {
namespace {

// One line of a maps file: "start-end perms offset dev inode [path]".
struct Mapping {
  uintptr_t start = 0;
  uintptr_t end = 0;
  bool writable = false;
};

bool ParseMapping(absl::string_view line, Mapping* mapping) {
  const std::vector<absl::string_view> fields =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (fields.size() < 2) return false;
  const std::pair<absl::string_view, absl::string_view> range =
      absl::StrSplit(fields[0], absl::MaxSplits('-', 1));
  uint64_t start = 0, end = 0;
  if (!absl::SimpleHexAtoi(range.first, &start) ||
      !absl::SimpleHexAtoi(range.second, &end) || start >= end ||
      fields[1].size() < 2) {
    return false;
  }
  mapping->start = static_cast<uintptr_t>(start);
  mapping->end = static_cast<uintptr_t>(end);
  mapping->writable = fields[1][1] == 'w';
  return true;
}

}  // namespace

RsmStatus CheckExportableMemory(uintptr_t begin, size_t size,
                                absl::string_view maps) {
  if (size > UINTPTR_MAX - begin) {
    return RsmError(RSMERR_BAD_ADDR, "memory range wraps around");
  }
  const uintptr_t end = begin + size;
  // The kernel lists mappings in address order: walk them, moving `covered`
  // up to the end of the range; a gap is unmapped memory.
  uintptr_t covered = begin;
  bool read_only = false;
  for (absl::string_view line : absl::StrSplit(maps, '\n', absl::SkipEmpty())) {
    Mapping mapping;
    if (!ParseMapping(line, &mapping) || mapping.end <= covered) continue;
    if (mapping.start > covered) break;
    read_only |= !mapping.writable;
    covered = mapping.end;
    if (covered >= end) break;
  }
  if (covered < end) {
    return RsmError(RSMERR_BAD_ADDR, "memory range is not mapped");
  }
  if (read_only) {
    return RsmError(RSMERR_PERM_DENIED,
                    "memory range is not writable: remote puts write into it");
  }
  return RsmSuccess();
}

RsmStatus CheckExportableMemory(const void* begin, size_t size) {
  std::ifstream file("/proc/self/maps");
  if (!file.is_open()) {
    return RsmError(RSMERR_INSUFFICIENT_RESOURCES,
                    "cannot read /proc/self/maps to check the memory");
  }
  std::stringstream maps;
  maps << file.rdbuf();
  return CheckExportableMemory(reinterpret_cast<uintptr_t>(begin), size,
                               maps.str());
}

bool PinExportedMemory(void* begin, size_t size) {
  return mlock2(begin, size, MLOCK_ONFAULT) == 0;
}

void UnpinExportedMemory(void* begin, size_t size) {
  // The system call itself: AddressSanitizer turns munlock(3) into a no-op
  // (it does not know mlock2), which would leave the pages locked.
  syscall(SYS_munlock, begin, size);
}

}  // namespace rsm::core
