"""Benchmark: ``border-zones classify`` of a large CSV, the whole command and inside.

Writes a CSV of N random points over the region (``id,lat,lon``, 0.1 % of
the rows with an unreadable latitude), then runs, each in a fresh process,
``--repeat`` times, in turn:

- ``command``: the whole ``border-zones classify IN -o OUT`` (start-up,
  imports, layer preparation, read, classify, write), timed from outside
  with the child's peak memory from ``os.wait4`` (what ``/usr/bin/time -v``
  reports);
- ``command_before`` (with ``--before PATH``): the same command from another
  checkout of the code (e.g. the commit before Arrow I/O), the baseline of
  the speed-up measured in the same run;
- ``classify``: :func:`geo.workflows.classify_file` alone, layers prepared
  before the clock starts;
- ``pandas``: pandas ``read_csv`` + ``to_csv`` of the same file in the same
  chunks, no classification: what text I/O alone costs with pandas.

Reports medians, ratios and the machine load, and writes JSON.

    python benchmarks/bench_classify_csv.py --rows 1000000 --repeat 3 --before ../old -o b.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
mode, src, dst, chunk = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if mode == "pandas":
    import pandas as pd
    t0 = time.perf_counter()
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        for i, chunk_df in enumerate(
            pd.read_csv(src, dtype=str, keep_default_na=False, na_filter=False, chunksize=chunk)
        ):
            chunk_df.to_csv(fh, index=False, header=i == 0, lineterminator="\n")
    rows = None
else:
    from geo import workflows
    from geo.classification import classify_lonlat
    classify_lonlat([35.8], [33.1])  # load and prepare the layers outside the timing
    t0 = time.perf_counter()
    s = workflows.classify_file(src, dst, chunk_rows=chunk)
    rows = [s.rows, s.errors]
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mib": peak, "rows": rows}))
"""

#: The command line run from a given checkout (``sys.path`` first), as its entry point does
#: (``geo.cli.run``; ``main`` in checkouts from before it existed).
COMMAND = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); from geo import cli; "
    "sys.exit(getattr(cli, 'run', cli.main)())"
)


def make_csv(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(32.4, 33.9, n).round(6).astype(str)
    lon = rng.uniform(35.3, 36.8, n).round(6).astype(str)
    bad = rng.choice(n, size=max(1, n // 1000), replace=False)
    lat[bad] = "n/a"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,lat,lon\n")
        step = 100_000
        for start in range(0, n, step):
            rows = zip(range(start, min(n, start + step)), lat[start:], lon[start:], strict=False)
            fh.write("".join(f"{i},{a},{o}\n" for i, a, o in rows))


def run_child(mode: str, src: Path, dst: Path, chunk: int) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(src), str(dst), str(chunk)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_command(code_root: Path, src: Path, dst: Path) -> dict:
    """The whole command in a fresh process: wall seconds and peak RSS (as ``time -v``)."""
    args = [sys.executable, "-c", COMMAND, str(code_root), "classify", str(src), "-o", str(dst)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{code_root}: exit {proc.returncode}: {err}")
    cpu = usage.ru_utime + usage.ru_stime  # less sensitive to a shared machine's load
    return {"seconds": elapsed, "cpu_s": cpu, "peak_mib": usage.ru_maxrss / 1024}


def summarise(runs: list[dict]) -> dict:
    secs = [r["seconds"] for r in runs]
    return {
        "median_s": round(statistics.median(secs), 3),
        "runs_s": [round(s, 3) for s in secs],
        "peak_mib": round(max(r["peak_mib"] for r in runs), 1),
        **(
            {"cpu_median_s": round(statistics.median(r["cpu_s"] for r in runs), 3)}
            if all("cpu_s" in r for r in runs)
            else {}
        ),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--chunk-rows", type=int, default=100_000)
    ap.add_argument("--before", metavar="PATH", help="another checkout: its command as baseline")
    ap.add_argument("-o", "--output", default="bench_classify_csv.json")
    ap.add_argument("--make-csv", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make_csv:
        make_csv(Path(args.make_csv), args.rows)
        return {}
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "points.csv"
        # made in a child so this process stays small
        subprocess.run(
            [sys.executable, __file__, "--make-csv", str(src), "--rows", str(args.rows)],
            check=True,
        )
        size_mb = src.stat().st_size / 1e6
        results: dict[str, list[dict]] = {"command": [], "classify": [], "pandas": []}
        if args.before:
            results["command_before"] = []
        for _ in range(args.repeat):
            results["command"].append(run_command(ROOT, src, Path(d) / "out_command.csv"))
            if args.before:
                before = Path(args.before).resolve()
                results["command_before"].append(
                    run_command(before, src, Path(d) / "out_before.csv")
                )
            for mode in ("classify", "pandas"):
                results[mode].append(
                    run_child(mode, src, Path(d) / f"out_{mode}.csv", args.chunk_rows)
                )
        out_rows = sum(1 for _ in open(Path(d) / "out_command.csv", encoding="utf-8")) - 1
        same = None
        if args.before:
            same = (Path(d) / "out_command.csv").read_bytes() == (
                Path(d) / "out_before.csv"
            ).read_bytes()
    summary: dict = {
        "rows": args.rows,
        "input_mb": round(size_mb, 1),
        "chunk_rows": args.chunk_rows,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "load_1min": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "rows_out": out_rows,
        "unreadable_rows": results["classify"][0]["rows"][1],
    }
    for mode, runs in results.items():
        summary[mode] = summarise(runs)
    if args.before:
        summary["before"] = str(args.before)
        summary["same_output_bytes"] = same
        summary["speedup_command"] = round(
            summary["command_before"]["median_s"] / summary["command"]["median_s"], 2
        )
    summary["classify_vs_pandas_io"] = round(
        summary["classify"]["median_s"] / summary["pandas"]["median_s"], 2
    )
    summary["target_s"] = 2.0
    summary["target_peak_mib"] = 400
    summary["meets_target"] = (
        summary["command"]["median_s"] <= 2.0 and summary["command"]["peak_mib"] <= 400
    )
    Path(args.output).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
