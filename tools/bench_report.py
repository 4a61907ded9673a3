#!/usr/bin/env python3
"""Turns tools/bench.sh's Google Benchmark JSON into the results a user reads.

usage: tools/bench_report.py DIR

Reads DIR/pair.json (benchmarks:memif_pair_benchmark) and DIR/ring.json
(benchmarks:ring_hop_benchmark), both run with --benchmark_repetitions and
aggregates, and writes:
  DIR/results.csv  figure,value,unit,floor,ratio,target,met: one row per
                   performance target (docs/performance.md)
  DIR/results.md   every figure with its floor and ratio, then the targets
  DIR/latency.gp   a gnuplot script plotting DIR/samples/*.txt as CDFs
                   (tools/bench.sh runs it to make DIR/latency.png)
Medians of the repetitions are used throughout; ratios are within one run.
Exits 1 if a figure the targets need is missing.
"""

import csv
import glob
import json
import os
import platform
import sys


def load(path):
    """{benchmark run name: median aggregate entry} of one JSON file."""
    with open(path) as f:
        data = json.load(f)
    medians = {}
    for entry in data["benchmarks"]:
        if entry.get("run_type") == "aggregate" and entry.get("aggregate_name") != "median":
            continue
        # Without repetitions there are no aggregates: take the run itself.
        medians[entry["run_name"]] = entry
    return data.get("context", {}), medians


class Figures:
    def __init__(self, medians):
        self.medians = medians
        self.missing = []

    def get(self, name, counter):
        entry = self.medians.get(name)
        if entry is None or counter not in entry:
            self.missing.append(f"{name}:{counter}")
            return None
        return float(entry[counter])


def ratio(value, floor):
    if value is None or floor in (None, 0):
        return None
    return value / floor


def fmt(x, digits=3):
    if x is None:
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x:.4g}"
    return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:.0f}"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    context, pair = load(os.path.join(out, "pair.json"))
    _, ring = load(os.path.join(out, "ring.json"))
    f = Figures({**pair, **ring})

    rtt = f.get("raw/pingpong_64B", "p50")
    pps = f.get("raw/one_way_64B", "frames_per_s")
    stream = f.get("raw/stream_bulk", "bytes_per_s")
    memcpy = f.get("memcpy_1MiB", "bytes_per_s")
    put8 = f.get("put/8", "p50")
    put8_p99 = f.get("put/8", "p99")
    opc = f.get("open_put_close/8", "p50")
    get8 = f.get("get/8", "p50")
    signal = f.get("signal/spinning", "p50")
    explicit = f.get("explicit_puts_64B", "puts_per_s")
    put_bw = f.get("put_bw/1048576", "bytes_per_s")
    get_bw = f.get("get_bw/1048576", "bytes_per_s")
    hop_name = next((n for n in ring if n.startswith("BM_RingHop")), "BM_RingHop")
    hop = f.get(hop_name, "real_time")
    idle_name = next((n for n in pair if n.startswith("idle")), "idle")
    idle_cpu = f.get(idle_name, "exporter_cpu_pct")
    first_put = f.get(idle_name, "first_put_p50")
    rss_kib = f.get(idle_name, "exporter_rss_kib")
    segment_kib = f.get(idle_name, "segment_kib")
    bw = None if put_bw is None or get_bw is None else min(put_bw, get_bw)
    rss_mib = None if rss_kib is None else (rss_kib - (segment_kib or 0)) / 1024

    def row(figure, value, unit, floor, target, met):
        r = ratio(value, floor)
        return {
            "figure": figure,
            "value": fmt(value, 4),
            "unit": unit,
            "floor": fmt(floor, 4) if floor is not None else "",
            "ratio": fmt(r, 3) if r is not None else "",
            "target": target,
            "met": "n/a" if met is None else ("yes" if met else "no"),
        }

    def le(value, bound):
        return None if value is None or bound is None else value <= bound

    def ge(value, bound):
        return None if value is None or bound is None else value >= bound

    def both(a, b):
        return None if a is None or b is None else (a and b)

    rows = [
        row("put_8B_implicit_median", put8, "us", rtt,
            "<= 1.25 x raw 64B RTT; p99 <= 2 x median",
            both(le(put8, None if rtt is None else 1.25 * rtt),
                 le(put8_p99, None if put8 is None else 2 * put8))),
        row("open_put_close_8B_median", opc, "us", rtt, "<= 1.5 x raw 64B RTT",
            le(opc, None if rtt is None else 1.5 * rtt)),
        row("get_8B_median", get8, "us", rtt, "<= 1.25 x raw 64B RTT",
            le(get8, None if rtt is None else 1.25 * rtt)),
        row("signal_post_to_spinning_waiter_median", signal, "us", rtt,
            "<= 0.75 x raw 64B RTT", le(signal, None if rtt is None else 0.75 * rtt)),
        row("explicit_64B_puts_barrier_per_64", explicit, "puts/s", pps,
            ">= 0.8 x raw one-way 64B packet rate",
            ge(explicit, None if pps is None else 0.8 * pps)),
        row("put_get_1MiB_bandwidth_min", bw, "B/s", stream,
            ">= 0.6 x raw streaming at the bulk frame size",
            ge(bw, None if stream is None else 0.6 * stream)),
        row("request_ring_hop", hop, "ns", None, "<= 150 ns", le(hop, 150)),
        row("idle_engine_cpu", idle_cpu, "% of a core", None,
            "<= 5 %; first put after 1 s idle <= 2 x busy 8B put median",
            both(le(idle_cpu, 5), le(first_put, None if put8 is None else 2 * put8))),
        row("idle_node_rss_less_segments", rss_mib, "MiB", None, "<= 64 MiB",
            le(rss_mib, 64)),
    ]
    with open(os.path.join(out, "results.csv"), "w", newline="") as csv_file:
        writer = csv.DictWriter(csv_file, fieldnames=list(rows[0].keys()),
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    floors = {
        "p50": ("raw/pingpong_64B", rtt),
        "frames_per_s": ("raw/one_way_64B", pps),
        "puts_per_s": ("raw/one_way_64B", pps),
        "bytes_per_s": ("raw/stream_bulk", stream),
    }
    lines = [
        "# rsm-dpdk benchmark results",
        "",
        f"Machine: {context.get('num_cpus', '?')} CPUs at "
        f"{context.get('mhz_per_cpu', '?')} MHz, {platform.platform()}; "
        f"run {context.get('date', '?')}. Medians of "
        f"{pair_repetitions(pair)} repetitions; ratios are to the floor "
        "measured in the same run between the same two processes.",
        "",
        "## Targets",
        "",
        "| figure | value | unit | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['figure']} | {r['value']} | {r['unit']} | {r['floor']} | "
              f"{r['ratio']} | {r['target']} | {r['met']} |" for r in rows]
    lines += ["", "## Every figure", "",
              "| benchmark | p50 us | p99 us | p999 us | rate | floor | ratio |",
              "|---|---|---|---|---|---|---|"]
    for name, entry in pair.items():
        rate_key = next((k for k in ("puts_per_s", "frames_per_s", "bytes_per_s")
                         if k in entry), None)
        rate = entry.get(rate_key) if rate_key else None
        key = rate_key or ("p50" if "p50" in entry else None)
        floor_name, floor = floors.get(key, (None, None)) if key else (None, None)
        if name.startswith("raw/") or name.startswith("memcpy") or name.startswith("idle"):
            floor = None
        value = rate if rate_key else entry.get("p50")
        lines.append(
            f"| {name} | {fmt(entry.get('p50'))} | {fmt(entry.get('p99'))} | "
            f"{fmt(entry.get('p999'))} | "
            f"{fmt(rate) + ' ' + rate_key if rate_key else ''} | "
            f"{fmt(floor) if floor else ''} | {fmt(ratio(value, floor)) if floor else ''} |")
    lines += ["", f"memcpy of 1 MiB on one thread: {fmt(memcpy)} B/s.", "",
              "Latency distributions: latency.png."]
    with open(os.path.join(out, "results.md"), "w") as md:
        md.write("\n".join(lines) + "\n")

    write_plot(out)
    if f.missing:
        print("bench_report: missing figures: " + ", ".join(f.missing), file=sys.stderr)
        return 1
    return 0


def pair_repetitions(pair):
    for entry in pair.values():
        if "repetitions" in entry:
            return entry["repetitions"]
    return 1


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
        series.append((cdf, os.path.basename(path)[:-4]))
    with open(os.path.join(out, "latency.gp"), "w") as gp:
        gp.write('set terminal png size 1200,700\n')
        gp.write(f'set output "{os.path.join(out, "latency.png")}"\n')
        gp.write('set title "Latency distributions (two processes over net_memif)"\n')
        gp.write('set xlabel "microseconds (log)"\nset ylabel "fraction of operations"\n')
        gp.write('set logscale x\nset key bottom right\nset grid\n')
        plots = [f'"{cdf}" using 1:2 with lines lw 2 title "{name.replace("_", " ")}"'
                 for cdf, name in series]
        gp.write("plot " + ", \\\n     ".join(plots) + "\n" if plots else "")


if __name__ == "__main__":
    sys.exit(main())
