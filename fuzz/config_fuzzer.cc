// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: the cluster-file parser (transport/config.h), fed
// arbitrary file contents through a memfd. Whatever the file, it must return
// a config or an error, never crash; a config it accepts must hold what the
// documentation promises (node id 1-64, unique controller names).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "transport/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("cluster.ini", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ftruncate(fd, 0) != 0 ||
      pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  const absl::StatusOr<rsm::transport::ClusterConfig> config =
      rsm::transport::LoadClusterConfig(path);
  if (!config.ok()) return 0;
  if (config->node_id < 1 || config->node_id > 64) std::abort();
  std::set<std::string> names;
  for (const auto& controller : config->controllers) {
    if (!names.insert(controller.name).second) std::abort();
  }
  config->EalArgv();
  return 0;
}
