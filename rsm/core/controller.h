// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_CONTROLLER_H_
#define RSM_CORE_CONTROLLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"
#include "transport/config.h"
#include "transport/segments/segment_backend.h"

namespace rsm::core {

// One RSMAPI controller: the built-in `loopback` (local copies, no frames) or
// a DPDK port named in the cluster configuration (`dpdk0`, ...).
class Controller {
 public:
  enum class Kind { kLoopback, kDpdk };

  Controller(std::string name, Kind kind, rsmapi_controller_attr_t attributes,
             std::unique_ptr<transport::SegmentBackend> backend)
      : name_(std::move(name)),
        kind_(kind),
        attributes_(attributes),
        backend_(std::move(backend)) {}

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const rsmapi_controller_attr_t& attributes() const { return attributes_; }
  // Where its segments live: local copies or the engine.
  transport::SegmentBackend& backend() const { return *backend_; }
  // This node's id on the controller.
  uint32_t local_node() const { return backend_->local_node(); }

 private:
  friend class ControllerRegistry;

  const std::string name_;
  const Kind kind_;
  const rsmapi_controller_attr_t attributes_;
  const std::unique_ptr<transport::SegmentBackend> backend_;
  // Both guarded by the registry's mutex.
  int references_ = 0;
  bool retired_ = false;
};

// The process's controllers, reference counted as Solaris's librsm did: each
// rsm_get_controller of a name returns the same Controller and counts one
// reference; each release drops one. A Controller is never destroyed, so a
// stale handle is detected (and refused) instead of read after free.
//
// When the last reference to a DPDK controller is released, the controller
// retires: its engine finishes what is under way and stops, and its port is
// stopped (peers see the node go). Its handles and the segments made on it
// fail from then on. The next rsm_get_controller of the name starts a new
// controller on the same port: a new handle, and a new incarnation to peers.
class ControllerRegistry {
 public:
  static ControllerRegistry& Instance();

  // `name` is "loopback" (any unit number: "loopback3") or a configured
  // controller's name. Unknown → RSMERR_CTLR_NOT_PRESENT.
  RsmStatusOr<Controller*> Acquire(absl::string_view name);

  // Drops one reference, retiring a DPDK controller with the last one;
  // RSMERR_BAD_CTLR_HNDL if the handle is not a controller or holds no
  // reference any more.
  RsmStatus Release(const void* handle);

  // The controller behind a handle that still holds a reference.
  // RSMERR_BAD_CTLR_HNDL for something that never was a controller,
  // RSMERR_CTLR_NOT_PRESENT for one that has been released.
  RsmStatusOr<Controller*> Find(const void* handle);

  // The controller called `name` if this process has opened it (held or
  // not; the newest if it was retired), else nullptr. Takes no reference.
  Controller* FindOpened(absl::string_view name);

  // For tests that run several nodes in one process: registers a controller
  // built by hand (e.g. on a test fabric's port) holding one reference, and
  // returns its handle.
  Controller* Adopt(std::unique_ptr<Controller> controller);

  // Stops every controller's engine once what is under way has finished,
  // and closes its port, newest first (a retired controller's port may be
  // in use by its successor) (at exit: engine threads must not run on while the
  // process is torn down). Handles stay valid; their calls fail.
  void StopEngines();

 private:
  ControllerRegistry() = default;

  Controller* FindLocked(const void* handle)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  RsmStatusOr<std::unique_ptr<Controller>> Create(absl::string_view name);

  absl::Mutex mutex_;
  std::vector<std::unique_ptr<Controller>> controllers_ ABSL_GUARDED_BY(mutex_);
};

// The name rsm_get_controller resolves to: loopback with any unit number is
// the one loopback controller.
std::string CanonicalControllerName(absl::string_view name);

}  // namespace rsm::core

#endif  // RSM_CORE_CONTROLLER_H_
