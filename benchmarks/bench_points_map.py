"""A map with N of your points: build time, HTML size and navigation→ready in Chromium.

Run: ``python benchmarks/bench_points_map.py [N ...] [--runs R] [--json out.json]``
(default N: 10,000 and 100,000). For each N an event file in ACLED's column layout
(random points over the frontier, fixed seed) is written, ``border-zones build
--points`` is run on it as a subprocess (wall time and peak memory of the child),
and the page is loaded in headless Chromium ``--runs`` times on a desktop
(1280×800) and a phone (390×844, touch), in turns with the default map without
points (the same-run baseline): the wall time from ``page.goto`` to the map's
``data-bz-ready``, and ``performance.now()`` in the page when it marks itself
ready (navigation start → ready, the page's own clock) and after the next frame is
painted. Medians are reported,
with ratios to the baseline and the machine's load before and after.
Budgets (issue 11): build ≤ 20 s, HTML ≤ 20 MB, ready ≤ 3 s at 10^5 points.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, asset_cache, open_page

BUDGET = {"build_s": 20.0, "bytes": 20_000_000, "ready_s": 3.0}

#: Records performance.now() when the map marks itself ready, and after the next
#: frame (the first one painted with the points: a task queued from its rAF callback).
READY_CLOCK = """
new MutationObserver((_, obs) => {
  const el = document.querySelector("[data-bz-ready]");
  if (el) {
    window.__bzReadyAt = performance.now();
    obs.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__bzPaintedAt = performance.now(); }));
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-bz-ready"]});
"""

EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Protests", "Strategic developments")


def write_events(path: Path, n: int, seed: int = 11) -> None:
    """``n`` events in ACLED's column layout, uniformly over the frontier (lon/lat box)."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(35.0, 36.8, n)
    lat = rng.uniform(32.5, 33.9, n)
    day0 = dt.date(2011, 1, 1).toordinal()
    days = rng.integers(0, 14 * 365, n)
    kinds = rng.integers(0, len(EVENT_TYPES), n)
    dead = rng.poisson(0.7, n)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "event_id_cnty",
                "event_date",
                "year",
                "event_type",
                "latitude",
                "longitude",
                "fatalities",
                "notes",
            ]
        )
        for i in range(n):
            day = dt.date.fromordinal(day0 + int(days[i]))
            w.writerow(
                [
                    f"SYR{i + 1:07d}",
                    day.isoformat(),
                    day.year,
                    EVENT_TYPES[kinds[i]],
                    f"{lat[i]:.5f}",
                    f"{lon[i]:.5f}",
                    int(dead[i]),
                    f"event {i + 1}",
                ]
            )


def build(src: Path | None, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``border-zones build`` (with ``--points src``)."""
    cmd = ["border-zones", "build", "-o", str(out)]
    if src is not None:
        cmd += ["--points", str(src)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def load(browser, path: Path, cache: Path, *, phone: bool) -> tuple[float, float, float]:
    """Wall seconds goto→ready; the page's own performance.now() at ready and painted (s)."""
    # open_page makes its own context and navigates at once: the clock goes into
    # every new context, so it is in place before the navigation
    real = browser.new_context

    def new_context(**kwargs):
        ctx = real(**kwargs)
        ctx.add_init_script(READY_CLOCK)
        return ctx

    browser.new_context = new_context
    try:
        t = time.perf_counter()
        page, log = open_page(browser, path.as_uri(), cache=cache, phone=phone)
        wall = time.perf_counter() - t
    finally:
        browser.new_context = real
    in_page = page.evaluate("window.__bzReadyAt") / 1000.0
    page.wait_for_function("window.__bzPaintedAt !== undefined", timeout=60_000)
    painted = page.evaluate("window.__bzPaintedAt") / 1000.0
    errors = log.console_errors + log.page_errors
    page.context.close()
    if errors:
        raise RuntimeError(f"{path.name}: {errors}")
    return wall, in_page, painted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    cache = asset_cache()
    results: dict[str, object] = {"load_before": os.getloadavg(), "runs": args.runs}
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as pw:
        tmp = Path(tmp_name)
        pages: dict[str, Path] = {}
        wall, peak = build(None, tmp / "baseline.html")
        pages["no points"] = tmp / "baseline.html"
        results["no points"] = {
            "build_s": round(wall, 2),
            "peak_mb": round(peak),
            "bytes": pages["no points"].stat().st_size,
        }
        for n in args.n:
            src = tmp / f"events_{n}.csv"
            write_events(src, n)
            out = tmp / f"map_{n}.html"
            wall, peak = build(src, out)
            pages[f"{n:,} points"] = out
            results[f"{n:,} points"] = {
                "build_s": round(wall, 2),
                "peak_mb": round(peak),
                "bytes": out.stat().st_size,
                "csv_bytes": src.stat().st_size,
            }
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        times: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        for _ in range(args.runs):  # in turns, so every page sees the same machine
            for device in ("desktop", "phone"):
                for label, path in pages.items():
                    got = load(browser, path, cache, phone=device == "phone")
                    times.setdefault((label, device), []).append(got)
        browser.close()
    for (label, device), runs in times.items():
        entry = results[label]
        assert isinstance(entry, dict)
        entry[f"{device}_ready_wall_s"] = round(statistics.median(r[0] for r in runs), 3)
        entry[f"{device}_ready_in_page_s"] = round(statistics.median(r[1] for r in runs), 3)
        entry[f"{device}_painted_in_page_s"] = round(statistics.median(r[2] for r in runs), 3)
        base = results["no points"]
        assert isinstance(base, dict)
        if label != "no points":
            entry[f"{device}_ratio_to_no_points"] = round(
                entry[f"{device}_ready_wall_s"] / base[f"{device}_ready_wall_s"], 2
            )
    results["load_after"] = os.getloadavg()
    for label, entry in results.items():
        if isinstance(entry, dict) and label != "no points":
            entry["within budget"] = bool(
                entry["build_s"] <= BUDGET["build_s"]
                and entry["bytes"] <= BUDGET["bytes"]
                and entry["desktop_ready_wall_s"] <= BUDGET["ready_s"]
                and entry["phone_ready_wall_s"] <= BUDGET["ready_s"]
                and entry["desktop_painted_in_page_s"] <= BUDGET["ready_s"]
                and entry["phone_painted_in_page_s"] <= BUDGET["ready_s"]
            )
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
