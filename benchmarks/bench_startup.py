"""Benchmark start-up: ``import geo``, ``border-zones --version`` and a 2-row classify.

Each command runs in a fresh subprocess, ``--repeat`` times (default 5); the
median wall time is reported next to the baseline measured in the same run,
``python -c pass`` (the interpreter's own start-up). ``--tree DIR`` times the
``geo`` package of another checkout (put first on ``PYTHONPATH``), so the code
before and after a change can be compared in one run::

    python benchmarks/bench_startup.py --json out.json
    python benchmarks/bench_startup.py --tree ../main --tree . --markdown docs/startup_benchmark.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_wall(cmd: list[str], env: dict[str, str], repeat: int, cwd: Path) -> float:
    """Median wall time (s) of ``repeat`` runs of ``cmd``; every run must succeed."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def commands(work: Path, tree: Path | None) -> dict[str, list[str]]:
    csv = work / "two.csv"
    csv.write_text("name,lat,lon\nQuneitra,33.1256,35.8243\nMetula,33.2790,35.5790\n")
    # the installed console script for this environment; a checkout's own entry
    # point (its geo/__main__.py) for a --tree, whose geo/cli.py may predate the script's
    exe = shutil.which("border-zones") if tree is None else None
    cli = [exe] if exe else [sys.executable, "-m", "geo"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import geo"': [sys.executable, "-c", "import geo"],
        "border-zones --version": [*cli, "--version"],
        "border-zones classify (2 rows)": [
            *cli,
            "classify",
            str(csv),
            "-o",
            str(work / "out.csv"),
        ],
    }


def measure(tree: Path | None, repeat: int) -> dict[str, float]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        return {
            name: median_wall(cmd, env, repeat, work) for name, cmd in commands(work, tree).items()
        }


def markdown(results: dict[str, dict[str, float]], repeat: int) -> str:
    trees = list(results)
    names = list(next(iter(results.values())))
    head = "| command | " + " | ".join(f"{t}: median (s) | above `pass` (s)" for t in trees) + " |"
    rule = "|---|" + "---:|---:|" * len(trees)
    rows = []
    for name in names:
        cells = []
        for t in trees:
            base = results[t]["python -c pass"]
            cells += [f"{results[t][name]:.3f}", f"{results[t][name] - base:+.3f}"]
        rows.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(
        [
            "# Start-up times",
            "",
            f"Median of {repeat} fresh subprocesses each, measured by "
            "`benchmarks/bench_startup.py` on "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}; the baseline `python -c pass` is measured in the same run.",
            "",
            head,
            rule,
            *rows,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument(
        "--tree", type=Path, action="append", help="checkout whose geo to time (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    parser.add_argument("--markdown", type=Path, help="write the results as a Markdown table")
    args = parser.parse_args(argv)
    trees: list[Path | None] = list(args.tree) if args.tree else [None]
    results = {}
    for tree in trees:
        label = str(tree) if tree is not None else "this environment"
        results[label] = measure(tree, args.repeat)
        for name, t in results[label].items():
            print(f"{label}: {name}: {t:.3f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(markdown(results, args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
