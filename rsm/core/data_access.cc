// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/data_access.h"

#include <memory>

#include "absl/types/span.h"
#include "rsm/core/import_segment.h"
#include "rsm/core/local_memory.h"
#include "rsm/core/result_codes.h"
#include "rsm/core/rsm_status.h"
#include "rsm/core/signals.h"

namespace rsm::core {
namespace {

using transport::Result;

// Moves the bytes once every check has passed; a connection that ended,
// before or during the access, is RSMERR_CONN_ABORTED (Solaris compared the
// connection's generation number after each access).
RsmStatus Move(ImportSegment& segment, Direction direction, uint64_t offset,
               uint8_t* data, size_t length) {
  if (!segment.connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  transport::SegmentBackend& backend = segment.controller->backend();
  if (direction == Direction::kPut &&
      segment.mode.load(std::memory_order_acquire) ==
          RSM_BARRIER_MODE_EXPLICIT) {
    // Streams: the bytes are copied into frames and the call returns; the
    // barrier's close reports whether they were applied. A put that could
    // not even be sent is counted for it, silently as in Solaris.
    if (backend.PutWithoutWaiting(segment.connection, offset, {data, length}) !=
        Result::kOk) {
      segment.unsent_puts.fetch_add(1, std::memory_order_acq_rel);
    }
    return RsmSuccess();
  }
  const Result result =
      direction == Direction::kPut
          ? backend.Put(segment.connection, offset, {data, length})
          : backend.Get(segment.connection, offset, {data, length});
  if (!segment.connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  return AccessStatus(result);
}

// Solaris's __rsm_import_verify_access, steps 5 and 6: the direction against
// the connect-time request, then the range against the mapping or the
// segment.
RsmStatus CheckRange(ImportSegment& segment, Direction direction, off_t offset,
                     size_t length) {
  const uint32_t needed =
      direction == Direction::kPut ? RSM_PERM_WRITE : RSM_PERM_READ;
  if ((segment.requested & needed) == 0) {
    return RsmError(RSMERR_PERM_DENIED,
                    "the connection was not opened for this direction");
  }
  absl::MutexLock lock(&segment.mutex);
  const auto start = static_cast<uint64_t>(offset);
  if (segment.mapped) {
    if (offset < 0 || start < segment.map_offset ||
        start - segment.map_offset > segment.map_length ||
        length > segment.map_length - (start - segment.map_offset)) {
      return RsmError(RSMERR_BAD_OFFSET, "range outside the mapped window");
    }
  } else if (offset < 0 || start > segment.size() ||
             length > segment.size() - start) {
    return RsmError(RSMERR_BAD_LENGTH, "range outside the segment");
  }
  return RsmSuccess();
}

}  // namespace

RsmStatus Access(rsm_memseg_import_handle_t im_memseg, Direction direction,
                 off_t offset, void* data, size_t unit, size_t count) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "not an import segment handle");
  }
  if (data == nullptr) return RsmError(RSMERR_BAD_ADDR, "data is NULL");
  if (reinterpret_cast<uintptr_t>(data) % unit != 0 ||
      static_cast<uint64_t>(offset) % unit != 0) {
    return RsmError(RSMERR_BAD_MEM_ALIGNMENT,
                    "data and offset must be aligned to the access size");
  }
  if (count > SIZE_MAX / unit) {
    return RsmError(RSMERR_BAD_LENGTH, "repetition count too large");
  }
  const size_t length = unit * count;
  RSM_RETURN_IF_ERROR(CheckRange(*segment, direction, offset, length));
  return Move(*segment, direction, static_cast<uint64_t>(offset),
              static_cast<uint8_t*>(data), length);
}

RsmStatus AccessVector(rsm_scat_gath_t* sg, Direction direction) {
  if (sg == nullptr) return RsmError(RSMERR_BAD_SGIO, "sg is NULL");
  std::shared_ptr<ImportSegment> segment = FindImportSegment(sg->remote_handle);
  if (segment == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "remote_handle is not an import");
  }
  const ulong_t count = sg->io_request_count;
  if (count == 0 || count > RSM_MAX_SGIOREQS || sg->iovec == nullptr) {
    return RsmError(RSMERR_BAD_SGIO,
                    "io_request_count must be 1..RSM_MAX_SGIOREQS");
  }
  // Entries are done in order; the residual count says how many were not.
  sg->io_residual_count = count;
  for (ulong_t i = 0; i < count; ++i) {
    const rsm_iovec_t& io = sg->iovec[i];
    uint8_t* local = nullptr;
    if (io.io_type == RSM_HANDLE_TYPE) {
      local = LocalMemoryRange(io.local.handle, io.local_offset,
                               io.transfer_length);
    } else if (io.io_type == RSM_VA_TYPE && io.local.vaddr != nullptr) {
      local = reinterpret_cast<uint8_t*>(io.local.vaddr) + io.local_offset;
    }
    if (local == nullptr) {
      return RsmError(RSMERR_BAD_SGIO, "bad local memory in an entry");
    }
    if (io.remote_offset > static_cast<size_t>(INT64_MAX)) {
      return RsmError(RSMERR_BAD_LENGTH, "remote offset out of range");
    }
    const auto offset = static_cast<off_t>(io.remote_offset);
    RSM_RETURN_IF_ERROR(
        CheckRange(*segment, direction, offset, io.transfer_length));
    if (RsmStatus moved = Move(*segment, direction, io.remote_offset, local,
                               io.transfer_length);
        !moved.ok()) {
      // Solaris's kernel refused a vector on a connection it no longer had.
      if (moved.code() == RSMERR_CONN_ABORTED) {
        return RsmError(RSMERR_BAD_SGIO, "the connection was lost");
      }
      return moved;
    }
    --sg->io_residual_count;
  }
  if (sg->flags & RSM_IMPLICIT_SIGPOST) {
    return SignalPost(sg->remote_handle, sg->flags & RSM_SIGPOST_NO_ACCUMULATE);
  }
  return RsmSuccess();
}

}  // namespace rsm::core
