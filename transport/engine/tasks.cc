// SPDX-License-Identifier: BSD-3-Clause
// Control tasks: closures that application threads hand the engine thread
// (through a ring of their own) and wait for, so that control calls are
// serialized with the data path without a lock.
#include <rte_cycles.h>

#include "transport/engine/engine.h"

namespace rsm::transport {

Result Engine::RunOnEngine(absl::FunctionRef<void()> task) {
  if (stopped()) return Result::kEngineStopped;
  if (OnEngineThread()) {
    DrainAllRequests();
    task();
    return Result::kOk;
  }
  // Caller-driven and nobody driving: this thread becomes the driver for
  // the task, instead of a trip through the task ring, and runs the loop
  // once after it so that what the task sent (a REVOKE, a GET) leaves now,
  // not when the backstop next looks.
  if (!dedicated_driver_.load(std::memory_order_acquire) &&
      TryAcquireDriver()) {
    if (stopped()) {
      ReleaseDriver();
      return Result::kEngineStopped;
    }
    now_tsc_ = rte_rdtsc();
    DrainAllRequests();
    task();
    RunOnce();
    ReleaseDriver();
    return Result::kOk;
  }
  // On the caller's stack: Wait returns only once the engine is done with it.
  Task queued{task, {}};
  while (!tasks_->Enqueue(&queued)) {
    if (stopped()) return Result::kEngineStopped;
    if (!TryDrive()) std::this_thread::yield();
  }
  // As in SendMessage: Stop may have drained the ring just before.
  if (stopped()) TryDrive();
  NotifyDriver();
  return *Wait(queued.done, absl::InfiniteFuture());
}

void Engine::DrainAllRequests() {
  // Everything enqueued before the task was is within one ring's worth.
  for (uint32_t bursts = 0;
       bursts <= options_.request_ring_size / kBurst && DrainRequests();
       ++bursts) {
  }
}

bool Engine::RunTasks() {
  Task* tasks[kBurst];
  const unsigned n = tasks_->DequeueBurst(tasks, kBurst);
  // A task's messages must not overtake the ones its thread sent before it
  // (a barrier after streamed puts, a get after a put).
  if (n > 0) DrainAllRequests();
  for (unsigned i = 0; i < n; ++i) {
    tasks[i]->run();
    tasks[i]->done.Complete(static_cast<int32_t>(Result::kOk));
  }
  return n > 0;
}

void Engine::FailTasks() {
  Task* tasks[kBurst];
  unsigned n;
  while (tasks_ != nullptr && (n = tasks_->DequeueBurst(tasks, kBurst)) > 0) {
    for (unsigned i = 0; i < n; ++i) {
      tasks[i]->done.Complete(static_cast<int32_t>(Result::kEngineStopped));
    }
  }
}

}  // namespace rsm::transport
