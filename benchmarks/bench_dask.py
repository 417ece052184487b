"""Benchmark: geo.classify on a Dask cluster, against one process and naive dask-geopandas.

Writes N points uniform over lon 35.3–36.8, lat 32.4–33.9 as GeoParquet in
``--partitions`` files, then times, each from the files:

- ``single``: one process, file by file: ``geopandas.read_parquet`` +
  ``geo.classify`` (every column), cold (its first classify prepares the
  layers) and warm (the same again in the same process);
- ``dask_1``, ``dask_2``: ``dask_geopandas.read_parquet`` + ``geo.classify``
  (lazy) + reduction of the result, on a ``distributed.LocalCluster`` of 1 and
  2 single-threaded worker processes (cluster start-up not timed). Each
  cluster contender runs twice on the same workers: *cold*, on fresh worker
  processes (their imports, numba's cached-kernel load and the layers'
  preparation timed: a one-off per worker), then *warm*, the same job again
  (the rate of a long run, where that one-off is spread over many
  partitions); both are reported;
- ``distance_2``: the distance to Line A alone (``geo.distance`` per
  partition) on 2 workers, the like-for-like contender of:
- ``naive_2``: what a dask-geopandas user writes today,
  ``to_crs(estimate_utm_crs)`` then ``.distance(line in UTM)``, on the same
  2 workers;
- ``cli_1``, ``cli_2``: the ``border-zones classify 'events/*.parquet' -o out/
  --engine dask`` path (``geo.workflows.classify_dataset`` on the cluster):
  Arrow in, points decoded from the WKB buffers without shapely, every column
  classified, and the whole GeoParquet dataset *written* (more work than the
  reductions above);
- ``adistance_2``: the distance to Line A alone from the same Arrow decode
  (``pyarrow.parquet.read_table`` of the geometry column +
  ``geo.pointfiles.geometry_rows`` + ``geo.distance`` per file), on 2
  workers: like for like with ``naive_2``.

Errors: both distance columns against brute-force GeographicLib
(``pyproj.Geod`` over Line A densified to 20 m) on ``--check`` points.
Peak memory per worker: each worker process's ``ru_maxrss`` after the run.

    python benchmarks/bench_dask.py --points 10000000 --partitions 8 -o bench_dask.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def make_dataset(folder: Path, n: int, parts: int, seed: int = 0) -> list[Path]:
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    files = []
    edges = np.linspace(0, n, parts + 1).astype(np.int64)
    for k in range(parts):
        m = int(edges[k + 1] - edges[k])
        lon = rng.uniform(35.3, 36.8, m)
        lat = rng.uniform(32.4, 33.9, m)
        g = gpd.GeoDataFrame(
            {"id": np.arange(edges[k], edges[k + 1])},
            geometry=gpd.points_from_xy(lon, lat),
            crs="EPSG:4326",
        )
        path = folder / f"part{k:04d}.parquet"
        g.to_parquet(path)
        files.append(path)
    return files


def _peak_mib() -> float:
    """This process's peak resident memory (MiB) since it started its own program.

    ``VmHWM`` (Linux) is the address space's high-water mark, new at ``exec``;
    ``ru_maxrss`` is kept across ``exec``, so a worker spawned by a process that
    once held the whole dataset would report that process's peak instead.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_peaks(client) -> list[float]:
    peaks = client.run(_peak_mib)
    return sorted(round(v, 1) for v in peaks.values())


def run_single(files: list[Path]) -> dict:
    import geopandas as gpd

    import geo

    def job() -> int:
        return sum(len(geo.classify(gpd.read_parquet(f))) for f in files)

    t0 = time.perf_counter()
    rows = job()  # cold: the first classify in this process prepares the layers
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    job()
    return {"seconds": time.perf_counter() - t0, "cold_seconds": cold, "rows": rows}


def _distance_partition(part):
    import pandas as pd

    import geo

    return pd.Series(geo.distance(part.geometry, "golan_line_a"), index=part.index)


def _arrow_distance_file(path: str) -> float:
    import pyarrow.parquet as pq

    import geo
    from geo import pointfiles

    # the geometry column alone: the distance needs nothing else
    meta = pointfiles.geo_metadata(pq.read_schema(path))
    name, encoding, crs = pointfiles.geoparquet_column(meta, path)
    column = pq.read_table(path, columns=[name]).column(name)
    lon, lat, err, _ = pointfiles.geometry_rows(column, crs, encoding=encoding)
    ok = err == ""
    return float(geo.distance((lon[ok], lat[ok]), "golan_line_a").sum())


def forgotten(client, timeout: float = 30.0) -> None:
    """Wait until the workers hold no results (a released key is forgotten asynchronously;
    a job resubmitted before that would reuse what is still in memory)."""
    end = time.monotonic() + timeout
    while any(client.has_what().values()):
        if time.monotonic() > end:
            raise SystemExit("the workers still hold results after the cold run")
        time.sleep(0.05)


def run_dask(files: list[Path], workers: int, mode: str) -> dict:
    import dask_geopandas
    from distributed import Client, LocalCluster

    import geo

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        frame = dask_geopandas.read_parquet([str(f) for f in files])
        runs = (f"distance-{k}" for k in itertools.count())

        def job() -> float:
            if mode == "classify":
                return geo.classify(frame)["distance_line_a_m"].sum().compute()
            if mode == "cli":
                from geo import workflows

                with tempfile.TemporaryDirectory() as out:
                    pattern = str(files[0].parent / "part*.parquet")
                    return workflows.classify_dataset(
                        pattern, Path(out) / "out", client=client
                    ).rows
            if mode == "adistance":
                paths = [str(f) for f in files]
                return sum(client.gather(client.map(_arrow_distance_file, paths, pure=False)))
            if mode == "distance":
                d = frame.map_partitions(_distance_partition, meta=(None, "f8"), token=next(runs))
                return d.sum().compute()
            # naive: UTM, planar distance
            line = geo.layers.load("golan_line_a").to_crs(4326)
            utm = line.estimate_utm_crs()
            line_utm = line.to_crs(utm).geometry.iloc[0]
            return frame.to_crs(utm).distance(line_utm).sum().compute()

        # cold: fresh worker processes, so their imports, numba's cached-kernel load and
        # the layers' preparation are in the time (a one-off per worker for a long run);
        # warm: the same job again on the same workers, the per-point rate of a long run
        t0 = time.perf_counter()
        value = job()
        cold = time.perf_counter() - t0
        forgotten(client)  # the warm run recomputes everything: nothing is left to reuse
        t0 = time.perf_counter()
        again = job()
        warm = time.perf_counter() - t0
        if abs(float(again) - float(value)) > 1e-9 * abs(float(value)):
            raise SystemExit(f"{mode}: the warm run gave {again!r}, the cold one {value!r}")
        return {
            "seconds": warm,
            "cold_seconds": cold,
            "checksum": float(value),
            "worker_peak_mib": worker_peaks(client),
        }


def errors(check: int) -> dict:
    """Max error of geo.distance and of the naive UTM distance against GeographicLib."""
    import geopandas as gpd
    from pyproj import Geod

    import geo

    line = geo.layers.load("golan_line_a").to_crs(4326).geometry.iloc[0]
    geod = Geod(ellps="WGS84")
    coords = np.asarray(line.coords)[:, :2]
    dense = [coords[:1]]
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        d = geod.inv(x0, y0, x1, y1)[2]
        k = int(np.ceil(d / 20.0))
        if k > 1:
            dense.append(np.asarray(geod.npts(x0, y0, x1, y1, k - 1)).reshape(-1, 2))
        dense.append([[x1, y1]])
    pts = np.vstack(dense)
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(35.3, 36.8, check), rng.uniform(32.4, 33.9, check)

    def nearest(a: float, b: float) -> float:
        # the nearest 20 m vertex, then its two neighbouring pieces at 1 cm
        d = geod.inv(np.full(len(pts), a), np.full(len(pts), b), pts[:, 0], pts[:, 1])[2]
        i = int(np.argmin(d))
        best = float(d[i])
        for j in (i - 1, i + 1):
            if 0 <= j < len(pts):
                (x0, y0), (x1, y1) = pts[min(i, j)], pts[max(i, j)]
                n = max(2, int(np.ceil(geod.inv(x0, y0, x1, y1)[2] / 0.01)))
                fine = np.asarray(geod.npts(x0, y0, x1, y1, n))
                dd = geod.inv(np.full(len(fine), a), np.full(len(fine), b), fine[:, 0], fine[:, 1])
                best = min(best, float(dd[2].min()))
        return best

    truth = np.array([nearest(a, b) for a, b in zip(lon, lat, strict=True)])
    ours = geo.distance((lon, lat), "golan_line_a")
    g = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    utm = gpd.GeoSeries([line], crs=4326).estimate_utm_crs()
    naive = g.to_crs(utm).distance(gpd.GeoSeries([line], crs=4326).to_crs(utm).iloc[0])
    # the truth: brute force on the line at 1 cm spacing near the nearest vertex
    return {
        "points": check,
        "engine_max_m": float(np.max(np.abs(ours - truth))),
        "naive_utm_max_m": float(np.max(np.abs(naive.to_numpy() - truth))),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--check", type=int, default=300, help="points checked against GeographicLib")
    ap.add_argument(
        "--modes",
        default="single,dask_1,dask_2,distance_2,naive_2,cli_1,cli_2,adistance_2",
        help="comma-separated subset to run (e.g. dask_2 alone for a large N)",
    )
    ap.add_argument("-o", "--output", default="bench_dask.json")
    args = ap.parse_args(argv)
    modes = args.modes.split(",")
    load = [os.getloadavg()[0]]
    summary: dict = {
        "points": args.points,
        "partitions": args.partitions,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
    }
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        files = make_dataset(Path(d), args.points, args.partitions)
        summary["dataset_mb"] = round(sum(f.stat().st_size for f in files) / 1e6, 1)
        summary["dataset_s"] = round(time.perf_counter() - t0, 1)
        done: dict[str, list[dict]] = {mode: [] for mode in modes}
        for _ in range(args.repeat):  # interleaved: each round runs every contender once
            for mode in modes:
                if mode == "single":
                    done[mode].append(run_single(files))
                else:
                    kind, workers = mode.rsplit("_", 1)
                    kind = {"dask": "classify"}.get(kind, kind)
                    done[mode].append(run_dask(files, int(workers), kind))
                last = done[mode][-1]
                print(mode, round(last["seconds"], 2), round(last.get("cold_seconds", 0), 2))
                load.append(os.getloadavg()[0])
        for mode in modes:
            runs = done[mode]
            secs = [r["seconds"] for r in runs]
            med = statistics.median(secs)
            summary[mode] = {
                "median_s": round(med, 2),
                "runs_s": [round(s, 2) for s in secs],
                "mpoints_per_s": round(args.points / med / 1e6, 3),
            }
            if "cold_seconds" in runs[0]:
                cold = statistics.median(r["cold_seconds"] for r in runs)
                summary[mode]["cold_median_s"] = round(cold, 2)
                summary[mode]["cold_mpoints_per_s"] = round(args.points / cold / 1e6, 3)
            if "worker_peak_mib" in runs[0]:
                summary[mode]["worker_peak_mib"] = max(
                    (r["worker_peak_mib"] for r in runs), key=max
                )
            print(mode, json.dumps(summary[mode]), flush=True)
    if {"dask_1", "dask_2"} <= set(modes):
        summary["speedup_1_to_2_workers"] = round(
            summary["dask_1"]["median_s"] / summary["dask_2"]["median_s"], 2
        )
    if {"single", "dask_1"} <= set(modes):
        summary["overhead_dask_1_vs_single"] = round(
            summary["dask_1"]["median_s"] / summary["single"]["median_s"], 2
        )
    if {"naive_2", "distance_2"} <= set(modes):
        summary["distance_vs_naive"] = round(
            summary["naive_2"]["median_s"] / summary["distance_2"]["median_s"], 2
        )
    if {"naive_2", "dask_2"} <= set(modes):
        summary["classify_vs_naive_distance"] = round(
            summary["naive_2"]["median_s"] / summary["dask_2"]["median_s"], 2
        )
    if {"cli_1", "cli_2"} <= set(modes):
        summary["cli_speedup_1_to_2_workers"] = round(
            summary["cli_1"]["median_s"] / summary["cli_2"]["median_s"], 2
        )
    if {"dask_2", "cli_2"} <= set(modes):
        summary["cli_2_vs_dask_2"] = round(
            summary["dask_2"]["median_s"] / summary["cli_2"]["median_s"], 2
        )
    if {"naive_2", "cli_2"} <= set(modes):
        summary["cli_2_vs_naive_distance"] = round(
            summary["naive_2"]["median_s"] / summary["cli_2"]["median_s"], 2
        )
    if {"naive_2", "adistance_2"} <= set(modes):
        summary["adistance_vs_naive"] = round(
            summary["naive_2"]["median_s"] / summary["adistance_2"]["median_s"], 2
        )
    if args.check:
        summary["errors"] = errors(args.check)
    summary["load_1min"] = [round(v, 2) for v in load]
    Path(args.output).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
