"""Time the test suite: the quick loop and the whole suite, against a baseline ref.

The machine is shared, so a wall time alone says little: the CPU time (user +
system of pytest and every process it starts, Chromium included) is given
too, as it depends much less on the load; and each repeat runs the
baseline (the tests of ``--ref``, exported with ``git archive`` into a temporary
folder and run against the same package) and then this checkout, back to back,
and the report gives both medians, their ratio and the load average before
each run.

    python benchmarks/bench_tests.py                      # quick loop, 1 repeat, ref main
    python benchmarks/bench_tests.py --suite full --repeat 1 --json out.json
    python benchmarks/bench_tests.py --no-ref --repeat 3  # this checkout only

Quick loop: ``python -m pytest -m "not slow and not browser"``; full suite:
``python -m pytest`` (what the README and .ci/run run). Each command is run as
given, with the options of the checkout it runs in (``addopts`` in its
``pyproject.toml``). Results are in docs/test_suite.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITES = {
    "quick": ["-m", "not slow and not browser"],
    "full": [],
}


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def export_ref(ref: str, into: Path) -> Path:
    """Write the files of ``ref`` into ``into`` (``git archive``); return the folder."""
    archive = into / "ref.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "ref", filter="data")
    return into / "ref"


def run_suite(where: Path, suite: str) -> dict[str, object]:
    """Run ``suite`` in ``where``; return wall time, load before, and pytest's summary."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITES[suite]]
    before = load()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=where, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    summary = lines[-1] if lines else proc.stderr.strip()[-200:]
    counts = dict(
        (kind, int(n)) for n, kind in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)
    )
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),  # user + system of pytest and everything it started
        "load_before": round(before, 2),
        "returncode": proc.returncode,
        "summary": summary,
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--suite", choices=sorted(SUITES), default="quick")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--ref", default="main", help="baseline git ref (default: main)")
    p.add_argument("--no-ref", action="store_true", help="time this checkout only")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)

    results: dict[str, list[dict[str, object]]] = {"checkout": []}
    with tempfile.TemporaryDirectory() as tmp:
        ref_dir = None if args.no_ref else export_ref(args.ref, Path(tmp))
        if ref_dir is not None:
            results[f"ref {args.ref}"] = []
        for i in range(args.repeat):
            if ref_dir is not None:
                r = run_suite(ref_dir, args.suite)
                results[f"ref {args.ref}"].append(r)
                print(f"[{i + 1}] ref {args.ref}: {r['wall_s']} s wall, {r['cpu_s']} s cpu "
                      f"(load {r['load_before']}) "
                      f"{r['summary']}", flush=True)  # fmt: skip
            r = run_suite(ROOT, args.suite)
            results["checkout"].append(r)
            print(f"[{i + 1}] checkout: {r['wall_s']} s wall, {r['cpu_s']} s cpu "
                  f"(load {r['load_before']}) "
                  f"{r['summary']}", flush=True)  # fmt: skip

    medians = {k: statistics.median(float(r["wall_s"]) for r in v) for k, v in results.items()}
    cpu = {k: statistics.median(float(r["cpu_s"]) for r in v) for k, v in results.items()}
    print(f"\n{args.suite}: median of {args.repeat}, cores {os.cpu_count()}")
    for name, m in medians.items():
        print(f"  {name:12s} {m:7.1f} s wall  {cpu[name]:7.1f} s cpu")
    if not args.no_ref:
        ref = f"ref {args.ref}"
        print(f"  ratio checkout / ref: wall {medians['checkout'] / medians[ref]:.2f}, "
              f"cpu {cpu['checkout'] / cpu[ref]:.2f}")  # fmt: skip
    if args.json:
        args.json.write_text(
            json.dumps(
                {"suite": args.suite, "runs": results, "median_s": medians, "median_cpu_s": cpu},
                indent=2,
            )
        )
    failed = any(r["returncode"] != 0 for r in results["checkout"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
