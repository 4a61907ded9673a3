#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turns tools/bench.sh's Google Benchmark JSON into the results a user reads.

usage: tools/bench_report.py DIR

Reads DIR/pair.*.json (one file per run of benchmarks:memif_pair_benchmark:
each run measures the floor and every figure between the same two processes),
DIR/signals.*.json (the same run's signal figures and RTT floor with both
engines caller-driven, --exporter_progress=caller) and DIR/ring.json (benchmarks:ring_hop_benchmark), and writes:
  DIR/results.csv  figure,value,unit,floor,ratio,target,met: one row per
                   performance target (docs/performance.md)
  DIR/results.md   the targets, every figure with its floor and ratio, and
                   each run's floors and key figures
  DIR/latency.gp   a gnuplot script plotting DIR/samples/*.txt as CDFs
                   (tools/bench.sh runs it to make DIR/latency.png)
A value is the median over the runs; a ratio is the median over the runs of
the run's value over the same run's floor (this machine's speed drifts
between runs, so a floor from another run would mislead). Exits 1 if a
figure the targets need is missing.
"""

import csv
import glob
import json
import os
import platform
import statistics
import sys

# The floor (benchmark, counter) a figure read from a counter is compared
# with, in the same run.
FLOOR_OF = {
    "p50": ("raw/pingpong_64B", "p50"),
    "puts_per_s": ("raw/one_way_64B", "frames_per_s"),
    "bytes_per_s": ("raw/stream_bulk", "bytes_per_s"),
}


def load_runs(paths):
    """[{run name: entry}] per file; the median aggregate if repeated."""
    runs = []
    context = {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        context = data.get("context", context)
        entries = {}
        for entry in data["benchmarks"]:
            if entry.get("run_type") == "aggregate" and entry.get("aggregate_name") != "median":
                continue
            entries[entry["run_name"]] = entry
        runs.append(entries)
    return context, runs


class Figures:
    """Medians over runs, and per-run ratios to a floor."""

    def __init__(self, runs):
        self.runs = runs
        self.missing = []

    def name(self, prefix):
        for run in self.runs:
            for name in run:
                if name.startswith(prefix):
                    return name
        return prefix

    def values(self, name, counter):
        return [float(run[name][counter]) for run in self.runs
                if name in run and counter in run[name]]

    def value(self, name, counter):
        values = self.values(name, counter)
        if not values:
            self.missing.append(f"{name}:{counter}")
            return None
        return statistics.median(values)

    def ratio(self, name, counter, floor_name, floor_counter):
        ratios = [float(run[name][counter]) / float(run[floor_name][floor_counter])
                  for run in self.runs
                  if name in run and counter in run[name] and floor_name in run
                  and float(run[floor_name].get(floor_counter, 0)) > 0]
        return statistics.median(ratios) if ratios else None


def figure_rows(f, runs, suffix):
    """A results.md row per benchmark in `runs`: latencies, rate, floor, ratio."""
    rows = []
    for name in dict.fromkeys(name for run in runs for name in run):
        rate_key = next((k for k in ("puts_per_s", "frames_per_s", "bytes_per_s")
                         if f.values(name, k)), None)
        key = rate_key or ("p50" if f.values(name, "p50") else None)
        is_floor = name.startswith(("raw/", "memcpy", "idle"))
        floor = ratio = None
        if key in FLOOR_OF and not is_floor:
            floor = f.value(*FLOOR_OF[key])
            ratio = f.ratio(name, key, *FLOOR_OF[key])
        cells = [fmt(f.value(name, c)) if f.values(name, c) else "" for c in ("p50", "p99", "p999")]
        rate = f"{fmt(f.value(name, rate_key))} {rate_key}" if rate_key else ""
        rows.append(f"| {name}{suffix} | {' | '.join(cells)} | {rate} | "
                    f"{fmt(floor) if floor else ''} | {f'{ratio:.3g}' if ratio else ''} |")
    return rows


def fmt(x):
    return "n/a" if x is None else f"{x:.4g}"


def targets(f, signals, ring):
    """The rows of results.csv."""
    hop = ring.value(ring.name("BM_RingHop"), "real_time")
    idle = f.name("idle")
    put8_p50 = f.value("put/8", "p50")
    put8_p99 = f.value("put/8", "p99")
    first_put = f.value(idle, "first_put_p50")
    idle_cpu = f.value(idle, "exporter_cpu_pct")
    rss = f.value(idle, "exporter_rss_kib")
    segment = f.value(idle, "segment_kib")
    rss_mib = None if rss is None else (rss - (segment or 0)) / 1024

    def relative(figure, name, counter, unit, target, bound, at_most=True, extra=None,
                 figures=f):
        value = figures.value(name, counter)
        floor_name, floor_counter = FLOOR_OF[counter]
        floor = figures.value(floor_name, floor_counter)
        r = figures.ratio(name, counter, floor_name, floor_counter)
        met = None if r is None else (r <= bound if at_most else r >= bound)
        if met is not None and extra is not None:
            met = met and extra
        return [figure, value, unit, floor, r, target, met]

    p99_ok = None if put8_p50 is None or put8_p99 is None else put8_p99 <= 2 * put8_p50
    # 1 MiB put and get: the one further from its floor stands for both.
    bandwidth = min(
        (relative("put_get_1MiB_bandwidth_min", name, "bytes_per_s", "B/s",
                  ">= 0.6 x raw streaming at the bulk frame size", 0.6, at_most=False)
         for name in ("put_bw/1048576", "get_bw/1048576")),
        key=lambda row: float("inf") if row[4] is None else row[4])
    first_ok = None if first_put is None or put8_p50 is None else first_put <= 2 * put8_p50
    return [
        relative("put_8B_implicit_median", "put/8", "p50", "us",
                 "<= 1.25 x raw 64B RTT; p99 <= 2 x median", 1.25, extra=p99_ok),
        relative("open_put_close_8B_median", "open_put_close/8", "p50", "us",
                 "<= 1.5 x raw 64B RTT", 1.5),
        relative("get_8B_median", "get/8", "p50", "us", "<= 1.25 x raw 64B RTT", 1.25),
        relative("signal_post_to_spinning_waiter_median", "signal/spinning", "p50", "us",
                 "<= 0.75 x raw 64B RTT", 0.75, figures=signals),
        relative("explicit_64B_puts_barrier_per_64", "explicit_puts_64B", "puts_per_s",
                 "puts/s", ">= 0.8 x raw one-way 64B packet rate", 0.8, at_most=False),
        bandwidth,
        ["request_ring_hop", hop, "ns", None, None, "<= 150 ns",
         None if hop is None else hop <= 150],
        ["idle_engine_cpu", idle_cpu, "% of a core", None, None,
         "<= 5 %; first put after 1 s idle <= 2 x busy 8B put median",
         None if idle_cpu is None or first_ok is None else (idle_cpu <= 5 and first_ok)],
        ["idle_node_rss_less_segments", rss_mib, "MiB", None, None, "<= 64 MiB",
         None if rss_mib is None else rss_mib <= 64],
    ]


def write_plot(out):
    """A gnuplot script: one CDF per samples file, log-scaled microseconds."""
    series = []
    for path in sorted(glob.glob(os.path.join(out, "samples", "*.txt"))):
        with open(path) as f:
            values = sorted(float(line) for line in f if line.strip())
        if not values:
            continue
        cdf = path[:-4] + ".cdf"
        with open(cdf, "w") as f:
            step = max(1, len(values) // 2000)
            for i in range(0, len(values), step):
                f.write(f"{values[i]} {(i + 1) / len(values)}\n")
            f.write(f"{values[-1]} 1\n")
        series.append((cdf, os.path.basename(path)[:-4].replace("_", " ")))
    with open(os.path.join(out, "latency.gp"), "w") as gp:
        gp.write("set terminal png size 1200,700 noenhanced\n")
        gp.write(f'set output "{os.path.join(out, "latency.png")}"\n')
        gp.write('set title "Latency distributions, all runs (two processes over net_memif)"\n')
        gp.write('set xlabel "microseconds (log)"\nset ylabel "fraction of operations"\n')
        gp.write("set logscale x\nset key bottom right\nset grid\n")
        if series:
            plots = [f'"{cdf}" using 1:2 with lines lw 2 title "{name}"' for cdf, name in series]
            gp.write("plot " + ", \\\n     ".join(plots) + "\n")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    context, runs = load_runs(sorted(glob.glob(os.path.join(out, "pair.*.json"))))
    _, signal_runs = load_runs(sorted(glob.glob(os.path.join(out, "signals.*.json"))))
    _, ring_runs = load_runs([os.path.join(out, "ring.json")])
    f, signals, ring = Figures(runs), Figures(signal_runs), Figures(ring_runs)
    rows = targets(f, signals, ring)

    header = ["figure", "value", "unit", "floor", "ratio", "target", "met"]
    printable = [[r[0], fmt(r[1]), r[2], "" if r[3] is None else fmt(r[3]),
                  "" if r[4] is None else f"{r[4]:.3g}", r[5],
                  "n/a" if r[6] is None else ("yes" if r[6] else "no")] for r in rows]
    with open(os.path.join(out, "results.csv"), "w", newline="") as csv_file:
        writer = csv.writer(csv_file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(printable)

    lines = [
        "# rsm-dpdk benchmark results", "",
        f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
        f"{platform.platform()}; {context.get('date', '?')}. {len(runs)} runs of "
        "benchmarks:memif_pair_benchmark; values are medians over the runs, ratios "
        "the median of each run's value over the same run's floor.", "",
        "## Targets", "",
        "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in printable]
    lines += ["", "## Every figure", "",
              "The exporter's engine is a pinned thread, except in the rows marked "
              "`both caller-driven` (signals.*.json: each process's waiting thread "
              "drives its own engine; their floor is that pair's own RTT).", "",
              "| benchmark | p50 us | p99 us | p999 us | rate | floor | ratio |",
              "|---|---|---|---|---|---|---|"]
    lines += figure_rows(f, runs, "")
    lines += figure_rows(signals, signal_runs, " (both caller-driven)")
    lines += ["", "## Each run", "",
              "This machine's speed between its CPUs drifts (docs/performance.md): "
              "compare a run's figures with its own floor.", "",
              "| run | RTT floor us | put/8 us | get/8 us | open_put_close/8 us "
              "| stream floor B/s | put_bw/1MiB B/s | get_bw/1MiB B/s |",
              "|---|---|---|---|---|---|---|---|"]
    for number, run in enumerate(runs, 1):
        def cell(name, counter):
            return fmt(float(run[name][counter])) if name in run and counter in run[name] else ""
        lines.append(
            f"| {number} | {cell('raw/pingpong_64B', 'p50')} | {cell('put/8', 'p50')} | "
            f"{cell('get/8', 'p50')} | {cell('open_put_close/8', 'p50')} | "
            f"{cell('raw/stream_bulk', 'bytes_per_s')} | "
            f"{cell('put_bw/1048576', 'bytes_per_s')} | {cell('get_bw/1048576', 'bytes_per_s')} |")
    memcpy = f.value("memcpy_1MiB", "bytes_per_s")
    lines += ["", f"memcpy of 1 MiB on one thread: {fmt(memcpy)} B/s.", "",
              "Latency distributions of every run: latency.png."]
    with open(os.path.join(out, "results.md"), "w") as md:
        md.write("\n".join(lines) + "\n")
    write_plot(out)

    missing = sorted(set(f.missing + signals.missing + ring.missing))
    if missing:
        print("bench_report: missing figures: " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
