"""Reading and writing users' point files (geo.pointfiles)."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import _files, pointfiles
from geo.errors import InputError, LikelySwappedWarning, MissingCRSError


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["lat", "lon"], ("lat", "lon")),
        (["Latitude", "Longitude"], ("Latitude", "Longitude")),
        (["LAT", "LNG"], ("LAT", "LNG")),
        (["y", "x", "id"], ("y", "x")),
        (["Lat", "long"], ("Lat", "long")),
        (["latitude", "lat", "lon"], ("lat", "lon")),  # the preferred name wins
        (["decimalLatitude", "decimalLongitude"], ("decimalLatitude", "decimalLongitude")),
    ],
)
def test_find_coordinate_columns(columns, expected):
    assert pointfiles.find_coordinate_columns(columns, file="f.csv") == expected


def test_find_coordinate_columns_missing_lists_columns():
    with pytest.raises(InputError, match=r"f\.csv: no longitude column found; .*'lat', 'name'"):
        pointfiles.find_coordinate_columns(["lat", "name"], file="f.csv")


def test_csv_chunks_keep_every_row_in_order(tmp_path):
    n = 1_003
    lat = np.linspace(32.5, 33.5, n).astype(object)
    lat[[10, 500, 1002]] = ["x", "", "91"]
    df = pd.DataFrame({"id": range(n), "lat": lat, "lon": 35.8})
    src = tmp_path / "many.csv"
    df.to_csv(src, index=False)
    chunks = list(pointfiles.iter_points(src, chunk_rows=100))
    assert len(chunks) == 11
    assert [c.first_row for c in chunks] == list(range(1, n + 1, 100))
    ids = np.concatenate([c.frame["id"].to_numpy() for c in chunks])
    assert ids.tolist() == [str(i) for i in range(n)]  # text kept as written
    err = np.concatenate([c.error for c in chunks])
    assert np.flatnonzero(err != "").tolist() == [10, 500, 1002]
    assert chunks[-1].progress == pytest.approx(1.0)


def test_semicolon_csv_and_bom(tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes("\ufeffname;lat;lon\nQuneitra;33.126;35.825\n".encode())
    g = pointfiles.read_points(src)
    assert g["name"].tolist() == ["Quneitra"] and g.geometry.x.iloc[0] == 35.825


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("abc", "35", "lat: 'abc' is not a finite number"),
        ("", "35", "lat: missing"),
        ("nan", "35", "lat: 'nan' is not a finite number"),
        ("33", "200", "lon: 200 outside [-180, 180]"),
        ("-95", "35", "lat: -95 outside [-90, 90]"),
        ("x", "y", "lat: 'x' is not a finite number; lon: 'y' is not a finite number"),
    ],
)
def test_row_errors(tmp_path, lat, lon, message):
    src = write(tmp_path, "p.csv", f"lat,lon\n33.1,35.8\n{lat},{lon}\n")
    g = pointfiles.read_points(src)
    assert g["error"].tolist() == ["", message]
    assert g.geometry.iloc[1] is None and g.index.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", "", "the file is empty"),
        ("bad.geojson", '{"type": "FeatureCollection", "features": [', "malformed JSON at line"),
        ("points.xlsx", "x", "cannot tell the format"),
    ],
)
def test_unusable_files(tmp_path, name, text, match):
    p = tmp_path / name
    if text is not None:
        p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as info:
        pointfiles.read_points(p)
    assert name in str(info.value)


def test_not_utf8(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("name,lat,lon\nQuneïtra,33.1,35.8\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        pointfiles.read_points(p)


def test_geojson_geometry_errors(tmp_path):
    feats = [
        {
            "type": "Feature",
            "properties": {"n": 1},
            "geometry": {"type": "Point", "coordinates": [35.8, 33.1]},
        },
        {"type": "Feature", "properties": {"n": 2}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"n": 3},
            "geometry": {"type": "LineString", "coordinates": [[35, 33], [36, 34]]},
        },
    ]
    p = write(tmp_path, "p.geojson", json.dumps({"type": "FeatureCollection", "features": feats}))
    g = pointfiles.read_points(p)
    assert g["error"].tolist() == ["", "geometry: missing", "geometry: a LineString, not a Point"]
    assert g["n"].tolist() == [1, 2, 3]


def test_gpkg_without_crs_and_projected(tmp_path):
    pts = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(35.8, 33.1)])
    nocrs = tmp_path / "nocrs.gpkg"
    pts.to_file(nocrs, driver="GPKG")
    with pytest.raises(MissingCRSError, match=r"no CRS.*--assume-lonlat"):
        pointfiles.read_points(nocrs)
    assert pointfiles.read_points(nocrs, assume_lonlat=True).geometry.x.iloc[0] == pytest.approx(
        35.8
    )
    utm = tmp_path / "utm.gpkg"
    pts.set_crs("EPSG:4326").to_crs("EPSG:32636").to_file(utm, driver="GPKG")
    g = pointfiles.read_points(utm)
    assert g.geometry.x.iloc[0] == pytest.approx(35.8) and g.geometry.y.iloc[0] == pytest.approx(
        33.1
    )


def test_swapped_warning_once(tmp_path):
    src = write(tmp_path, "p.csv", "lat,lon\n35.8,32.9\n36.0,32.8\n33.1,35.8\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pointfiles.read_points(src)
    swapped = [w for w in caught if issubclass(w.category, LikelySwappedWarning)]
    assert len(swapped) == 1 and "2 row(s), first row 1" in str(swapped[0].message)


def test_atomic_path_cleans_up_on_failure(tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), _files.atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_write_points_formats(tmp_path):
    g = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.Point(35.8, 33.1), None], crs="EPSG:4326")
    for ext in ("csv", "geojson", "gpkg"):
        p = pointfiles.write_points(g, tmp_path / f"w.{ext}")
        back = pointfiles.read_points(p)
        assert back["n"].astype(int).tolist() == [1, 2]
        assert back.geometry.iloc[0].equals(shapely.Point(35.8, 33.1))


@pytest.mark.slow  # runs the benchmark script (~4 s)
def test_benchmark_runs_small(tmp_path):
    """The benchmark script end to end with a small N (the real run is 10^6 rows)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "bench.json"
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_classify_csv.py"),
            "--rows",
            "20000",
            "--repeat",
            "1",
            "--chunk-rows",
            "5000",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["rows_out"] == 20000 and doc["unreadable_rows"] == 20
    assert doc["classify"]["median_s"] > 0 and doc["pandas"]["peak_mib"] > 0
    assert doc["command"]["median_s"] > doc["classify"]["median_s"]


# ---------------------------------------------------------------- issue 8 §3
@pytest.mark.parametrize(
    "header",
    [
        "id," + "x" * 70_000 + ",lat,lon",  # longer than 64 KiB
        'id,"na\nme",lat,lon',  # a quoted newline in a name
        "id,na\u2028me,lat,lon",  # U+2028 in a name
    ],
)
def test_headers_read_whatever_their_shape(tmp_path, header):
    src = write(tmp_path, "h.csv", header + "\n1,a,33.1,35.8\n")
    (chunk,) = pointfiles.iter_points(src)
    assert list(chunk.frame.columns)[2:] == ["lat", "lon"]
    assert chunk.ok.tolist() == [True]


def test_ragged_rows_never_shift(tmp_path):
    src = write(tmp_path, "r.csv", "id,lat,lon\n1,33,12,35,82\n2,33.1,35.8,\n3,33.1,35.8,x\n")
    chunks = list(pointfiles.iter_points(src))
    err = np.concatenate([c.error for c in chunks]).tolist()
    ids = pd.concat([c.frame for c in chunks])["id"].tolist()
    assert ids == ["1", "2", "3"]
    assert err == ["5 fields, the header has 3", "", "4 fields, the header has 3"]


def test_ragged_row_after_the_first_chunk(tmp_path):
    rows = [f"{i},33.1,35.8" for i in range(10)]
    rows[7] = "7,33.1,35.8,a,b"
    src = write(tmp_path, "r.csv", "id,lat,lon\n" + "\n".join(rows) + "\n")
    chunks = list(pointfiles.iter_points(src, chunk_rows=3))
    frame = pd.concat([c.frame for c in chunks])
    assert frame["id"].tolist() == [str(i) for i in range(10)]
    assert frame.index.tolist() == list(range(1, 11))
    err = np.concatenate([c.error for c in chunks])
    assert np.flatnonzero(err != "").tolist() == [7]


@pytest.mark.parametrize("share_ok", [0.0, 0.5, 1.0])
def test_flag_column_is_the_flags_with_nulls_on_unread_rows(share_ok):
    import pyarrow as pa

    rng = np.random.default_rng(3)
    ok = rng.random(1000) < share_ok
    flags = rng.random(int(ok.sum())) < 0.3
    got = pointfiles.flag_column(flags, ok)
    # the same column built from Python objects, one row at a time
    it = iter(flags.tolist())
    expected = pa.array([next(it) if k else None for k in ok.tolist()], type=pa.bool_())
    assert got.type == pa.bool_() and got.equals(expected)
    assert got.null_count == int((~ok).sum())


def test_geopackage_output_is_the_same_bytes_with_source_date_epoch(tmp_path, monkeypatch):
    import sqlite3

    import pyogrio

    from geo import workflows

    src = tmp_path / "p.csv"
    src.write_text("id,lat,lon\n1,33.1,35.8\n2,x,35.9\n3,33.2,35.6\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    outs = []
    for k in range(2):
        (tmp_path / str(k)).mkdir()
        outs.append(workflows.classify_file(src, tmp_path / str(k) / "out.gpkg").path)
    assert outs[0].read_bytes() == outs[1].read_bytes()
    con = sqlite3.connect(outs[0])
    try:
        (stamp,) = con.execute("select last_change from gpkg_contents").fetchone()
    finally:
        con.close()
    assert stamp == "2023-11-14T22:13:20.000Z"
    # GDAL's own setting is put back afterwards
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None
