// SPDX-License-Identifier: BSD-3-Clause
// The cluster configuration: this node's id, the EAL arguments, the DPDK
// controllers and every node's MAC address on them. docs/configuration.md is
// the user documentation.
//
// The file is INI, parsed with DPDK's rte_cfgfile (which works before
// rte_eal_init):
//
//   ; A comment starts with ';' or '#', on its own line or after a value.
//   [cluster]
//   node_id = 1                ; required, 1..64
//
//   [eal]                      ; optional
//   args = -l 1 --no-huge ...  ; optional, split on whitespace; default
//                              ; kDefaultEalArgs. No --vdev, -a/--allow or
//                              ; -b/--block: devices go in [controller.*].
//
//   [engine]                   ; optional: how the engines run, every key
//   progress = thread          ; optional (engine_settings.h has them all)
//
//   [controller.dpdk0]         ; one per DPDK controller: [a-z_]+ then a unit
//                              ; number; "loopback..." is the built-in one
//   device = net_ring0         ; required: a vdev spec "net_<driver>[,opts]"
//                              ; or a PCI address DDDD:BB:DD.F (lowercase
//                              ; hex), which needs EAL args without --no-pci
//   rx_faults = drop=0.01      ; optional: faults to inject into received
//   tx_faults = delay=0.1      ; and sent frames (transport/fault/
//                              ; fault_spec.h); default none
//   fault_seed = 42            ; optional, decimal u64; default 1
//
//   [node.2]                   ; one per cluster node, id 1..64
//   dpdk0 = 02:00:00:00:00:02  ; that node's MAC on controller dpdk0
//
// Empty values count as missing. Values cannot contain ';' or '#' and are at
// most 254 characters (rte_cfgfile would silently truncate longer ones).
// Every error names the file, the section and the key.

#ifndef RSM_TRANSPORT_CONFIG_H_
#define RSM_TRANSPORT_CONFIG_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "transport/engine_settings.h"
#include "transport/fault/fault_spec.h"

namespace rsm::transport {

inline constexpr uint32_t kMinNodeId = 1;
// Sun Cluster node ids; RSMAPI ACLs allow <= 64.
inline constexpr uint32_t kMaxNodeId = 64;

// [eal] args when the file has none: no hugepages and no PCI scan, so that a
// program runs unprivileged, in CI and in Bazel's sandbox.
inline constexpr char kDefaultEalArgs[] =
    "--no-huge --no-pci -m 256 --no-shconf --no-telemetry --file-prefix=rsm "
    "-l 0 --log-level=*:warning";

using MacAddress = std::array<uint8_t, 6>;

// "02:00:00:00:00:01" (lowercase).
std::string MacToString(const MacAddress& mac);

struct ControllerConfig {
  enum class DeviceKind { kVdev, kPci };

  // "dpdk0": [a-z_]+ then a decimal unit number; never "loopback<N>".
  std::string name;
  DeviceKind kind = DeviceKind::kVdev;
  // The whole vdev spec ("net_memif0,role=server,socket=/tmp/x") or the PCI
  // address ("0000:03:00.0").
  std::string device;
  // Faults the engine injects into this controller's received and sent
  // frames, for reliability tests; none by default.
  FaultSpec rx_faults;
  FaultSpec tx_faults;
  // Seeds the injectors, so that a seed reproduces a run.
  uint64_t fault_seed = 1;

  // The ethdev name DPDK gives the port: a vdev spec up to its first ',',
  // or the PCI address.
  std::string PortName() const;
};

struct NodeConfig {
  uint32_t id = 0;
  // Controller name -> this node's MAC on it, in file order.
  std::vector<std::pair<std::string, MacAddress>> controller_macs;
};

struct ClusterConfig {
  // The file path, or "embedded default".
  std::string source;
  // This node.
  uint32_t node_id = 0;
  // [eal] args split on whitespace, as written.
  std::vector<std::string> eal_args;
  // [engine]: how every controller's engine runs.
  EngineSettings engine;
  // In file order.
  std::vector<ControllerConfig> controllers;
  // [node.N] sections sorted by id (may include this node).
  std::vector<NodeConfig> nodes;

  // nullptr if there is no controller called `name`.
  const ControllerConfig* FindController(absl::string_view name) const;

  // argv for rte_eal_init: "rsm", eal_args, then per controller in order
  // "--vdev=<spec>" (vdev) or "-a" "<address>" (PCI).
  std::vector<std::string> EalArgv() const;
};

// NotFoundError if the file cannot be read, InvalidArgumentError if it is not
// a valid cluster file.
absl::StatusOr<ClusterConfig> LoadClusterConfig(const std::string& path);

// Node 1, kDefaultEalArgs, controller dpdk0 on net_ring0 (a port that loops
// back to itself), no [node.N] sections. Built through the same validation as
// a file; source is "embedded default".
ClusterConfig EmbeddedDefaultConfig();

inline constexpr char kConfigEnvVar[] = "RSM_CONFIG";

// LoadClusterConfig($RSM_CONFIG) if it is set and non-empty, else
// EmbeddedDefaultConfig().
absl::StatusOr<ClusterConfig> LoadConfigFromEnvironment();

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_CONFIG_H_
