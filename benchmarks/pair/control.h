// SPDX-License-Identifier: BSD-3-Clause
// The two-process benchmark's control channel: the importer (the benchmark
// process) tells the exporter process what to do next over a socketpair,
// and waits for its answer. One command at a time, each answered once.
#ifndef RSM_BENCHMARKS_PAIR_CONTROL_H_
#define RSM_BENCHMARKS_PAIR_CONTROL_H_

#include <cstddef>
#include <cstdint>

namespace rsm::bench {

enum class Command : char {
  kRsmUp = 'U',         // get dpdk0, export and publish kExporterSegment
  kRsmConnect = 'C',    // connect to the importer's kImporterSegment
  kEchoSpinning = 'S',  // answer each signal with one, waiting with timeout 0
  kEchoSleeping = 'W',  // the same, waiting in rsm_intr_signal_wait(-1)
  kEchoStop = 'X',      // stop answering signals
  kRsmDown = 'D',       // disconnect, unpublish, release dpdk0
  kRawUp = 'P',         // start the port for raw frames; count what arrives
  kRawEcho = 'E',       // send every raw frame straight back
  kRawCount = 'N',      // count raw frames and free them
  kRawCounts = 'K',     // answer with the frames and bytes counted so far
  kRawDown = 'R',       // stop the port
  kUsage = 'I',         // answer with CPU time used (ns) and resident set (KiB)
  kQuit = 'Q',
};

struct Reply {
  int32_t status = 0;   // 0, or what failed (an RSMERR code, -errno)
  uint64_t first = 0;   // kRawCounts: frames; kUsage: CPU ns
  uint64_t second = 0;  // kRawCounts: bytes; kUsage: RSS KiB
};

class Control {
 public:
  explicit Control(int fd) : fd_(fd) {}

  // Importer side: sends `command` and waits for the reply (status -EPIPE
  // if the exporter is gone).
  Reply Ask(Command command);

  // Exporter side: the next command, waiting up to `timeout_ms` (-1: for
  // ever); false if none came in time. kQuit when the importer is gone.
  bool Next(Command* command, int timeout_ms);
  void Answer(const Reply& reply);

 private:
  int fd_;
};

// Segment ids the two processes agree on (RSMAPI has no name service).
inline constexpr uint32_t kExporterSegment = 0x400400;
inline constexpr uint32_t kImporterSegment = 0x400401;
// Big enough for the largest transfer measured.
inline constexpr size_t kSegmentBytes = size_t{1} << 21;

}  // namespace rsm::bench

#endif  // RSM_BENCHMARKS_PAIR_CONTROL_H_
