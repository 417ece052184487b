"""Coerce in-memory point inputs to validated longitude/latitude arrays.

Every geodesic function takes points through :func:`as_lonlat`, so a point
set is checked once, in one place, with messages that say what was wrong,
how many values were bad and where the first one is.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import InputError, LikelySwappedWarning, MissingCRSError

__all__ = [
    "COLLISION_SUFFIX",
    "REGION_BBOX",
    "added_column_names",
    "as_lonlat",
    "clip",
    "free_name",
    "likely_swapped",
    "point_rows",
    "row_errors",
]

#: ``(min_lon, min_lat, max_lon, max_lat)`` of the region of interest: Israel,
#: Palestine, Lebanon, Syria and Jordan (their coasts start east of 34.2°E).
#: Used only to warn about coordinates that look swapped: the frontier lies
#: near 33°N 35.8°E, where (lat, lon) read as (lon, lat) lands at sea off Cyprus.
REGION_BBOX: tuple[float, float, float, float] = (34.0, 29.0, 42.5, 37.5)


#: Appended to a column border-zones adds when the input already has a column
#: of that name, as :func:`geopandas.sjoin` appends ``_right`` to the joined
#: frame's colliding columns: the user's columns are never renamed or replaced.
COLLISION_SUFFIX = "_right"


#: Longest piece of a user's input echoed in a message.
ECHO_LIMIT = 200


def clip(text: object, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters for a message, saying how long it was.

    Examples
    --------
    >>> clip("Quneitra")
    'Quneitra'
    >>> clip("x" * 300, 5)
    'xxxxx… (300 characters)'
    """
    s = str(text)
    return s if len(s) <= limit else f"{s[:limit]}… ({len(s):,} characters)"


def free_name(name: str, taken: set[str]) -> str:
    """``name``, with :data:`COLLISION_SUFFIX` added until it is not in ``taken`` (lower case).

    Examples
    --------
    >>> free_name("zone", {"zone", "zone_right"})
    'zone_right_right'
    """
    while name.lower() in taken:
        name += COLLISION_SUFFIX
    return name


def added_column_names(
    existing: Sequence[Any], added: Sequence[str], *, where: str = "input"
) -> dict[str, str]:
    """Names for columns added beside ``existing`` ones, never replacing any.

    An added column whose name is taken (compared without case, as
    GeoPackage and most spreadsheets do) gets :data:`COLLISION_SUFFIX`,
    repeated until the name is free; one warning names every such column.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     added_column_names(["id", "Country"], ["country", "zone"])
    {'country': 'country_right', 'zone': 'zone'}
    """
    taken = {str(c).lower() for c in existing}
    out: dict[str, str] = {}
    moved = []
    for name in added:
        new = free_name(name, taken)
        taken.add(new.lower())
        out[name] = new
        if new != name:
            moved.append(f"{name!r} → {new!r}")
    if moved:
        warnings.warn(
            f"{where}: already has column(s) of the names border-zones adds; yours are kept "
            f"as they are and the added ones are renamed: {', '.join(moved)}",
            UserWarning,
            stacklevel=3,
        )
    return out


def _is_geo_frame(obj: Any) -> bool:
    # geopandas is imported lazily: plain-array callers never pay for it.
    try:
        import geopandas
    except ImportError:  # pragma: no cover - geopandas is a dependency
        return False
    return isinstance(obj, geopandas.GeoSeries | geopandas.GeoDataFrame)


def _refuse_non_geometries(geoms: np.ndarray, name: str) -> None:
    is_none = np.array([g is None for g in geoms], dtype=bool)
    if is_none.any():
        raise InputError(
            f"{name}: {int(is_none.sum())} value(s) are None (first at index "
            f"{int(np.flatnonzero(is_none)[0])}); every value must be a Point"
        )
    is_geom = np.array([isinstance(g, BaseGeometry) for g in geoms], dtype=bool)
    bad = np.flatnonzero(~is_geom)
    raise InputError(
        f"{name}: {bad.size} value(s) are not shapely geometries (first at index "
        f"{int(bad[0])}: {type(geoms[bad[0]]).__name__})"
    )


def _points_to_xy(geoms: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Check an object array of geometries are non-empty Points, return x, y."""
    if not bool(np.all(shapely.is_geometry(geoms))):  # vectorised; the loops only for messages
        _refuse_non_geometries(geoms, name)
    types = shapely.get_type_id(geoms)

    not_point = types != shapely.GeometryType.POINT
    if not_point.any():
        bad = np.flatnonzero(not_point)
        raise InputError(
            f"{name}: {bad.size} geometr(y/ies) are not Points (first at index "
            f"{int(bad[0])}: {geoms[bad[0]].geom_type}); pass points, not lines or polygons"
        )
    empty = shapely.is_empty(geoms)
    if empty.any():
        bad = np.flatnonzero(empty)
        raise InputError(
            f"{name}: {bad.size} empty Point(s) (first at index {int(bad[0])}); "
            "drop them or give them coordinates"
        )
    return shapely.get_x(geoms), shapely.get_y(geoms)


def _from_frame(points: Any, assume_lonlat: bool, name: str) -> tuple[np.ndarray, np.ndarray]:
    geoseries = points.geometry
    if geoseries.crs is None:
        if not assume_lonlat:
            raise MissingCRSError(
                f"{name} has no CRS, so its coordinates cannot be known to be lon/lat; "
                "set one (e.g. gdf.set_crs('EPSG:4326')) or pass assume_lonlat=True"
            )
        geoms = np.asarray(geoseries.array, dtype=object)
        return _points_to_xy(geoms, name)
    # Validate before transforming so the messages name the caller's rows.
    _points_to_xy(np.asarray(geoseries.array, dtype=object), name)
    if not geoseries.crs.equals("EPSG:4326"):
        geoseries = geoseries.to_crs("EPSG:4326")
    geoms = np.asarray(geoseries.array, dtype=object)
    return shapely.get_x(geoms), shapely.get_y(geoms)


def _from_plain(points: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    if points is None:
        raise InputError(f"{name} is None; pass points as (lon, lat), an (N, 2) array or Points")
    if isinstance(points, BaseGeometry):
        return _points_to_xy(np.array([points], dtype=object), name)
    if isinstance(points, np.ndarray) and points.dtype == object:
        return _points_to_xy(points.ravel(), name)
    if isinstance(points, Sequence) and not isinstance(points, str | bytes):
        if len(points) > 0 and all(g is None or isinstance(g, BaseGeometry) for g in points):
            if any(isinstance(g, BaseGeometry) for g in points):
                return _points_to_xy(np.array(list(points), dtype=object), name)
        if isinstance(points, tuple) and len(points) == 2:
            try:
                lon = np.asarray(points[0], dtype=np.float64)
                lat = np.asarray(points[1], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise InputError(f"{name}: (lon, lat) must be numbers: {exc}") from None
            if lon.ndim > 1 or lat.ndim > 1 or lon.shape != lat.shape:
                raise InputError(
                    f"{name}: (lon, lat) must be two scalars or two 1-D arrays of equal "
                    f"length, got shapes {lon.shape} and {lat.shape}"
                )
            return np.atleast_1d(lon), np.atleast_1d(lat)
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name}: cannot read points from {type(points).__name__} ({exc}); pass "
            "(lon, lat), an (N, 2) array of lon, lat, Points or a GeoSeries"
        ) from None
    if arr.shape == (2,):
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InputError(f"{name}: an array of points must have shape (N, 2), got {arr.shape}")
    return arr[:, 0].copy(), arr[:, 1].copy()


def _first_bad(mask: np.ndarray) -> str:
    bad = np.flatnonzero(mask)
    return f"{bad.size} value(s), first at index {int(bad[0])}"


def as_lonlat(
    points: Any, *, assume_lonlat: bool = False, name: str = "points"
) -> tuple[np.ndarray, np.ndarray]:
    """Return validated ``(lon, lat)`` float64 arrays in degrees (EPSG:4326).

    Parameters
    ----------
    points : GeoSeries, GeoDataFrame, Point, sequence of Points, tuple or array
        A GeoSeries/GeoDataFrame of Points in any CRS (transformed to
        EPSG:4326); a shapely Point or a sequence/array of Points (taken as
        lon/lat); a tuple ``(lon, lat)`` of two scalars or two equal-length
        1-D arrays; or an array-like of shape ``(N, 2)`` (or ``(2,)``) whose
        columns are lon, lat.
    assume_lonlat : bool, default False
        Treat a GeoSeries/GeoDataFrame without a CRS as lon/lat instead of
        raising :class:`~geo.errors.MissingCRSError`.
    name : str, default "points"
        What to call the input in error messages.

    Returns
    -------
    lon, lat : numpy.ndarray
        One-dimensional float64 arrays of equal length.

    Raises
    ------
    MissingCRSError
        For a GeoSeries/GeoDataFrame without a CRS, unless ``assume_lonlat``.
    InputError
        For None, empty or non-Point geometries, NaN or infinite coordinates,
        latitudes outside [-90, 90] or longitudes outside [-180, 180].

    Warns
    -----
    LikelySwappedWarning
        When points outside :data:`REGION_BBOX` would fall inside it with
        longitude and latitude exchanged. The points are not swapped.

    Examples
    --------
    >>> lon, lat = as_lonlat((35.5, 33.0))
    >>> lon, lat
    (array([35.5]), array([33.]))
    >>> as_lonlat([[35.5, 33.0], [35.6, 33.1]])[1]
    array([33. , 33.1])
    >>> as_lonlat((35.5, 95.0))
    Traceback (most recent call last):
    ...
    geo.errors.InputError: points: latitude outside [-90, 90] in 1 value(s), first at index 0
    """
    if _is_geo_frame(points):
        lon, lat = _from_frame(points, assume_lonlat, name)
    else:
        lon, lat = _from_plain(points, name)
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    if _all_in_region(lon, lat):
        return lon, lat  # finite, in range, none likely swapped: no mask is needed
    not_finite, bad_lat, bad_lon = _invalid(lon, lat)
    if not_finite.any():
        raise InputError(f"{name}: NaN or infinite coordinates in {_first_bad(not_finite)}")
    if bad_lat.any():
        raise InputError(f"{name}: latitude outside [-90, 90] in {_first_bad(bad_lat)}")
    if bad_lon.any():
        raise InputError(f"{name}: longitude outside [-180, 180] in {_first_bad(bad_lon)}")
    _warn_if_swapped(lon, lat, name)
    return lon, lat


def _all_in_region(lon: np.ndarray, lat: np.ndarray) -> bool:
    """Whether every point lies in :data:`REGION_BBOX`, from four reductions.

    Such points are finite and in range, and none is :func:`likely_swapped`
    (that needs a point outside the box); a NaN makes every comparison false.
    """
    if lon.size == 0:
        return False
    x0, y0, x1, y1 = REGION_BBOX
    return bool(x0 <= lon.min() and lon.max() <= x1 and y0 <= lat.min() and lat.max() <= y1)


def _invalid(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of the points that are not finite, with latitude or longitude out of range.

    The one definition of a valid point: :func:`as_lonlat` raises on these,
    :func:`row_errors` describes them row by row.
    """
    not_finite = ~(np.isfinite(lon) & np.isfinite(lat))
    with np.errstate(invalid="ignore"):
        bad_lat = np.isfinite(lat) & (np.abs(lat) > 90.0)
        bad_lon = np.isfinite(lon) & (np.abs(lon) > 180.0)
    return not_finite, bad_lat, bad_lon


def _is_missing(text: object) -> bool:
    return text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip()


def _texts(raw: Any, idx: np.ndarray) -> list[Any]:
    """The values of ``raw`` at positions ``idx``."""
    if isinstance(raw, np.ndarray):
        return list(raw[idx])
    picked = raw.take(idx)
    return list(picked.to_pylist()) if hasattr(picked, "to_pylist") else list(picked)


def row_errors(
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    lon_name: str = "lon",
    lat_name: str = "lat",
    lon_raw: Any = None,
    lat_raw: Any = None,
) -> np.ndarray:
    """Per-row messages for points that are missing, not numbers or out of range.

    The row-by-row form of :func:`as_lonlat`'s checks, for files whose bad
    rows are kept and described rather than refused.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Parsed coordinates (NaN where the text was not a number).
    lon_name, lat_name : str
        Named in the messages (the file's column names).
    lon_raw, lat_raw : array-like, optional
        The text as read (a NumPy array, or anything with ``take``: a pandas
        Series, an Arrow array), quoted in the message for a value that is not
        a number.

    Returns
    -------
    numpy.ndarray
        Object array of messages, ``""`` where the point is valid.

    Examples
    --------
    >>> row_errors(np.array([35.8, 200.0]), np.array([33.1, np.nan])).tolist()
    ['', 'lat: not a finite number; lon: 200 outside [-180, 180]']
    """
    n = len(lon)
    msgs: list[np.ndarray] = []
    for name, raw, val, lim in (
        (lat_name, lat_raw, lat, 90.0),
        (lon_name, lon_raw, lon, 180.0),
    ):
        m = np.full(n, "", dtype=object)
        bad = ~np.isfinite(val)
        if bad.any():
            idx = np.flatnonzero(bad)
            if raw is None:
                m[idx] = f"{name}: not a finite number"
            else:
                texts = _texts(raw, idx)
                m[idx] = [
                    f"{name}: missing"
                    if _is_missing(t)
                    else f"{name}: {str(t)[:40]!r} is not a finite number"
                    for t in texts
                ]
        out = np.abs(np.where(bad, 0.0, val)) > lim
        if out.any():
            idx = np.flatnonzero(out)
            m[idx] = [f"{name}: {v:g} outside [-{lim:g}, {lim:g}]" for v in val[idx]]
        msgs.append(m)
    a, b = msgs
    both = (a != "") & (b != "")
    error = np.where(a != "", a, b)
    if both.any():
        error[both] = a[both] + "; " + b[both]
    return error.astype(object)


def point_rows(
    geoms: np.ndarray,
    crs: Any,
    *,
    assume_lonlat: bool = False,
    no_crs: str = "points have no CRS; set one or pass assume_lonlat=True",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Per-row lon/lat of point geometries, with a message for each that is not one.

    The row-by-row form of :func:`as_lonlat` for geometries: a missing,
    empty or non-point geometry, or one whose coordinates are out of range,
    gets a message (``geometry: ...``) and NaN coordinates instead of
    refusing the whole set.

    Parameters
    ----------
    geoms : numpy.ndarray
        Object array of shapely geometries or None.
    crs : pyproj.CRS or None
        Their CRS; transformed to EPSG:4326.
    assume_lonlat : bool, default False
        Take geometries without a CRS as lon/lat.
    no_crs : str
        The message of the :class:`~geo.errors.MissingCRSError` raised for
        geometries without a CRS (unless ``assume_lonlat``).

    Returns
    -------
    lon, lat : numpy.ndarray
        WGS84 degrees, NaN where the row has an error.
    error : numpy.ndarray
        Object array of messages, ``""`` where the row is a valid point.
    z : numpy.ndarray or None
        Heights where any geometry has a Z (NaN elsewhere), else None.
    """
    import geopandas as gpd

    n = len(geoms)
    err = np.full(n, "", dtype=object)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    z: np.ndarray | None = None
    if not n:
        return lon, lat, err, z
    missing = ~np.asarray(shapely.is_geometry(geoms), dtype=bool)  # None (or not a geometry)
    err[missing] = "geometry: missing"
    present = ~missing
    types = np.full(n, -1)
    types[present] = shapely.get_type_id(geoms[present])
    empty = np.zeros(n, dtype=bool)
    empty[present] = shapely.is_empty(geoms[present])
    not_point = present & (types != shapely.GeometryType.POINT)
    err[not_point] = [f"geometry: a {g.geom_type}, not a Point" for g in geoms[not_point]]
    empty_point = present & ~not_point & empty
    err[empty_point] = "geometry: empty Point"
    good = err == ""
    if good.any():
        series = gpd.GeoSeries(geoms[good], crs=crs)
        if series.crs is None:
            if not assume_lonlat:
                raise MissingCRSError(no_crs)
        elif not series.crs.equals("EPSG:4326"):
            series = series.to_crs("EPSG:4326")
        garr = np.asarray(series.array, dtype=object)
        x = shapely.get_x(garr)
        y = shapely.get_y(garr)
        has_z = shapely.has_z(garr)
        if has_z.any():
            z = np.full(n, np.nan)
            z[np.flatnonzero(good)[has_z]] = shapely.get_coordinates(garr[has_z], include_z=True)[
                :, 2
            ]
        sub = row_errors(x, y)
        err[np.flatnonzero(good)] = [
            t.replace("lat:", "geometry: latitude").replace("lon:", "geometry: longitude")
            if t
            else ""
            for t in sub
        ]
        ok = np.flatnonzero(good)[sub == ""]
        lon[ok] = x[sub == ""]
        lat[ok] = y[sub == ""]
    if z is not None:
        z[err != ""] = np.nan
    return lon, lat, err, z


def likely_swapped(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points outside :data:`REGION_BBOX` that fall inside it with lon and lat exchanged.

    Examples
    --------
    >>> likely_swapped(np.array([33.1, 35.8]), np.array([35.8, 33.1])).tolist()
    [True, False]
    """
    return ~_inside(lon, lat) & _inside(lat, lon)


def _inside(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = REGION_BBOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _warn_if_swapped(lon: np.ndarray, lat: np.ndarray, name: str) -> None:
    swapped = likely_swapped(lon, lat)
    if swapped.any():
        warnings.warn(
            f"{name}: {_first_bad(swapped)} lie outside the region {REGION_BBOX} but inside "
            "it with longitude and latitude exchanged; did you pass (lat, lon)? "
            "Coordinates are taken as (lon, lat) and were not changed.",
            LikelySwappedWarning,
            stacklevel=3,
        )
