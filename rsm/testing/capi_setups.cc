// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/testing/capi_setups.h"

#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <ostream>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "rsm/core/controller.h"
#include "transport/config.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"
#include "transport/testing/test_files.h"

namespace rsm::testing {
namespace {

// This node's id on `handle`'s controller (the embedded default's is 1).
rsm_node_id_t LocalNodeOf(rsmapi_controller_handle_t handle) {
  core::RsmStatusOr<core::Controller*> controller =
      core::ControllerRegistry::Instance().Find(handle);
  if (!controller.ok()) {
    ADD_FAILURE() << "not a controller: " << controller.status().code();
    return 0;
  }
  return (*controller)->local_node();
}

// InitTestEal, keeping this thread's CPU affinity: EAL pins the calling
// thread to its main lcore, and the engine threads it starts would inherit
// that, leaving every thread of every DPDK test process on CPU 0.
bool InitEalKeepingAffinity(const char* prefix) {
  cpu_set_t affinity;
  const bool saved =
      pthread_getaffinity_np(pthread_self(), sizeof affinity, &affinity) == 0;
  const bool up = InitTestEal(prefix);
  if (saved) pthread_setaffinity_np(pthread_self(), sizeof affinity, &affinity);
  return up;
}

// The highest-numbered CPU this process may run on, where kTwoNodes pins
// its engine threads; -1 (no pinning) if it cannot be read.
int LastAllowedCpu() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
  for (int cpu = CPU_SETSIZE - 1; cpu >= 0; --cpu) {
    if (CPU_ISSET(cpu, &allowed)) return cpu;
  }
  return -1;
}

// One node whose dpdk0 is `device`, in a cluster file written where the
// test may write and named by RSM_CONFIG.
void UseOneNodeCluster(const std::string& device) {
  // The embedded default's EAL arguments, with a runtime prefix of its own.
  const std::string eal_args = absl::StrReplaceAll(
      transport::kDefaultEalArgs,
      {{"--file-prefix=rsm ",
        absl::StrCat("--file-prefix=rsmone", getpid(), " ")}});
  const std::string path = WriteTestFile(
      absl::StrCat("onenode", getpid(), ".ini"),
      absl::StrCat("[cluster]\nnode_id = 1\n\n[eal]\nargs = ", eal_args,
                   "\n\n[controller.dpdk0]\ndevice = ", device, "\n"));
  setenv("RSM_CONFIG", path.c_str(), 1);
}

// Moves this (forked) process into a network namespace of its own and
// brings its loopback up: an interface af_packet may open, that no other
// process sends on and that vanishes with the process.
bool EnterPrivateNetwork() {
  if (unshare(CLONE_NEWNET) != 0) {
    ADD_FAILURE() << "unshare(CLONE_NEWNET): " << std::strerror(errno)
                  << " (the af_packet setup needs root)";
    return false;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq request{};
  std::strcpy(request.ifr_name, "lo");
  bool up = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  request.ifr_flags |= IFF_UP;
  up = up && ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  if (fd >= 0) close(fd);
  if (!up) ADD_FAILURE() << "cannot bring up lo: " << std::strerror(errno);
  return up;
}

}  // namespace

std::string SetupName(SetupKind kind) {
  switch (kind) {
    case SetupKind::kLoopback:
      return "Loopback";
    case SetupKind::kDpdk0:
      return "Dpdk0";
    case SetupKind::kTwoNodes:
      return "TwoNodes";
    case SetupKind::kTwoNodesCaller:
      return "TwoNodesCaller";
    case SetupKind::kNullPort:
      return "NullPort";
    case SetupKind::kAfPacket:
      return "AfPacket";
    case SetupKind::kMemif:
      return "Memif";
  }
  return "Unknown";
}

std::string SetupParamName(const ::testing::TestParamInfo<SetupKind>& info) {
  return SetupName(info.param);
}

void PrintTo(SetupKind kind, std::ostream* os) { *os << SetupName(kind); }

std::unique_ptr<Nodes> Nodes::Open(SetupKind kind) {
  std::unique_ptr<Nodes> nodes(new Nodes());
  nodes->kind_ = kind;
  if (kind == SetupKind::kTwoNodes || kind == SetupKind::kTwoNodesCaller) {
    const std::string prefix = absl::StrCat("rsmcapi", getpid());
    if (!InitEalKeepingAffinity(prefix.c_str())) {
      ADD_FAILURE() << "EAL initialisation failed";
      return nullptr;
    }
    const bool caller = kind == SetupKind::kTwoNodesCaller;
    const int core = LastAllowedCpu();
    absl::StatusOr<std::unique_ptr<TwoNodeControllers>> two =
        TwoNodeControllers::Create("capi", [&](transport::EngineOptions& o) {
          if (caller) {
            o.progress = transport::Progress::kCaller;
          } else {
            o.core = core;
          }
        });
    if (!two.ok()) {
      ADD_FAILURE() << "two nodes: " << two.status();
      return nullptr;
    }
    nodes->two_nodes_ = *std::move(two);
    nodes->exporter_ = nodes->two_nodes_->handle(2);
    nodes->importer_ = nodes->two_nodes_->handle(1);
    nodes->exporter_node_ = 2;
    nodes->importer_node_ = 1;
    return nodes;
  }
  if (kind == SetupKind::kNullPort) {
    UseOneNodeCluster("net_null0,no-rx=1");
  } else if (kind == SetupKind::kAfPacket) {
    if (!EnterPrivateNetwork()) return nullptr;
    UseOneNodeCluster("net_af_packet0,iface=lo");
  } else if (kind == SetupKind::kMemif) {
    // A server nobody connects to, on an abstract socket (no file).
    UseOneNodeCluster(
        absl::StrCat("net_memif0,role=server,socket=/rsmcapi", getpid()));
  } else {
    unsetenv("RSM_CONFIG");  // the embedded default
  }
  char name[16];
  std::strcpy(name, kind == SetupKind::kLoopback ? "loopback" : "dpdk0");
  rsmapi_controller_handle_t controller = nullptr;
  const int rc = rsm_get_controller(name, &controller);
  if (rc != RSM_SUCCESS) {
    ADD_FAILURE() << "rsm_get_controller(" << name << ") = " << rc;
    return nullptr;
  }
  nodes->exporter_ = nodes->importer_ = controller;
  nodes->exporter_node_ = nodes->importer_node_ = LocalNodeOf(controller);
  if (nodes->exporter_node_ == 0) return nullptr;
  return nodes;
}

bool RunOn(SetupKind kind, absl::FunctionRef<void(Nodes&)> body,
           int timeout_seconds) {
  return RunInChildProcess(
      [&] {
        std::unique_ptr<Nodes> nodes = Nodes::Open(kind);
        if (nodes == nullptr) return;
        body(*nodes);
      },
      timeout_seconds);
}

size_t Pages::PageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

Pages::Pages(size_t count) : data_(nullptr), size_(count * PageSize()) {
  void* memory = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    ADD_FAILURE() << "mmap of " << size_ << " bytes failed";
    size_ = 0;
    return;
  }
  data_ = static_cast<uint8_t*>(memory);
}

Pages::~Pages() {
  if (data_ != nullptr) munmap(data_, size_);
}

void Pages::Fill(uint8_t value) { std::memset(data_, value, size_); }

void* UnmappedRange(size_t size) {
  void* memory =
      mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    ADD_FAILURE() << "mmap failed";
    return nullptr;
  }
  munmap(memory, size);
  return memory;
}

rsm_memseg_export_handle_t ExportAndPublish(
    const Nodes& nodes, const Pages& memory, rsm_memseg_id_t* id, uint_t flags,
    std::vector<rsmapi_access_entry_t> acl) {
  rsm_memseg_export_handle_t exported = nullptr;
  int rc = rsm_memseg_export_create(nodes.exporter(), &exported, memory.data(),
                                    memory.size(), flags);
  if (rc != RSM_SUCCESS) {
    ADD_FAILURE() << "rsm_memseg_export_create = " << rc;
    return nullptr;
  }
  rc = rsm_memseg_export_publish(exported, id, acl.data(),
                                 static_cast<uint_t>(acl.size()));
  if (rc != RSM_SUCCESS) {
    ADD_FAILURE() << "rsm_memseg_export_publish = " << rc;
    return nullptr;
  }
  return exported;
}

rsm_memseg_import_handle_t Connect(const Nodes& nodes, rsm_memseg_id_t id,
                                   rsm_permission_t perm) {
  rsm_memseg_import_handle_t imported = nullptr;
  const int rc = rsm_memseg_import_connect(
      nodes.importer(), nodes.exporter_node(), id, perm, &imported);
  if (rc != RSM_SUCCESS) {
    ADD_FAILURE() << "rsm_memseg_import_connect = " << rc;
    return nullptr;
  }
  return imported;
}

std::vector<uint8_t> Pattern(size_t length, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<uint8_t> bytes(length);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
  return bytes;
}

}  // namespace rsm::testing
