// SPDX-License-Identifier: BSD-3-Clause
#include "transport/testing/test_cluster.h"

#include <rte_eal.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "transport/eal.h"

namespace rsm::testing {
namespace {

transport::MacAddress MacOf(int node) {
  return {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(node)};
}

}  // namespace

bool InitTestEal(const char* file_prefix, const char* lcores) {
  std::vector<std::string> args = {"rsm_test",
                                   "--no-huge",
                                   "--no-pci",
                                   "-m",
                                   "512",
                                   "--no-shconf",
                                   "--no-telemetry",
                                   absl::StrCat("--file-prefix=", file_prefix),
                                   "-l",
                                   lcores,
                                   "--log-level=*:warning"};
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (std::string& arg : args) argv.push_back(arg.data());
  if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) {
    return false;
  }
  transport::RemoveEmptyRuntimeDir();
  return true;
}

bool AllDone(const std::vector<transport::Completion>& completions) {
  return std::all_of(completions.begin(), completions.end(),
                     [](const transport::Completion& c) { return c.IsDone(); });
}

void RecordingSink::OnMessage(uint32_t peer,
                              const transport::wire::FrameHeader& first,
                              absl::Span<const uint8_t> payload) {
  Message message{peer, first, {payload.begin(), payload.end()}};
  if (on_message) {
    on_message(message);
  } else {
    messages.push_back(std::move(message));
  }
}

absl::StatusOr<std::unique_ptr<TestCluster>> TestCluster::Create(
    const char* name, int nodes,
    const std::function<void(transport::EngineOptions&)>& adjust,
    const SinkFactory& sink_for) {
  std::unique_ptr<TestCluster> cluster(new TestCluster());
  cluster->adjust_ = adjust;
  cluster->sink_for_ = sink_for;
  std::vector<transport::MacAddress> macs;
  for (int node = 1; node <= nodes; ++node) macs.push_back(MacOf(node));
  absl::StatusOr<std::unique_ptr<RingFabric>> fabric =
      RingFabric::Create(name, macs);
  if (!fabric.ok()) return fabric.status();
  cluster->fabric_ = *std::move(fabric);
  cluster->engines_.resize(nodes);
  cluster->paused_.resize(nodes, false);
  for (int node = 1; node <= nodes; ++node) {
    cluster->sinks_.push_back(std::make_unique<RecordingSink>());
    if (absl::Status status = cluster->StartEngine(node); !status.ok()) {
      return status;
    }
  }
  return cluster;
}

absl::Status TestCluster::StartEngine(int node) {
  transport::EngineOptions options;
  options.node_id = static_cast<uint32_t>(node);
  options.mac = MacOf(node);
  options.port_id = fabric_->port(node - 1).port_id;
  for (int peer = 1; peer <= static_cast<int>(fabric_->size()); ++peer) {
    options.peers.push_back({static_cast<uint32_t>(peer), MacOf(peer)});
  }
  if (adjust_) adjust_(options);
  transport::MessageSink* sink = sink_for_ ? sink_for_(node) : nullptr;
  if (sink == nullptr) sink = sinks_[node - 1].get();
  absl::StatusOr<std::unique_ptr<transport::Engine>> engine =
      transport::Engine::Create(options, sink);
  if (!engine.ok()) return engine.status();
  engines_[node - 1] = *std::move(engine);
  return absl::OkStatus();
}

void TestCluster::DriveOnce() {
  for (size_t i = 0; i < engines_.size(); ++i) {
    if (!paused_[i] && !engines_[i]->stopped()) engines_[i]->RunOnce();
  }
  fabric_->Forward();
}

bool TestCluster::DriveUntil(const std::function<bool()>& done,
                             absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    DriveOnce();
  }
  return true;
}

absl::Status TestCluster::Restart(int node) {
  engines_[node - 1]->Stop();
  retired_.push_back(std::move(engines_[node - 1]));
  return StartEngine(node);
}

}  // namespace rsm::testing
