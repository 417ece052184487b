"""Benchmark: ``border-zones summarize`` of an ACLED-like CSV, end to end.

Writes a CSV in ACLED's column layout (``event_id_cnty, event_date, year,
event_type, sub_event_type, actor1, latitude, longitude, fatalities,
notes``) of N random events over the region, with dates in the forms the
command reads (ISO ``2017-05-31``, ``31 May 2017``, ``2017-05``) over ten
years, 0.1 % unreadable coordinates and 0.1 % unreadable dates. Then times,
each in a fresh subprocess (layers loaded before the clock starts), medians
of ``--repeat`` runs:

- ``read``: pandas ``read_csv`` of the file, every column as text (what
  reading alone costs on this machine);
- ``classify``: :func:`geo.workflows.classify_file` to a CSV, i.e.
  ``border-zones classify IN -o OUT``: the route before ``summarize``
  (classify, then pivot the output yourself);
- ``summarize``: :func:`geo.workflows.summarize_file` with
  ``by="zone,month"`` and ``sum="fatalities"`` to a CSV, i.e.
  ``border-zones summarize IN --by zone,month --sum fatalities -o OUT``.

    python benchmarks/bench_summarize.py --rows 1000000 --repeat 3 -o docs/summarize_benchmark.json
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
import pandas as pd

CHILD = r"""
import json, resource, sys, time, warnings
mode, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
import pandas as pd
from geo import workflows
from geo.classification import classify_lonlat
classify_lonlat([35.8], [33.1])  # load and prepare the layers outside the timing
t0 = time.perf_counter()
out = None
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the unreadable rows are meant
    if mode == "read":
        pd.read_csv(src, dtype=str, keep_default_na=False, na_filter=False)
    elif mode == "classify":
        s = workflows.classify_file(src, dst)
        out = [s.rows, s.errors]
    else:
        table, _ = workflows.summarize_file(src, dst, by="zone,month", sum="fatalities")
        out = [int(table["events"].sum()), len(table.attrs["unreadable_dates"]),
               len(table.attrs["unreadable_rows"])]
elapsed = time.perf_counter() - t0
hwm = None
try:
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
except OSError:
    pass
print(json.dumps({"seconds": elapsed, "vm_hwm_mib": hwm, "out": out}))
"""

FORMS = ("%Y-%m-%d", "%d %B %Y", "%Y-%m")


def make_csv(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2015-01-01", "2024-12-31", freq="D")
    # each day in each form, as text, once: the file repeats them
    texts = np.array([d.strftime(f) for d in days for f in FORMS], dtype=object)
    pick = rng.integers(0, len(texts), n)
    dates = texts[pick]
    bad_date = rng.choice(n, size=max(1, n // 1000), replace=False)
    dates[bad_date] = "31/05/2017"
    lat = rng.uniform(32.5, 33.8, n).round(4).astype(str)
    lon = rng.uniform(35.1, 36.6, n).round(4).astype(str)
    bad = rng.choice(n, size=max(1, n // 1000), replace=False)
    lat[bad] = ""
    types = np.array(["Battles", "Explosions/Remote violence", "Violence against civilians"])
    df = pd.DataFrame(
        {
            "event_id_cnty": [f"SYR{i}" for i in range(n)],
            "event_date": dates,
            "year": days[pick // len(FORMS)].year,
            "event_type": types[rng.integers(0, 3, n)],
            "sub_event_type": "Armed clash",
            "actor1": "Military Forces",
            "latitude": lat,
            "longitude": lon,
            "fatalities": rng.poisson(0.8, n),
            "notes": "On a date, an event was reported near a place, with some words of notes.",
        }
    )
    df.to_csv(path, index=False)


def run_child(mode: str, src: Path, dst: Path) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(src), str(dst)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("-o", "--output", default="bench_summarize.json")
    args = ap.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "acled.csv"
        make_csv(src, args.rows)
        size_mb = src.stat().st_size / 1e6
        results: dict[str, list[dict]] = {"read": [], "classify": [], "summarize": []}
        for _ in range(args.repeat):
            for mode in results:
                results[mode].append(run_child(mode, src, Path(d) / f"out_{mode}.csv"))
    summary: dict = {
        "rows": args.rows,
        "input_mb": round(size_mb, 1),
        "repeat": args.repeat,
        "started": started,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "events_counted": results["summarize"][0]["out"][0],
        "unreadable_dates": results["summarize"][0]["out"][1],
        "unreadable_rows": results["summarize"][0]["out"][2],
    }
    for mode, runs in results.items():
        secs = [r["seconds"] for r in runs]
        summary[mode] = {
            "median_s": round(statistics.median(secs), 3),
            "runs_s": [round(s, 3) for s in secs],
            "vm_hwm_mib": round(max(r["vm_hwm_mib"] or 0 for r in runs), 1),
        }
    summary["summarize_over_classify"] = round(
        summary["summarize"]["median_s"] / summary["classify"]["median_s"], 3
    )
    summary["summarize_over_read"] = round(
        summary["summarize"]["median_s"] / summary["read"]["median_s"], 3
    )
    Path(args.output).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
