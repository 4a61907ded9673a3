// SPDX-License-Identifier: BSD-3-Clause
// The passive side of the two-process benchmark: node 1, which exports the
// segment the benchmark puts to and gets from, answers signals, and serves
// raw frames, as the importer's commands say (control.h).
#ifndef RSM_BENCHMARKS_PAIR_EXPORTER_PROCESS_H_
#define RSM_BENCHMARKS_PAIR_EXPORTER_PROCESS_H_

#include "benchmarks/pair/control.h"

namespace rsm::bench {

// Serves commands until kQuit; returns the process's exit status.
int RunExporter(Control& control);

}  // namespace rsm::bench

#endif  // RSM_BENCHMARKS_PAIR_EXPORTER_PROCESS_H_
