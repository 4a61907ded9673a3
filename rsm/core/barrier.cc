// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/barrier.h"

#include <memory>

#include "rsm/core/handle_table.h"
#include "rsm/core/import_segment.h"
#include "rsm/core/result_codes.h"
#include "rsm/core/rsm_status.h"

namespace rsm::core {

// What rsmapi_barrier_t's privdata names: the barrier's import and what
// open recorded. The caller's struct is untrusted memory, so privdata is
// only used after it is found in the table (an uninitialised or destroyed
// barrier is not there).
struct BarrierState {
  std::weak_ptr<ImportSegment> segment;
  absl::Mutex mutex;
  uint64_t unsent_at_open ABSL_GUARDED_BY(mutex) = 0;
};

namespace {

using transport::Result;

HandleTable<BarrierState>& Barriers() {
  static auto* const table = new HandleTable<BarrierState>();
  return *table;
}

RsmStatusOr<std::shared_ptr<BarrierState>> FindBarrier(
    const rsmapi_barrier_t* barrier) {
  if (barrier == nullptr) {
    return RsmError(RSMERR_BAD_BARRIER_PTR, "barrier is NULL");
  }
  std::shared_ptr<BarrierState> state = Barriers().Find(barrier->privdata);
  if (state == nullptr) {
    return RsmError(RSMERR_BARRIER_UNINITIALIZED,
                    "barrier was not initialised (or was destroyed)");
  }
  return state;
}

}  // namespace

RsmStatus InitBarrier(rsm_memseg_import_handle_t im_memseg,
                      rsm_barrier_type_t /*type: one kind exists*/,
                      rsmapi_barrier_t* barrier) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "not an import segment handle");
  }
  if (barrier == nullptr) {
    return RsmError(RSMERR_BAD_BARRIER_PTR, "barrier is NULL");
  }
  auto state = std::make_shared<BarrierState>();
  state->segment = segment;
  barrier->seg = im_memseg;
  barrier->gnum = 0;
  barrier->privdata = Barriers().Add(std::move(state));
  return RsmSuccess();
}

RsmStatus OpenBarrier(rsmapi_barrier_t* barrier) {
  RSM_ASSIGN_OR_RETURN(std::shared_ptr<BarrierState> state,
                       FindBarrier(barrier));
  std::shared_ptr<ImportSegment> segment = state->segment.lock();
  if (segment == nullptr || !segment->connection.connected()) {
    return RsmError(RSMERR_BARRIER_OPEN_FAILED, "the connection was lost");
  }
  absl::MutexLock lock(&state->mutex);
  state->unsent_at_open = segment->unsent_puts.load(std::memory_order_acquire);
  return RsmSuccess();
}

RsmStatus OrderBarrier(rsmapi_barrier_t* barrier) {
  RSM_ASSIGN_OR_RETURN(std::shared_ptr<BarrierState> state,
                       FindBarrier(barrier));
  std::shared_ptr<ImportSegment> segment = state->segment.lock();
  if (segment == nullptr || !segment->connection.connected()) {
    return RsmError(RSMERR_BARRIER_FAILURE, "the connection was lost");
  }
  // Accesses on one import travel one session, which applies them in the
  // order they were issued: the ordering holds without a round trip. What
  // is left to report is a put that could not even be sent.
  absl::MutexLock lock(&state->mutex);
  if (segment->unsent_puts.load(std::memory_order_acquire) !=
      state->unsent_at_open) {
    return RsmError(RSMERR_BARRIER_FAILURE, "a put could not be sent");
  }
  return RsmSuccess();
}

RsmStatus CloseBarrier(rsmapi_barrier_t* barrier) {
  RSM_ASSIGN_OR_RETURN(std::shared_ptr<BarrierState> state,
                       FindBarrier(barrier));
  std::shared_ptr<ImportSegment> segment = state->segment.lock();
  if (segment == nullptr || !segment->connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  const Result result =
      segment->controller->backend().Barrier(segment->connection);
  if (!segment->connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  absl::MutexLock lock(&state->mutex);
  const bool unsent = segment->unsent_puts.load(std::memory_order_acquire) !=
                      state->unsent_at_open;
  if (unsent)
    return RsmError(RSMERR_BARRIER_FAILURE, "a put could not be sent");
  return BarrierStatus(result);
}

RsmStatus DestroyBarrier(rsmapi_barrier_t* barrier) {
  RSM_ASSIGN_OR_RETURN(std::shared_ptr<BarrierState> state,
                       FindBarrier(barrier));
  Barriers().Remove(barrier->privdata);
  barrier->privdata = nullptr;
  return RsmSuccess();
}

RsmStatus SetBarrierMode(rsm_memseg_import_handle_t im_memseg,
                         rsm_barrier_mode_t mode) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "not an import segment handle");
  }
  if (mode != RSM_BARRIER_MODE_IMPLICIT && mode != RSM_BARRIER_MODE_EXPLICIT) {
    return RsmError(RSMERR_BAD_MODE, "not a barrier mode");
  }
  segment->mode.store(mode, std::memory_order_release);
  return RsmSuccess();
}

RsmStatus GetBarrierMode(rsm_memseg_import_handle_t im_memseg,
                         rsm_barrier_mode_t* mode) {
  std::shared_ptr<ImportSegment> segment = FindImportSegment(im_memseg);
  if (segment == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "not an import segment handle");
  }
  if (mode == nullptr) return RsmError(RSMERR_BAD_ADDR, "mode is NULL");
  *mode = segment->mode.load(std::memory_order_acquire);
  return RsmSuccess();
}

}  // namespace rsm::core
