// SPDX-License-Identifier: BSD-3-Clause
#include "transport/config.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "transport/fault/fault_spec.h"

namespace rsm::transport {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;
using DeviceKind = ControllerConfig::DeviceKind;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// testdata/config/<name> in this test's runfiles.
std::string TestFile(absl::string_view name) {
  return absl::StrCat(Env("TEST_SRCDIR"), "/", Env("TEST_WORKSPACE"),
                      "/testdata/config/", name);
}

const std::vector<std::string> kDefaultArgs = {"--no-huge",
                                               "--no-pci",
                                               "-m",
                                               "256",
                                               "--no-shconf",
                                               "--no-telemetry",
                                               "--file-prefix=rsm",
                                               "-l",
                                               "0",
                                               "--log-level=*:warning"};

std::vector<std::string> Concat(std::vector<std::string> a,
                                const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(MacToStringTest, LowercaseWithLeadingZeros) {
  EXPECT_EQ(MacToString({0x02, 0xab, 0x0c, 0x00, 0xff, 0x01}),
            "02:ab:0c:00:ff:01");
}

TEST(LoadClusterConfigTest, SingleNode) {
  const std::string path = TestFile("good_single_node.ini");
  absl::StatusOr<ClusterConfig> config = LoadClusterConfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, path);
  EXPECT_EQ(config->node_id, 7u);
  EXPECT_EQ(config->eal_args, kDefaultArgs);
  ASSERT_EQ(config->controllers.size(), 1u);
  EXPECT_EQ(config->controllers[0].name, "dpdk0");
  EXPECT_EQ(config->controllers[0].kind, DeviceKind::kVdev);
  EXPECT_EQ(config->controllers[0].device, "net_ring0");
  EXPECT_EQ(config->controllers[0].PortName(), "net_ring0");
  EXPECT_EQ(config->controllers[0].rx_faults, FaultSpec());
  EXPECT_EQ(config->controllers[0].tx_faults, FaultSpec());
  EXPECT_EQ(config->controllers[0].fault_seed, 1u);
  EXPECT_THAT(config->nodes, IsEmpty());
}

TEST(LoadClusterConfigTest, TwoNodesWithMacs) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_two_nodes.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->node_id, 2u);
  EXPECT_THAT(config->eal_args, ElementsAre("--no-huge", "--no-pci", "-m",
                                            "128", "--no-shconf", "-l", "1"));
  ASSERT_EQ(config->controllers.size(), 2u);
  EXPECT_EQ(config->controllers[0].name, "dpdk0");
  EXPECT_EQ(config->controllers[0].device, "net_ring0");
  EXPECT_EQ(config->controllers[1].name, "dpdk1");
  EXPECT_EQ(config->controllers[1].kind, DeviceKind::kVdev);
  EXPECT_EQ(config->controllers[1].device, "net_null1");
  EXPECT_EQ(config->FindController("dpdk1"), &config->controllers[1]);
  EXPECT_EQ(config->FindController("dpdk2"), nullptr);
  EXPECT_EQ(config->FindController("loopback0"), nullptr);
  // Sorted by id; MACs in file order.
  ASSERT_EQ(config->nodes.size(), 2u);
  EXPECT_EQ(config->nodes[0].id, 2u);
  EXPECT_THAT(
      config->nodes[0].controller_macs,
      ElementsAre(Pair("dpdk1", MacAddress{0x02, 0, 0, 0, 0x01, 0x02}),
                  Pair("dpdk0", MacAddress{0x02, 0xab, 0xcd, 0xef, 0, 0x02})));
  EXPECT_EQ(config->nodes[1].id, 3u);
  EXPECT_THAT(
      config->nodes[1].controller_macs,
      ElementsAre(Pair("dpdk0", MacAddress{0x02, 0, 0, 0, 0, 0x03}),
                  Pair("dpdk1", MacAddress{0x02, 0, 0, 0, 0x01, 0x03})));
  EXPECT_THAT(
      config->EalArgv(),
      ElementsAre("rsm", "--no-huge", "--no-pci", "-m", "128", "--no-shconf",
                  "-l", "1", "--vdev=net_ring0", "--vdev=net_null1"));
}

TEST(LoadClusterConfigTest, MemifSpecWithOptions) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_memif.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->node_id, 1u);
  const std::string spec =
      "net_memif0,role=server,socket=/tmp/rsm-memif.sock,socket-abstract=no";
  ASSERT_EQ(config->controllers.size(), 1u);
  EXPECT_EQ(config->controllers[0].kind, DeviceKind::kVdev);
  EXPECT_EQ(config->controllers[0].device, spec);
  EXPECT_EQ(config->controllers[0].PortName(), "net_memif0");
  ASSERT_EQ(config->nodes.size(), 2u);
  EXPECT_EQ(config->nodes[0].id, 1u);
  EXPECT_THAT(config->nodes[0].controller_macs,
              ElementsAre(Pair("dpdk0", MacAddress{2, 0, 0, 0, 0, 1})));
  EXPECT_EQ(config->nodes[1].id, 2u);
  EXPECT_THAT(config->nodes[1].controller_macs,
              ElementsAre(Pair("dpdk0", MacAddress{2, 0, 0, 0, 0, 2})));
  EXPECT_THAT(config->EalArgv(),
              ElementsAre("rsm", "--no-huge", "--no-pci", "-m", "256",
                          "--no-shconf", "--no-telemetry", "--file-prefix=rsm1",
                          "-l", "1", absl::StrCat("--vdev=", spec)));
}

TEST(LoadClusterConfigTest, PciControllerWithoutNoPci) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_pci.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->node_id, 64u);
  ASSERT_EQ(config->controllers.size(), 2u);
  EXPECT_EQ(config->controllers[0].name, "nic0");
  EXPECT_EQ(config->controllers[0].kind, DeviceKind::kPci);
  EXPECT_EQ(config->controllers[0].device, "0000:03:00.0");
  EXPECT_EQ(config->controllers[0].PortName(), "0000:03:00.0");
  EXPECT_EQ(config->controllers[1].kind, DeviceKind::kVdev);
  ASSERT_EQ(config->nodes.size(), 1u);
  EXPECT_EQ(config->nodes[0].id, 64u);
  EXPECT_THAT(
      config->nodes[0].controller_macs,
      ElementsAre(Pair("nic0", MacAddress{0x0c, 0x42, 0xa1, 0, 0, 0x40})));
  // Devices in controller order.
  EXPECT_THAT(config->EalArgv(),
              ElementsAre("rsm", "-l", "2", "--file-prefix=rsm", "-a",
                          "0000:03:00.0", "--vdev=net_ring1"));
}

TEST(LoadClusterConfigTest, FaultsPerController) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_faults.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->controllers.size(), 2u);
  const ControllerConfig& faulty = config->controllers[0];
  EXPECT_EQ(faulty.rx_faults.ToString(),
            "drop=0.1,duplicate=0.01,reorder=0.1,corrupt=0.001,delay=0.05,"
            "delay_us=300");
  EXPECT_EQ(faulty.tx_faults.ToString(), "delay=1,delay_us=50");
  EXPECT_EQ(faulty.fault_seed, 18446744073709551615u);
  const ControllerConfig& plain = config->controllers[1];
  EXPECT_EQ(plain.rx_faults, FaultSpec());
  EXPECT_EQ(plain.tx_faults, FaultSpec());
  EXPECT_EQ(plain.fault_seed, 1u);
}

TEST(LoadClusterConfigTest, EngineSettingsDefaultToTheDocumentedValues) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_single_node.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  const EngineSettings& engine = config->engine;
  EXPECT_EQ(engine.progress, Progress::kThread);
  EXPECT_EQ(engine.core, -1);
  EXPECT_EQ(engine.window_frames, 256u);
  EXPECT_EQ(engine.mtu, 0u);
  EXPECT_TRUE(engine.block_when_full);
  EXPECT_EQ(engine.blocking_timeout, absl::Seconds(5));
  EXPECT_EQ(engine.initial_retransmit_timeout, absl::Milliseconds(1));
  EXPECT_EQ(engine.min_retransmit_timeout, absl::Milliseconds(1));
  EXPECT_EQ(engine.max_retransmit_timeout, absl::Milliseconds(20));
  EXPECT_EQ(engine.heartbeat_interval, absl::Milliseconds(10));
  EXPECT_EQ(engine.unreachable_after, absl::Milliseconds(100));
  EXPECT_EQ(engine.idle_spin, absl::Microseconds(10));
  EXPECT_EQ(engine.idle_sleep, absl::Milliseconds(1));
}

TEST(LoadClusterConfigTest, EveryEngineSettingIsRead) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_engine.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  const EngineSettings& engine = config->engine;
  EXPECT_EQ(engine.progress, Progress::kCaller);
  EXPECT_EQ(engine.core, 1);
  EXPECT_EQ(engine.window_frames, 64u);
  EXPECT_EQ(engine.mtu, 9000u);
  EXPECT_FALSE(engine.block_when_full);
  EXPECT_EQ(engine.blocking_timeout, absl::Milliseconds(250));
  EXPECT_EQ(engine.initial_retransmit_timeout, absl::Milliseconds(2));
  EXPECT_EQ(engine.min_retransmit_timeout, absl::Microseconds(500));
  EXPECT_EQ(engine.max_retransmit_timeout, absl::Milliseconds(50));
  EXPECT_EQ(engine.heartbeat_interval, absl::Milliseconds(20));
  EXPECT_EQ(engine.unreachable_after, absl::Milliseconds(1500));
  EXPECT_EQ(engine.idle_spin, absl::Microseconds(40));
  EXPECT_EQ(engine.idle_sleep, absl::Milliseconds(2));
}

TEST(LoadClusterConfigTest, NoControllers) {
  absl::StatusOr<ClusterConfig> config =
      LoadClusterConfig(TestFile("good_no_controllers.ini"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->node_id, 1u);
  EXPECT_THAT(config->controllers, IsEmpty());
  EXPECT_THAT(config->nodes, IsEmpty());
  EXPECT_EQ(config->EalArgv(), Concat({"rsm"}, kDefaultArgs));
}

TEST(LoadClusterConfigTest, MissingFileIsNotFound) {
  const std::string path = TestFile("no_such_file.ini");
  absl::StatusOr<ClusterConfig> config = LoadClusterConfig(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(),
            absl::StrCat(path, ": cannot read: No such file or directory"));
}

TEST(LoadClusterConfigTest, DirectoryIsNotFound) {
  const std::string path = TestFile("");
  absl::StatusOr<ClusterConfig> config = LoadClusterConfig(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr("Is a directory"));
}

struct BadFile {
  std::string name;
  // Names the section and key as well as the problem.
  std::string message;
};

const std::vector<BadFile>& BadFiles() {
  static const auto* const kBadFiles = new std::vector<BadFile>{
      {"bad_syntax.ini", "rte_cfgfile cannot parse it"},
      {"bad_key_before_section.ini", "rte_cfgfile cannot parse it"},
      {"bad_unknown_section.ini", "[nodes.2]: unknown section"},
      {"bad_unknown_key.ini", "[controller.dpdk0] devcie: unknown key"},
      {"bad_duplicate_section.ini", "[controller.dpdk0]: duplicate section"},
      {"bad_duplicate_key.ini", "[cluster] node_id: duplicate key"},
      {"bad_value_too_long.ini",
       "[controller.dpdk0] device: longer than 254 characters"},
      {"bad_cluster_missing.ini", "[cluster]: missing section"},
      {"bad_node_id_missing.ini", "[cluster] node_id: missing"},
      {"bad_node_id_empty.ini", "[cluster] node_id: missing"},
      {"bad_node_id_not_number.ini",
       "[cluster] node_id: 'one' is not a decimal number"},
      {"bad_node_id_range.ini", "[cluster] node_id: 65 is out of range 1..64"},
      {"bad_node_id_zero.ini", "[cluster] node_id: 0 is out of range 1..64"},
      {"bad_node_id_trailing.ini",
       "[cluster] node_id: '12abc' has 'abc' after the number"},
      {"bad_controller_name.ini",
       "[controller.dpdk]: controller name 'dpdk' is not lowercase letters or "
       "'_' then a unit number"},
      {"bad_controller_loopback.ini",
       "[controller.loopback0]: controller name 'loopback0' is reserved"},
      {"bad_device_missing.ini", "[controller.dpdk0] device: missing"},
      {"bad_device_syntax.ini",
       "[controller.dpdk0] device: 'eth0' is neither a vdev spec"},
      {"bad_device_pci_uppercase.ini",
       "[controller.nic0] device: '0000:3B:00.0' is neither a vdev spec"},
      {"bad_device_duplicate.ini",
       "[controller.dpdk1] device: port net_memif0 is already used by "
       "[controller.dpdk0]"},
      {"bad_pci_with_no_pci.ini",
       "[controller.nic0] device: PCI address 0000:03:00.0 needs PCI, but the "
       "EAL args contain --no-pci"},
      {"bad_node_section_id.ini",
       "[node.two]: node id 'two' is not a decimal number"},
      {"bad_node_section_range.ini",
       "[node.65]: node id 65 is out of range 1..64"},
      {"bad_node_section_duplicate_id.ini",
       "[node.02]: node 2 is defined twice"},
      {"bad_mac_syntax.ini",
       "[node.2] dpdk0: '02:00:00:00:00' is not a MAC address"},
      {"bad_mac_empty.ini", "[node.2] dpdk0: missing"},
      {"bad_mac_controller.ini",
       "[node.2] dpdk1: no controller dpdk1 is configured"},
      {"bad_mac_duplicate.ini",
       "[node.3] dpdk0: MAC 02:00:00:00:00:02 is already [node.2]'s on dpdk0"},
      {"bad_eal_vdev.ini",
       "[eal] args: '--vdev=net_ring0': devices belong in [controller.<name>] "
       "sections"},
      {"bad_eal_allow.ini", "[eal] args: '-a': devices belong"},
      {"bad_eal_block.ini", "[eal] args: '-b0000:03:00.0': devices belong"},
      {"bad_faults_spec.ini",
       "[controller.dpdk0] tx_faults: 'reorder=2': reorder is not a "
       "probability from 0 to 1"},
      {"bad_engine_progress.ini",
       "[engine] progress: 'lazy' is not 'thread' or 'caller'"},
      {"bad_engine_duration.ini",
       "[engine] unreachable_after: '100' is not a duration from 1us to 1m "
       "with its unit"},
      {"bad_engine_window.ini",
       "[engine] window_frames: '0' is not a whole number from 1 to 4096"},
      {"bad_engine_core.ini",
       "[engine] core: '-1' is not a whole number from 0 to 1023"},
      {"bad_engine_mtu.ini",
       "[engine] mtu: '100' is not a whole number from 256 to 9600"},
      {"bad_engine_unknown_key.ini", "[engine] unreachable: unknown key"},
      {"bad_engine_heartbeat.ini",
       "[engine]: heartbeat_interval must be at most half of "
       "unreachable_after"},
      {"bad_engine_retransmit_order.ini",
       "[engine]: retransmit timeouts must keep min <= initial <= max"},
      {"bad_engine_blocking.ini",
       "[engine] block_when_full: 'true' is not 'yes' or 'no'"},
      {"bad_faults_seed.ini",
       "[controller.dpdk0] fault_seed: 18446744073709551616 is out of range "
       "0..18446744073709551615"},
  };
  return *kBadFiles;
}

class BadFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFileTest, IsRejectedWithFileSectionAndKey) {
  const std::string path = TestFile(GetParam().name);
  absl::StatusOr<ClusterConfig> config = LoadClusterConfig(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()), StartsWith(path + ": "));
  EXPECT_THAT(config.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(AllRules, BadFileTest, ::testing::ValuesIn(BadFiles()),
                         [](const ::testing::TestParamInfo<BadFile>& info) {
                           return std::string(
                               absl::StripSuffix(info.param.name, ".ini"));
                         });

// So that a new bad_*.ini cannot be left out of the table.
TEST(BadFilesTest, TableCoversEveryBadFile) {
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(TestFile(""))) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, "bad_")) on_disk.insert(name);
  }
  std::set<std::string> in_table;
  for (const BadFile& bad : BadFiles()) in_table.insert(bad.name);
  EXPECT_EQ(on_disk, in_table);
}

TEST(EmbeddedDefaultConfigTest, RingLoopbackOnNodeOne) {
  const ClusterConfig config = EmbeddedDefaultConfig();
  EXPECT_EQ(config.source, "embedded default");
  EXPECT_EQ(config.node_id, 1u);
  EXPECT_EQ(config.eal_args, kDefaultArgs);
  ASSERT_EQ(config.controllers.size(), 1u);
  EXPECT_EQ(config.controllers[0].name, "dpdk0");
  EXPECT_EQ(config.controllers[0].kind, DeviceKind::kVdev);
  EXPECT_EQ(config.controllers[0].device, "net_ring0");
  EXPECT_EQ(config.controllers[0].PortName(), "net_ring0");
  EXPECT_THAT(config.nodes, IsEmpty());
  EXPECT_EQ(config.EalArgv(),
            Concat(Concat({"rsm"}, kDefaultArgs), {"--vdev=net_ring0"}));
}

// Restores RSM_CONFIG after each test.
class LoadConfigFromEnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* value = std::getenv(kConfigEnvVar);
    saved_ =
        value == nullptr ? std::nullopt : std::optional<std::string>(value);
  }
  void TearDown() override {
    if (saved_.has_value()) {
      setenv(kConfigEnvVar, saved_->c_str(), 1);
    } else {
      unsetenv(kConfigEnvVar);
    }
  }

 private:
  std::optional<std::string> saved_;
};

TEST_F(LoadConfigFromEnvironmentTest, UnsetGivesEmbeddedDefault) {
  unsetenv(kConfigEnvVar);
  absl::StatusOr<ClusterConfig> config = LoadConfigFromEnvironment();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, "embedded default");
}

TEST_F(LoadConfigFromEnvironmentTest, EmptyGivesEmbeddedDefault) {
  setenv(kConfigEnvVar, "", 1);
  absl::StatusOr<ClusterConfig> config = LoadConfigFromEnvironment();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, "embedded default");
}

TEST_F(LoadConfigFromEnvironmentTest, SetLoadsThatFile) {
  const std::string path = TestFile("good_single_node.ini");
  setenv(kConfigEnvVar, path.c_str(), 1);
  absl::StatusOr<ClusterConfig> config = LoadConfigFromEnvironment();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, path);
  EXPECT_EQ(config->node_id, 7u);
}

TEST_F(LoadConfigFromEnvironmentTest, SetToMissingFileIsNotFound) {
  const std::string path = TestFile("no_such_file.ini");
  setenv(kConfigEnvVar, path.c_str(), 1);
  absl::StatusOr<ClusterConfig> config = LoadConfigFromEnvironment();
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), StartsWith(path + ": "));
}

}  // namespace
}  // namespace rsm::transport
