// SPDX-License-Identifier: BSD-3-Clause
#include "transport/config.h"

#include <rte_cfgfile.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "transport/fault/fault_spec.h"

namespace rsm::transport {
namespace {

constexpr char kEmbeddedSource[] = "embedded default";
constexpr absl::string_view kControllerPrefix = "controller.";
constexpr absl::string_view kNodePrefix = "node.";
constexpr absl::string_view kDigits = "0123456789";
// rte_cfgfile silently truncates longer values.
constexpr size_t kMaxValueLength = CFG_VALUE_LEN - 2;

struct CfgfileCloser {
  void operator()(rte_cfgfile* cfg) const { rte_cfgfile_close(cfg); }
};
using Cfgfile = std::unique_ptr<rte_cfgfile, CfgfileCloser>;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// A section as rte_cfgfile holds it: entries in file order, duplicates kept.
struct Section {
  std::string name;
  std::vector<std::pair<std::string, std::string>> entries;
};

enum class SectionKind { kCluster, kEal, kEngine, kController, kNode, kUnknown };

SectionKind KindOf(absl::string_view section) {
  if (section == "cluster") return SectionKind::kCluster;
  if (section == "eal") return SectionKind::kEal;
  if (section == "engine") return SectionKind::kEngine;
  if (absl::StartsWith(section, kControllerPrefix)) {
    return SectionKind::kController;
  }
  if (absl::StartsWith(section, kNodePrefix)) return SectionKind::kNode;
  return SectionKind::kUnknown;
}

// [node.N] keys name controllers; those are checked once all are known.
bool IsKnownKey(SectionKind kind, absl::string_view key) {
  switch (kind) {
    case SectionKind::kCluster:
      return key == "node_id";
    case SectionKind::kEal:
      return key == "args";
    case SectionKind::kEngine:
      return IsEngineSettingKey(key);
    case SectionKind::kController:
      return key == "device" || key == "rx_faults" || key == "tx_faults" ||
             key == "fault_seed";
    case SectionKind::kNode:
      return true;
    case SectionKind::kUnknown:
      break;
  }
  return false;
}

// The value of `key`, or "" when it is absent (empty values count as missing).
absl::string_view ValueOf(const Section& section, absl::string_view key) {
  for (const auto& [name, value] : section.entries) {
    if (name == key) return value;
  }
  return "";
}

bool IsLowerHex(char c) {
  return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
}

// The parsers below return bare problems; the caller adds where they are.

// SimpleAtoi alone would also take "+5" or " 5".
absl::Status CheckDecimal(absl::string_view text) {
  const size_t end = std::min(text.find_first_not_of(kDigits), text.size());
  if (end == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a decimal number"));
  }
  if (end < text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' has '", text.substr(end), "' after the number"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> ParseNodeId(absl::string_view text) {
  if (absl::Status s = CheckDecimal(text); !s.ok()) return s;
  uint32_t id = 0;
  if (!absl::SimpleAtoi(text, &id) || id < kMinNodeId || id > kMaxNodeId) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is out of range %d..%d", text, kMinNodeId, kMaxNodeId));
  }
  return id;
}

absl::StatusOr<uint64_t> ParseSeed(absl::string_view text) {
  if (absl::Status s = CheckDecimal(text); !s.ok()) return s;
  uint64_t seed = 0;
  if (!absl::SimpleAtoi(text, &seed)) {
    return absl::InvalidArgumentError(
        absl::StrCat(text, " is out of range 0..", UINT64_MAX));
  }
  return seed;
}

absl::Status CheckControllerName(absl::string_view name) {
  const size_t unit = name.find_first_of(kDigits);
  const bool well_formed =
      unit != 0 && unit != absl::string_view::npos &&
      absl::c_all_of(
          name.substr(0, unit),
          [](char c) { return absl::ascii_islower(c) || c == '_'; }) &&
      name.find_first_not_of(kDigits, unit) == absl::string_view::npos;
  if (!well_formed) {
    return absl::InvalidArgumentError(
        absl::StrCat("controller name '", name,
                     "' is not lowercase letters or '_' then a unit number "
                     "(like dpdk0)"));
  }
  if (absl::StartsWith(name, "loopback")) {
    return absl::InvalidArgumentError(
        absl::StrCat("controller name '", name,
                     "' is reserved for the built-in loopback controller"));
  }
  return absl::OkStatus();
}

// "net_<driver>[,<options>]"; DPDK names the port after the part before ','.
bool IsVdevSpec(absl::string_view device) {
  const absl::string_view name = device.substr(0, device.find(','));
  return absl::StartsWith(name, "net_") && name.size() > 4 &&
         absl::c_all_of(name,
                        [](char c) {
                          return absl::ascii_islower(c) ||
                                 absl::ascii_isdigit(c) || c == '_';
                        }) &&
         device.find_first_of(" \t") == absl::string_view::npos;
}

// DDDD:BB:DD.F in lowercase hex, the form DPDK names PCI ports with.
bool IsPciAddress(absl::string_view device) {
  constexpr absl::string_view kPattern = "xxxx:xx:xx.f";  // f: function 0-7
  if (device.size() != kPattern.size()) return false;
  for (size_t i = 0; i < kPattern.size(); ++i) {
    const char c = device[i];
    const bool ok = kPattern[i] == 'x'   ? IsLowerHex(c)
                    : kPattern[i] == 'f' ? c >= '0' && c <= '7'
                                         : c == kPattern[i];
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<ControllerConfig::DeviceKind> DeviceKindOf(
    absl::string_view device) {
  if (IsPciAddress(device)) return ControllerConfig::DeviceKind::kPci;
  if (IsVdevSpec(device)) return ControllerConfig::DeviceKind::kVdev;
  return absl::InvalidArgumentError(absl::StrCat(
      "'", device,
      "' is neither a vdev spec (net_<driver>[,<options>], no spaces) nor a "
      "PCI address (DDDD:BB:DD.F, lowercase hex)"));
}

bool ParseOctet(absl::string_view text, uint8_t* octet) {
  uint32_t value = 0;
  // SimpleHexAtoi alone would also take "+f", " f" or "0x".
  const bool ok = text.size() == 2 &&
                  absl::c_all_of(text, absl::ascii_isxdigit) &&
                  absl::SimpleHexAtoi(text, &value);
  *octet = static_cast<uint8_t>(value);
  return ok;
}

absl::StatusOr<MacAddress> ParseMac(absl::string_view text) {
  const std::vector<absl::string_view> octets = absl::StrSplit(text, ':');
  MacAddress mac{};
  bool ok = octets.size() == mac.size();
  for (size_t i = 0; ok && i < mac.size(); ++i) {
    ok = ParseOctet(octets[i], &mac[i]);
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not a MAC address (6 colon-separated hex octets, "
                     "like 02:00:00:00:00:01)"));
  }
  return mac;
}

// Devices are configured per controller, so that each gets its port.
bool IsDeviceOption(absl::string_view arg) {
  if (absl::StartsWith(arg, "--")) {
    const absl::string_view name = arg.substr(0, arg.find('='));
    return name == "--vdev" || name == "--allow" || name == "--block";
  }
  // Short options may carry their value: "-a0000:03:00.0".
  return absl::StartsWith(arg, "-a") || absl::StartsWith(arg, "-b");
}

// Turns the sections of a cluster file into a ClusterConfig, stopping at the
// first problem.
class Converter {
 public:
  Converter(absl::string_view source, std::vector<Section> sections)
      : sections_(std::move(sections)) {
    config_.source = std::string(source);
  }

  absl::StatusOr<ClusterConfig> Convert() && {
    if (absl::Status s = CheckSections(); !s.ok()) return s;
    if (absl::Status s = ConvertCluster(); !s.ok()) return s;
    if (absl::Status s = ConvertEal(); !s.ok()) return s;
    if (absl::Status s = ConvertEngine(); !s.ok()) return s;
    // All controllers first: a node section may come before the controllers
    // it names.
    for (const Section& section : sections_) {
      if (KindOf(section.name) != SectionKind::kController) continue;
      if (absl::Status s = ConvertController(section); !s.ok()) return s;
    }
    for (const Section& section : sections_) {
      if (KindOf(section.name) != SectionKind::kNode) continue;
      if (absl::Status s = ConvertNode(section); !s.ok()) return s;
    }
    absl::c_sort(config_.nodes, [](const NodeConfig& a, const NodeConfig& b) {
      return a.id < b.id;
    });
    return std::move(config_);
  }

 private:
  absl::Status Error(absl::string_view section,
                     absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(config_.source, ": [", section, "]: ", problem));
  }

  absl::Status Error(absl::string_view section, absl::string_view key,
                     absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(config_.source, ": [", section, "] ", key, ": ", problem));
  }

  // Checks what rte_cfgfile lets through: unknown or repeated sections and
  // keys (typos), and values it has truncated.
  absl::Status CheckSections() const {
    absl::flat_hash_set<absl::string_view> names;
    for (const Section& section : sections_) {
      if (KindOf(section.name) == SectionKind::kUnknown) {
        return Error(section.name,
                     "unknown section (expected [cluster], [eal], [engine], "
                     "[controller.<name>] or [node.<id>])");
      }
      if (!names.insert(section.name).second) {
        return Error(section.name, "duplicate section");
      }
      if (absl::Status s = CheckEntries(section); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status CheckEntries(const Section& section) const {
    absl::flat_hash_set<absl::string_view> keys;
    for (const auto& [key, value] : section.entries) {
      if (!IsKnownKey(KindOf(section.name), key)) {
        return Error(section.name, key, "unknown key");
      }
      if (!keys.insert(key).second) {
        return Error(section.name, key, "duplicate key");
      }
      if (value.size() > kMaxValueLength) {
        return Error(section.name, key,
                     absl::StrCat("longer than ", kMaxValueLength,
                                  " characters, which rte_cfgfile truncates"));
      }
    }
    return absl::OkStatus();
  }

  const Section* FindSection(absl::string_view name) const {
    auto it = absl::c_find_if(
        sections_, [name](const Section& s) { return s.name == name; });
    return it == sections_.end() ? nullptr : &*it;
  }

  absl::Status ConvertCluster() {
    const Section* cluster = FindSection("cluster");
    if (cluster == nullptr) return Error("cluster", "missing section");
    const absl::string_view text = ValueOf(*cluster, "node_id");
    if (text.empty()) return Error("cluster", "node_id", "missing");
    absl::StatusOr<uint32_t> id = ParseNodeId(text);
    if (!id.ok()) return Error("cluster", "node_id", id.status().message());
    config_.node_id = *id;
    return absl::OkStatus();
  }

  absl::Status ConvertEal() {
    const Section* eal = FindSection("eal");
    absl::string_view args = eal == nullptr ? "" : ValueOf(*eal, "args");
    if (args.empty()) args = kDefaultEalArgs;
    config_.eal_args =
        absl::StrSplit(args, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    for (const std::string& arg : config_.eal_args) {
      if (IsDeviceOption(arg)) {
        return Error("eal", "args",
                     absl::StrCat("'", arg,
                                  "': devices belong in [controller.<name>] "
                                  "sections, not in the EAL args"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ConvertEngine() {
    const Section* engine = FindSection("engine");
    if (engine == nullptr) return absl::OkStatus();
    for (const auto& [key, value] : engine->entries) {
      if (value.empty()) continue;  // an empty value keeps the default
      if (absl::Status s = ParseEngineSetting(key, value, config_.engine);
          !s.ok()) {
        return Error("engine", key, s.message());
      }
    }
    if (absl::Status s = ValidateEngineSettings(config_.engine); !s.ok()) {
      return Error("engine", s.message());
    }
    return absl::OkStatus();
  }

  absl::Status ConvertController(const Section& section) {
    const absl::string_view name =
        absl::StripPrefix(section.name, kControllerPrefix);
    if (absl::Status s = CheckControllerName(name); !s.ok()) {
      return Error(section.name, s.message());
    }
    const absl::string_view device = ValueOf(section, "device");
    if (device.empty()) return Error(section.name, "device", "missing");
    absl::StatusOr<ControllerConfig::DeviceKind> kind = DeviceKindOf(device);
    if (!kind.ok()) {
      return Error(section.name, "device", kind.status().message());
    }
    ControllerConfig controller;
    controller.name = std::string(name);
    controller.kind = *kind;
    controller.device = std::string(device);
    for (const ControllerConfig& other : config_.controllers) {
      if (other.PortName() == controller.PortName()) {
        return Error(
            section.name, "device",
            absl::StrCat("port ", controller.PortName(),
                         " is already used by [controller.", other.name, "]"));
      }
    }
    if (*kind == ControllerConfig::DeviceKind::kPci &&
        absl::c_linear_search(config_.eal_args, "--no-pci")) {
      return Error(section.name, "device",
                   absl::StrCat("PCI address ", device,
                                " needs PCI, but the EAL args contain "
                                "--no-pci (the default ones do; write "
                                "[eal] args without it)"));
    }
    if (absl::Status s = ConvertFaults(section, controller); !s.ok()) return s;
    config_.controllers.push_back(std::move(controller));
    return absl::OkStatus();
  }

  absl::Status ConvertFaults(const Section& section,
                             ControllerConfig& controller) const {
    for (const auto& [key, spec] :
         {std::pair{"rx_faults", &controller.rx_faults},
          std::pair{"tx_faults", &controller.tx_faults}}) {
      // A missing key parses as "": no faults.
      absl::StatusOr<FaultSpec> parsed = ParseFaultSpec(ValueOf(section, key));
      if (!parsed.ok()) {
        return Error(section.name, key, parsed.status().message());
      }
      *spec = *parsed;
    }
    const absl::string_view seed = ValueOf(section, "fault_seed");
    if (seed.empty()) return absl::OkStatus();
    absl::StatusOr<uint64_t> parsed = ParseSeed(seed);
    if (!parsed.ok()) {
      return Error(section.name, "fault_seed", parsed.status().message());
    }
    controller.fault_seed = *parsed;
    return absl::OkStatus();
  }

  absl::Status ConvertNode(const Section& section) {
    absl::StatusOr<uint32_t> id =
        ParseNodeId(absl::StripPrefix(section.name, kNodePrefix));
    if (!id.ok()) {
      return Error(section.name,
                   absl::StrCat("node id ", id.status().message()));
    }
    for (const NodeConfig& other : config_.nodes) {
      if (other.id == *id) {
        return Error(section.name,
                     absl::StrCat("node ", *id, " is defined twice"));
      }
    }
    NodeConfig node{*id, {}};
    for (const auto& [key, value] : section.entries) {
      absl::StatusOr<MacAddress> mac = ConvertNodeMac(section, key, value);
      if (!mac.ok()) return mac.status();
      node.controller_macs.emplace_back(key, *mac);
    }
    config_.nodes.push_back(std::move(node));
    return absl::OkStatus();
  }

  absl::StatusOr<MacAddress> ConvertNodeMac(const Section& section,
                                            absl::string_view controller,
                                            absl::string_view text) {
    if (config_.FindController(controller) == nullptr) {
      return Error(section.name, controller,
                   absl::StrCat("no controller ", controller,
                                " is configured (no [controller.", controller,
                                "] section)"));
    }
    if (text.empty()) return Error(section.name, controller, "missing");
    absl::StatusOr<MacAddress> mac = ParseMac(text);
    if (!mac.ok()) {
      return Error(section.name, controller, mac.status().message());
    }
    const auto [owner, inserted] = mac_owners_.try_emplace(
        absl::StrCat(controller, " ", MacToString(*mac)), section.name);
    if (!inserted) {
      return Error(section.name, controller,
                   absl::StrCat("MAC ", MacToString(*mac), " is already [",
                                owner->second, "]'s on ", controller));
    }
    return mac;
  }

  const std::vector<Section> sections_;
  ClusterConfig config_;
  // "<controller> <MAC>" -> the node section that has it.
  absl::flat_hash_map<std::string, std::string> mac_owners_;
};

std::vector<Section> ReadSections(rte_cfgfile* cfg) {
  std::vector<Section> sections(rte_cfgfile_num_sections(cfg, "", 0));
  for (int i = 0; i < static_cast<int>(sections.size()); ++i) {
    char name[CFG_NAME_LEN];
    const int count =
        std::max(rte_cfgfile_section_num_entries_by_index(cfg, name, i), 0);
    std::vector<rte_cfgfile_entry> entries(count);
    rte_cfgfile_section_entries_by_index(cfg, i, name, entries.data(), count);
    sections[i].name = name;
    for (const rte_cfgfile_entry& entry : entries) {
      sections[i].entries.emplace_back(entry.name, entry.value);
    }
  }
  return sections;
}

absl::Status ErrnoError(absl::string_view path, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

absl::Status CannotRead(absl::string_view path) {
  return absl::NotFoundError(
      absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  File file(std::fopen(path.c_str(), "r"));
  if (file == nullptr) return CannotRead(path);
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text.append(buffer, n);
  }
  // A directory opens, then fails here with EISDIR.
  if (std::ferror(file.get())) return CannotRead(path);
  return text;
}

// rte_cfgfile knows one comment character, so '#' becomes ';' and it reads
// the result from an in-memory file.
absl::StatusOr<Cfgfile> ParseIni(const std::string& path, std::string text) {
  std::replace(text.begin(), text.end(), '#', ';');
  const int fd = memfd_create("rsm-config", MFD_CLOEXEC);
  if (fd < 0) return ErrnoError(path, "memfd_create");
  File copy(fdopen(fd, "w"));
  if (copy == nullptr) {
    close(fd);
    return ErrnoError(path, "fdopen");
  }
  if (std::fwrite(text.data(), 1, text.size(), copy.get()) != text.size() ||
      std::fflush(copy.get()) != 0) {
    return ErrnoError(path, "writing an in-memory copy");
  }
  Cfgfile cfg(rte_cfgfile_load(absl::StrCat("/proc/self/fd/", fd).c_str(),
                               CFG_FLAG_EMPTY_VALUES));
  if (cfg == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": rte_cfgfile cannot parse it as INI (it logs the line, except for "
        "a key = value before the first [section])"));
  }
  return cfg;
}

[[noreturn]] void DieBadDefault(absl::string_view problem) {
  std::fprintf(stderr,
               "rsm: the embedded default configuration is broken: %s\n",
               std::string(problem).c_str());
  std::abort();
}

bool AddSectionWithEntry(rte_cfgfile* cfg, const char* section, const char* key,
                         const char* value) {
  return rte_cfgfile_add_section(cfg, section) == 0 &&
         rte_cfgfile_add_entry(cfg, section, key, value) == 0;
}

}  // namespace

std::string MacToString(const MacAddress& mac) {
  return absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
                         mac[2], mac[3], mac[4], mac[5]);
}

std::string ControllerConfig::PortName() const {
  if (kind == DeviceKind::kPci) return device;
  return device.substr(0, device.find(','));
}

const ControllerConfig* ClusterConfig::FindController(
    absl::string_view name) const {
  auto it = absl::c_find_if(controllers, [name](const ControllerConfig& c) {
    return c.name == name;
  });
  return it == controllers.end() ? nullptr : &*it;
}

std::vector<std::string> ClusterConfig::EalArgv() const {
  std::vector<std::string> argv = {"rsm"};
  argv.insert(argv.end(), eal_args.begin(), eal_args.end());
  for (const ControllerConfig& controller : controllers) {
    if (controller.kind == ControllerConfig::DeviceKind::kVdev) {
      argv.push_back(absl::StrCat("--vdev=", controller.device));
    } else {
      argv.push_back("-a");
      argv.push_back(controller.device);
    }
  }
  return argv;
}

absl::StatusOr<ClusterConfig> LoadClusterConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Cfgfile> cfg = ParseIni(path, *std::move(text));
  if (!cfg.ok()) return cfg.status();
  return Converter(path, ReadSections(cfg->get())).Convert();
}

ClusterConfig EmbeddedDefaultConfig() {
  // Built as an rte_cfgfile so that it passes the same checks as a file.
  Cfgfile cfg(rte_cfgfile_create(0));
  if (cfg == nullptr ||
      !AddSectionWithEntry(cfg.get(), "cluster", "node_id", "1") ||
      !AddSectionWithEntry(cfg.get(), "eal", "args", kDefaultEalArgs) ||
      !AddSectionWithEntry(cfg.get(), "controller.dpdk0", "device",
                           "net_ring0")) {
    DieBadDefault("cannot build it as an rte_cfgfile");
  }
  absl::StatusOr<ClusterConfig> config =
      Converter(kEmbeddedSource, ReadSections(cfg.get())).Convert();
  if (!config.ok()) DieBadDefault(config.status().message());
  return *std::move(config);
}

absl::StatusOr<ClusterConfig> LoadConfigFromEnvironment() {
  const char* path = std::getenv(kConfigEnvVar);
  if (path == nullptr || *path == '\0') return EmbeddedDefaultConfig();
  return LoadClusterConfig(path);
}

}  // namespace rsm::transport
