"""geo.classify on Dask frames, on a real LocalCluster with 2 worker processes.

The truth for the numbers is the in-memory path (``geo.classify`` of the same
points, itself tested against GeographicLib in tests/test_classify.py): the
Dask path must give the same bits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geo
from geo import classification, workflows
from tests.conftest import ROOT

# a cluster of worker processes: seconds, not milliseconds. Dask itself is imported in the
# tests (4 s), so the quick loop, which deselects them, does not pay for it at collection.
pytestmark = pytest.mark.slow


def events(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        {"id": np.arange(n), "kind": rng.choice(["a", "b"], n)},
        geometry=gpd.points_from_xy(rng.uniform(35.3, 36.8, n), rng.uniform(32.4, 33.9, n)),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def assert_same(result: pd.DataFrame, truth: pd.DataFrame) -> None:
    for col in classification.COLUMNS:
        a, b = result[col].to_numpy(), truth[col].to_numpy()
        if col.startswith("distance"):
            np.testing.assert_array_equal(a.astype(float), b.astype(float))  # bit for bit
        else:
            assert a.tolist() == b.tolist(), col


def test_partitions_match_in_memory_and_prepare_once_per_worker(client):
    import dask_geopandas

    g = events(16_000)
    d = dask_geopandas.from_geopandas(g, npartitions=8)
    lazy = geo.classify(d)
    assert isinstance(lazy, dask_geopandas.GeoDataFrame)  # lazy, of the kind given
    out = lazy.compute()
    assert out["id"].tolist() == list(range(16_000))
    assert (out["error"] == "").all()
    assert_same(out, geo.classify(g))
    # the layers were prepared once in each worker process, not once per partition
    prepared = client.run(lambda: classification._context.cache_info().misses)
    assert len(prepared) == 2 and all(v == 1 for v in prepared.values())
    ran = client.run(lambda: classification._digest_cached.cache_info().misses)
    assert all(v == 1 for v in ran.values())


def test_lat_lon_frame_with_a_bad_row_is_reported_not_fatal(client):
    import dask.dataframe as dd

    g = events(4_000, seed=1)
    table = pd.DataFrame({"id": g["id"], "lat": g.geometry.y, "lon": g.geometry.x})
    table.loc[2_500, "lat"] = 95.0  # in the third of four partitions
    table.loc[2_501, "lon"] = np.nan
    out = geo.classify(dd.from_pandas(table, npartitions=4)).compute()
    assert out["id"].tolist() == list(range(4_000))
    assert out.loc[2_500, "error"] == "lat: 95 outside [-90, 90]"
    assert out.loc[2_501, "error"] == "lon: missing"
    assert np.isnan(out.loc[2_500, "distance_line_a_m"]) and out.loc[2_500, "country"] == ""
    good = np.ones(4_000, dtype=bool)
    good[[2_500, 2_501]] = False
    assert (out["error"][good] == "").all()
    assert_same(out[good], geo.classify(g[good]))


def test_killed_worker_is_retried_no_row_lost_or_doubled(client):
    import dask_geopandas

    g = events(120_000, seed=2)
    lazy = geo.classify(dask_geopandas.from_geopandas(g, npartitions=24))
    pids = client.run(os.getpid)
    future = client.compute(lazy)
    deadline = time.monotonic() + 60
    while not any(client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    victim = sorted(pids)[0]
    os.kill(pids[victim], signal.SIGKILL)  # the worker dies mid-run
    out = future.result(timeout=180)
    assert out["id"].tolist() == list(range(120_000))  # every row once, in order
    assert_same(out, geo.classify(g))
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_cli_dask_engine_writes_partitioned_geoparquet(client, tmp_path):
    g = events(6_000, seed=3).to_crs("EPSG:32636")
    src = tmp_path / "events"
    src.mkdir()
    for k in range(3):
        g.iloc[k * 2_000 : (k + 1) * 2_000].to_parquet(src / f"part{k}.parquet")
    out = tmp_path / "out"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "classify",
            str(src / "*.parquet"),
            "-o",
            str(out),
            "--engine",
            "dask",
            "--scheduler",
            client.scheduler.address,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert "3 partitions, 6,000 rows, 0 with errors" in res.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"part.{k}.parquet" for k in range(3)]
    back = gpd.read_parquet(out)
    assert back["id"].tolist() == list(range(6_000))
    assert back.crs.equals("EPSG:32636")  # the input's CRS is kept
    assert_same(back, geo.classify(g))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no temp left


def test_local_cluster_started_when_no_scheduler(tmp_path):
    table = pd.DataFrame({"id": [1, 2, 3], "lat": [33.1, 33.2, 91.0], "lon": [35.8, 35.9, 35.7]})
    table.to_parquet(tmp_path / "a.parquet")
    s = workflows.classify_dataset(tmp_path / "a.parquet", tmp_path / "out", workers=1)
    assert (s.rows, s.errors, s.partitions) == (3, 1, 1)
    back = gpd.read_parquet(tmp_path / "out")
    assert back["error"].tolist() == ["", "", "lat: 91 outside [-90, 90]"]
    assert back.geometry.iloc[2] is None and back.geometry.iloc[0].x == 35.8


def test_dataset_of_odd_wkb_matches_in_memory(client, tmp_path):
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely
    from pyproj import CRS

    g = events(9_000, seed=4)
    wkb = [shapely.to_wkb(p, byte_order=k % 3 == 0) for k, p in enumerate(g.geometry)]
    bad = {100: None, 4_100: shapely.to_wkb(shapely.from_wkt("POINT EMPTY"))}
    bad[8_999] = shapely.to_wkb(shapely.LineString([(35.5, 33.0), (35.6, 33.1)]))
    for i, w in bad.items():
        wkb[i] = w
    meta = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "crs": CRS(4326).to_json_dict()}},
    }
    src = tmp_path / "events"
    src.mkdir()
    for k in range(3):
        sl = slice(k * 3_000, (k + 1) * 3_000)
        table = pa.table(
            {"id": g["id"][sl], "kind": g["kind"][sl], "geometry": pa.array(wkb[sl], pa.binary())}
        )
        table = table.replace_schema_metadata({b"geo": json.dumps(meta).encode()})
        pq.write_table(table, src / f"part{k}.parquet", row_group_size=700)
    s = workflows.classify_dataset(src, tmp_path / "out", client=client)
    assert (s.files, s.partitions, s.rows, s.errors) == (3, 3, 9_000, 3)
    back = gpd.read_parquet(tmp_path / "out")
    assert back["id"].tolist() == list(range(9_000))
    assert back.crs.equals("EPSG:4326")
    assert back["error"][[100, 4_100, 8_999]].tolist() == [
        "geometry: missing",
        "geometry: empty Point",
        "geometry: a LineString, not a Point",
    ]
    good = np.ones(9_000, dtype=bool)
    good[list(bad)] = False
    assert (back["error"][good] == "").all()
    assert_same(back[good], geo.classify(g[good]))
