"""Users' point files in and out: CSV, GeoJSON and GeoPackage.

Reading keeps every row, in order. A row whose coordinates cannot be read
(not a number, missing, out of range, empty or non-point geometry) is kept
with an ``error`` message instead of being dropped, so an output always lines
up with its input. Large CSV files are read in chunks, so memory stays bounded
whatever their size. Every file is written to a temporary name in the target's
folder and renamed into place: an output is either complete or untouched.

Rows are counted from 1, the header not included (row 1 is the file's second
line when no field spans several lines).

Examples
--------
>>> from geo.inputs import find_coordinate_columns
>>> find_coordinate_columns(["id", "Latitude", "Longitude"], file="points.csv")
('Latitude', 'Longitude')
>>> find_coordinate_columns(["name", "LAT", "lng"], file="points.csv")
('LAT', 'lng')
"""

from __future__ import annotations

import csv
import json
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._files import atomic_path
from geo.errors import InputError, LikelySwappedWarning, MissingCRSError
from geo.points import REGION_BBOX

__all__ = [
    "ERROR_COLUMN",
    "FORMATS",
    "LAT_NAMES",
    "LON_NAMES",
    "Format",
    "PointChunk",
    "Summary",
    "classify_file",
    "detect_format",
    "find_coordinate_columns",
    "iter_points",
    "read_points",
    "write_points",
]

Format = Literal["csv", "geojson", "gpkg"]

#: File name endings understood, and the format each one means.
FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
}

#: Latitude column names recognised (compared lower-case, without spaces,
#: dots, dashes or underscores), in order of preference.
LAT_NAMES: tuple[str, ...] = (
    "lat",
    "latitude",
    "latdd",
    "latdeg",
    "latwgs84",
    "latitudewgs84",
    "decimallatitude",
    "ycoord",
    "y",
)
#: Longitude column names recognised, in order of preference.
LON_NAMES: tuple[str, ...] = (
    "lon",
    "lng",
    "long",
    "longitude",
    "londd",
    "londeg",
    "lonwgs84",
    "longitudewgs84",
    "decimallongitude",
    "xcoord",
    "x",
)

#: Column holding the reason a row could not be read ("" when it could).
ERROR_COLUMN = "error"

#: Rows read at a time from a CSV or GeoPackage.
CHUNK_ROWS = 250_000

_NAME_CLEAN = re.compile(r"[\s._\-()\[\]°]+")


def _key(name: str) -> str:
    return _NAME_CLEAN.sub("", str(name)).lower()


def detect_format(path: str | os.PathLike[str]) -> Format:
    """The format of a file from its name: ``csv``, ``geojson`` or ``gpkg``.

    Raises
    ------
    InputError
        For an ending that is not one of :data:`FORMATS`.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"{path}: cannot tell the format from {suffix or 'no extension'!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return FORMATS[suffix]


def find_coordinate_columns(
    columns: Sequence[str],
    lat_col: str | None = None,
    lon_col: str | None = None,
    *,
    file: str | os.PathLike[str] = "input",
) -> tuple[str, str]:
    """The latitude and longitude columns, given or detected by common names.

    Parameters
    ----------
    columns : sequence of str
        The file's column names.
    lat_col, lon_col : str, optional
        Names given by the user; checked against ``columns``.
    file : path
        Named in error messages.

    Returns
    -------
    (lat, lon) : tuple of str

    Raises
    ------
    InputError
        When a given column is absent or none is found, listing the columns.
    """
    cols = [str(c) for c in columns]
    found = ", ".join(repr(c) for c in cols) or "none"

    def pick(given: str | None, names: tuple[str, ...], what: str, flag: str) -> str | None:
        if given is not None:
            if given not in cols:
                raise InputError(f"{file}: no column {given!r} ({flag}); the columns are: {found}")
            return given
        keyed: dict[str, str] = {}
        for c in cols:
            keyed.setdefault(_key(c), c)
        for n in names:
            if n in keyed:
                return keyed[n]
        return None

    lat = pick(lat_col, LAT_NAMES, "latitude", "--lat-col")
    lon = pick(lon_col, LON_NAMES, "longitude", "--lon-col")
    if lat is None or lon is None:
        missing = " and ".join(w for w, v in (("latitude", lat), ("longitude", lon)) if v is None)
        raise InputError(
            f"{file}: no {missing} column found; the columns are: {found}. "
            "Name them lat/lon (or latitude/longitude, y/x) or pass --lat-col/--lon-col"
        )
    if lat == lon:
        raise InputError(f"{file}: the same column {lat!r} is given for latitude and longitude")
    return lat, lon


@dataclass
class PointChunk:
    """A run of consecutive input rows with their coordinates checked."""

    #: The rows as read (every original column; CSV values as text).
    frame: pd.DataFrame
    #: Longitude, WGS84 degrees (NaN where the row has an error).
    lon: np.ndarray
    #: Latitude, WGS84 degrees (NaN where the row has an error).
    lat: np.ndarray
    #: Error message per row, "" where the row could be read.
    error: np.ndarray
    #: Row number (from 1) of the chunk's first row.
    first_row: int
    #: Fraction of the input read so far, 0–1 (for progress bars).
    progress: float = 0.0

    @property
    def ok(self) -> np.ndarray:
        """Rows that could be read."""
        return self.error == ""


# --------------------------------------------------------------------------
# checking coordinates
# --------------------------------------------------------------------------
def _check_values(
    lon_raw: pd.Series | None,
    lat_raw: pd.Series | None,
    lon: np.ndarray,
    lat: np.ndarray,
    lon_name: str,
    lat_name: str,
) -> np.ndarray:
    """Per-row error text for coordinates that are missing, not numbers or out of range."""
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
                texts = raw.to_numpy(dtype=object)[idx]
                m[idx] = [
                    f"{name}: missing"
                    if (t is None or (isinstance(t, float) and np.isnan(t)) or not str(t).strip())
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


def _parse_numbers(raw: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return np.array(raw.to_numpy(dtype=np.float64, na_value=np.nan), copy=True)
    text = raw.astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    return np.array(values.to_numpy(dtype=np.float64, na_value=np.nan), copy=True)


def _swapped(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = REGION_BBOX

    def inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    return ~inside(lon, lat) & inside(lat, lon)


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------
def _sniff_separator(head: str) -> str:
    first = head.splitlines()[0] if head else ""
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _open_text(path: Path) -> IO[str]:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _iter_csv(
    path: Path, lat_col: str | None, lon_col: str | None, chunk_rows: int
) -> Iterator[PointChunk]:
    size = max(path.stat().st_size, 1) if path.exists() else 1
    fh = _open_text(path)
    with fh:
        try:
            head = fh.read(65536)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from None
        fh.seek(0)
        if not head.strip():
            raise InputError(f"{path}: the file is empty")
        sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_separator(head)
        try:
            header = next(csv.reader([head.splitlines()[0]], delimiter=sep))
        except csv.Error as exc:  # pragma: no cover - csv is lenient
            raise InputError(f"{path}: cannot read the header line ({exc})") from None
        lat_name, lon_name = find_coordinate_columns(header, lat_col, lon_col, file=path)
        try:
            reader = pd.read_csv(
                fh,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                chunksize=chunk_rows,
            )
            first = 1
            for frame in reader:
                lat_raw, lon_raw = frame[lat_name], frame[lon_name]
                lat = _parse_numbers(lat_raw)
                lon = _parse_numbers(lon_raw)
                err = _check_values(lon_raw, lat_raw, lon, lat, lon_name, lat_name)
                bad = err != ""
                lon[bad] = np.nan
                lat[bad] = np.nan
                frame.index = pd.RangeIndex(first, first + len(frame))
                try:
                    pos = fh.tell()
                except OSError:  # pragma: no cover
                    pos = 0
                yield PointChunk(frame, lon, lat, err, first, min(1.0, pos / size))
                first += len(frame)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from None
        except pd.errors.ParserError as exc:
            raise InputError(f"{path}: malformed CSV ({exc})") from None
        except pd.errors.EmptyDataError:
            raise InputError(f"{path}: the file is empty") from None


def _geo_error(path: Path, exc: Exception) -> InputError:
    text = str(exc)
    if detect_format(path) == "geojson":
        try:
            json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as jexc:
            return InputError(
                f"{path}: malformed JSON at line {jexc.lineno}, column {jexc.colno}: {jexc.msg}"
            )
        except (OSError, UnicodeDecodeError):
            pass
    return InputError(f"{path}: cannot read as {detect_format(path)} ({text.splitlines()[0]})")


def _read_geo(path: Path, skip: int = 0, max_features: int | None = None) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        return pyogrio.read_dataframe(path, skip_features=skip, max_features=max_features)
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise _geo_error(path, exc) from None


def _geo_chunk(
    path: Path, gdf: gpd.GeoDataFrame, first: int, assume_lonlat: bool, progress: float
) -> PointChunk:
    n = len(gdf)
    geoms = np.asarray(gdf.geometry.array, dtype=object) if n else np.array([], dtype=object)
    err = np.full(n, "", dtype=object)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if n:
        missing = np.array([g is None for g in geoms], dtype=bool)
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
            series = gpd.GeoSeries(geoms[good], crs=gdf.crs)
            if series.crs is None:
                if not assume_lonlat:
                    raise MissingCRSError(
                        f"{path}: the layer has no CRS, so its coordinates cannot be known "
                        "to be lon/lat; give the file a CRS or pass --assume-lonlat"
                    )
            elif not series.crs.equals("EPSG:4326"):
                series = series.to_crs("EPSG:4326")
            x = shapely.get_x(np.asarray(series.array, dtype=object))
            y = shapely.get_y(np.asarray(series.array, dtype=object))
            sub = _check_values(None, None, x, y, "lon", "lat")
            err[np.flatnonzero(good)] = [
                s.replace("lat:", "geometry: latitude").replace("lon:", "geometry: longitude")
                if s
                else ""
                for s in sub
            ]
            ok = np.flatnonzero(good)[sub == ""]
            lon[ok] = x[sub == ""]
            lat[ok] = y[sub == ""]
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame.index = pd.RangeIndex(first, first + n)
    return PointChunk(frame, lon, lat, err, first, progress)


def _iter_geo(path: Path, assume_lonlat: bool, chunk_rows: int) -> Iterator[PointChunk]:
    import pyogrio

    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    if detect_format(path) == "geojson":
        gdf = _read_geo(path)
        yield _geo_chunk(path, gdf, 1, assume_lonlat, 1.0)
        return
    try:
        total = int(pyogrio.read_info(path)["features"])
    except Exception as exc:
        raise _geo_error(path, exc) from None
    if total <= 0:
        yield _geo_chunk(path, _read_geo(path), 1, assume_lonlat, 1.0)
        return
    for start in range(0, total, chunk_rows):
        gdf = _read_geo(path, skip=start, max_features=chunk_rows)
        done = min(total, start + chunk_rows)
        yield _geo_chunk(path, gdf, start + 1, assume_lonlat, done / total)


def iter_points(
    path: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[PointChunk]:
    """Read a point file chunk by chunk, every row kept, in order.

    Parameters
    ----------
    path : path-like
        A CSV (``,``/``;``/tab separated, UTF-8), GeoJSON or GeoPackage file.
    lat_col, lon_col : str, optional
        CSV columns holding latitude and longitude (WGS84 degrees); detected
        from common names (:data:`LAT_NAMES`, :data:`LON_NAMES`) by default.
    assume_lonlat : bool, default False
        Take a GeoPackage layer without a CRS as lon/lat.
    chunk_rows : int
        Rows per chunk.

    Yields
    ------
    PointChunk

    Raises
    ------
    InputError
        When the file as a whole cannot be used: missing, unreadable,
        malformed, without coordinate columns, or (MissingCRSError) without a
        CRS.

    Warns
    -----
    LikelySwappedWarning
        Once, after the last chunk, if rows look like latitude and longitude
        exchanged (see :func:`geo.points.as_lonlat`).
    """
    p = Path(path)
    fmt = detect_format(p)
    if fmt == "csv":
        chunks = _iter_csv(p, lat_col, lon_col, chunk_rows)
    else:
        if lat_col or lon_col:
            raise InputError(f"{p}: --lat-col/--lon-col apply to CSV files only")
        chunks = _iter_geo(p, assume_lonlat, chunk_rows)
    n_swapped = 0
    first_swapped = 0
    for chunk in chunks:
        sw = _swapped(chunk.lon, chunk.lat)
        if sw.any():
            if not n_swapped:
                first_swapped = chunk.first_row + int(np.flatnonzero(sw)[0])
            n_swapped += int(sw.sum())
        yield chunk
    if n_swapped:
        warnings.warn(
            f"{p}: {n_swapped} row(s), first row {first_swapped}, lie outside the region "
            f"{REGION_BBOX} but inside it with latitude and longitude exchanged; are the "
            "columns swapped? They were used as given.",
            LikelySwappedWarning,
            stacklevel=2,
        )


def read_points(
    path: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
) -> gpd.GeoDataFrame:
    """Read a whole point file into a GeoDataFrame (EPSG:4326).

    Every row is kept, in order, indexed by row number from 1; rows whose
    coordinates cannot be read have no geometry and a message in the
    ``error`` column. See :func:`iter_points` for the parameters.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    parts = []
    for chunk in iter_points(path, lat_col=lat_col, lon_col=lon_col, assume_lonlat=assume_lonlat):
        parts.append(_with_geometry(chunk.frame, chunk))
    if not parts:
        return gpd.GeoDataFrame({ERROR_COLUMN: []}, geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(parts), geometry="geometry", crs="EPSG:4326")


def _with_geometry(frame: pd.DataFrame, chunk: PointChunk) -> gpd.GeoDataFrame:
    out = frame.copy()
    out[ERROR_COLUMN] = chunk.error
    geom = shapely.points(chunk.lon, chunk.lat)
    geom[~chunk.ok] = None
    return gpd.GeoDataFrame(out, geometry=geom, crs="EPSG:4326")


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


class _Writer:
    """Write chunks of rows with point geometry to CSV, GeoJSON or GPKG."""

    def __init__(self, tmp: Path, fmt: Format, layer: str) -> None:
        self.tmp, self.fmt, self.layer = tmp, fmt, layer
        self.rows = 0
        self._fh: IO[str] | None = None

    def write(self, frame: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, ok: np.ndarray) -> None:
        if self.fmt == "csv":
            if self._fh is None:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="")
                frame.to_csv(self._fh, index=False, lineterminator="\n")
            else:
                frame.to_csv(self._fh, index=False, header=False, lineterminator="\n")
        elif self.fmt == "geojson":
            if self._fh is None:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="\n")
                self._fh.write('{"type":"FeatureCollection","features":[\n')
            records = frame.to_dict("records")
            lines = []
            for rec, x, y, good in zip(records, lon, lat, ok, strict=True):
                geom = (
                    {"type": "Point", "coordinates": [round(float(x), 7), round(float(y), 7)]}
                    if good
                    else None
                )
                props = {str(k): _plain(v) for k, v in rec.items()}
                feat = {"type": "Feature", "properties": props, "geometry": geom}
                lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
            if lines:
                self._fh.write(("" if self.rows == 0 else ",\n") + ",\n".join(lines))
        else:
            import pyogrio

            geom = shapely.points(lon, lat)
            geom[~ok] = None
            gdf = gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=geom, crs="EPSG:4326")
            for col in gdf.columns:
                if col == gdf.geometry.name:
                    continue
                values = gdf[col]
                if values.dtype == object:
                    kinds = {type(v) for v in values if v is not None}
                    if kinds and kinds <= {bool, np.bool_}:
                        gdf[col] = values.astype("boolean")
            try:
                pyogrio.write_dataframe(
                    gdf,
                    self.tmp,
                    layer=self.layer,
                    driver="GPKG",
                    append=self.rows > 0,
                    promote_to_multi=False,
                    geometry_type="Point",
                )
            except Exception as exc:
                raise InputError(f"cannot write GeoPackage: {exc}") from None
        self.rows += len(frame)

    def finish(self) -> None:
        """Complete the file (after the last chunk)."""
        if self.fmt == "geojson":
            if self._fh is None:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="\n")
                self._fh.write('{"type":"FeatureCollection","features":[\n')
            self._fh.write("\n]}\n")
        if self.fmt == "csv" and self._fh is None:
            self.tmp.write_text("", encoding="utf-8")
        if self.fmt == "gpkg" and self.rows == 0:
            raise InputError("nothing to write: the input has no rows")
        self.close()

    def close(self) -> None:
        """Close the file handle, if any (also after a failure)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def write_points(points: gpd.GeoDataFrame | pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a table of points to CSV, GeoJSON or GeoPackage, atomically.

    Parameters
    ----------
    points : GeoDataFrame or DataFrame
        A GeoDataFrame's point geometry is written as geometry (GeoJSON,
        GeoPackage) or as ``lon``/``lat`` columns (CSV); a plain DataFrame
        needs ``lon`` and ``lat`` columns for GeoJSON/GeoPackage.
    path : path-like
        The format follows the extension (:data:`FORMATS`).

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    fmt = detect_format(target)
    frame, lon, lat, ok = _split_geometry(points)
    with atomic_path(target) as tmp:
        writer = _Writer(tmp, fmt, target.stem)
        try:
            if fmt == "csv" and "lon" not in frame.columns and isinstance(points, gpd.GeoDataFrame):
                frame = frame.assign(lon=np.where(ok, lon, np.nan), lat=np.where(ok, lat, np.nan))
            writer.write(frame, lon, lat, ok)
            writer.finish()
        finally:
            writer.close()
    return target


def _split_geometry(
    points: gpd.GeoDataFrame | pd.DataFrame,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(points, gpd.GeoDataFrame):
        gs = points.geometry
        if gs.crs is not None and not gs.crs.equals("EPSG:4326"):
            gs = gs.to_crs("EPSG:4326")
        geoms = np.asarray(gs.array, dtype=object)
        ok = np.array(
            [g is not None and g.geom_type == "Point" and not g.is_empty for g in geoms],
            dtype=bool,
        )
        lon = np.full(len(geoms), np.nan)
        lat = np.full(len(geoms), np.nan)
        if ok.any():
            lon[ok] = shapely.get_x(geoms[ok])
            lat[ok] = shapely.get_y(geoms[ok])
        frame = pd.DataFrame(points.drop(columns=points.geometry.name))
    else:
        frame = pd.DataFrame(points)
        if "lon" not in frame.columns or "lat" not in frame.columns:
            lon = lat = np.full(len(frame), np.nan)
            ok = np.zeros(len(frame), dtype=bool)
        else:
            lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
            lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
            ok = np.isfinite(lon) & np.isfinite(lat)
    return frame, lon, lat, ok


# --------------------------------------------------------------------------
# read → classify → write
# --------------------------------------------------------------------------
@dataclass
class Summary:
    """What :func:`classify_file` did."""

    #: The file written.
    path: Path
    #: Rows read (and written).
    rows: int = 0
    #: Rows with an error message.
    errors: int = 0
    #: The first few error messages, with their row numbers.
    examples: list[str] = field(default_factory=list)


def classify_file(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[float, int], None] | None = None,
    strict: bool = False,
) -> Summary:
    """Classify every row of a point file and write the result, streaming.

    The output has every input column and row, in order, followed by the
    columns of :data:`geo.classify.COLUMNS` and ``error`` (empty where the row
    could be read). A CSV output of a GeoJSON/GeoPackage input gets ``lon``
    and ``lat`` columns; a GeoJSON/GeoPackage output of a CSV input gets point
    geometry. The output is written to a temporary file and renamed, so a
    failure leaves any existing ``dst`` untouched.

    Parameters
    ----------
    src, dst : path-like
        Input and output files; formats by extension (:data:`FORMATS`).
    lat_col, lon_col, assume_lonlat, chunk_rows
        See :func:`iter_points`.
    progress : callable, optional
        Called after each chunk with (fraction done, rows so far).
    strict : bool, default False
        Refuse the whole file, writing nothing, if any row cannot be read
        (by default such rows are written with the reason in ``error``).

    Returns
    -------
    Summary

    Raises
    ------
    InputError
        When the input as a whole is unusable, or no row at all can be read,
        or (``strict``) any row cannot be read.
    """
    from geo.classification import COLUMNS, classify_lonlat

    src_p, dst_p = Path(src), Path(dst)
    out_fmt = detect_format(dst_p)
    in_fmt = detect_format(src_p)
    if src_p.exists() and dst_p.exists() and src_p.resolve() == dst_p.resolve():
        raise InputError(f"{dst_p}: the output would overwrite the input; choose another name")
    summary = Summary(path=dst_p)
    with atomic_path(dst_p) as tmp:
        writer = _Writer(tmp, out_fmt, dst_p.stem)
        try:
            for chunk in iter_points(
                src_p,
                lat_col=lat_col,
                lon_col=lon_col,
                assume_lonlat=assume_lonlat,
                chunk_rows=chunk_rows,
            ):
                ok = chunk.ok
                n = len(chunk.frame)
                res = classify_lonlat(chunk.lon[ok], chunk.lat[ok])
                frame = chunk.frame
                if in_fmt != "csv" and out_fmt == "csv":
                    frame = frame.assign(lon=chunk.lon, lat=chunk.lat)
                frame = frame.drop(columns=[c for c in [*COLUMNS, ERROR_COLUMN] if c in frame])
                extra: dict[str, Any] = {}
                for col in COLUMNS:
                    values = res[col].to_numpy()
                    if col.startswith("distance"):
                        full: np.ndarray = np.full(n, np.nan)
                    elif col == "in_area_of_separation":
                        full = np.full(n, None, dtype=object)
                    else:
                        full = np.full(n, "", dtype=object)
                    full[ok] = np.round(values, 3) if col.startswith("distance") else values
                    extra[col] = full
                extra[ERROR_COLUMN] = chunk.error
                frame = pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)
                writer.write(frame, chunk.lon, chunk.lat, ok)
                summary.rows += n
                bad = np.flatnonzero(~ok)
                if strict and bad.size:
                    i = int(bad[0])
                    raise InputError(
                        f"{src_p}: row {chunk.first_row + i}: {chunk.error[i]} "
                        "(--strict: nothing written)"
                    )
                summary.errors += bad.size
                for i in bad[: max(0, 5 - len(summary.examples))]:
                    summary.examples.append(f"row {chunk.first_row + i}: {chunk.error[i]}")
                if progress is not None:
                    progress(chunk.progress, summary.rows)
            if summary.rows and summary.errors == summary.rows:
                raise InputError(
                    f"{src_p}: no row could be read ({summary.rows} rows; "
                    f"{summary.examples[0]}); nothing written"
                )
            writer.finish()
        finally:
            writer.close()
    return summary
