"""Benchmark full classification of 10^6 points (``geo.classify``).

Reports, for seeded random points around Line A: median time of
``classify_lonlat`` (distance to Line A and the Blue Line, country, Area of
Separation, zones) over 3 runs; the max error of both distance columns
against GeographicLib on a sample with near-tie points; and two baselines
measured in the same run: the naive geopandas way (``estimate_utm_crs`` +
``distance`` + ``sjoin``) and exact per-point GeographicLib (on a subsample,
extrapolated).

    python benchmarks/bench_classify.py --n 1000000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_geodesy import median_time, near_tie_points, random_points  # noqa: E402

from geo import layers  # noqa: E402
from geo.classification import classify_lonlat  # noqa: E402
from tests.geodesy_cases import truth_distance  # noqa: E402


def line(name: str) -> shapely.LineString:
    return shapely.line_merge(layers.load(name).geometry.union_all())


def naive_classify(lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    """What a hurried analyst would write: one UTM zone, planar distances, sjoin."""
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    utm = pts.iloc[:1000].estimate_utm_crs()
    proj = pts.to_crs(utm)
    a = layers.load("golan_line_a").to_crs(utm).geometry.iloc[0]
    b = layers.load("blue_line").to_crs(utm).geometry.iloc[0]
    proj["distance_line_a_m"] = proj.distance(a)
    proj["distance_blue_line_m"] = proj.distance(b)
    joined = gpd.sjoin(pts, layers.load("countries")[["name", "geometry"]], how="left")
    joined = joined[~joined.index.duplicated()]
    proj["country"] = joined["name"].fillna("").to_numpy()
    aos = layers.load("undof_area_of_separation").geometry.iloc[0]
    proj["in_area_of_separation"] = pts.within(aos).to_numpy()
    return proj


#: One timed ``classify_lonlat`` of the workload in a fresh process, from a given checkout.
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from geo.classification import classify_lonlat
n, seed = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
lat = rng.uniform(float(sys.argv[6]), float(sys.argv[7]), n)
lon = rng.uniform(float(sys.argv[4]), float(sys.argv[5]), n)
classify_lonlat(lon[:1000], lat[:1000])
classify_lonlat(lon, lat)
t0 = time.perf_counter()
classify_lonlat(lon, lat)
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def compare_trees(trees: dict[str, Path], box: tuple[float, ...], n: int, seed: int) -> dict:
    """Median seconds per checkout, fresh processes in turn (3 each): same-run baselines."""
    import statistics
    import subprocess

    times: dict[str, list[float]] = {k: [] for k in trees}
    for _ in range(3):
        for label, tree in trees.items():
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, str(tree), str(n), str(seed), *map(str, box)],
                capture_output=True, text=True, check=True, cwd=tree,
            )  # fmt: skip
            times[label].append(json.loads(proc.stdout.strip().splitlines()[-1])["seconds"])
    return {k: {"median_s": statistics.median(v), "runs_s": v} for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="points per run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=1000, help="points checked vs truth")
    parser.add_argument("--json", type=Path, help="write results here")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed runs per contender (median); 1: a smoke run"
    )
    parser.add_argument(
        "--before", type=Path, metavar="PATH", help="another checkout: its classify as baseline"
    )
    args = parser.parse_args(argv)

    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    line_a, blue = line("golan_line_a"), line("blue_line")
    lon, lat = random_points(line_a, args.n, args.seed)
    classify_lonlat(lon[:1000], lat[:1000])  # warm up: prepare targets and polygons
    t = median_time(lambda: classify_lonlat(lon, lat), repeats=args.repeats)
    result = classify_lonlat(lon, lat)

    rng = np.random.default_rng(args.seed + 1)
    idx = rng.choice(args.n, min(args.n, args.sample), replace=False)
    tie_lon, tie_lat = near_tie_points(blue, max(50, args.sample // 10), args.seed + 2)
    slon, slat = np.concatenate([lon[idx], tie_lon]), np.concatenate([lat[idx], tie_lat])
    got = classify_lonlat(slon, slat)
    err_a = np.abs(got["distance_line_a_m"] - truth_distance(np.asarray(line_a.coords), slon, slat))
    err_b = np.abs(
        got["distance_blue_line_m"] - truth_distance(np.asarray(blue.coords), slon, slat)
    )

    t_naive = median_time(
        lambda: naive_classify(lon, lat), repeats=1 if args.n > 200_000 else args.repeats
    )
    naive = naive_classify(slon, slat)
    naive_err = max(
        float(np.max(np.abs(naive["distance_line_a_m"].to_numpy() - got["distance_line_a_m"]))),
        float(
            np.max(np.abs(naive["distance_blue_line_m"].to_numpy() - got["distance_blue_line_m"]))
        ),
    )
    m = 10
    t0 = time.perf_counter()
    truth_distance(np.asarray(line_a.coords), lon[:m], lat[:m])
    truth_distance(np.asarray(blue.coords), lon[:m], lat[:m])
    t_exact = (time.perf_counter() - t0) / m

    trees_out = {}
    if args.before:
        x0, y0, x1, y1 = line_a.bounds
        box = (x0 - 3.2, x1 + 3.2, y0 - 2.7, y1 + 2.7)  # random_points' box
        trees_out = compare_trees(
            {"now": ROOT, "before": args.before.resolve()}, box, args.n, args.seed
        )
        print(
            f"fresh processes in turn: now {trees_out['now']['median_s']:.3f} s, before "
            f"({args.before}) {trees_out['before']['median_s']:.3f} s "
            f"({trees_out['before']['median_s'] / trees_out['now']['median_s']:.2f}x)"
        )

    out = {
        "trees": trees_out,
        "n_points": args.n,
        "seed": args.seed,
        "seconds_median": t,
        "points_per_s": args.n / t,
        "max_error_line_a_m": float(err_a.max()),
        "max_error_blue_line_m": float(err_b.max()),
        "error_sample": int(slon.size),
        "near_tie_points": int(tie_lon.size),
        "in_a_zone_share": float((result["zone"] != "").mean()),
        "naive_geopandas_seconds": t_naive,
        "naive_geopandas_points_per_s": args.n / t_naive,
        "naive_geopandas_max_distance_error_m": naive_err,
        "exact_geographiclib_points_per_s": 1.0 / t_exact,
        "exact_geographiclib_extrapolated_s": t_exact * args.n,
        "speedup_vs_naive": t_naive / t,
        "speedup_vs_exact": t_exact * args.n / t,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "load_average_start": load_start,
        "load_average_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print(
        f"classify {args.n:,} points: median {t:.2f} s ({args.n / t:,.0f} pts/s); "
        f"max error Line A {out['max_error_line_a_m'] * 1000:.3f} mm, Blue Line "
        f"{out['max_error_blue_line_m'] * 1000:.3f} mm on {slon.size} points\n"
        f"naive geopandas: {t_naive:.2f} s ({out['speedup_vs_naive']:.1f}x slower), "
        f"distance error up to {naive_err:,.0f} m\n"
        f"exact per-point GeographicLib: {1 / t_exact:,.0f} pts/s "
        f"(~{t_exact * args.n / 60:,.0f} min for {args.n:,})"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
