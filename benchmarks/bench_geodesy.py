"""Benchmark geodesic distance to a line: speed and error vs GeographicLib.

Run ``python benchmarks/bench_geodesy.py [--n 1000000] [--seed 0] [--json OUT]``.
Reports, for a ~90-vertex line (``golan_line_a`` or the Natural Earth 1974
ceasefire line) and a ~1,500-vertex line (``blue_line`` or a seeded random
walk): points/s (median of 3 runs), max error against GeographicLib on a
sample that includes near-tie points, and two baselines measured in the same
run: geopandas in the estimated UTM zone, and exact per-point GeographicLib.
Also (``cross`` in the JSON) the long line measured from points in the short
line's box: the classification workload, mostly 100-400 km from the line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
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


def random_points(line, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in a box reaching ~300 km around the line."""
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


def bench_line(name: str, line, n: int, seed: int, sample: int) -> dict:
    lon, lat = random_points(line, n, seed)
    _prepare_wkb.cache_clear()
    t0 = time.perf_counter()
    target = geodesy.prepare(line)
    prep_s = time.perf_counter() - t0
    target.distance(lon[:1000], lat[:1000])  # warm up
    t = median_time(lambda: target.distance(lon, lat))

    # Error on a sample of the random points plus near-tie points.
    rng = np.random.default_rng(seed + 1)
    idx = rng.choice(n, min(n, sample), replace=False)
    tlon, tlat = near_tie_points(line, max(50, sample // 10), seed + 2)
    slon = np.concatenate([lon[idx], tlon])
    slat = np.concatenate([lat[idx], tlat])
    coords = np.asarray(line.coords)
    truth = truth_distance(coords, slon, slat)
    err = np.abs(target.distance(slon, slat) - truth)

    # Baseline 1: geopandas in the estimated UTM zone.
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326)
    line_s = gpd.GeoSeries([line], crs=4326)
    utm = line_s.estimate_utm_crs()

    def naive() -> np.ndarray:
        return pts.to_crs(utm).distance(line_s.to_crs(utm).iloc[0]).to_numpy()

    t_naive = median_time(naive, repeats=1 if n > 200_000 else 3)
    naive_d = gpd.GeoSeries(gpd.points_from_xy(slon, slat), crs=4326).to_crs(utm)
    naive_err = np.abs(naive_d.distance(line_s.to_crs(utm).iloc[0]).to_numpy() - truth)

    # Baseline 2: exact per-point GeographicLib (golden section over edges).
    m = 20
    t0 = time.perf_counter()
    truth_distance(coords, lon[:m], lat[:m])
    t_exact = (time.perf_counter() - t0) / m

    return {
        "target": name,
        "vertices": len(coords),
        "length_km": round(geodesy.geodesic_length(line) / 1000, 1),
        "n_points": n,
        "prepare_s": prep_s,
        "seconds_median": t,
        "points_per_s": n / t,
        "max_error_m": float(err.max()),
        "error_sample": int(err.size),
        "near_tie_points": int(tlon.size),
        "utm_crs": utm.to_string(),
        "naive_utm_points_per_s": n / t_naive,
        "naive_utm_max_error_m": float(naive_err.max()),
        "exact_geographiclib_points_per_s": 1.0 / t_exact,
        "exact_geographiclib_extrapolated_s_for_n": t_exact * n,
        "speedup_vs_naive_utm": t_naive / t,
        "speedup_vs_exact": t_exact * n / t,
    }


def bench_cross(name: str, line, box_name: str, box_line, n: int, seed: int, sample: int) -> dict:
    """Distance to ``line`` for points in the box around ``box_line``.

    This is the classification workload: points around Line A measured to
    the (dense) Blue Line, most of them 100-400 km from it.
    """
    lon, lat = random_points(box_line, n, seed)
    _prepare_wkb.cache_clear()
    target = geodesy.prepare(line)
    target.distance(lon[:1000], lat[:1000])  # warm up
    t = median_time(lambda: target.distance(lon, lat))
    rng = np.random.default_rng(seed + 1)
    idx = rng.choice(n, min(n, sample), replace=False)
    truth = truth_distance(np.asarray(line.coords), lon[idx], lat[idx])
    err = np.abs(target.distance(lon[idx], lat[idx]) - truth)
    return {
        "target": name,
        "points_around": box_name,
        "n_points": n,
        "seconds_median": t,
        "points_per_s": n / t,
        "max_error_m": float(err.max()),
        "error_sample": int(err.size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="points per run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=2000, help="points checked vs truth")
    parser.add_argument("--json", type=Path, help="write results here")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    (short_name, short_line), (long_name, long_line) = targets()
    results = {
        "command": " ".join(["python", "benchmarks/bench_geodesy.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "lines": [
            bench_line(name, line, args.n, args.seed, args.sample)
            for name, line in ((short_name, short_line), (long_name, long_line))
        ],
        "cross": bench_cross(
            long_name, long_line, short_name, short_line, args.n, args.seed, args.sample // 4
        ),
    }
    for r in results["lines"]:
        print(
            f"{r['target']:>20} ({r['vertices']} vertices): "
            f"{r['points_per_s']:,.0f} pts/s, max err {r['max_error_m'] * 1000:.3f} mm | "
            f"UTM geopandas {r['naive_utm_points_per_s']:,.0f} pts/s, "
            f"max err {r['naive_utm_max_error_m']:.1f} m | "
            f"exact per point {r['exact_geographiclib_points_per_s']:,.0f} pts/s"
        )
    c = results["cross"]
    print(
        f"{c['target']:>20} (points around {c['points_around']}): "
        f"{c['points_per_s']:,.0f} pts/s ({c['seconds_median']:.3f} s), "
        f"max err {c['max_error_m'] * 1000:.3f} mm"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
