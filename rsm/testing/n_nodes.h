// SPDX-License-Identifier: BSD-3-Clause
// N RSMAPI nodes (ids 1..N) in one process, for the tests and benchmarks
// that need more than capi_setups gives: three or more nodes, or engine
// options of their own (injected faults, a small window, a longer silence
// before a peer is lost). Each node is a DPDK controller on its own net_ring
// port of a RingFabric, with its engine on a thread of its own, registered
// with ControllerRegistry::Adopt so the real C functions take its handle.
//
// Two ports are cross-connected. With three or more the fabric is a switch,
// and a forwarding thread of this class moves the frames.
//
// EAL must be up first (InitEalKeepingAffinity in a forked child, or the
// library's own through rsm_get_controller("dpdk0")).
#ifndef RSM_TESTING_N_NODES_H_
#define RSM_TESTING_N_NODES_H_

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "rsm/core/controller.h"
#include "rsm/rsmapi.h"
#include "transport/engine/engine_options.h"
#include "transport/fault/injector.h"
#include "transport/testing/ring_fabric.h"

namespace rsm::testing {

// InitTestEal (no hugepages, `lcores`), keeping the calling thread's CPU
// affinity: EAL pins it to its main lcore, and the engine threads started
// from it would inherit that. False on failure.
bool InitEalKeepingAffinity(const char* file_prefix, const char* lcores = "0");

class NodeCluster {
 public:
  // `name` keeps port and ring names unique in the process. `adjust` may
  // change each node's engine options (options.node_id says which) before
  // its engine is created. The default silence before a peer is lost is
  // 2 s: busy-polling engine threads, test threads and other test binaries
  // share a machine that may have two cores.
  static absl::StatusOr<std::unique_ptr<NodeCluster>> Create(
      const char* name, int nodes,
      const std::function<void(transport::EngineOptions&)>& adjust = {});

  // Stops every engine and the forwarding thread. The controllers stay in
  // the registry (it never destroys one); their calls fail from then on.
  ~NodeCluster();

  NodeCluster(const NodeCluster&) = delete;
  NodeCluster& operator=(const NodeCluster&) = delete;

  int size() const { return static_cast<int>(controllers_.size()); }
  // Node 1..size().
  rsmapi_controller_handle_t handle(int node) const;
  core::Controller& controller(int node) const;

  // Stops `node`'s engine for good, as if its process had ended: the others
  // stop hearing from it and, after unreachable_after, take it for lost.
  void Stop(int node);

  // What `node`'s engine injected into the frames it received (options'
  // rx_faults). Only once the node is stopped: the engine thread counts.
  transport::FaultCounters InjectedOnReceive(int node) const;

  static transport::MacAddress MacOf(int node);

 private:
  NodeCluster() = default;
  void Forward();

  std::unique_ptr<RingFabric> fabric_;
  std::vector<core::Controller*> controllers_;
  std::atomic<bool> forwarding_{false};
  std::thread forwarder_;
};

}  // namespace rsm::testing

#endif  // RSM_TESTING_N_NODES_H_
