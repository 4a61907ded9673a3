// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/testing/two_nodes.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rsm/core/controller_attributes.h"
#include "transport/port.h"
#include "transport/segments/segment_service.h"

namespace rsm::testing {

transport::MacAddress TwoNodeControllers::MacOf(int node) {
  return {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(node)};
}

absl::StatusOr<std::unique_ptr<TwoNodeControllers>> TwoNodeControllers::Create(
    const char* name,
    const std::function<void(transport::EngineOptions&)>& adjust) {
  std::unique_ptr<TwoNodeControllers> nodes(new TwoNodeControllers());
  absl::StatusOr<std::unique_ptr<RingFabric>> fabric =
      RingFabric::Create(name, {MacOf(1), MacOf(2)});
  if (!fabric.ok()) return fabric.status();
  nodes->fabric_ = *std::move(fabric);
  for (int node = 1; node <= 2; ++node) {
    transport::EngineOptions options;
    options.node_id = static_cast<uint32_t>(node);
    options.mac = MacOf(node);
    options.port_id = nodes->fabric_->port(node - 1).port_id;
    options.peers = {{1, MacOf(1)}, {2, MacOf(2)}};
    options.unreachable_after = absl::Seconds(1);
    if (adjust) adjust(options);
    absl::StatusOr<std::unique_ptr<transport::SegmentService>> backend =
        transport::SegmentService::Start(options);
    if (!backend.ok()) return backend.status();
    nodes->controllers_[node - 1] = core::ControllerRegistry::Instance().Adopt(
        std::make_unique<core::Controller>(
            absl::StrCat(name, ".node", node), core::Controller::Kind::kDpdk,
            core::DpdkControllerAttributes(), *std::move(backend)));
  }
  return nodes;
}

TwoNodeControllers::~TwoNodeControllers() {
  // The engines use the fabric's rings until they stop.
  for (int node = 1; node <= 2; ++node) {
    if (controllers_[node - 1] != nullptr) Stop(node);
  }
}

rsmapi_controller_handle_t TwoNodeControllers::handle(int node) const {
  return reinterpret_cast<rsmapi_controller_handle_t>(controllers_[node - 1]);
}

core::Controller& TwoNodeControllers::controller(int node) const {
  return *controllers_[node - 1];
}

void TwoNodeControllers::Stop(int node) {
  controllers_[node - 1]->backend().Shutdown();
}

}  // namespace rsm::testing
