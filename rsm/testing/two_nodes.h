// SPDX-License-Identifier: BSD-3-Clause
// Two RSMAPI nodes in one test process: a DPDK controller for node 1 and
// one for node 2, on the two ports of a cross-connected net_ring RingFabric,
// each with its engine on a thread of its own. Both are registered with the
// ControllerRegistry, so a test calls the real C functions with their
// handles: export on node 2's controller, connect from node 1's with
// rsm_memseg_import_connect(handle(1), 2, id, ...).
//
// The process's configuration (ProcessConfig) plays no part: each adopted
// controller carries its node id in its backend, which is what the segment
// code uses (Controller::local_node()).
#ifndef RSM_TESTING_TWO_NODES_H_
#define RSM_TESTING_TWO_NODES_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "rsm/core/controller.h"
#include "rsm/rsmapi.h"
#include "transport/engine/engine_options.h"
#include "transport/testing/ring_fabric.h"

namespace rsm::testing {

class TwoNodeControllers {
 public:
  // EAL must be up (InitTestEal, in a forked child). `name` keeps the
  // fabric's port and ring names unique in the process. `adjust` may change
  // each node's engine options before its engine is created.
  //
  // A peer silent for `unreachable_after` is taken for lost; the default
  // here is 1 s rather than the engine's 100 ms, because two busy-polling
  // engine threads, the test's threads and other test binaries share a
  // machine that may have two cores.
  static absl::StatusOr<std::unique_ptr<TwoNodeControllers>> Create(
      const char* name,
      const std::function<void(transport::EngineOptions&)>& adjust = {});

  // Stops both engines, then frees the fabric. The controllers stay in the
  // registry (it never destroys one); their calls fail from then on.
  ~TwoNodeControllers();

  TwoNodeControllers(const TwoNodeControllers&) = delete;
  TwoNodeControllers& operator=(const TwoNodeControllers&) = delete;

  // Node 1 or 2.
  rsmapi_controller_handle_t handle(int node) const;
  core::Controller& controller(int node) const;

  // Stops `node`'s engine for good, as if its process had ended: the other
  // node stops hearing from it and, after unreachable_after, takes it for
  // lost.
  void Stop(int node);

  static transport::MacAddress MacOf(int node);

 private:
  TwoNodeControllers() = default;

  std::unique_ptr<RingFabric> fabric_;
  core::Controller* controllers_[2] = {nullptr, nullptr};
};

}  // namespace rsm::testing

#endif  // RSM_TESTING_TWO_NODES_H_
