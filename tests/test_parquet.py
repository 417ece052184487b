"""GeoParquet and Parquet in and out (geo.pointfiles, geo.workflows.classify_file)."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import CRS, Transformer

from geo import layers, pointfiles, workflows
from geo.errors import InputError, MissingCRSError
from tests.truth import densify, min_distance

LINE_A = densify(np.asarray(layers.load("golan_line_a").geometry.iloc[0].coords)[:, :2], 20.0)


def region_points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(35.3, 36.8, n), rng.uniform(32.4, 33.9, n)


def utm_parquet(path, n=500, missing=(7,)):
    lon, lat = region_points(n)
    g = gpd.GeoDataFrame(
        {"event": [f"e{i}" for i in range(n)], "n": np.arange(n)},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    ).to_crs("EPSG:32636")
    for i in missing:
        g.loc[i, "geometry"] = None
    g.to_parquet(path)
    return lon, lat


def test_geoparquet_round_trip_keeps_rows_order_and_error(tmp_path):
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    lon, lat = utm_parquet(src)
    s = workflows.classify_file(src, dst, chunk_rows=120)
    assert s.rows == 500 and s.errors == 1 and s.examples == ["row 8: geometry: missing"]
    back = gpd.read_parquet(dst)
    assert back["event"].tolist() == [f"e{i}" for i in range(500)]
    assert back["n"].tolist() == list(range(500))
    assert back["error"].tolist()[7] == "geometry: missing"
    assert (back["error"].drop(index=7) == "").all()
    assert back.geometry.iloc[7] is None
    # lon/lat out, whatever the input's CRS (the GeoParquet metadata says so)
    assert back.crs.equals(CRS("OGC:CRS84"))
    ok = np.arange(500) != 7
    np.testing.assert_allclose(back.geometry.x[ok], lon[ok], atol=1e-9)
    np.testing.assert_allclose(back.geometry.y[ok], lat[ok], atol=1e-9)
    meta = json.loads(pq.read_schema(dst).metadata[b"geo"])
    assert meta["primary_column"] == "geometry"
    assert meta["columns"]["geometry"]["encoding"] == "WKB"
    assert meta["columns"]["geometry"]["geometry_types"] == ["Point"]
    # distances against brute-force GeographicLib (pyproj.Geod), not the engine
    for i in (0, 1, 250, 499):
        assert back["distance_line_a_m"].iloc[i] == pytest.approx(
            min_distance(lon[i], lat[i], LINE_A), abs=0.05
        )


def test_projected_geoparquet_read_in_lonlat(tmp_path):
    src = tmp_path / "utm.parquet"
    utm_parquet(src, n=50, missing=())
    g = pointfiles.read_points(src)
    # an independent transform of the same UTM coordinates
    utm = gpd.read_parquet(src).geometry
    x, y = Transformer.from_crs(32636, 4326, always_xy=True).transform(utm.x, utm.y)
    np.testing.assert_allclose(g.geometry.x, x, atol=1e-9)
    np.testing.assert_allclose(g.geometry.y, y, atol=1e-9)
    assert g.crs.equals("EPSG:4326") and g["event"].tolist()[:3] == ["e0", "e1", "e2"]


def test_write_points_parquet_round_trip(tmp_path):
    lon, lat = region_points(20)
    g = gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(20)]}, geometry=gpd.points_from_xy(lon, lat), crs=4326
    )
    p = pointfiles.write_points(g, tmp_path / "w.parquet")
    back = pointfiles.read_points(p)
    assert back["name"].tolist() == g["name"].tolist()
    np.testing.assert_array_equal(back.geometry.x, lon)
    np.testing.assert_array_equal(back.geometry.y, lat)
    assert gpd.read_parquet(p).crs.equals(CRS("OGC:CRS84"))


def test_lat_lon_parquet_with_bad_rows(tmp_path):
    src = tmp_path / "ll.parquet"
    pd.DataFrame(
        {"id": [1, 2, 3], "Latitude": ["33.1", "x", "95"], "Longitude": [35.8, 35.9, 35.7]}
    ).to_parquet(src)
    dst = tmp_path / "ll_out.parquet"
    s = workflows.classify_file(src, dst)
    assert s.rows == 3 and s.errors == 2
    out = gpd.read_parquet(dst)
    assert out["id"].tolist() == [1, 2, 3]
    assert out["error"].tolist() == [
        "",
        "Latitude: 'x' is not a finite number",
        "Latitude: 95 outside [-90, 90]",
    ]
    assert out.geometry.iloc[0].equals(shapely.Point(35.8, 33.1))
    assert out.geometry.iloc[1] is None
    # CSV out of Parquet in: the user's columns as they were, no lon/lat added
    csv_out = tmp_path / "ll_out.csv"
    workflows.classify_file(src, csv_out)
    assert pd.read_csv(csv_out).columns.tolist()[:3] == ["id", "Latitude", "Longitude"]


def test_geoparquet_to_csv_gets_lon_lat(tmp_path):
    src = tmp_path / "in.parquet"
    lon, _ = utm_parquet(src, n=30, missing=())
    dst = tmp_path / "out.csv"
    workflows.classify_file(src, dst)
    out = pd.read_csv(dst)
    assert out.columns.tolist()[:4] == ["event", "n", "lon", "lat"]
    np.testing.assert_allclose(out["lon"], lon, atol=1e-9)


def test_geoparquet_without_crs_needs_assume_lonlat(tmp_path):
    lon, lat = region_points(5)
    src = tmp_path / "nocrs.parquet"
    gpd.GeoDataFrame({"k": range(5)}, geometry=gpd.points_from_xy(lon, lat)).to_parquet(src)
    with pytest.raises(MissingCRSError, match="--assume-lonlat"):
        workflows.classify_file(src, tmp_path / "o.parquet")
    s = workflows.classify_file(src, tmp_path / "o.parquet", assume_lonlat=True)
    assert s.rows == 5 and s.errors == 0


def test_not_parquet_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("id,lat,lon\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.parquet: cannot read as Parquet"):
        workflows.classify_file(bad, tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_csv_to_parquet_matches_csv_output(tmp_path):
    lon, lat = region_points(300, seed=3)
    src = tmp_path / "in.csv"
    lines = [f"{i},{a:.6f},{o:.6f}" for i, (o, a) in enumerate(zip(lon, lat, strict=True))]
    lines[5] = "5,n/a,35.8"
    src.write_text("id,lat,lon\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workflows.classify_file(src, tmp_path / "o.parquet", chunk_rows=64)
        workflows.classify_file(src, tmp_path / "o.csv", chunk_rows=64)
    a = gpd.read_parquet(tmp_path / "o.parquet")
    b = pd.read_csv(tmp_path / "o.csv", dtype={"id": str}, keep_default_na=False)
    assert a["id"].tolist() == b["id"].tolist()
    np.testing.assert_array_equal(
        a["distance_line_a_m"].to_numpy(), pd.to_numeric(b["distance_line_a_m"]).to_numpy()
    )
    assert a["zones"].tolist() == b["zones"].tolist()
    assert a["error"].tolist()[5] == b["error"].tolist()[5] == "lat: 'n/a' is not a finite number"
