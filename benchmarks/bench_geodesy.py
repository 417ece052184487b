"""Benchmark geodesic distance to a line: speed on 1 and 2 cores, error vs GeographicLib.

Run ``python benchmarks/bench_geodesy.py [--n 1000000] [--seed 0] [--json OUT]``.

Workload (issue 13): ``--n`` seeded points uniform in lon 35.3-36.8, lat
32.4-33.9, distance to ``golan_line_a`` (91 vertices) and to ``blue_line``
(1,810 vertices; or stand-ins if the layers are missing). For each line,
measured in the same run:

- the engine (numba kernel) with 1 and with 2 threads (median of 3 runs);
- the previous, plain-numpy/scipy engine (``geo/geodesy.py`` of commit
  ``BASELINE_COMMIT``, loaded from git) with 1 and 2 worker threads;
- geopandas in the estimated UTM zone (``to_crs(estimate_utm_crs())`` then
  ``distance``; timed on up to 200,000 points, single-threaded);
- exact per-point GeographicLib (the truth procedure; on 20 points);
- max error against GeographicLib on ``--sample`` of the points plus near-tie
  points (geodesic midpoints between distant vertices);
- a machine reference, in turn with the engine: a trivially parallel compiled
  loop (independent floating-point work per element, no memory traffic, no
  branches) chunked on the same threads, whose 2-vs-1-thread speed-up is what
  this machine gives any code at that moment (virtual cores share the host).

Also: the first call in a fresh process after ``import geo`` (prepare, import
numba, compile or load the cached kernel, query) with a cold and a warm numba
cache, and worldwide plus
near-antipodal points against the brute-force truth.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numba
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import geodesy  # noqa: E402
from geo.geodesy.distance import _prepare_wkb  # noqa: E402
from tests.geodesy_cases import (  # noqa: E402
    GEOD,
    NE_LINE,
    random_walk_line,
    truth_distance,
)

#: The last commit with the plain-numpy engine (geo/geodesy.py, k-d tree + numpy Vincenty).
BASELINE_COMMIT = "b6d3067"
#: The compiled kernel of main at the start of the second pass of issue 13 (a same-run baseline).
PREVIOUS_KERNEL_COMMIT = "7ce4bdf"
BOX = (35.3, 32.4, 36.8, 33.9)


def targets() -> list[tuple[str, shapely.LineString]]:
    out = []
    try:
        from geo import layers

        names = layers.names()
    except Exception:  # the layers module may be missing or broken
        names = []
    for name, fallback_name, fallback in (
        ("golan_line_a", "ne_ceasefire_1974", NE_LINE),
        ("blue_line", "random_walk_1500", random_walk_line()),
    ):
        if name in names:
            geom = shapely.union_all(np.asarray(layers.load(name).geometry.array))
            out.append((name, shapely.line_merge(geom)))
        else:
            out.append((fallback_name, fallback))
    return out


def box_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded points uniform in lon/lat over the issue's box."""
    rng = np.random.default_rng(seed)
    return rng.uniform(BOX[0], BOX[2], n), rng.uniform(BOX[1], BOX[3], n)


def random_points(line, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in a box reaching ~300 km around the line (bench_classify)."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = line.bounds
    lat = rng.uniform(y0 - 2.7, y1 + 2.7, n)
    lon = rng.uniform(x0 - 3.2, x1 + 3.2, n)
    return lon, lat


def near_tie_points(line, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points half-way between two distant vertices: near the medial axis."""
    rng = np.random.default_rng(seed)
    c = np.asarray(line.coords)
    i = rng.integers(0, len(c), n)
    j = (i + rng.integers(len(c) // 8 + 1, len(c) // 2 + 2, n)) % len(c)
    lon = np.empty(n)
    lat = np.empty(n)
    for k in range(n):
        (lon[k], lat[k]) = GEOD.npts(c[i[k], 0], c[i[k], 1], c[j[k], 0], c[j[k], 1], 1)[0]
    return lon, lat


def median_time(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def baseline_engine() -> types.ModuleType | None:
    """The previous numpy engine, from git, as a module of its own (None without git)."""
    try:
        src = subprocess.run(
            ["git", "show", f"{BASELINE_COMMIT}:geo/geodesy.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "geodesy_numpy_baseline.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("geodesy_numpy_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def previous_kernel(ref: str = PREVIOUS_KERNEL_COMMIT) -> types.ModuleType | None:
    """The compiled kernel of git ``ref``, compiled in this process.

    Kernels up to main's b85d38a share ``query``'s signature (lon/lat in radians).
    """
    try:
        src = subprocess.run(
            ["git", "show", f"{ref}:geo/geodesy/_kernel.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    # compiled afresh each run (numba cannot reload a cache of a module loaded by path)
    path = Path(tempfile.mkdtemp()) / "kernel_previous.py"
    path.write_text(src.replace("cache=True", "cache=False"))
    spec = importlib.util.spec_from_file_location("kernel_previous", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kernel_previous"] = module
    spec.loader.exec_module(module)
    module.__ref__ = ref
    return module


def run_previous(prev: types.ModuleType, target, lon, lat) -> np.ndarray:
    """Distances by the previous kernel on the same prepared chords and bounds.

    Chunked on ``numba.get_num_threads()`` threads as the engine does; no
    exact fallback (the benchmark's points are all within its range).
    """
    from concurrent.futures import ThreadPoolExecutor

    engine = importlib.import_module("geo.geodesy.distance")

    n = lon.size
    rlon, rlat = np.radians(lon), np.radians(lat)
    dist, flon, flat = np.empty(n), np.zeros(n), np.zeros(n)
    status = np.zeros(n, dtype=np.int8)
    chunk = engine._CHUNK

    def work(start: int) -> None:
        sl = slice(start, min(n, start + chunk))
        prev.query(
            rlon[sl], rlat[sl], target._origin, target._seg_a, target._seg_u, target._seg_len,
            target._seg_part, target._seg_cum, target._blk, target._grp, target._top,
            engine._PER_BLOCK, engine._PER_GROUP, engine._PER_TOP, engine._TIE_COEF,
            target._sag, engine.FAR_M, engine._ARC_M, False,
            dist[sl], flon[sl], flat[sl], status[sl],
        )  # fmt: skip

    starts = range(0, n, chunk)
    workers = min(numba.get_num_threads(), len(starts))
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, starts))
    return dist


@numba.njit(nogil=True, cache=False)
def _flops(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(x.size):
        a = x[i]
        s = 0.0
        for _ in range(40):
            a = a * 1.0000001 + 0.5
            s += math.sqrt(a)
        out[i] = s


def machine_reference(x: np.ndarray, out: np.ndarray) -> None:
    """The machine reference loop over ``x``, chunked on numba's threads as the engine is."""
    from concurrent.futures import ThreadPoolExecutor

    chunk = importlib.import_module("geo.geodesy.distance")._CHUNK

    def work(start: int) -> None:
        _flops(x[start : start + chunk], out[start : start + chunk])

    starts = range(0, x.size, chunk)
    with ThreadPoolExecutor(min(numba.get_num_threads(), len(starts))) as pool:
        list(pool.map(work, starts))


def interleaved(fns: dict[str, Any], repeats: int = 5) -> dict[str, float]:
    """Median seconds of each function, run in turn ``repeats`` times (same load for all)."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def theirs(old: types.ModuleType, line, lon, lat, threads: int) -> float:
    saved = old._WORKERS
    old._WORKERS = threads
    try:
        target = old.GeodesicTarget(line)
        target.distance(lon[:1000], lat[:1000])
        return median_time(lambda: target.distance(lon, lat))
    finally:
        old._WORKERS = saved


def bench_line(name: str, line, n: int, seed: int, sample: int, old, prev) -> dict[str, Any]:
    lon, lat = box_points(n, seed)
    _prepare_wkb.cache_clear()
    t0 = time.perf_counter()
    target = geodesy.prepare(line)
    prep_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    target.index()  # the cell grid (a query of this size builds it otherwise)
    index_s = time.perf_counter() - t0
    # this engine, the machine reference and the previous kernel in turn, 1 then 2 threads
    ref_x = np.random.default_rng(seed).uniform(1.0, 2.0, n)
    ref_out = np.empty(n)
    med: dict[int, dict[str, float]] = {}
    for threads in (1, 2):
        numba.set_num_threads(threads)
        try:
            fns: dict[str, Any] = {"now": lambda: target.distance(lon, lat)}
            fns["machine"] = lambda: machine_reference(ref_x, ref_out)
            if prev is not None:
                fns["previous"] = lambda: run_previous(prev, target, lon, lat)
            for fn in fns.values():
                fn()  # warm up (and compile the previous kernel once)
            med[threads] = interleaved(fns)
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    t1, t2 = med[1]["now"], med[2]["now"]

    # Error on a sample of the points plus near-tie points.
    rng = np.random.default_rng(seed + 1)
    idx = rng.choice(n, min(n, sample), replace=False)
    tlon, tlat = near_tie_points(line, max(50, sample // 10), seed + 2)
    slon = np.concatenate([lon[idx], tlon])
    slat = np.concatenate([lat[idx], tlat])
    coords = np.asarray(line.coords)
    truth = truth_distance(coords, slon, slat)
    err = np.abs(target.distance(slon, slat) - truth)
    out: dict[str, Any] = {
        "target": name,
        "vertices": len(coords),
        "length_km": round(geodesy.geodesic_length(line) / 1000, 1),
        "n_points": n,
        "prepare_s": prep_s,
        "index_s": index_s,
        "seconds_median_1_thread": t1,
        "seconds_median_2_threads": t2,
        "points_per_s_1_thread": n / t1,
        "points_per_s": n / t2,
        "speedup_2_vs_1_thread": t1 / t2,
        "machine_reference_speedup_2_vs_1_thread": med[1]["machine"] / med[2]["machine"],
        "max_error_m": float(err.max()),
        "error_sample": int(err.size),
        "near_tie_points": int(tlon.size),
    }

    if prev is not None:
        p1, p2 = med[1]["previous"], med[2]["previous"]
        same = run_previous(prev, target, lon[:sample], lat[:sample])
        out |= {
            "previous_kernel_commit": prev.__ref__,
            "previous_kernel_points_per_s_1_thread": n / p1,
            "previous_kernel_points_per_s_2_threads": n / p2,
            "previous_kernel_speedup_2_vs_1_thread": p1 / p2,
            "speedup_vs_previous_kernel_1_thread": p1 / t1,
            "speedup_vs_previous_kernel_2_threads": p2 / t2,
            "previous_kernel_max_difference_m": float(
                np.abs(same - target.distance(lon[:sample], lat[:sample])).max()
            ),
        }

    if old is not None:
        o1 = theirs(old, line, lon, lat, 1)
        o2 = theirs(old, line, lon, lat, 2)
        old_err = np.abs(old.GeodesicTarget(line).distance(slon, slat) - truth)
        out |= {
            "numpy_engine_commit": BASELINE_COMMIT,
            "numpy_engine_points_per_s_1_thread": n / o1,
            "numpy_engine_points_per_s_2_threads": n / o2,
            "numpy_engine_max_error_m": float(old_err.max()),
            "speedup_vs_numpy_engine_1_thread": o1 / t1,
            "speedup_vs_numpy_engine_2_threads": o2 / t2,
        }

    # geopandas in the estimated UTM zone, on up to 200,000 of the points.
    m = min(n, 200_000)
    pts = gpd.GeoSeries(gpd.points_from_xy(lon[:m], lat[:m]), crs=4326)
    line_s = gpd.GeoSeries([line], crs=4326)
    utm = line_s.estimate_utm_crs()

    def naive() -> np.ndarray:
        return pts.to_crs(utm).distance(line_s.to_crs(utm).iloc[0]).to_numpy()

    t_naive = median_time(naive, repeats=1)
    naive_d = gpd.GeoSeries(gpd.points_from_xy(slon, slat), crs=4326).to_crs(utm)
    naive_err = np.abs(naive_d.distance(line_s.to_crs(utm).iloc[0]).to_numpy() - truth)

    # Exact per-point GeographicLib (the truth procedure), on 20 points.
    k = 20
    t0 = time.perf_counter()
    truth_distance(coords, lon[:k], lat[:k])
    t_exact = (time.perf_counter() - t0) / k
    out |= {
        "utm_crs": utm.to_string(),
        "naive_utm_points_per_s": m / t_naive,
        "naive_utm_max_error_m": float(naive_err.max()),
        "exact_geographiclib_points_per_s": 1.0 / t_exact,
        "speedup_vs_naive_utm_1_thread": (t_naive / m) * n / t1,
    }
    return out


def bench_world(line, seed: int, n: int = 1500) -> dict[str, Any]:
    """``n`` points uniform over the globe and 20 near the antipodes of the vertices."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-180.0, 180.0, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    c = np.asarray(line.coords)
    i = rng.integers(0, len(c), 20)
    alon, alat, _ = GEOD.fwd(
        c[i, 0] - 180.0, -c[i, 1], rng.uniform(-180, 180, 20), rng.uniform(0, 50e3, 20)
    )
    target = geodesy.prepare(line)
    t0 = time.perf_counter()
    got = target.distance(np.concatenate([lon, alon]), np.concatenate([lat, alat]))
    t = time.perf_counter() - t0
    truth = truth_distance(c, np.concatenate([lon, alon]), np.concatenate([lat, alat]))
    err = np.abs(got - truth)
    return {
        "worldwide_points": n,
        "near_antipodal_points": 20,
        "max_error_worldwide_m": float(err[:n].max()),
        "max_error_near_antipodal_m": float(err[n:].max()),
        "max_distance_km": float(truth.max() / 1000),
        "seconds": t,
    }


FIRST_CALL = """
import time
t0 = time.perf_counter()
from shapely import LineString
from geo import geodesy
t1 = time.perf_counter()
line = LineString([(35.8, 33.4), (35.82, 33.0), (35.76, 32.74)])
geodesy.distance([(35.9, 33.1)], line)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def bench_first_call(cold: bool = True) -> dict[str, Any]:
    """Import + prepare + first query in a fresh process: cold, then warm numba cache.

    With ``cold=False`` only the warm runs, on the user's own numba cache (the
    test suite's smoke run: the cold compile costs ~6-9 s of CPU).
    """
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache) if cold else dict(os.environ)
        labels = ("cold", "warm", "warm_again") if cold else ("warm", "warm_again")
        if not cold:
            out["first_call_cold_s"] = out["import_geo_cold_s"] = None
        for label in labels:
            proc = subprocess.run(
                [sys.executable, "-c", FIRST_CALL], cwd=ROOT, env=env,
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            imp, first = proc.stdout.strip().splitlines()[-1].split()
            # the first call: prepare, import numba, compile or load the kernel, query
            out[f"first_call_{label}_s"] = float(first)
            out[f"import_geo_{label}_s"] = float(imp)
    return out


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="points per run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=2000, help="points checked vs truth")
    parser.add_argument("--json", type=Path, help="write results here")
    parser.add_argument(
        "--world", type=int, default=1500,
        help="worldwide points checked against the brute-force truth (~7 ms each)",
    )  # fmt: skip
    parser.add_argument(
        "--previous", default=PREVIOUS_KERNEL_COMMIT, metavar="REF",
        help="git ref of the previous kernel (a same-run contender)",
    )  # fmt: skip
    parser.add_argument(
        "--cold", action=argparse.BooleanOptionalAction, default=True,
        help="time the first call with an empty numba cache too (--no-cold: warm only)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    old = baseline_engine()
    prev = previous_kernel(args.previous)
    load_start = load()
    (short_name, short_line), (long_name, long_line) = targets()
    lines = [
        bench_line(name, line, args.n, args.seed, args.sample, old, prev)
        for name, line in ((short_name, short_line), (long_name, long_line))
    ]
    results = {
        "command": " ".join(["python", "benchmarks/bench_geodesy.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "numba": numba.__version__,
        "load_average_start": load_start,
        "lines": lines,
        "world": bench_world(short_line, args.seed + 3, args.world),
        "startup": bench_first_call(args.cold),
        "load_average_end": load(),
    }
    print(f"load average {results['load_average_start']} -> {results['load_average_end']}")
    for r in results["lines"]:
        print(
            f"{r['target']:>18} ({r['vertices']} vertices): "
            f"{r['points_per_s_1_thread'] / 1e6:.2f} M pts/s 1 thread, "
            f"{r['points_per_s'] / 1e6:.2f} M 2 threads ({r['speedup_2_vs_1_thread']:.2f}x), "
            f"max err {r['max_error_m'] * 1000:.3f} mm"
        )
        print(
            f"{'':>18} machine reference (a trivially parallel loop, same threads): "
            f"{r['machine_reference_speedup_2_vs_1_thread']:.2f}x on 2 threads"
        )
        if "previous_kernel_commit" in r:
            print(
                f"{'':>18} previous kernel {r['previous_kernel_points_per_s_1_thread'] / 1e6:.2f}"
                f" M / {r['previous_kernel_points_per_s_2_threads'] / 1e6:.2f} M "
                f"({r['speedup_vs_previous_kernel_1_thread']:.2f}x / "
                f"{r['speedup_vs_previous_kernel_2_threads']:.2f}x faster now)"
            )
        if "numpy_engine_commit" in r:
            print(
                f"{'':>18} numpy engine {r['numpy_engine_points_per_s_1_thread'] / 1e6:.2f} M / "
                f"{r['numpy_engine_points_per_s_2_threads'] / 1e6:.2f} M, "
                f"max err {r['numpy_engine_max_error_m'] * 1000:.3f} mm"
            )
        print(
            f"{'':>18} UTM geopandas {r['naive_utm_points_per_s'] / 1e6:.3f} M pts/s, "
            f"max err {r['naive_utm_max_error_m']:.1f} m | exact per point "
            f"{r['exact_geographiclib_points_per_s']:,.0f} pts/s"
        )
    w = results["world"]
    print(
        f"worldwide: max err {w['max_error_worldwide_m'] * 1000:.3f} mm; near-antipodal "
        f"{w['max_error_near_antipodal_m'] * 1000:.3f} mm ({w['seconds']:.2f} s)"
    )
    s = results["startup"]
    cold = "not timed" if s["first_call_cold_s"] is None else f"{s['first_call_cold_s']:.2f} s"
    print(
        f"first call: cold cache {cold}, warm "
        f"{s['first_call_warm_s']:.2f} s ({s['first_call_warm_again_s']:.2f} s), "
        f"after `import geo` ({s['import_geo_warm_s']:.2f} s)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
