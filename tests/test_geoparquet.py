"""GeoParquet points read from the Arrow buffers (geo.pointfiles.geometry_rows) and the
Arrow path of the Dask engine's tasks (geo.workflows.classify_parquet_part).

The truth for the coordinates is shapely (``from_wkb``) and pyproj (``Transformer``);
for the classification, the in-memory ``geo.classify`` of the same points (itself
tested against GeographicLib) and brute-force GeographicLib distances.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import CRS, Transformer

import geo
from geo import classification, layers, pointfiles, workflows
from geo.errors import MissingCRSError
from tests.truth import densify, min_distance

LINE_A = densify(np.asarray(layers.load("golan_line_a").geometry.iloc[0].coords)[:, :2], 20.0)

#: The odd rows of :func:`mixed_wkb`, with the message each must get.
ODD = {
    3: "geometry: missing",  # null
    4: "geometry: empty Point",
    5: "geometry: a LineString, not a Point",
    6: "",  # Point Z: read, through shapely
    7: "geometry: longitude 200 outside [-180, 180]",
    8: "",  # EWKB (with an SRID): read, through shapely
    9: "geometry: a MultiPoint, not a Point",
    10: "geometry: missing",  # truncated WKB
}


def region(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(35.3, 36.8, n), rng.uniform(32.4, 33.9, n)


def mixed_wkb(n: int = 40, seed: int = 0) -> tuple[list, np.ndarray, np.ndarray]:
    """WKB of region points: every other one big-endian, and the odd rows of ODD."""
    lon, lat = region(n, seed)
    pts = shapely.points(lon, lat)
    wkb = [shapely.to_wkb(p, byte_order=k % 2) for k, p in enumerate(pts)]
    wkb[3] = None
    wkb[4] = shapely.to_wkb(shapely.from_wkt("POINT EMPTY"))
    wkb[5] = shapely.to_wkb(shapely.LineString([(35.5, 33.0), (35.6, 33.1)]))
    wkb[6] = shapely.to_wkb(shapely.Point(lon[6], lat[6], 120.0))
    wkb[7] = shapely.to_wkb(shapely.Point(200.0, 33.0))
    wkb[8] = shapely.to_wkb(shapely.set_srid(pts[8], 4326), include_srid=True)
    wkb[9] = shapely.to_wkb(shapely.MultiPoint([(35.5, 33.0), (35.6, 33.1)]))
    wkb[10] = shapely.to_wkb(pts[10])[:12]
    return wkb, lon, lat


def test_wkb_both_byte_orders_and_odd_rows_as_shapely_reads_them():
    wkb, lon, lat = mixed_wkb()
    assert len(wkb[0]) == len(wkb[1]) == 21 and wkb[0][0] == 0 and wkb[1][0] == 1
    with pytest.warns(Warning, match="Invalid WKB"):  # the truncated row, as shapely says
        x, y, err, z = pointfiles.geometry_rows(pa.array(wkb, pa.binary()), "OGC:CRS84")
    for i, msg in ODD.items():
        assert err[i] == msg, i
    good = np.array([i not in ODD or not ODD[i] for i in range(len(wkb))])
    assert (err[good] == "").all()
    # the truth: shapely's own reading of the same bytes
    truth = shapely.from_wkb([w if i != 10 else None for i, w in enumerate(wkb)])
    np.testing.assert_array_equal(x[good], shapely.get_x(truth[good]))  # bit for bit
    np.testing.assert_array_equal(y[good], shapely.get_y(truth[good]))
    np.testing.assert_array_equal(x[good], lon[good])  # and the numbers written
    np.testing.assert_array_equal(y[good], lat[good])
    assert np.isnan(x[~good]).all() and np.isnan(y[~good]).all()
    assert z is not None and z[6] == 120.0 and np.isnan(np.delete(z, 6)).all()


def test_all_plain_points_need_no_shapely_and_give_no_z(monkeypatch):
    lon, lat = region(1_000, seed=1)
    column = pa.chunked_array(
        [
            pa.array(shapely.to_wkb(shapely.points(lon[:600], lat[:600])), pa.binary()),
            pa.array(shapely.to_wkb(shapely.points(lon[600:], lat[600:]), byte_order=0)),
        ]
    )
    monkeypatch.setattr(shapely, "from_wkb", None)  # any use of it would fail
    x, y, err, z = pointfiles.geometry_rows(column, None, assume_lonlat=True)
    np.testing.assert_array_equal(x, lon)
    np.testing.assert_array_equal(y, lat)
    assert (err == "").all() and z is None
    big = pa.array(shapely.to_wkb(shapely.points(lon, lat)), pa.large_binary()).slice(10, 20)
    np.testing.assert_array_equal(pointfiles.geometry_rows(big, "EPSG:4326")[0], lon[10:30])


def test_projected_crs_transformed_as_pyproj_and_geopandas_do():
    lon, lat = region(500, seed=2)
    fwd = Transformer.from_crs(4326, 32636, always_xy=True)
    ex, ny = fwd.transform(lon, lat)
    wkb = pa.array(shapely.to_wkb(shapely.points(ex, ny)), pa.binary())
    crs = CRS("EPSG:32636").to_json_dict()  # as GeoParquet stores it: PROJJSON
    x, y, err, _ = pointfiles.geometry_rows(wkb, crs)
    bx, by = Transformer.from_crs(32636, 4326, always_xy=True).transform(ex, ny)
    np.testing.assert_array_equal(x, bx)
    np.testing.assert_array_equal(y, by)
    g = gpd.GeoSeries(shapely.points(ex, ny), crs=32636).to_crs(4326)  # the in-memory path
    np.testing.assert_array_equal(x, g.x.to_numpy())
    assert (err == "").all()


def test_no_crs_refused_unless_assumed():
    wkb = pa.array([shapely.to_wkb(shapely.Point(35.8, 33.1))], pa.binary())
    with pytest.raises(MissingCRSError, match="no CRS"):
        pointfiles.geometry_rows(wkb, None)
    assert pointfiles.geometry_rows(wkb, None, assume_lonlat=True)[0].tolist() == [35.8]


def test_native_point_encoding():
    xs = pa.array([35.8, None, np.nan, 35.9, 250.0], pa.float64())
    ys = pa.array([33.1, None, np.nan, 33.2, 33.0], pa.float64())
    mask = pa.array([False, True, False, False, False])
    column = pa.StructArray.from_arrays([xs, ys], names=["x", "y"], mask=mask)
    x, y, err, z = pointfiles.geometry_rows(column, "OGC:CRS84", encoding="point")
    assert err.tolist() == [
        "",
        "geometry: missing",
        "geometry: empty Point",
        "",
        "geometry: longitude 250 outside [-180, 180]",
    ]
    assert x[[0, 3]].tolist() == [35.8, 35.9] and y[[0, 3]].tolist() == [33.1, 33.2]
    assert z is None


def write_geoparquet(path, wkb, crs=None, **columns):
    """A GeoParquet file written with pyarrow alone (not the code under test)."""
    geo_meta = {
        "version": "1.1.0",
        "primary_column": "geom",
        "columns": {"geom": {"encoding": "WKB", "geometry_types": ["Point"]}},
    }
    if crs is not None:
        geo_meta["columns"]["geom"]["crs"] = crs
    table = pa.table({**columns, "geom": pa.array(wkb, pa.binary())})
    table = table.replace_schema_metadata({b"geo": json.dumps(geo_meta).encode()})
    pq.write_table(table, path, row_group_size=15)
    return geo_meta


def test_classify_file_reads_mixed_geoparquet(tmp_path):
    wkb, lon, lat = mixed_wkb(60, seed=3)
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    write_geoparquet(src, wkb, id=np.arange(60))
    with pytest.warns(Warning, match="Invalid WKB"):
        s = workflows.classify_file(src, dst, chunk_rows=25)
    assert s.rows == 60 and s.errors == sum(1 for m in ODD.values() if m)
    back = pq.read_table(dst).to_pandas()
    assert back["id"].tolist() == list(range(60))
    for i, msg in ODD.items():
        assert back["error"][i] == msg
    for i in (0, 1, 6, 8, 33):  # both byte orders, the Z and the EWKB row
        assert back["distance_line_a_m"][i] == pytest.approx(
            min_distance(lon[i], lat[i], LINE_A), abs=0.05
        )


def test_parquet_part_keeps_columns_geometry_metadata_and_order(tmp_path):
    wkb, lon, lat = mixed_wkb(45, seed=4)
    wkb[7] = None  # keep the row errors to those with no coordinates
    wkb[10] = shapely.to_wkb(shapely.Point(lon[10], lat[10]))
    src = tmp_path / "in.parquet"
    crs = CRS("EPSG:4326").to_json_dict()
    meta = write_geoparquet(src, wkb, crs=crs, id=np.arange(45), error=["own"] * 45)
    assert pq.ParquetFile(src).num_row_groups == 3
    rows, errors = workflows.classify_parquet_part(str(src), [0, 2], str(tmp_path / "p.parquet"))
    out = pq.read_table(tmp_path / "p.parquet")
    keep = np.r_[0:15, 30:45]
    assert (rows, errors) == (30, 5)
    assert out.column_names[:3] == ["id", "error", "geom"]
    assert out.column("id").to_pylist() == keep.tolist()
    assert out.column("geom").to_pylist() == [wkb[i] for i in keep]  # the bytes as they were
    assert json.loads(out.schema.metadata[b"geo"]) == meta
    frame = out.to_pandas()
    assert frame["error"].tolist() == ["own"] * 30
    bad = {i: ODD[i] for i in (3, 4, 5, 9)} | {7: "geometry: missing"}
    good = np.array([i not in bad for i in keep])
    assert frame["error_right"].tolist() == [bad.get(i, "") for i in keep]
    pts = gpd.GeoDataFrame(geometry=shapely.from_wkb([wkb[i] for i in keep[good]]), crs=4326)
    truth = geo.classify(pts.set_geometry(shapely.force_2d(pts.geometry.array)))
    for col in classification.COLUMNS:
        a, b = frame[col][good].to_numpy(), truth[col].to_numpy()
        if col.startswith("distance"):
            np.testing.assert_array_equal(a.astype(float), b.astype(float))  # bit for bit
            assert np.isnan(frame[col][~good].astype(float)).all()
        else:
            assert a.tolist() == b.tolist(), col


def test_large_file_split_into_row_group_tasks(tmp_path, monkeypatch):
    wkb, _, _ = mixed_wkb(45, seed=5)
    write_geoparquet(tmp_path / "a.parquet", wkb, crs=None)
    write_geoparquet(tmp_path / "b.parquet", wkb[:10], crs=None)
    monkeypatch.setattr(workflows, "DATASET_PART_ROWS", 30)
    files = [str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet")]
    assert workflows._dataset_parts(files) == [(files[0], [0, 1]), (files[0], [2]), (files[1], [0])]


def test_parquet_part_column_types_whatever_the_rows(tmp_path):
    write_geoparquet(tmp_path / "a.parquet", [None] * 5)  # no row can be read
    assert workflows.classify_parquet_part(
        str(tmp_path / "a.parquet"), [0], str(tmp_path / "p.parquet")
    ) == (5, 5)
    schema = pq.read_schema(tmp_path / "p.parquet")
    assert schema.field("distance_line_a_m").type == pa.float64()
    assert schema.field("in_area_of_separation").type == pa.bool_()
    assert {schema.field(c).type for c in ("country", "zone", "zones", "error")} == {pa.string()}
