// SPDX-License-Identifier: BSD-3-Clause
// The setups the C API's segment tests run every case on, and what
// those tests share:
//  - kLoopback: the `loopback` controller of the embedded default
//    configuration (node 1): local copies, no frames;
//  - kDpdk0: the embedded default's `dpdk0`, an in-process net_ring port
//    that loops back to itself: a same-node import crosses the whole
//    protocol;
//  - kTwoNodes: node 2 exports and node 1 imports, on cross-connected
//    net_ring ports (two_nodes.h), both engine threads pinned to this
//    process's last allowed CPU ([engine] core);
//  - kTwoNodesCaller: the same with caller-driven progress (waiting callers
//    drive the engines; a backstop thread serves the exporter);
//  - kNullPort: a same-node import on a net_null port, which drops every
//    frame it is given: only the engine's own delivery to this node makes
//    it work, as on af_packet, tap, memif or a NIC;
//  - kAfPacket: the same on net_af_packet, on the loopback of a network
//    namespace the case's process makes for itself (needs root);
//  - kMemif: the same on a net_memif server no client ever joins (its link
//    stays down).
// Each case runs in a forked child (RunOn): DPDK's EAL can be initialised
// once per process, and every case starts with empty handle tables.
#ifndef RSM_TESTING_CAPI_SETUPS_H_
#define RSM_TESTING_CAPI_SETUPS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/two_nodes.h"

namespace rsm::testing {

enum class SetupKind {
  kLoopback,
  kDpdk0,
  kTwoNodes,
  kTwoNodesCaller,
  kNullPort,
  kAfPacket,
  kMemif
};

inline const std::vector<SetupKind>& AllSetups() {
  static const auto* const all = new std::vector<SetupKind>{
      SetupKind::kLoopback,       SetupKind::kDpdk0,    SetupKind::kTwoNodes,
      SetupKind::kTwoNodesCaller, SetupKind::kNullPort, SetupKind::kAfPacket,
      SetupKind::kMemif};
  return *all;
}

// "Loopback", "Dpdk0", "TwoNodes", "TwoNodesCaller", "NullPort", "AfPacket",
// "Memif".
std::string SetupName(SetupKind kind);
// For INSTANTIATE_TEST_SUITE_P.
std::string SetupParamName(const ::testing::TestParamInfo<SetupKind>& info);
void PrintTo(SetupKind kind, std::ostream* os);

// The controllers of one setup, opened in the case's own process.
class Nodes {
 public:
  // Opens `kind`'s controllers: rsm_get_controller("loopback") or
  // rsm_get_controller("dpdk0") on the embedded default (RSM_CONFIG is unset
  // first; dpdk0 brings up EAL), or EAL and TwoNodeControllers. nullptr,
  // with a gtest failure, if that fails.
  static std::unique_ptr<Nodes> Open(SetupKind kind);

  SetupKind kind() const { return kind_; }
  // Where segments are exported and published.
  rsmapi_controller_handle_t exporter() const { return exporter_; }
  // Where they are imported from: connect, put, get, map.
  rsmapi_controller_handle_t importer() const { return importer_; }
  // The node rsm_memseg_import_connect names.
  rsm_node_id_t exporter_node() const { return exporter_node_; }
  // The node an access list names to let the importer in.
  rsm_node_id_t importer_node() const { return importer_node_; }
  // A node that is no member of the cluster.
  static constexpr rsm_node_id_t kStranger = 9;

  bool loopback() const { return kind_ == SetupKind::kLoopback; }
  // rsm_memseg_import_map reaches the exporter's memory: the importer is
  // the exporting process on the same controller (loopback, dpdk0). On two
  // nodes the segment is remote and cannot be mapped.
  bool can_map() const { return exporter_node_ == importer_node_; }
  // kTwoNodes only; nullptr otherwise.
  TwoNodeControllers* two_nodes() const { return two_nodes_.get(); }

 private:
  Nodes() = default;

  SetupKind kind_ = SetupKind::kLoopback;
  rsmapi_controller_handle_t exporter_ = nullptr;
  rsmapi_controller_handle_t importer_ = nullptr;
  rsm_node_id_t exporter_node_ = 0;
  rsm_node_id_t importer_node_ = 0;
  std::unique_ptr<TwoNodeControllers> two_nodes_;
};

// Runs `body` in a forked child with `kind`'s controllers open. True when it
// ran to the end with no failure within `timeout_seconds`.
bool RunOn(SetupKind kind, absl::FunctionRef<void(Nodes&)> body,
           int timeout_seconds = 30);

// A test parameterised over the setups.
class SetupTest : public ::testing::TestWithParam<SetupKind> {
 protected:
  void RunCase(absl::FunctionRef<void(Nodes&)> body, int timeout_seconds = 30) {
    EXPECT_TRUE(RunOn(GetParam(), body, timeout_seconds));
  }
};

// Page-aligned, zero-filled anonymous memory (mmap), unmapped on
// destruction.
class Pages {
 public:
  explicit Pages(size_t count);
  ~Pages();
  Pages(const Pages&) = delete;
  Pages& operator=(const Pages&) = delete;

  static size_t PageSize();
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Every byte of it set to `value`.
  void Fill(uint8_t value);

 private:
  uint8_t* data_;
  size_t size_;
};

// A range of addresses where nothing is mapped (mapped, then unmapped).
void* UnmappedRange(size_t size);

// A pointer that is no handle of any kind, for the "bad handle" cases.
template <typename Handle>
Handle NotAHandle() {
  static int object;
  return reinterpret_cast<Handle>(&object);
}

// rsm_memseg_export_create of all of `memory` on the exporter, then
// rsm_memseg_export_publish with `*id` (0: an automatic id, written back)
// and `acl`. A gtest failure and nullptr if either fails.
rsm_memseg_export_handle_t ExportAndPublish(
    const Nodes& nodes, const Pages& memory, rsm_memseg_id_t* id,
    uint_t flags = 0, std::vector<rsmapi_access_entry_t> acl = {});

// rsm_memseg_import_connect from the importer to the exporter's segment
// `id`. A gtest failure and nullptr if it fails.
rsm_memseg_import_handle_t Connect(const Nodes& nodes, rsm_memseg_id_t id,
                                   rsm_permission_t perm = RSM_PERM_RDWR);

// `length` bytes from a deterministic generator seeded with `seed`.
std::vector<uint8_t> Pattern(size_t length, uint32_t seed);

}  // namespace rsm::testing

#endif  // RSM_TESTING_CAPI_SETUPS_H_
