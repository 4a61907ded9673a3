// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/signals.h"

#include <cerrno>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "rsm/core/export_segment.h"
#include "rsm/core/import_segment.h"
#include "rsm/core/result_codes.h"
#include "rsm/core/rsm_status.h"
#include "transport/segments/event_counter.h"

namespace rsm::core {
namespace {

using transport::EventCounter;
using transport::Result;

// A handle of either kind, as the signal calls take them (void*).
struct AnySegment {
  std::shared_ptr<ExportSegment> exported;
  std::shared_ptr<ImportSegment> imported;

  EventCounter* events() const {
    return exported ? exported->events.get() : imported->events.get();
  }
  transport::SegmentBackend& backend() const {
    return (exported ? exported->controller : imported->controller)->backend();
  }
  std::atomic<int>& pollfd_references() const {
    return exported ? exported->pollfd_references : imported->pollfd_references;
  }
};

RsmStatusOr<AnySegment> FindSegment(const void* handle) {
  AnySegment segment{FindExportSegment(handle), nullptr};
  if (segment.exported == nullptr) segment.imported = FindImportSegment(handle);
  if (segment.exported == nullptr && segment.imported == nullptr) {
    return RsmError(RSMERR_BAD_SEG_HNDL, "not a segment handle");
  }
  return segment;
}

// Descriptors handed out by rsm_memseg_get_pollfd, so that
// rsm_intr_signal_wait_pollfd knows which of a poll set are RSM's. The
// counter outlives its entry: destroy and disconnect refuse while a pollfd
// is held.
class PollfdTable {
 public:
  static PollfdTable& Instance() {
    static auto* const table = new PollfdTable();
    return *table;
  }
  void Add(int fd, EventCounter* events) {
    absl::MutexLock lock(&mutex_);
    counters_[fd] = events;
  }
  void Remove(int fd) {
    absl::MutexLock lock(&mutex_);
    counters_.erase(fd);
  }
  EventCounter* Find(int fd) {
    absl::MutexLock lock(&mutex_);
    auto it = counters_.find(fd);
    return it == counters_.end() ? nullptr : it->second;
  }

 private:
  absl::Mutex mutex_;
  absl::flat_hash_map<int, EventCounter*> counters_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace

RsmStatusOr<std::unique_ptr<EventCounter>> NewEventCounter() {
  absl::StatusOr<std::unique_ptr<EventCounter>> events = EventCounter::Create();
  if (!events.ok()) {
    return RsmError(RSMERR_INSUFFICIENT_RESOURCES, events.status().message());
  }
  return *std::move(events);
}

RsmStatus SignalPost(void* memseg, uint_t flags) {
  RSM_ASSIGN_OR_RETURN(AnySegment segment, FindSegment(memseg));
  // The documented RSM_SIGPOST_NO_ACCUMULATE (Solaris's code ignored it).
  const bool accumulate = (flags & RSM_SIGPOST_NO_ACCUMULATE) == 0;
  if (segment.exported != nullptr) {
    ExportSegment& exported = *segment.exported;
    absl::MutexLock lock(&exported.mutex);
    if (!exported.published) {
      return RsmError(RSMERR_BAD_SEG_HNDL, "the segment is not published");
    }
    return SignalPostStatus(exported.controller->backend().PostToImporters(
        exported.segment_id, accumulate));
  }
  ImportSegment& imported = *segment.imported;
  if (!imported.connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  const Result result = imported.controller->backend().PostToExporter(
      imported.connection, accumulate);
  // Delivered is delivered, even if the exporter ended the connection just
  // after (it may wake, read and unpublish at once).
  if (result == Result::kOk) return RsmSuccess();
  // The exporter's node stopped answering while this post was in flight:
  // that is what the caller is told (docs/compatibility.md), although
  // giving the node up also ended the connection.
  if (result != Result::kPeerUnreachable && !imported.connection.connected()) {
    return RsmError(RSMERR_CONN_ABORTED, "the connection was lost");
  }
  return SignalPostStatus(result);
}

RsmStatus SignalWait(void* memseg, int timeout) {
  RSM_ASSIGN_OR_RETURN(AnySegment segment, FindSegment(memseg));
  transport::SegmentBackend& backend = segment.backend();
  switch (segment.events()->Wait(
      timeout < 0 ? absl::InfiniteDuration() : absl::Milliseconds(timeout),
      [&backend] { return backend.DriveForWaiter(); })) {
    case EventCounter::WaitResult::kConsumed:
      return RsmSuccess();
    case EventCounter::WaitResult::kTimedOut:
      return RsmError(RSMERR_TIMEOUT, "no event within the timeout");
    case EventCounter::WaitResult::kInterrupted:
      return RsmError(RSMERR_INTERRUPTED, "a signal interrupted the wait");
    case EventCounter::WaitResult::kClosed:
      return RsmError(RSMERR_CONN_ABORTED,
                      "the connection was lost while waiting");
  }
  return RsmError(RSMERR_INTERNAL_ERROR, "unknown wait result");
}

RsmStatus GetPollfd(void* memseg, struct pollfd* fd) {
  RSM_ASSIGN_OR_RETURN(AnySegment segment, FindSegment(memseg));
  if (fd == nullptr) return RsmError(RSMERR_BAD_ADDR, "pollfd is NULL");
  EventCounter* events = segment.events();
  fd->fd = events->PollableFd();
  fd->events = POLLRDNORM;
  fd->revents = 0;
  if (segment.pollfd_references().fetch_add(1) == 0) {
    PollfdTable::Instance().Add(fd->fd, events);
  }
  return RsmSuccess();
}

RsmStatus ReleasePollfd(void* memseg) {
  RSM_ASSIGN_OR_RETURN(AnySegment segment, FindSegment(memseg));
  std::atomic<int>& references = segment.pollfd_references();
  // Never below zero, as Solaris's count.
  int held = references.load();
  while (held > 0 && !references.compare_exchange_weak(held, held - 1)) {
  }
  if (held == 1) PollfdTable::Instance().Remove(segment.events()->PollableFd());
  return RsmSuccess();
}

RsmStatus SignalWaitPollfd(struct pollfd fds[], nfds_t nfds, int timeout,
                           int* numfdsp) {
  if (numfdsp == nullptr) return RsmError(RSMERR_BAD_ADDR, "numfdsp is NULL");
  *numfdsp = 0;
  const absl::Time deadline = timeout < 0
                                  ? absl::InfiniteFuture()
                                  : absl::Now() + absl::Milliseconds(timeout);
  while (true) {
    int wait_ms = -1;
    if (timeout >= 0) {
      wait_ms = static_cast<int>(std::max<int64_t>(
          0, absl::ToInt64Milliseconds(deadline - absl::Now())));
    }
    if (poll(fds, nfds, wait_ms) < 0) {
      switch (errno) {
        case EINTR:
          return RsmError(RSMERR_INTERRUPTED, "a signal interrupted poll");
        case EAGAIN:
          return RsmError(RSMERR_INSUFFICIENT_RESOURCES, "poll: EAGAIN");
        case EFAULT:
          return RsmError(RSMERR_BAD_ADDR, "poll: EFAULT");
        default:
          return RsmError(RSMERR_BAD_ARGS_ERRORS, "poll failed");
      }
    }
    // An RSM descriptor counts only if it yields an event; the others pass
    // through as poll(2) reported them.
    int ready = 0;
    for (nfds_t i = 0; i < nfds; ++i) {
      if (fds[i].revents == 0) continue;
      EventCounter* events = (fds[i].revents & (POLLIN | POLLRDNORM))
                                 ? PollfdTable::Instance().Find(fds[i].fd)
                                 : nullptr;
      if (events != nullptr && !events->TryConsume()) fds[i].revents = 0;
      if (fds[i].revents != 0) ++ready;
    }
    if (ready > 0) {
      *numfdsp = ready;
      return RsmSuccess();
    }
    // Another waiter took the events poll saw: wait again while time is
    // left.
    if (timeout >= 0 && absl::Now() >= deadline) {
      return RsmError(RSMERR_TIMEOUT, "no event within the timeout");
    }
  }
}

}  // namespace rsm::core
