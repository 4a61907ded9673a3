// SPDX-License-Identifier: BSD-3-Clause
#include "benchmarks/pair/exporter_process.h"

#include <rte_mbuf.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "benchmarks/pair/raw_port.h"
#include "rsm/rsmapi.h"

namespace rsm::bench {
namespace {

constexpr uint16_t kBurst = 32;

uint64_t CpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t ResidentKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtoull(line.c_str() + 6, nullptr, 10);
    }
  }
  return 0;
}

class Exporter {
 public:
  explicit Exporter(Control& control) : control_(control) {}

  int Run() {
    for (;;) {
      Command command;
      control_.Next(&command, -1);
      if (command == Command::kQuit) {
        StopEcho();
        RsmDown();
        return 0;
      }
      control_.Answer(Handle(command));
    }
  }

 private:
  Reply Handle(Command command) {
    Reply reply;
    switch (command) {
      case Command::kRsmUp:
        reply.status = RsmUp();
        break;
      case Command::kRsmConnect:
        reply.status = Connect();
        break;
      case Command::kEchoSpinning:
      case Command::kEchoSleeping:
        StopEcho();
        StartEcho(command == Command::kEchoSpinning);
        break;
      case Command::kEchoStop:
        StopEcho();
        break;
      case Command::kRsmDown:
        StopEcho();
        RsmDown();
        break;
      case Command::kRawUp:
        reply.status = ServeRaw();
        break;
      case Command::kUsage:
        reply.first = CpuNanos();
        reply.second = ResidentKib();
        break;
      default:
        reply.status = -1;
    }
    return reply;
  }

  int RsmUp() {
    char name[] = "dpdk0";
    int rc = rsm_get_controller(name, &controller_);
    if (rc != RSM_SUCCESS) return rc;
    if (posix_memalign(&memory_, 4096, kSegmentBytes) != 0) return -1;
    rc = rsm_memseg_export_create(controller_, &export_, memory_, kSegmentBytes,
                                  0);
    rsm_memseg_id_t id = kExporterSegment;
    if (rc == RSM_SUCCESS) {
      rc = rsm_memseg_export_publish(export_, &id, nullptr, 0);
    }
    return rc;
  }

  int Connect() {
    int rc = RSM_SUCCESS;
    for (int attempt = 0; attempt < 1000; ++attempt) {
      rc = rsm_memseg_import_connect(controller_, 2, kImporterSegment,
                                     RSM_PERM_RDWR, &import_);
      if (rc == RSM_SUCCESS) break;
      usleep(10000);
    }
    return rc;
  }

  void RsmDown() {
    if (import_ != nullptr) rsm_memseg_import_disconnect(import_);
    if (export_ != nullptr) {
      rsm_memseg_export_unpublish(export_);
      rsm_memseg_export_destroy(export_);
    }
    if (controller_ != nullptr) rsm_release_controller(controller_);
    free(memory_);
    import_ = nullptr;
    export_ = nullptr;
    controller_ = nullptr;
    memory_ = nullptr;
  }

  // Each signal posted to our segment is answered with one to the
  // importer's, until StopEcho.
  void StartEcho(bool spinning) {
    echoing_.store(true);
    echo_ = std::thread([this, spinning] {
      while (echoing_.load(std::memory_order_relaxed)) {
        if (rsm_intr_signal_wait(export_, spinning ? 0 : 100) == RSM_SUCCESS) {
          rsm_intr_signal_post(import_, 0);
        }
      }
    });
  }

  void StopEcho() {
    echoing_.store(false);
    if (echo_.joinable()) echo_.join();
  }

  // Counts or echoes raw frames until kRawDown; answers the other raw
  // commands in between.
  int ServeRaw() {
    absl::StatusOr<RawPort> port = RawPort::Start("net_memif0");
    if (!port.ok()) {
      std::fprintf(stderr, "exporter: %s\n", port.status().ToString().c_str());
      return -1;
    }
    control_.Answer(Reply{});
    bool echo = false;
    uint64_t frames = 0, bytes = 0;
    rte_mbuf* burst[kBurst];
    for (uint32_t round = 0;; ++round) {
      const uint16_t n = port->Receive(burst, kBurst);
      frames += n;
      for (uint16_t i = 0; i < n; ++i) bytes += rte_pktmbuf_pkt_len(burst[i]);
      if (echo) {
        port->SendAll(burst, n);
      } else {
        RawPort::Free(burst, n);
      }
      Command command;
      if (round % 256 != 0 || !control_.Next(&command, 0)) continue;
      Reply reply;
      switch (command) {
        case Command::kRawEcho:
          echo = true;
          break;
        case Command::kRawCount:
          echo = false;
          break;
        case Command::kRawCounts:
          reply.first = frames;
          reply.second = bytes;
          break;
        case Command::kRawDown:
        case Command::kQuit:
          port->Stop();
          return 0;
        default:
          reply.status = -1;
      }
      control_.Answer(reply);
    }
  }

  Control& control_;
  rsmapi_controller_handle_t controller_ = nullptr;
  rsm_memseg_export_handle_t export_ = nullptr;
  rsm_memseg_import_handle_t import_ = nullptr;
  void* memory_ = nullptr;
  std::atomic<bool> echoing_{false};
  std::thread echo_;
};

}  // namespace

int RunExporter(Control& control) { return Exporter(control).Run(); }

}  // namespace rsm::bench
