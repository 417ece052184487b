"""Benchmark the product commands as a user runs them: the print figures and the recipe.

Each command runs in a fresh subprocess (start-up included), ``--repeat`` times,
the checkouts given with ``--tree`` taken in turn on every round so that the
code before and after a change share the machine's load; the median wall time
and the median CPU time (user + system of the command and what it starts) are
reported per checkout, with the ratio to the first tree::

    python benchmarks/bench_products.py --tree ../before --tree . --repeat 3 --json out.json

``--tree DIR`` puts that checkout's ``geo`` first on ``PYTHONPATH`` and runs its
own ``recipes/build_layers.py`` (default: this checkout alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


#: What ``--only`` picks from, and the command each stands for.
NAMES = {
    "figure": "border-zones figure -o figure.pdf",
    "timeline": "border-zones figure --timeline -o timeline.pdf",
    "recipe": "python recipes/build_layers.py --out DIR",
}


def commands(tree: Path, work: Path, only: list[str]) -> dict[str, list[str]]:
    """The commands timed, for the checkout ``tree``, writing under ``work``."""
    cli = [sys.executable, "-m", "geo"]
    every = {
        "figure": [*cli, "figure", "-o", str(work / "figure.pdf")],
        "timeline": [*cli, "figure", "--timeline", "-o", str(work / "timeline.pdf")],
        "recipe": [
            sys.executable, str(tree / "recipes" / "build_layers.py"), "--out", str(work / "layers")
        ],
    }  # fmt: skip
    return {NAMES[k]: every[k] for k in only}


def run_once(cmd: list[str], tree: Path, work: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (which must succeed)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    layers = work / "layers"
    layers.mkdir(exist_ok=True)
    # the recipe starts from the committed manifest, as tests/test_packaging.py does
    (layers / "manifest.json").write_bytes((tree / "layers" / "manifest.json").read_bytes())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=work, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write results here")
    parser.add_argument(
        "--only", default=",".join(NAMES), help=f"comma-separated subset of {', '.join(NAMES)}"
    )
    args = parser.parse_args(argv)
    only = [k for k in args.only.split(",") if k]
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        parser.error(f"--only: unknown {', '.join(unknown)} (known: {', '.join(NAMES)})")
    trees = [t.resolve() for t in (args.tree or [ROOT])]
    runs: dict[str, dict[str, list[tuple[float, float]]]] = {str(t): {} for t in trees}
    load_start = load()
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for tree in trees:
                work = Path(tmp) / tree.name
                work.mkdir(exist_ok=True)
                for name, cmd in commands(tree, work, only).items():
                    runs[str(tree)].setdefault(name, []).append(run_once(cmd, tree, work))
    out: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "python": platform.python_version(),
        "repeat": args.repeat,
        "load_average": [load_start, load()],
        "trees": {},
    }
    first = str(trees[0])
    for tree, by_name in runs.items():
        rows = {}
        for name, times in by_name.items():
            wall = statistics.median(t[0] for t in times)
            cpu = statistics.median(t[1] for t in times)
            base = statistics.median(t[0] for t in runs[first][name])
            rows[name] = {
                "median_s": round(wall, 2),
                "runs_s": [round(t[0], 2) for t in times],
                "cpu_median_s": round(cpu, 2),
                "speedup_vs_first_tree": round(base / wall, 2),
            }
            print(f"{Path(tree).name:>12}  {name:<48} {wall:7.2f} s  CPU {cpu:6.2f} s"
                  f"  x{base / wall:.2f}")  # fmt: skip
        out["trees"][tree] = rows  # type: ignore[index]
    print(f"load average {out['load_average'][0]} -> {out['load_average'][1]}")  # type: ignore[index]
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
