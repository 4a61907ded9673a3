// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_TESTING_TEST_CLUSTER_H_
#define RSM_TRANSPORT_TESTING_TEST_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "transport/engine/engine.h"
#include "transport/testing/ring_fabric.h"

namespace rsm::testing {

// Brings up EAL for a test process with arguments that need no hugepages
// (call it in a child: see child_process.h). False on failure.
bool InitTestEal(const char* file_prefix, const char* lcores = "0");

// Whether every one of `completions` has completed.
bool AllDone(const std::vector<transport::Completion>& completions);

// Keeps every message a node receives.
class RecordingSink : public transport::MessageSink {
 public:
  struct Message {
    uint32_t peer;
    transport::wire::FrameHeader header;
    std::vector<uint8_t> payload;
  };
  void OnMessage(uint32_t peer, const transport::wire::FrameHeader& first,
                 absl::Span<const uint8_t> payload) override;

  // Called for each message instead of keeping it, when set.
  std::function<void(const Message&)> on_message;
  std::vector<Message> messages;
};

// Gives node `node` (1..N) the sink its engine delivers to, instead of the
// cluster's RecordingSink; called again when the node restarts. The sink
// belongs to the test and must outlive the cluster. nullptr: the node keeps
// its RecordingSink.
using SinkFactory = std::function<transport::MessageSink*(int node)>;

// N nodes (ids 1..N) in one process, each an Engine on its own port of a
// RingFabric, all driven by the calling thread (or, with two nodes, whose
// ports are cross-connected, each by a thread of its own: StartThread).
class TestCluster {
 public:
  static absl::StatusOr<std::unique_ptr<TestCluster>> Create(
      const char* name, int nodes,
      const std::function<void(transport::EngineOptions&)>& adjust = {},
      const SinkFactory& sink_for = {});

  transport::Engine& engine(int node) { return *engines_[node - 1]; }
  // The node's RecordingSink; it receives nothing when a SinkFactory gave
  // the node another sink.
  RecordingSink& sink(int node) { return *sinks_[node - 1]; }
  RingFabric& fabric() { return *fabric_; }
  int size() const { return static_cast<int>(engines_.size()); }

  // One iteration of every engine that is neither stopped nor paused, then
  // the switch.
  void DriveOnce();
  // A paused engine is not driven: it neither receives nor answers.
  void Pause(int node, bool paused) { paused_[node - 1] = paused; }
  // Drives until `done` or the timeout; returns done().
  bool DriveUntil(const std::function<bool()>& done, absl::Duration timeout);

  // Replaces `node`'s (stopped) engine with a new one on the same port: the
  // node restarted, as a new incarnation.
  absl::Status Restart(int node);

 private:
  TestCluster() = default;
  absl::Status StartEngine(int node);

  std::function<void(transport::EngineOptions&)> adjust_;
  SinkFactory sink_for_;
  std::unique_ptr<RingFabric> fabric_;
  std::vector<std::unique_ptr<RecordingSink>> sinks_;
  std::vector<std::unique_ptr<transport::Engine>> engines_;
  std::vector<bool> paused_;
  // Stopped engines stay alive: their frames may still sit in other nodes'
  // buffers.
  std::vector<std::unique_ptr<transport::Engine>> retired_;
};

}  // namespace rsm::testing

#endif  // RSM_TRANSPORT_TESTING_TEST_CLUSTER_H_
