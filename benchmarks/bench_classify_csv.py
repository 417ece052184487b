"""Benchmark: ``border-zones classify`` of a large CSV, end to end.

Writes a CSV of N random points over the region (plus an id and a text
column, and 0.1 % unreadable rows), then times, each in a fresh subprocess
so peak memory (``resource.getrusage``'s ``ru_maxrss``) is per run:

- ``baseline``: pandas ``read_csv`` + ``to_csv`` of the same file in the
  same chunks, no classification;
- ``classify``: :func:`geo.workflows.classify_file` (read, classify, write),
  which is what ``border-zones classify IN -o OUT`` runs.

Reports the median of ``--repeat`` runs and writes JSON.

    python benchmarks/bench_classify_csv.py --rows 1000000 --repeat 3 -o bench.json
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
from pathlib import Path

import numpy as np
import pandas as pd

CHILD = r"""
import json, resource, sys, time
mode, src, dst, chunk = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import pandas as pd
from geo import pointfiles, workflows
from geo.classification import classify_lonlat
classify_lonlat([35.8], [33.1])  # load and prepare the layers outside the timing
t0 = time.perf_counter()
if mode == "baseline":
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        for i, chunk_df in enumerate(
            pd.read_csv(src, dtype=str, keep_default_na=False, na_filter=False, chunksize=chunk)
        ):
            chunk_df.to_csv(fh, index=False, header=i == 0, lineterminator="\n")
    rows = None
else:
    s = workflows.classify_file(src, dst, chunk_rows=chunk)
    rows = [s.rows, s.errors]
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
hwm = None
try:  # this process's own high-water mark (ru_maxrss can carry the parent's over exec)
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
except OSError:
    pass
result = {"seconds": elapsed, "peak_rss_mib": peak / 1024, "vm_hwm_mib": hwm, "rows": rows}
print(json.dumps(result))
"""


def make_csv(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(32.5, 33.8, n).round(6).astype(str)
    lon = rng.uniform(35.1, 36.6, n).round(6).astype(str)
    bad = rng.choice(n, size=max(1, n // 1000), replace=False)
    lat[bad] = "n/a"
    df = pd.DataFrame({"event_id": np.arange(n), "lat": lat, "lon": lon, "kind": "report"})
    df.to_csv(path, index=False)


def run_child(mode: str, src: Path, dst: Path, chunk: int) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(src), str(dst), str(chunk)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--chunk-rows", type=int, default=250_000)
    ap.add_argument("-o", "--output", default="bench_classify_csv.json")
    ap.add_argument("--make-csv", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make_csv:
        make_csv(Path(args.make_csv), args.rows)
        return {}
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "points.csv"
        # made in a child so this process stays small: on Linux ru_maxrss is kept
        # across fork+exec, so a big parent would inflate the children's figure
        subprocess.run(
            [sys.executable, __file__, "--make-csv", str(src), "--rows", str(args.rows)],
            check=True,
        )
        size_mb = src.stat().st_size / 1e6
        results: dict[str, list[dict]] = {"baseline": [], "classify": []}
        for _ in range(args.repeat):
            for mode in results:
                results[mode].append(
                    run_child(mode, src, Path(d) / f"out_{mode}.csv", args.chunk_rows)
                )
        out_rows = sum(1 for _ in open(Path(d) / "out_classify.csv", encoding="utf-8")) - 1
    summary = {
        "rows": args.rows,
        "input_mb": round(size_mb, 1),
        "chunk_rows": args.chunk_rows,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "rows_out": out_rows,
        "unreadable_rows": results["classify"][0]["rows"][1],
    }
    for mode, runs in results.items():
        secs = [r["seconds"] for r in runs]
        summary[mode] = {
            "median_s": round(statistics.median(secs), 3),
            "runs_s": [round(s, 3) for s in secs],
            "peak_rss_mib": round(max(r["peak_rss_mib"] for r in runs), 1),
            "vm_hwm_mib": round(max(r["vm_hwm_mib"] or 0 for r in runs), 1),
        }
    summary["classification_s"] = round(
        summary["classify"]["median_s"] - summary["baseline"]["median_s"], 3
    )
    summary["target_s"] = 10.0
    summary["meets_target"] = summary["classify"]["median_s"] <= 10.0
    Path(args.output).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
