// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/controller.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rsm/core/controller_attributes.h"
#include "rsm/core/rsm_status.h"
#include "rsm/core/runtime.h"
#include "rsm/loopback/loopback_backend.h"
#include "transport/eal.h"
#include "transport/engine/engine_config.h"
#include "transport/log.h"
#include "transport/segments/segment_service.h"

namespace rsm::core {
namespace {

constexpr absl::string_view kLoopback = "loopback";

// Engine threads must not run on while exit() tears the process down.
void StopEngines() { ControllerRegistry::Instance().StopEngines(); }

void StopEnginesAtExit() {
  static const bool registered = std::atexit(StopEngines) == 0;
  (void)registered;
}

// DPDK does not survive fork(): a child of a process that brought EAL up
// can use the loopback controller only.
RsmStatus CheckDpdkUsable() {
  if (!transport::ForkedAfterEal()) return RsmSuccess();
  return RsmError(RSMERR_CTLR_NOT_PRESENT,
                  "DPDK controllers belong to the process that opened them, "
                  "not to a child it forked; exec a new program instead");
}

}  // namespace

std::string CanonicalControllerName(absl::string_view name) {
  if (absl::StartsWith(name, kLoopback)) {
    absl::string_view unit = name.substr(kLoopback.size());
    bool all_digits = true;
    for (char c : unit) all_digits = all_digits && absl::ascii_isdigit(c);
    if (all_digits) return std::string(kLoopback);
  }
  return std::string(name);
}

ControllerRegistry& ControllerRegistry::Instance() {
  static ControllerRegistry* const registry = new ControllerRegistry();
  return *registry;
}

RsmStatusOr<Controller*> ControllerRegistry::Acquire(absl::string_view name) {
  const std::string canonical = CanonicalControllerName(name);
  absl::MutexLock lock(&mutex_);
  for (const std::unique_ptr<Controller>& controller : controllers_) {
    if (controller->name() == canonical && !controller->retired_) {
      if (controller->kind() == Controller::Kind::kDpdk) {
        RSM_RETURN_IF_ERROR(CheckDpdkUsable());
      }
      ++controller->references_;
      return controller.get();
    }
  }
  // Bringing up a DPDK controller the first time may initialise EAL; that is
  // done under the lock so two threads cannot create the same controller.
  RSM_ASSIGN_OR_RETURN(std::unique_ptr<Controller> created, Create(canonical));
  controllers_.push_back(std::move(created));
  Controller* controller = controllers_.back().get();
  controller->references_ = 1;
  return controller;
}

RsmStatusOr<std::unique_ptr<Controller>> ControllerRegistry::Create(
    absl::string_view name) {
  // Even loopback needs the configuration: it may import only from this node.
  RSM_ASSIGN_OR_RETURN(const transport::ClusterConfig* config, ProcessConfig());
  if (name == kLoopback) {
    return std::make_unique<Controller>(
        std::string(name), Controller::Kind::kLoopback, LoopbackAttributes(),
        std::make_unique<loopback::LoopbackBackend>(config->node_id));
  }
  const transport::ControllerConfig* controller_config =
      config->FindController(name);
  if (controller_config == nullptr) {
    return RsmError(
        RSMERR_CTLR_NOT_PRESENT,
        absl::StrCat("no controller named '", name, "' in ", config->source));
  }
  RSM_RETURN_IF_ERROR(CheckDpdkUsable());
  RSM_RETURN_IF_ERROR(BringUpEal(*config));
  RSM_ASSIGN_OR_RETURN(transport::PortInfo port,
                       LocalPort(*config, *controller_config));
  absl::StatusOr<std::unique_ptr<transport::SegmentService>> service =
      transport::SegmentService::Start(
          transport::EngineOptionsFor(*config, *controller_config, port));
  if (!service.ok()) return ControllerNotPresent(service.status());
  StopEnginesAtExit();
  return std::make_unique<Controller>(
      std::string(name), Controller::Kind::kDpdk, DpdkControllerAttributes(),
      *std::move(service));
}

Controller* ControllerRegistry::FindOpened(absl::string_view name) {
  const std::string canonical = CanonicalControllerName(name);
  absl::MutexLock lock(&mutex_);
  for (auto it = controllers_.rbegin(); it != controllers_.rend(); ++it) {
    if ((*it)->name() == canonical) return it->get();
  }
  return nullptr;
}

Controller* ControllerRegistry::Adopt(std::unique_ptr<Controller> controller) {
  absl::MutexLock lock(&mutex_);
  controller->references_ = 1;
  controllers_.push_back(std::move(controller));
  return controllers_.back().get();
}

void ControllerRegistry::StopEngines() {
  absl::MutexLock lock(&mutex_);
  for (auto it = controllers_.rbegin(); it != controllers_.rend(); ++it) {
    (*it)->backend().Close();
  }
}

Controller* ControllerRegistry::FindLocked(const void* handle) {
  for (const std::unique_ptr<Controller>& controller : controllers_) {
    if (controller.get() == handle) return controller.get();
  }
  return nullptr;
}

RsmStatus ControllerRegistry::Release(const void* handle) {
  absl::MutexLock lock(&mutex_);
  Controller* controller = FindLocked(handle);
  if (controller == nullptr || controller->references_ == 0) {
    return RsmError(RSMERR_BAD_CTLR_HNDL, "not a held controller handle");
  }
  if (--controller->references_ == 0 &&
      controller->kind() == Controller::Kind::kDpdk) {
    // Under the lock: a new controller on the same port must not start
    // before this one's engine has let go of it.
    controller->retired_ = true;
    controller->backend().Quiesce();
  }
  return RsmSuccess();
}

RsmStatusOr<Controller*> ControllerRegistry::Find(const void* handle) {
  absl::MutexLock lock(&mutex_);
  Controller* controller = FindLocked(handle);
  if (controller == nullptr) {
    return RsmError(RSMERR_BAD_CTLR_HNDL, "not a controller handle");
  }
  if (controller->references_ == 0) {
    return RsmError(RSMERR_CTLR_NOT_PRESENT, "controller has been released");
  }
  return controller;
}

}  // namespace rsm::core
