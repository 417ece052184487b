"""Classify points against the lines, the countries and the zones.

For each point: geodesic distance to Line A and to the Blue Line, the de facto
country whose polygon holds it, whether it lies in the UNDOF Area of
Separation, and the zones that hold it. Zone membership follows the zone's
definition directly (territory, and distance to the reference line within
the band), so it agrees with the zone geometry to the geometry's 1 m.

Examples
--------
>>> from geo.classification import classify
>>> t = classify(([35.825, 35.579], [33.126, 33.279]))  # Quneitra, Metula
>>> t["country"].tolist(), t["in_area_of_separation"].tolist()
(['Syria', 'Israel'], [True, False])
>>> t["zone"].tolist()
['granted_5km', 'limitation_israel_10_20']
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _files, geodesy, layers, timeline, zones
from geo._prepared import PointInPolygon
from geo.errors import InputError
from geo.points import added_column_names, as_lonlat

__all__ = [
    "COLUMNS",
    "ERROR_COLUMN",
    "classify",
    "classify_columns",
    "classify_lonlat",
    "classify_partition",
    "distance",
    "join_columns",
    "layers_digest",
    "nearest_points",
    "prepare",
    "spread_rows",
]

#: Columns :func:`classify` adds, in order.
COLUMNS = [
    "distance_line_a_m",
    "distance_blue_line_m",
    "country",
    "in_area_of_separation",
    "zone",
    "zones",
]

#: Column of the per-row error message in a Dask result ("" where the row was read).
ERROR_COLUMN = "error"

#: Points processed at a time; bounds memory for large inputs.
CHUNK = 250_000

_PRIMARY = {"golan_line_a": "distance_line_a_m", "blue_line": "distance_blue_line_m"}


def prepare(target: Any) -> geodesy.GeodesicTarget:
    """A prepared geodesic target from a layer name or anything geodesy takes.

    Parameters
    ----------
    target : str, shapely geometry, GeoSeries, GeoDataFrame or GeodesicTarget
        A layer name (see :func:`geo.layers.names`) is loaded, transformed
        to lon/lat and unioned; anything else goes to
        :func:`geo.geodesy.prepare` unchanged.

    Returns
    -------
    geo.geodesy.GeodesicTarget
        Cached: the same layer gives the same prepared target.

    Raises
    ------
    geo.errors.UnknownLayerError
        For a name that is not a layer.

    Examples
    --------
    >>> prepare("golan_line_a") is prepare("golan_line_a")
    True
    """
    if isinstance(target, str):
        return _prepare_layer(target)
    return geodesy.prepare(target)


@functools.lru_cache(maxsize=16)
def _prepare_layer(name: str) -> geodesy.GeodesicTarget:
    frame = layers.load(name)
    return geodesy.prepare(shapely.union_all(np.asarray(frame.geometry.to_crs(4326).array)))


def distance(points: Any, to: Any, *, assume_lonlat: bool = False) -> np.ndarray:
    """Geodesic distance in metres from each point to a layer, line or polygon.

    :func:`geo.geodesy.distance` with layer names resolved (see :func:`prepare`).

    Parameters
    ----------
    points : points
        Anything :func:`geo.points.as_lonlat` accepts.
    to : str or target
        A layer name, or anything :func:`geo.geodesy.prepare` accepts.
    assume_lonlat : bool, default False
        Read CRS-less GeoSeries points as lon/lat.

    Returns
    -------
    numpy.ndarray
        Metres on WGS84 (0 inside polygons), accurate to well under 1 cm.

    Examples
    --------
    >>> distance([(35.825, 33.126)], "golan_line_a").round(-1)  # Quneitra
    array([650.])
    """
    return geodesy.distance(points, prepare(to), assume_lonlat=assume_lonlat)


def nearest_points(points: Any, to: Any, *, assume_lonlat: bool = False) -> pd.DataFrame:
    """Distance to, and location of, the nearest point of a layer, line or polygon.

    :func:`geo.geodesy.nearest_points` with layer names resolved (see
    :func:`prepare`).

    Parameters
    ----------
    points : points
        Anything :func:`geo.points.as_lonlat` accepts.
    to : str or target
        A layer name, or anything :func:`geo.geodesy.prepare` accepts.
    assume_lonlat : bool, default False
        Read CRS-less GeoSeries points as lon/lat.

    Returns
    -------
    pandas.DataFrame
        Columns ``distance_m``, ``nearest_lon``, ``nearest_lat``.
    """
    return geodesy.nearest_points(points, prepare(to), assume_lonlat=assume_lonlat)


#: Kind (folder) of the prepared classification context in the project's cache.
_CACHE_KIND = "prepared"
#: Modules whose code shapes the prepared context: a change to any of them is a new key.
_CONTEXT_CODE = (
    "_prepared.py",
    "classification.py",
    "layers.py",
    "specs.py",
    "timeline.py",
    "zones.py",
    "geodesy/__init__.py",
    "geodesy/_kernel.py",
    "geodesy/buffer.py",
    "geodesy/distance.py",
    "geodesy/ellipsoid.py",
)


@functools.lru_cache(maxsize=1)
def _context(specs_digest: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """Prepared geometries and zone specs, built once per zone list (and date).

    Kept on disk in the project's cache (:func:`geo._files.cache_base`,
    ``prepared/``) under :func:`_context_key`, so a new process loads them in
    milliseconds instead of reading the layers and preparing the targets;
    an unreadable or stale entry is rebuilt.
    """
    import pickle

    key = _context_key(specs_digest, as_of)
    data = _files.read_cached(_CACHE_KIND, key)
    if data is not None:
        try:
            ctx = pickle.loads(data)
            if isinstance(ctx, dict) and ctx.get("key") == key:
                return ctx
        except Exception:  # a truncated or foreign file: rebuild it
            pass
    ctx = _build_context(as_of)
    ctx["key"] = key
    _files.write_cached(_CACHE_KIND, key, pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))
    return ctx


def _context_key(specs_digest: str, as_of: dt.date | None = None) -> str:
    """Hash of everything the prepared context is made from.

    The layers (:func:`geo.layers.state`: the folder and the bytes of every
    file in it, manifest included, so an edited file misses the cache and is
    checked again on loading), the zone list, the source of the modules that
    prepare it and the versions of the libraries whose objects it holds.
    """
    import hashlib
    import json
    from pathlib import Path

    folder, files_sha256 = layers.state()
    here = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for rel in _CONTEXT_CODE:
        code.update((here / rel).read_bytes())
    doc = {
        "layers_dir": folder,
        "layers": files_sha256,
        "specs": specs_digest,
        "as_of": None if as_of is None else as_of.isoformat(),
        "timeline": None if as_of is None else timeline.timeline_sha256(),
        "code": code.hexdigest(),
        "versions": [np.__version__, shapely.__version__, pd.__version__],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _build_context(as_of: dt.date | None = None) -> dict[str, Any]:
    """The prepared context from the layers and the zone list (see :func:`_context`)."""
    countries = layers.load("countries")
    polys = list(zip(countries["name"], countries.geometry, strict=True))
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    # innermost first: the nearest outer edge, then the narrowest band
    specs = sorted(zones.zone_specs(as_of), key=lambda s: (s.distance_km, -s.inner_km))
    refs = {s.reference for s in specs} | set(_PRIMARY)
    targets = {r: prepare(r) for r in sorted(refs)}
    for target in targets.values():
        target.index()  # the cell grid of large queries, kept with the context
    # how far any point of another reference line is from Line A: with it, a
    # point's distance to Line A bounds its distance to that line from below
    reach = {}
    for r in refs - {"golan_line_a"}:
        xy = np.vstack(
            [
                geodesy.densify_lonlat(np.asarray(part.coords)[:, :2], 500.0)
                for part in shapely.get_parts(layers.load(r).geometry.union_all())
            ]
        )
        reach[r] = float(np.max(targets["golan_line_a"].distance(xy[:, 0], xy[:, 1]))) + 100.0
    ctx = {
        # the point tests run in several threads at once (geo._prepared says why so)
        "countries": [(name, PointInPolygon(geom)) for name, geom in polys],
        "aos": PointInPolygon(aos),
        "specs": specs,
        "targets": targets,
        "reach": reach,
        "country_cells": _cell_codes([geom for _, geom in polys]),
        "aos_cells": _cell_codes([aos]),
    }
    return ctx


#: Cells of a polygon grid (:func:`_cell_codes`), about.
_POLYGON_CELLS = 50_000


def _cell_codes(geoms: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """A lon/lat grid over prepared polygons: per cell the one polygon holding it.

    Returns (west, south, step) and per cell ``k`` (1-based) where the cell
    (grown by 1e-9 degrees) lies in the interior of polygon ``k`` and meets
    no other, 0 where it meets none, -1 where its points must be tested.
    Every point of a cell of ``k`` is in ``k`` alone, so it needs no test.
    """
    for geom in geoms:  # (this process's copies, used in this thread only)
        shapely.prepare(geom)
    x0, y0, x1, y1 = shapely.total_bounds(np.array(geoms, dtype=object))
    step = max(float(np.sqrt((x1 - x0) * (y1 - y0) / _POLYGON_CELLS)), 1e-6)
    nx, ny = int(np.ceil((x1 - x0) / step)), int(np.ceil((y1 - y0) / step))
    west, south = np.meshgrid(x0 + np.arange(nx) * step, y0 + np.arange(ny) * step)
    eps = 1e-9
    boxes = shapely.box(west - eps, south - eps, west + step + eps, south + step + eps)
    met = np.zeros(boxes.shape, dtype=np.int64)
    code = np.zeros(boxes.shape, dtype=np.int8)
    for k, geom in enumerate(geoms, start=1):
        met += shapely.intersects(geom, boxes)
        code[shapely.contains_properly(geom, boxes)] = k
    code[(met > 1) | ((met == 1) & (code == 0))] = -1
    return np.array([x0, y0, step]), code


def _cell_code(
    cells: tuple[np.ndarray, np.ndarray], lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Each point's cell code (:func:`_cell_codes`); -1 off the grid."""
    (x0, y0, step), code = cells
    ix = np.floor((lon - x0) / step)
    iy = np.floor((lat - y0) / step)
    ok = (ix >= 0) & (iy >= 0) & (ix < code.shape[1]) & (iy < code.shape[0])
    out = np.full(lon.shape, -1, dtype=np.int8)
    out[ok] = code[iy[ok].astype(np.int64), ix[ok].astype(np.int64)]
    return out


def _inside(geom: PointInPolygon, lon: np.ndarray, lat: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Indices among ``sub`` of the points inside a polygon (bbox first)."""
    x0, y0, x1, y1 = geom.bounds
    sub = sub[(lon[sub] >= x0) & (lon[sub] <= x1) & (lat[sub] >= y0) & (lat[sub] <= y1)]
    return sub[geom.contains_xy(lon[sub], lat[sub])]


def _chunk(
    lon: np.ndarray, lat: np.ndarray, ctx: dict[str, Any], coded: bool = False
) -> dict[str, Any]:
    n = len(lon)
    targets = ctx["targets"]
    dist = {r: targets[r].distance(lon, lat) for r in _PRIMARY}
    # countries as small codes (0: none); each polygon tests only the points
    # in its bounding box that no earlier polygon holds
    names = np.array(["", *(name for name, _ in ctx["countries"])], dtype=object)
    # (only points in cells of the polygons' grid that meet an edge are tested)
    code = _cell_code(ctx["country_cells"], lon, lat)
    left = np.flatnonzero(code < 0)
    code[left] = 0
    for k, (_, geom) in enumerate(ctx["countries"], start=1):
        code[_inside(geom, lon, lat, left)] = k
        left = left[code[left] == 0]
    aos_code = _cell_code(ctx["aos_cells"], lon, lat)
    in_aos = aos_code == 1
    in_aos[_inside(ctx["aos"], lon, lat, np.flatnonzero(aos_code < 0))] = True
    # territory membership per (country, in AoS) combination, looked up by code
    combo_country = np.repeat(names, 2)
    combo_aos = np.tile([False, True], len(names))
    combo = code.astype(np.int64) * 2 + in_aos

    specs = ctx["specs"]
    none = len(specs)  # the code of "" in ``ids`` below: in no zone
    zone_code = np.full(n, none, dtype=np.int64)
    # one bit per zone (Python ints past 62 zones)
    bits = np.zeros(n, dtype=np.int64 if len(specs) < 63 else object)
    for j, item in enumerate(specs):
        mask = zones.in_territory(item.territory, combo_country, combo_aos)[combo]
        inner, outer = item.inner_km * 1000.0, item.distance_km * 1000.0
        if item.reference in dist:
            d = dist[item.reference]
        else:
            # only points that may be near enough need the exact distance
            d = np.full(n, np.inf)
            near = mask & (dist["golan_line_a"] - ctx["reach"][item.reference] <= outer)
            if near.any():
                d[near] = targets[item.reference].distance(lon[near], lat[near])
        member = mask & (d > inner) & (d <= outer) if inner > 0 else mask & (d <= outer)
        zone_code[member & (zone_code == none)] = j
        bits[member] |= 1 << j
    ids = np.array([item.id for item in specs] + [""], dtype=object)
    text, inverse = _joined(bits, [item.id for item in specs])
    return {
        "distance_line_a_m": dist["golan_line_a"],
        "distance_blue_line_m": dist["blue_line"],
        "country": _text(names, code, coded),
        "in_area_of_separation": in_aos,
        "zone": _text(ids, zone_code, coded),
        "zones": _text(text, inverse, coded),
    }


def _text(table: np.ndarray, codes: np.ndarray, coded: bool) -> Any:
    """A text column from its distinct values and each row's code: strings, or categorical."""
    if coded and len(set(table.tolist())) == len(table):
        return pd.Categorical.from_codes(codes, categories=pd.Index(table, dtype=object))
    return table[codes]


def _joined(bits: np.ndarray, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The ids whose bits are set, joined by ";": the distinct texts and each mask's code."""
    if len(ids) <= 12:  # a table of every mask is cheaper than finding the distinct ones
        text, inverse = _every_mask(tuple(ids)), bits
    else:
        masks, inverse = np.unique(bits, return_inverse=True)
        text = _mask_text(masks, ids)
    return text, np.asarray(inverse, dtype=np.int64).ravel()


def _mask_text(masks: Iterable[Any], ids: Sequence[str]) -> np.ndarray:
    return np.array(
        [";".join(i for j, i in enumerate(ids) if int(m) >> j & 1) for m in masks], dtype=object
    )


@functools.lru_cache(maxsize=8)
def _every_mask(ids: tuple[str, ...]) -> np.ndarray:
    """The text of every mask of up to 12 ids (4,096 entries), built once per zone list."""
    text = _mask_text(range(1 << len(ids)), ids)
    text.flags.writeable = False
    return text


def classify_columns(
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    as_of: str | dt.date | None = None,
    coded: bool = False,
) -> dict[str, Any]:
    """:func:`classify_lonlat` as plain arrays: one per column of :data:`COLUMNS`.

    What the file workflows write from; no frame is built (for a small chunk
    pandas' frame costs more than the classification). ``coded``: the text
    columns (``country``, ``zone``, ``zones``) as :class:`pandas.Categorical`,
    the few distinct texts and a code per row, instead of a string per row
    (what a file writer turns into text columns without a Python object per
    row).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    when = None if as_of is None else timeline.as_of_date(as_of)
    digest = zones.specs_sha256() if when is None else timeline.timeline_sha256()
    ctx = _context(digest, when)
    starts = range(0, len(lon), CHUNK)

    def work(start: int) -> dict[str, np.ndarray]:
        sl = slice(start, start + CHUNK)
        return _chunk(lon[sl], lat[sl], ctx, coded)

    # chunks in parallel: the kernel, shapely and numpy release the GIL (one chunk:
    # no threads to start, which costs more than a small file's classification)
    if len(starts) <= 1:
        parts = [work(start) for start in starts]
    else:
        with ThreadPoolExecutor(min(2, len(starts))) as pool:
            parts = list(pool.map(work, starts))
    return join_columns(parts)


def join_columns(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The :data:`COLUMNS` arrays of consecutive parts, joined (empty, typed, for none).

    Categorical columns (:func:`classify_columns` ``coded``) stay categorical.
    """
    if not parts:
        return {c: np.empty(0, dtype=_dtype(c)) for c in COLUMNS}
    if len(parts) == 1:
        return {c: parts[0][c] for c in COLUMNS}
    out: dict[str, Any] = {}
    for c in COLUMNS:
        values = [p[c] for p in parts]
        if isinstance(values[0], pd.Categorical):
            out[c] = pd.api.types.union_categoricals(values)
        else:
            out[c] = np.concatenate(values)
    return out


def classify_lonlat(
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    as_of: str | dt.date | None = None,
) -> pd.DataFrame:
    """Classify validated lon/lat arrays; the core of :func:`classify`.

    Parameters
    ----------
    lon, lat : array-like of float
        WGS84 degrees, already validated (see :func:`geo.points.as_lonlat`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per point, in order.
    """
    columns = classify_columns(lon, lat, as_of=as_of)
    # one frame from the joined arrays, typed as it is built (a frame per chunk
    # would infer text columns as str and convert them back)
    return pd.DataFrame(
        {c: pd.Series(columns[c], dtype=_dtype(c), copy=False) for c in COLUMNS},
        copy=False,
    )


def _dtype(column: str) -> str:
    if column.startswith("distance"):
        return "float64"
    return "bool" if column == "in_area_of_separation" else "object"


def spread_rows(
    table: pd.DataFrame | Mapping[str, Any],
    ok: np.ndarray,
    *,
    decimals: int | None = None,
    columns: Sequence[str] = COLUMNS,
) -> dict[str, np.ndarray]:
    """The ``columns`` (of :data:`COLUMNS`) of the rows ``ok`` of ``table``, blank on the others.

    ``table`` is a frame or the arrays of :func:`classify_columns`.
    Blank: NaN distances, None for ``in_area_of_separation``, "" for text.
    ``decimals`` rounds the distances (files get millimetres).
    """
    n = len(ok)
    out: dict[str, np.ndarray] = {}
    for col in columns:
        values = np.asarray(table[col])
        if col.startswith("distance"):
            full: np.ndarray = np.full(n, np.nan)
            if decimals is not None:
                values = np.round(values, decimals)
        elif col == "in_area_of_separation":
            full = np.full(n, None, dtype=object)
        else:
            full = np.full(n, "", dtype=object)
        full[ok] = values
        out[col] = full
    return out


def layers_digest() -> str:
    """The sha256 of the layers and zone list in use (their manifest hashes).

    A Dask worker checks it against the client's before classifying, so a
    cluster whose nodes hold other layers fails with a clear message instead
    of mixing results; its prepared geometries are cached under it.
    """
    import hashlib
    import json

    hashes = {name: layers.info(name).get("sha256", "") for name in layers.names()}
    hashes["zones.csv"] = zones.specs_sha256()
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def classify_partition(
    part: pd.DataFrame, digest: str | None = None, *, assume_lonlat: bool = False
) -> pd.DataFrame:
    """Classify one partition of a Dask frame: every row kept, bad rows described.

    A GeoDataFrame partition is read from its point geometry, a DataFrame
    from its latitude/longitude columns (common names, as in files). Rows
    that cannot be read get a message in :data:`ERROR_COLUMN` and blank
    columns, so one bad row never fails the computation. The prepared
    geometries are built once per worker process (cached under
    :func:`layers_digest`) and reused for every partition it runs.

    Raises
    ------
    geo.errors.LayerIntegrityError
        When ``digest`` is not this process's :func:`layers_digest`.
    """
    from geo.errors import LayerIntegrityError
    from geo.pointfiles import find_coordinate_columns
    from geo.points import point_rows, row_errors

    if digest is not None and digest != _digest_cached():
        raise LayerIntegrityError(
            "this Dask worker's layers differ from the client's (layers sha256 "
            f"{_digest_cached()[:12]}… ≠ {digest[:12]}…); install the same border-zones "
            "on every node"
        )
    if isinstance(part, gpd.GeoDataFrame):
        lon, lat, err, _ = point_rows(
            np.asarray(part.geometry.array, dtype=object),
            part.crs,
            assume_lonlat=assume_lonlat,
            no_crs="the points have no CRS; set one or pass assume_lonlat=True",
        )
    else:
        lat_name, lon_name = find_coordinate_columns(
            [str(c) for c in part.columns], file="partition"
        )
        lat = pd.to_numeric(part[lat_name], errors="coerce").to_numpy(dtype=float, copy=True)
        lon = pd.to_numeric(part[lon_name], errors="coerce").to_numpy(dtype=float, copy=True)
        err = row_errors(
            lon,
            lat,
            lon_name=lon_name,
            lat_name=lat_name,
            lon_raw=part[lon_name].to_numpy(dtype=object),
            lat_raw=part[lat_name].to_numpy(dtype=object),
        )
    ok = err == ""
    table = classify_columns(lon[ok], lat[ok])
    out = part.copy()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said once, on the client (see _classify_dask)
        names = added_column_names(list(out.columns), [*COLUMNS, ERROR_COLUMN])
    for col, values in spread_rows(table, ok).items():
        out[names[col]] = pd.Series(values, index=out.index, dtype=_dask_dtype(col))
    out[names[ERROR_COLUMN]] = pd.Series(err, index=out.index, dtype=_dask_dtype(ERROR_COLUMN))
    return out


def _dask_dtype(column: str) -> str:
    """Typed columns for Parquet: flags nullable (a bad row has none), text as strings."""
    if column.startswith("distance"):
        return "float64"
    return "boolean" if column == "in_area_of_separation" else "str"


@functools.lru_cache(maxsize=1)
def _digest_cached() -> str:
    return layers_digest()


def _is_dask(obj: Any) -> bool:
    return hasattr(obj, "__dask_graph__") and hasattr(obj, "map_partitions")


def _classify_dask(frame: Any, assume_lonlat: bool) -> Any:
    names = added_column_names(list(frame.columns), [*COLUMNS, ERROR_COLUMN], where="points")
    meta = frame._meta.copy()
    for col in [*COLUMNS, ERROR_COLUMN]:
        meta[names[col]] = pd.Series(dtype=_dask_dtype(col))
    return frame.map_partitions(
        classify_partition, _digest_cached(), assume_lonlat=assume_lonlat, meta=meta
    )


def classify(
    points: Any, *, assume_lonlat: bool = False, as_of: str | dt.date | None = None
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Classify points against Line A, the Blue Line, countries and zones.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries, shapely Points, (lon, lat) arrays or (N, 2) array
        Any CRS for geopandas input (a frame without a CRS needs
        ``assume_lonlat=True``); plain arrays are lon/lat degrees.
    assume_lonlat : bool, default False
        Treat geometries without a CRS as WGS84 lon/lat.
    as_of : date or ISO string, optional
        Classify against the timeline's zones in force on that date
        (:func:`geo.zones.zone_specs`) instead of the zone list.

    Returns
    -------
    GeoDataFrame or DataFrame
        A GeoDataFrame input comes back as a copy with the columns
        :data:`COLUMNS` added; the frame's own columns are never replaced:
        an added column whose name is taken gets the suffix ``_right``
        (:data:`geo.points.COLLISION_SUFFIX`), with a warning naming it.
        Anything else gives a DataFrame with ``lon``, ``lat`` and
        those columns. ``distance_*_m`` are geodesic metres on WGS84;
        ``country`` is the de facto polygon holding the point ("" if none);
        ``zone`` the innermost zone (smallest distance) holding it ("" if none);
        ``zones`` every zone holding it, joined by ";".

        A Dask frame (dask-geopandas GeoDataFrame, or dask DataFrame with
        latitude/longitude columns) comes back as one, lazily: each partition
        through :func:`classify_partition`, with an ``error`` column where a
        row cannot be read instead of an exception.

    Raises
    ------
    geo.errors.InputError
        For NaN, infinite or out-of-range coordinates, empty or non-point
        geometries, or a frame without a CRS (not for Dask frames: see above).
    """
    if _is_dask(points):
        if as_of is not None:
            raise InputError("as_of is not supported for Dask frames")
        return _classify_dask(points, assume_lonlat)
    lon, lat = as_lonlat(points, assume_lonlat=assume_lonlat)
    table = classify_lonlat(lon, lat, as_of=as_of)
    if isinstance(points, gpd.GeoDataFrame):
        out = points.copy()
        names = added_column_names(list(out.columns), COLUMNS, where="points")
        for col in COLUMNS:
            out[names[col]] = table[col].to_numpy()
        return out
    table.insert(0, "lat", lat)
    table.insert(0, "lon", lon)
    return table
