"""Users' point files in and out: CSV, GeoJSON, GeoPackage and (Geo)Parquet, in chunks.

This module reads and writes; it never classifies (that is
:func:`geo.workflows.classify_file`, which streams a file through here).

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
>>> from geo.pointfiles import find_coordinate_columns
>>> find_coordinate_columns(["id", "Latitude", "Longitude"], file="points.csv")
('Latitude', 'Longitude')
>>> find_coordinate_columns(["name", "LAT", "lng"], file="points.csv")
('LAT', 'lng')
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import re
import warnings
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely

from geo._files import atomic_path, gdal_date, source_date
from geo.errors import InputError, LikelySwappedWarning, MissingCRSError
from geo.points import (
    REGION_BBOX,
    added_column_names,
    clip,
    free_name,
    likely_swapped,
    point_rows,
    row_errors,
)

__all__ = [
    "ARROW_POOL",
    "CHUNK_ROWS",
    "ERROR_COLUMN",
    "FORMATS",
    "LAT_NAMES",
    "LON_NAMES",
    "Format",
    "PointChunk",
    "PointWriter",
    "csv_columns",
    "detect_format",
    "file_memory_pool",
    "find_coordinate_columns",
    "flag_column",
    "geo_metadata",
    "geometry_rows",
    "geoparquet_column",
    "iter_parquet",
    "iter_points",
    "read_points",
    "text_column",
    "with_columns",
    "write_points",
]

Format = Literal["csv", "geojson", "gpkg", "parquet"]

#: File name endings understood, and the format each one means.
FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
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
CHUNK_ROWS = 50_000

csv.field_size_limit(2**31 - 1)  # a long text field is data, not an error

_NAME_CLEAN = re.compile(r"[\s._\-()\[\]°]+")


def _key(name: str) -> str:
    return _NAME_CLEAN.sub("", str(name)).lower()


def detect_format(path: str | os.PathLike[str]) -> Format:
    """The format of a file from its name: ``csv``, ``geojson``, ``gpkg`` or ``parquet``.

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
    found = clip(", ".join(repr(c) for c in cols) or "none")

    def pick(given: str | None, names: tuple[str, ...], what: str, flag: str) -> str | None:
        if given is not None:
            if given not in cols:
                raise InputError(
                    f"{file}: no column {clip(given, 60)!r} ({flag}); the columns are: {found}"
                )
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


class PointChunk:
    """A run of consecutive input rows with their coordinates checked.

    The rows are kept as read: a CSV's as an Arrow table of text (converted
    to a DataFrame only when :attr:`frame` is asked for), other formats' as a
    DataFrame.
    """

    def __init__(
        self,
        rows: pd.DataFrame | pa.Table,
        lon: np.ndarray,
        lat: np.ndarray,
        error: np.ndarray,
        first_row: int,
        progress: float = 0.0,
        z: np.ndarray | None = None,
        *,
        from_geometry: bool = False,
    ) -> None:
        self._rows = rows
        #: Longitude, WGS84 degrees (NaN where the row has an error).
        self.lon = lon
        #: Latitude, WGS84 degrees (NaN where the row has an error).
        self.lat = lat
        #: Error message per row, "" where the row could be read.
        self.error = error
        #: Row number (from 1) of the chunk's first row.
        self.first_row = first_row
        #: Fraction of the input read so far, 0–1 (for progress bars).
        self.progress = progress
        #: Height (the geometry's Z) where the input has one, else NaN; None
        #: for inputs without Z.
        self.z = z
        #: Whether the coordinates came from a geometry column (not from
        #: latitude/longitude columns among the rows).
        self.from_geometry = from_geometry

    def __len__(self) -> int:
        return len(self.lon)

    @property
    def columns(self) -> list[str]:
        """The input's column names, in order."""
        rows = self._rows
        return list(rows.column_names) if isinstance(rows, pa.Table) else list(rows.columns)

    @property
    def table(self) -> pa.Table | None:
        """The rows as an Arrow table of text (CSV input), else None."""
        return self._rows if isinstance(self._rows, pa.Table) else None

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as read (every original column; CSV values as text), indexed by row number."""
        if isinstance(self._rows, pa.Table):
            frame = self._rows.to_pandas()
            frame.index = pd.RangeIndex(self.first_row, self.first_row + len(frame))
            self._rows = frame
        return self._rows

    @property
    def ok(self) -> np.ndarray:
        """Rows that could be read."""
        return self.error == ""


def with_columns(
    chunk: PointChunk, extra: dict[str, np.ndarray | pa.Array]
) -> pd.DataFrame | pa.Table:
    """The chunk's rows followed by the ``extra`` columns, ready for :class:`PointWriter`.

    An Arrow table for CSV and Parquet input (no conversion of the rows;
    Arrow arrays among ``extra`` are appended as they are), else a DataFrame.
    """
    table = chunk.table
    if table is None:
        frame = chunk.frame
        return pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)
    for name, values in extra.items():
        arrow = values if isinstance(values, pa.Array) else _arrow_values(values)
        table = table.append_column(name, arrow)
    return table


def flag_column(values: np.ndarray, ok: np.ndarray) -> pa.Array:
    """Flags of the rows ``ok`` as an Arrow boolean column, null on the other rows.

    What :func:`with_columns` would make of the same flags as Python objects
    (True, False, None), without them (6-8 ms a 100,000 rows as objects, 0.17 ms so).
    """
    full = np.zeros(len(ok), dtype=bool)
    full[ok] = values
    return pa.array(full, mask=~ok)


def text_column(codes: np.ndarray, texts: Sequence[str], ok: np.ndarray) -> pa.Array:
    """Text of the rows ``ok`` from their codes into ``texts``; "" on the other rows.

    An Arrow string column built from the few distinct texts (a classified
    column's zone or country names), without a Python string per row.
    """
    table = pa.array([*texts, ""], type=pa.string())
    full = np.full(len(ok), len(table) - 1, dtype=np.int64)
    full[ok] = codes
    return table.take(pa.array(full))


def _arrow_values(values: np.ndarray) -> pa.Array:
    """A NumPy column as Arrow: text directly, flag columns (object) by their distinct values."""
    if values.dtype != object:
        return pa.array(values)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return pa.array(values, type=pa.string())  # text and None: straight to Arrow
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    kinds = {type(u) for u in uniques if u is not None}
    if kinds <= {str}:
        distinct = pa.array(list(uniques), type=pa.string())
    elif kinds <= {bool, np.bool_}:
        distinct = pa.array([None if u is None else bool(u) for u in uniques], type=pa.bool_())
    else:
        return pa.array(list(values))
    return distinct.take(pa.array(codes))


# --------------------------------------------------------------------------
# checking coordinates (the rules are geo.points'; here they come per row)
# --------------------------------------------------------------------------
def _parse_numbers(raw: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return np.array(raw.to_numpy(dtype=np.float64, na_value=np.nan), copy=True)
    text = raw.astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    return np.array(values.to_numpy(dtype=np.float64, na_value=np.nan), copy=True)


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------
def _sniff_separator(header: str) -> str:
    bare = re.sub(r'"[^"]*"', "", header)  # separators inside quoted names do not count
    counts = {sep: bare.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _open_text(path: Path) -> IO[str]:
    try:
        with open(path, "rb") as raw:
            start = raw.read(4)
        utf16 = start[:2] in (b"\xff\xfe", b"\xfe\xff")
        return open(path, encoding="utf-16" if utf16 else "utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


#: Longest header record read (a quote left open would otherwise read the file).
HEADER_MAX_CHARS = 16 * 1024 * 1024


def _read_header(fh: IO[str], path: Path) -> str:
    """The header record as text: any length, quoted line breaks included."""
    parts: list[str] = []
    quotes = 0
    size = 0
    while True:
        line = fh.readline()
        if not line:
            break
        if not parts and not line.strip():
            continue  # blank lines before the header
        parts.append(line)
        quotes += line.count('"')
        size += len(line)
        if quotes % 2 == 0:
            break
        if size > HEADER_MAX_CHARS:
            raise InputError(
                f"{path}: the header is longer than {HEADER_MAX_CHARS:,} characters "
                "(a quote left open?)"
            )
    return "".join(parts)


def _unique_names(header: list[str], path: Path) -> list[str]:
    """Column names made unique as pandas does (``lat``, ``lat.1``), with a warning."""
    seen: set[str] = set()
    out = []
    renamed = []
    for name in header:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        seen.add(new)
        out.append(new)
        if new != name:
            renamed.append(f"{clip(name, 40)!r} → {clip(new, 40)!r}")
    if renamed:
        warnings.warn(
            f"{path}: the header repeats column names; the first of each is used and the "
            f"repeats are renamed: {', '.join(renamed)}",
            UserWarning,
            stacklevel=3,
        )
    return out


class _Ragged(Exception):
    """A row with too many fields for pandas' fast reader."""


def _csv_chunk(
    frame: pd.DataFrame,
    long_rows: np.ndarray,
    n_header: int,
    field_counts: np.ndarray | None,
    lat_name: str,
    lon_name: str,
    first: int,
    progress: float,
) -> PointChunk:
    lat_raw, lon_raw = frame[lat_name], frame[lon_name]
    lat = _parse_numbers(lat_raw)
    lon = _parse_numbers(lon_raw)
    err = row_errors(
        lon,
        lat,
        lon_name=lon_name,
        lat_name=lat_name,
        lon_raw=lon_raw,
        lat_raw=lat_raw,
    )
    if long_rows.any():
        idx = np.flatnonzero(long_rows)
        counts = field_counts[idx] if field_counts is not None else np.full(idx.size, n_header + 1)
        err[idx] = [f"{int(c)} fields, the header has {n_header}" for c in counts]
    bad = err != ""
    lon[bad] = np.nan
    lat[bad] = np.nan
    frame.index = pd.RangeIndex(first, first + len(frame))
    return PointChunk(frame, lon, lat, err, first, progress)


def _arrow_pool() -> pa.MemoryPool:
    """Arrow's jemalloc pool where the build has it, else the default pool.

    jemalloc hands freed blocks back sooner than Arrow's default mimalloc:
    about 50 MB less peak memory when streaming a large CSV.
    """
    try:
        return pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowException):
        return pa.default_memory_pool()


#: The pool of the CSV reader's and writer's Arrow buffers.
ARROW_POOL = _arrow_pool()


@contextlib.contextmanager
def file_memory_pool() -> Iterator[None]:
    """Make :data:`ARROW_POOL` Arrow's default pool for a while (a file's streaming).

    Arrow buffers keep the pool they came from, so those allocated meanwhile
    are freed to it after the default is restored.
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(ARROW_POOL)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


#: Bytes of CSV Arrow parses at a time (a row longer than this goes to the slower readers).
ARROW_BLOCK_BYTES = 4 << 20

#: A number as text: what counts as one in a coordinate column.
_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"


def _arrow_numbers(column: pa.ChunkedArray) -> np.ndarray:
    """Text to float64; NaN where it is not a number (as :func:`_parse_numbers`)."""
    try:
        values = pc.cast(column, pa.float64())
    except pa.ArrowInvalid:
        valid = pc.match_substring_regex(column, _NUMBER)
        text = pc.if_else(valid, pc.utf8_trim_whitespace(column), pa.scalar(None, pa.string()))
        values = pc.cast(text, pa.float64())
    return np.array(values.to_numpy(zero_copy_only=False), dtype=np.float64, copy=True)


def _arrow_chunk(
    table: pa.Table, lat_name: str, lon_name: str, first: int, progress: float
) -> PointChunk:
    lat_raw, lon_raw = table.column(lat_name), table.column(lon_name)
    lat = _arrow_numbers(lat_raw)
    lon = _arrow_numbers(lon_raw)
    err = row_errors(
        lon, lat, lon_name=lon_name, lat_name=lat_name, lon_raw=lon_raw, lat_raw=lat_raw
    )
    bad = err != ""
    lon[bad] = np.nan
    lat[bad] = np.nan
    return PointChunk(table.combine_chunks(), lon, lat, err, first, progress)


def _iter_csv_arrow(
    path: Path,
    offset: int,
    sep: str,
    names: list[str],
    lat_name: str,
    lon_name: str,
    chunk_rows: int,
    size: int,
) -> Generator[PointChunk, None, int | None]:
    """Arrow's streaming CSV reader: rows of text, exactly ``chunk_rows`` at a time.

    Returns None when the file is read, else the row number from which the
    rows are still to be read: Arrow stops at the first row that is not
    plain (more or fewer fields than the header, text that is not UTF-8, a
    field longer than a block), and slower readers that describe such rows
    take over from there.
    """
    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    fh = open(path, "rb")
    try:
        fh.seek(offset)
        try:
            reader = pacsv.open_csv(
                fh,
                read_options=pacsv.ReadOptions(
                    column_names=names, block_size=ARROW_BLOCK_BYTES, use_threads=False
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=sep, newlines_in_values=True, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
                memory_pool=ARROW_POOL,
            )
        except (pa.ArrowException, OSError):
            return 1
        first = 1
        pending: list[pa.RecordBatch] = []
        held = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                if ragged:
                    return first
                break
            except (pa.ArrowException, OSError):
                return first
            if ragged:
                return first
            pending.append(batch)
            held += batch.num_rows
            while held >= chunk_rows:
                table = pa.Table.from_batches(pending)
                progress = min(1.0, fh.tell() / size)
                yield _arrow_chunk(table.slice(0, chunk_rows), lat_name, lon_name, first, progress)
                first += chunk_rows
                rest = table.slice(chunk_rows)
                pending, held = rest.to_batches(), rest.num_rows
        if held:
            table = pa.Table.from_batches(pending)
            yield _arrow_chunk(table, lat_name, lon_name, first, 1.0)
        return None
    finally:
        fh.close()


def _iter_csv(
    path: Path, lat_col: str | None, lon_col: str | None, chunk_rows: int
) -> Iterator[PointChunk]:
    size = max(path.stat().st_size, 1) if path.exists() else 1
    fh = _open_text(path)
    with fh:
        try:
            header_text = _read_header(fh, path)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from None
        if not header_text.strip():
            raise InputError(f"{path}: the file is empty")
        sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_separator(header_text)
        header = next(csv.reader(io.StringIO(header_text), delimiter=sep), [])
        names = _unique_names(header, path)
        lat_name, lon_name = find_coordinate_columns(names, lat_col, lon_col, file=path)
        width = len(names)
        pad = "\x00extra"
        while pad in names:
            pad += "\x00"
        first = 1
        if getattr(fh, "encoding", "") != "utf-16":
            stopped = yield from _iter_csv_arrow(
                path, fh.tell(), sep, names, lat_name, lon_name, chunk_rows, size
            )
            if stopped is None:
                return
            if stopped > 1:  # a ragged or odd row: Python's reader from there on
                yield from _iter_csv_rows(
                    path, sep, names, lat_name, lon_name, chunk_rows, stopped, size
                )
                return
        try:
            # one spare column: a row with one field too many lands in it (a
            # single empty one is tolerated); more fields stop the fast reader
            reader = pd.read_csv(
                fh,
                sep=sep,
                header=None,
                names=[*names, pad],
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                chunksize=chunk_rows,
            )
            while True:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", pd.errors.ParserWarning)
                    frame = next(reader, None)
                if frame is None:
                    return
                if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                    break  # pandas would drop the extra fields of a long first row
                extra = frame.pop(pad).to_numpy(dtype=object)
                try:
                    pos = fh.tell()
                except OSError:  # pragma: no cover
                    pos = 0
                chunk = _csv_chunk(
                    frame, extra != "", width, None, lat_name, lon_name, first, min(1.0, pos / size)
                )
                yield chunk
                first += len(frame)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from None
        except pd.errors.ParserError as exc:
            if "fields in line" not in str(exc):
                raise InputError(f"{path}: malformed CSV ({clip(exc)})") from None
        except pd.errors.EmptyDataError:
            return
    # a row with two or more fields too many: read on from where the fast reader stopped
    yield from _iter_csv_rows(path, sep, names, lat_name, lon_name, chunk_rows, first, size)


def _iter_csv_rows(
    path: Path,
    sep: str,
    names: list[str],
    lat_name: str,
    lon_name: str,
    chunk_rows: int,
    first: int,
    size: int,
) -> Iterator[PointChunk]:
    """Python's csv reader from row ``first`` on: every row's field count is known."""
    width = len(names)
    with _open_text(path) as fh:
        _read_header(fh, path)
        rows: list[list[str]] = []
        counts: list[int] = []
        number = 0
        try:
            for rec in csv.reader(fh, delimiter=sep):
                if not rec:
                    continue  # blank line, as pandas skips it
                number += 1
                if number < first:
                    continue
                n = len(rec)
                if n > width:
                    if not (n == width + 1 and rec[-1] == ""):
                        counts.append(n)
                    else:
                        counts.append(0)
                    rec = rec[:width]
                else:
                    counts.append(0)
                    if n < width:
                        rec = rec + [""] * (width - n)
                rows.append(rec)
                if len(rows) == chunk_rows:
                    yield _rows_chunk(rows, counts, names, lat_name, lon_name, first, 0.99)
                    first += len(rows)
                    rows, counts = [], []
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from None
        except csv.Error as exc:
            raise InputError(f"{path}: malformed CSV at row {number} ({exc})") from None
        if rows:
            yield _rows_chunk(rows, counts, names, lat_name, lon_name, first, 1.0)


def _rows_chunk(
    rows: list[list[str]],
    counts: list[int],
    names: list[str],
    lat_name: str,
    lon_name: str,
    first: int,
    progress: float,
) -> PointChunk:
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    c = np.asarray(counts)
    return _csv_chunk(frame, c > 0, len(names), c, lat_name, lon_name, first, progress)


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
        return pyogrio.read_dataframe(
            path, skip_features=skip, max_features=max_features, use_arrow=True
        )
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise _geo_error(path, exc) from None


def _geo_chunk(
    path: Path, gdf: gpd.GeoDataFrame, first: int, assume_lonlat: bool, progress: float
) -> PointChunk:
    n = len(gdf)
    lon, lat, err, z = point_rows(
        np.asarray(gdf.geometry.array, dtype=object),
        gdf.crs,
        assume_lonlat=assume_lonlat,
        no_crs=_no_crs(path),
    )
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame.index = pd.RangeIndex(first, first + n)
    return PointChunk(frame, lon, lat, err, first, progress, z, from_geometry=True)


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


#: The GeoParquet metadata version written.
GEOPARQUET_VERSION = "1.1.0"


def geo_metadata(schema: pa.Schema) -> dict[str, Any] | None:
    """A Parquet schema's GeoParquet metadata (``geo``), or None if it has none."""
    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    try:
        meta = json.loads(raw)
    except ValueError:
        return None
    return meta if isinstance(meta, dict) and meta.get("columns") else None


#: Bytes of a 2D point in WKB: byte order, geometry type (uint32), x, y.
_WKB_POINT_BYTES = 21
_WKB_POINT_LE = np.array([1, 1, 0, 0, 0], dtype=np.uint8)


#: A 2D WKB point as a packed record: byte order, geometry type, x, y (21 bytes).
_WKB_POINT = np.dtype(
    {"names": ["order", "type", "x", "y"], "formats": ["u1", "<u4", "<f8", "<f8"],
     "offsets": [0, 1, 5, 13], "itemsize": _WKB_POINT_BYTES}
)  # fmt: skip
#: The type field of a big-endian WKB point (1 as big-endian bytes) read little-endian.
_WKB_POINT_TYPE_BE = int.from_bytes(b"\x00\x00\x00\x01", "little")


def _wkb_xy(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y of the 2D WKB points of a binary Arrow array, read from its buffers.

    A value is read here when it is 21 bytes: byte order 1 or 0, type 1
    (Point, in that byte order), x and y. The mask says which were; the
    others (null, Z/M, EWKB, other types, malformed) are left to shapely.
    """
    n = len(arr)
    if not (pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type)):
        arr = arr.cast(pa.large_binary())  # views, fixed-size binary
    bufs = arr.buffers()
    width = np.dtype(np.int64 if pa.types.is_large_binary(arr.type) else np.int32)
    offsets = np.frombuffer(bufs[1], dtype=width, count=n + 1, offset=arr.offset * width.itemsize)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    size = np.diff(offsets)
    fast = size == _WKB_POINT_BYTES
    if arr.null_count:
        fast &= arr.is_valid().to_numpy(zero_copy_only=False)
    if not fast.any():
        return np.full(n, np.nan), np.full(n, np.nan), fast
    every = bool(fast.all()) and int(offsets[-1] - offsets[0]) == n * _WKB_POINT_BYTES
    if every:  # one run of 21-byte values: the records in place, no copy
        rec = np.frombuffer(data, dtype=_WKB_POINT, count=n, offset=int(offsets[0]))
    else:
        start = offsets[:-1][fast].astype(np.int64)
        rec = data[start[:, None] + np.arange(_WKB_POINT_BYTES)].view(_WKB_POINT).ravel()
    order, kind = rec["order"], rec["type"]
    little = (order == 1) & (kind == 1)
    if every and little.all():
        return rec["x"].astype(np.float64), rec["y"].astype(np.float64), fast
    big = (order == 0) & (kind == _WKB_POINT_TYPE_BE)
    xs, ys = np.full(len(rec), np.nan), np.full(len(rec), np.nan)
    xs[little], ys[little] = rec["x"][little], rec["y"][little]
    if big.any():
        swapped = rec[big][["x", "y"]].copy()
        xs[big] = swapped["x"].byteswap()
        ys[big] = swapped["y"].byteswap()
    idx = np.flatnonzero(fast)
    fast[idx[~(little | big)]] = False
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    x[idx], y[idx] = xs, ys
    return x, y, fast


def _wkb_points(x: np.ndarray, y: np.ndarray, ok: np.ndarray) -> pa.Array:
    """2D WKB points (little-endian, as shapely writes them) where ``ok``, null elsewhere."""
    n = len(x)
    m = int(np.count_nonzero(ok))
    rows = np.empty((m, _WKB_POINT_BYTES), dtype=np.uint8)
    rows[:, :5] = _WKB_POINT_LE
    rows[:, 5:] = np.column_stack([x[ok], y[ok]]).astype("<f8").view(np.uint8)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.where(ok, _WKB_POINT_BYTES, 0), out=offsets[1:])
    validity = None if m == n else pa.py_buffer(np.packbits(ok, bitorder="little"))
    return pa.Array.from_buffers(
        pa.binary(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(rows)], n - m
    )


def _parsed_crs(crs: Any) -> Any:
    """A :class:`pyproj.CRS` from anything it takes (None stays None).

    A GeoParquet file's PROJJSON is parsed once per distinct text (about 30 ms
    each time otherwise: a dataset's every file has the same one).
    """
    from pyproj import CRS

    if crs is None or isinstance(crs, CRS):
        return crs
    if isinstance(crs, dict):
        return _crs_from_json(json.dumps(crs, sort_keys=True))
    return CRS.from_user_input(crs)


@functools.lru_cache(maxsize=8)
def _crs_from_json(text: str) -> Any:
    from pyproj import CRS

    return CRS.from_user_input(json.loads(text))  # as the dict itself is read


@functools.lru_cache(maxsize=8)
def _is_lonlat(crs: Any) -> bool:
    """Whether a CRS is WGS84 lon/lat (EPSG:4326 in either axis order: no transform)."""
    return bool(crs.equals("EPSG:4326", ignore_axis_order=True))


@functools.lru_cache(maxsize=8)
def _to_lonlat(crs: Any) -> Any:
    """The transformer geopandas' ``to_crs("EPSG:4326")`` uses (always x, y)."""
    from pyproj import CRS, Transformer

    return Transformer.from_crs(crs, CRS("EPSG:4326"), always_xy=True)


def geometry_rows(
    column: pa.Array | pa.ChunkedArray,
    crs: Any,
    *,
    encoding: str = "WKB",
    assume_lonlat: bool = False,
    no_crs: str = "points have no CRS; set one or pass assume_lonlat=True",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`geo.points.point_rows` of a GeoParquet geometry column, without shapely where it can.

    2D points (WKB of 21 bytes in either byte order, or the native
    ``point`` encoding's x/y) are read with NumPy from the Arrow buffers and
    taken to lon/lat with pyproj as geopandas would; every other value (null,
    empty, Z/M, EWKB, not a point, out of range) goes through shapely and
    :func:`~geo.points.point_rows`, which gives its message. The result is the
    same, bit for bit, as ``point_rows(shapely.from_wkb(...), crs)``.

    Parameters
    ----------
    column : pyarrow.Array or ChunkedArray
        The geometry column: binary (WKB), or a struct with ``x``, ``y``
        (encoding ``point``).
    crs : pyproj.CRS, anything it takes, or None
        The column's CRS (None: unknown).
    encoding : {"WKB", "point"}
    assume_lonlat, no_crs
        See :func:`~geo.points.point_rows`.

    Returns
    -------
    lon, lat, error, z
        As :func:`~geo.points.point_rows`.
    """
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(arr, pa.ExtensionArray):
        arr = arr.storage
    n = len(arr)
    crs = _parsed_crs(crs)
    point = encoding.lower() == "point"
    if point:
        x = np.asarray(pc.fill_null(arr.field("x"), np.nan), dtype=np.float64)
        y = np.asarray(pc.fill_null(arr.field("y"), np.nan), dtype=np.float64)
        names = {arr.type.field(i).name for i in range(arr.type.num_fields)}
        fast = np.zeros(n, bool) if names - {"x", "y"} else np.ones(n, bool)
        if arr.null_count:
            fast &= arr.is_valid().to_numpy(zero_copy_only=False)
    else:
        x, y, fast = _wkb_xy(arr)
    lon, lat = x.copy(), y.copy()
    if fast.any():
        if crs is None:
            if not assume_lonlat:
                raise MissingCRSError(no_crs)
        elif not _is_lonlat(crs):
            lon[fast], lat[fast] = _to_lonlat(crs).transform(x[fast], y[fast])
        with np.errstate(invalid="ignore"):
            fast &= np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0)
            fast &= np.abs(lon) <= 180.0
    lon[~fast] = np.nan
    lat[~fast] = np.nan
    err = np.full(n, "", dtype=object)
    z: np.ndarray | None = None
    rest = np.flatnonzero(~fast)
    if rest.size:
        if point:  # as GeoParquet reads them: a null is missing, NaN x and y empty
            sub = arr.take(pa.array(rest))
            coords = [
                np.asarray(pc.fill_null(sub.field(c), np.nan), dtype=np.float64)
                for c in ("x", "y", "z")
                if c in names
            ]
            geoms = shapely.points(*coords)
            geoms[np.isnan(coords[0]) & np.isnan(coords[1])] = shapely.from_wkt("POINT EMPTY")
            geoms[~sub.is_valid().to_numpy(zero_copy_only=False)] = None
        else:
            wkb = arr.take(pa.array(rest)).to_numpy(zero_copy_only=False)
            geoms = shapely.from_wkb(wkb, on_invalid="warn")
        r_lon, r_lat, r_err, r_z = point_rows(
            np.asarray(geoms, dtype=object), crs, assume_lonlat=assume_lonlat, no_crs=no_crs
        )
        lon[rest], lat[rest], err[rest] = r_lon, r_lat, r_err
        if r_z is not None:
            z = np.full(n, np.nan)
            z[rest] = r_z
    return lon, lat, err, z


def geoparquet_column(meta: dict[str, Any], path: Any) -> tuple[str, str, Any]:
    """The primary geometry column of GeoParquet metadata: name, encoding and CRS.

    No ``crs`` key means OGC:CRS84 (lon/lat); null means unknown (None).

    Raises
    ------
    InputError
        For an encoding other than WKB or ``point``.
    """
    geom_name = str(meta.get("primary_column") or next(iter(meta["columns"])))
    column = meta["columns"].get(geom_name, {})
    encoding = str(column.get("encoding", "WKB"))
    if encoding.upper() != "WKB" and encoding.lower() != "point":
        raise InputError(
            f"{path}: geometry encoding {column.get('encoding')!r} is not supported; "
            "write the file with WKB geometry (geopandas' default)"
        )
    crs: Any = column["crs"] if "crs" in column else "OGC:CRS84"
    return geom_name, encoding, crs


def _no_crs(path: Any) -> str:
    return (
        f"{path}: the layer has no CRS, so its coordinates cannot be known "
        "to be lon/lat; give the file a CRS or pass --assume-lonlat"
    )


def iter_parquet(
    path: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    row_groups: Sequence[int] | None = None,
    keep_geometry: bool = False,
) -> Iterator[PointChunk]:
    """Parquet in row batches: a GeoParquet point geometry column, or lat/lon columns.

    The rows stay Arrow tables (:attr:`PointChunk.table`); the geometry is
    read by :func:`geometry_rows`.

    Parameters
    ----------
    path : path-like
    lat_col, lon_col, assume_lonlat, chunk_rows
        See :func:`iter_points`.
    row_groups : sequence of int, optional
        Read only these row groups (in the order given); by default all.
    keep_geometry : bool, default False
        Keep the geometry column among the rows (by default it is dropped:
        writers make point geometry from lon/lat).
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: cannot read as Parquet ({clip(exc)})") from None
    schema = pf.schema_arrow
    meta = geo_metadata(schema)
    groups = list(range(pf.num_row_groups)) if row_groups is None else list(row_groups)
    total = max(1, sum(pf.metadata.row_group(g).num_rows for g in groups))
    first = 1
    batches = pf.iter_batches(batch_size=chunk_rows, row_groups=groups)
    if meta is not None:
        if lat_col or lon_col:
            raise InputError(f"{path}: --lat-col/--lon-col apply to files without geometry")
        geom_name, encoding, crs = geoparquet_column(meta, path)
        if crs is not None:
            from pyproj import CRS

            crs = CRS.from_user_input(crs)
        for batch in batches:
            table = pa.Table.from_batches([batch])
            lon, lat, err, z = geometry_rows(
                table.column(geom_name),
                crs,
                encoding=encoding,
                assume_lonlat=assume_lonlat,
                no_crs=_no_crs(path),
            )
            rows = table if keep_geometry else table.drop_columns([geom_name])
            n = table.num_rows
            progress = min(1.0, (first + n - 1) / total)
            yield PointChunk(rows, lon, lat, err, first, progress, z, from_geometry=True)
            first += n
        if first == 1:  # no rows: the columns alone
            none = np.zeros(0)
            table = schema.empty_table()
            rows = table if keep_geometry else table.drop_columns([geom_name])
            yield PointChunk(rows, none, none, np.zeros(0, object), 1, 1.0, from_geometry=True)
        return
    names = [str(n) for n in schema.names]
    lat_name, lon_name = find_coordinate_columns(names, lat_col, lon_col, file=path)
    for batch in batches:
        table = pa.Table.from_batches([batch])
        lat_raw, lon_raw = table.column(lat_name), table.column(lon_name)
        lat, lon = _parquet_numbers(lat_raw), _parquet_numbers(lon_raw)
        err = row_errors(
            lon, lat, lon_name=lon_name, lat_name=lat_name, lon_raw=lon_raw, lat_raw=lat_raw
        )
        bad = err != ""
        lon[bad] = np.nan
        lat[bad] = np.nan
        n = table.num_rows
        yield PointChunk(table, lon, lat, err, first, min(1.0, (first + n - 1) / total))
        first += n
    if first == 1:  # no rows: the columns alone
        none = np.zeros(0)
        yield PointChunk(schema.empty_table(), none, none, np.zeros(0, object), 1, 1.0)


def _parquet_numbers(column: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return _arrow_numbers(column)
    try:
        values = pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.full(len(column), np.nan)
    return np.array(values.to_numpy(zero_copy_only=False), dtype=np.float64, copy=True)


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
        A CSV (``,``/``;``/tab separated, UTF-8), GeoJSON, GeoPackage or
        Parquet file (GeoParquet with a point geometry column, or plain
        Parquet with latitude and longitude columns).
    lat_col, lon_col : str, optional
        CSV or Parquet columns holding latitude and longitude (WGS84 degrees);
        detected from common names (:data:`LAT_NAMES`, :data:`LON_NAMES`) by default.
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
    elif fmt == "parquet":
        chunks = iter_parquet(
            p, lat_col=lat_col, lon_col=lon_col, assume_lonlat=assume_lonlat, chunk_rows=chunk_rows
        )
    else:
        if lat_col or lon_col:
            raise InputError(f"{p}: --lat-col/--lon-col apply to CSV files only")
        chunks = _iter_geo(p, assume_lonlat, chunk_rows)
    n_swapped = 0
    first_swapped = 0
    for chunk in chunks:
        sw = likely_swapped(chunk.lon, chunk.lat)
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
    ``error`` column (``error_right`` if the file has an ``error`` column of
    its own; the name is in ``attrs["error_column"]``). See :func:`iter_points` for the parameters.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    parts: list[gpd.GeoDataFrame] = []
    error_col = ERROR_COLUMN
    for chunk in iter_points(path, lat_col=lat_col, lon_col=lon_col, assume_lonlat=assume_lonlat):
        if not parts:
            error_col = added_column_names(
                [*chunk.frame.columns, "geometry"], [ERROR_COLUMN], where=str(path)
            )[ERROR_COLUMN]
        parts.append(_with_geometry(chunk.frame, chunk, error_col))
    if not parts:
        out = gpd.GeoDataFrame({ERROR_COLUMN: []}, geometry=[], crs="EPSG:4326")
    else:
        out = gpd.GeoDataFrame(pd.concat(parts), geometry="\x00geometry", crs="EPSG:4326")
        if "geometry" not in out.columns:
            out = out.rename_geometry("geometry")
    out.attrs["error_column"] = error_col
    return out


def _with_geometry(frame: pd.DataFrame, chunk: PointChunk, error_col: str) -> gpd.GeoDataFrame:
    out = frame.copy()
    out[error_col] = chunk.error
    geom = shapely.points(chunk.lon, chunk.lat)
    geom[~chunk.ok] = None
    return gpd.GeoDataFrame(
        out.assign(**{"\x00geometry": geom}), geometry="\x00geometry", crs="EPSG:4326"
    )


def csv_columns(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a CSV file's header, made unique as reading makes them.

    Parameters
    ----------
    path : path-like
        A CSV file.

    Returns
    -------
    list of str
    """
    src = Path(path)
    with _open_text(src) as fh:
        header_text = _read_header(fh, src)
    sep = "\t" if src.suffix.lower() == ".tsv" else _sniff_separator(header_text)
    header = next(csv.reader(io.StringIO(header_text), delimiter=sep), [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _unique_names(header, src)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _crs84_projjson() -> dict[str, Any]:
    """OGC:CRS84 (WGS84 lon/lat) as PROJJSON, as GeoParquet stores a CRS."""
    from pyproj import CRS

    return dict(CRS.from_user_input("OGC:CRS84").to_json_dict())


_FRACTIONS = [f"{k:03d}".rstrip("0") or "0" for k in range(1000)]


def _float_text(values: np.ndarray) -> pa.Array:
    """Floats as Python's ``repr`` writes them (pandas' CSV text), NaN as empty.

    Values with at most three decimals (the distances) are formatted from
    their integer thousandths, fast; any other value through ``repr``.
    """
    finite = np.isfinite(values)
    safe = np.where(finite, values, 0.0)
    milli = np.rint(safe * 1000.0)
    exact = (
        bool(np.all(safe >= 0.0))
        and not bool(np.any(np.signbit(safe)))
        and bool(np.all(safe < 1e12))
        and bool(np.array_equal(milli / 1000.0, safe))
    )
    if not exact:
        text = [repr(float(v)) if f else "" for v, f in zip(values, finite, strict=True)]
        return pa.array(text, type=pa.string())
    m = milli.astype(np.int64)
    whole = pc.cast(pa.array(m // 1000), pa.string())
    frac = pa.array(_FRACTIONS, type=pa.string()).take(pa.array(m % 1000))
    text = pc.binary_join_element_wise(whole, frac, ".")
    if not finite.all():
        text = pc.if_else(pa.array(finite), text, "")
    return text


def _csv_text(column: pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """A column as the text pandas' ``to_csv`` writes for it; None for other types."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pc.fill_null(column, "")
    if pa.types.is_floating(kind):
        return _float_text(np.asarray(column.to_numpy(), dtype=np.float64))
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, "True", "False")
        return pc.fill_null(text, "")
    if pa.types.is_integer(kind) and column.null_count == 0:
        return pc.cast(column, pa.string())
    return None


class PointWriter:
    """Write chunks of rows with point geometry to CSV, GeoJSON, GPKG or GeoParquet.

    Parameters
    ----------
    tmp : pathlib.Path
        The file actually written (a temporary name; see :func:`geo._files.atomic_path`).
    fmt : Format
        The output format.
    layer : str
        The GeoPackage layer name.
    target : pathlib.Path, optional
        The final name, used in messages.
    geo : dict, optional
        GeoParquet only: the rows written carry their own geometry column,
        described by this GeoParquet metadata (written as given); by default
        point geometry is made from lon/lat (OGC:CRS84).
    """

    def __init__(
        self,
        tmp: Path,
        fmt: Format,
        layer: str,
        target: Path | None = None,
        *,
        geo: dict[str, Any] | None = None,
    ) -> None:
        self.tmp, self.fmt, self.layer = tmp, fmt, layer
        self.geo = geo
        self.target = target if target is not None else tmp
        self.rows = 0
        self.has_z = False
        self._fh: IO[str] | None = None
        self._gpkg_names: dict[str, str] | None = None
        self._gpkg_options: dict[str, str] = {}
        self._parquet: Any = None
        self._geom_name = "geometry"

    def _geometry(
        self, lon: np.ndarray, lat: np.ndarray, ok: np.ndarray, z: np.ndarray | None
    ) -> np.ndarray:
        if z is not None and self.has_z:
            geom = shapely.points(lon, lat, np.where(np.isfinite(z), z, 0.0))
            flat = ~np.isfinite(z)
            if flat.any():
                geom[flat] = shapely.points(lon[flat], lat[flat])
        else:
            geom = shapely.points(lon, lat)
        geom[~ok] = None
        return geom

    def _gpkg_columns(self, columns: list[str]) -> dict[str, str]:
        """GeoPackage names: unique without case; free of the FID and geometry names."""
        if self._gpkg_names is None:
            taken: set[str] = set()
            names: dict[str, str] = {}
            moved = []
            for c in columns:
                new = free_name(str(c), taken)
                taken.add(new.lower())
                names[c] = new
                if new != c:
                    moved.append(f"{c!r} → {new!r}")
            if moved:
                warnings.warn(
                    f"{self.target}: GeoPackage column names ignore case, so this one is renamed: "
                    f"{', '.join(moved)}",
                    UserWarning,
                    stacklevel=4,
                )
            self._gpkg_options = {
                "FID": free_name("fid", taken),
                "GEOMETRY_NAME": free_name("geom", taken | {"fid"}),
            }
            self._gpkg_names = names
        return self._gpkg_names

    def _write_parquet(
        self,
        frame: pd.DataFrame | pa.Table,
        lon: np.ndarray,
        lat: np.ndarray,
        ok: np.ndarray,
        z: np.ndarray | None,
    ) -> None:
        """Append rows to a GeoParquet file: the columns, and WKB point geometry (lon/lat)."""
        import pyarrow.parquet as pq

        if isinstance(frame, pd.DataFrame):
            plain = frame.reset_index(drop=True)
            plain.columns = [str(c) for c in plain.columns]
            table = pa.Table.from_pandas(plain, preserve_index=False)
        else:
            table = frame
        if self.geo is None:
            if self._parquet is None:
                taken = {str(c).lower() for c in table.column_names}
                self._geom_name = free_name("geometry", taken)
            if z is not None and self.has_z:
                wkb = pa.array(shapely.to_wkb(self._geometry(lon, lat, ok, z)), type=pa.binary())
            else:  # what shapely.to_wkb(shapely.points(lon, lat)) gives, without the objects
                wkb = _wkb_points(lon, lat, ok)
            table = table.append_column(self._geom_name, wkb)
        if self._parquet is None:
            if self.geo is None:
                types = ["Point Z"] if self.has_z else ["Point"]
                geo = {
                    "version": GEOPARQUET_VERSION,
                    "primary_column": self._geom_name,
                    "columns": {
                        self._geom_name: {
                            "encoding": "WKB",
                            "geometry_types": types,
                            "crs": _crs84_projjson(),
                        }
                    },
                }
                kept = dict(table.schema.metadata or {})
            else:  # the rows' own geometry; pandas' metadata describes the input's columns
                geo = self.geo
                kept = {k: v for k, v in (table.schema.metadata or {}).items() if k != b"pandas"}
            schema = table.schema.with_metadata({**kept, b"geo": json.dumps(geo).encode()})
            schema = pa.schema(
                [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema],
                metadata=schema.metadata,
            )
            self._parquet = pq.ParquetWriter(self.tmp, schema)
        schema = self._parquet.schema
        try:
            table = table.cast(schema) if table.schema != schema else table
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
            raise InputError(
                f"{self.target}: a column changes type between chunks ({clip(exc)}); "
                "use a larger --chunk-rows or another format"
            ) from None
        self._parquet.write_table(table)

    def _write_csv_arrow(self, table: pa.Table) -> bool:
        """Write the rows as pandas would, through Arrow's CSV writer; False if it cannot.

        Arrow writes unquoted text; a value that needs quotes (a separator,
        a quote or a line break in it) or a column type without a text form
        here leaves the chunk to pandas.
        """
        columns = [_csv_text(table.column(i)) for i in range(table.num_columns)]
        if any(c is None for c in columns):
            return False
        body = io.BytesIO()
        try:
            pacsv.write_csv(
                pa.table(columns, names=[f"c{i}" for i in range(len(columns))]),
                body,
                write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"),
                memory_pool=ARROW_POOL,
            )
        except pa.ArrowInvalid:
            return False
        if self._fh is None:
            self._fh = open(self.tmp, "w", encoding="utf-8", newline="")
            names = [str(c) for c in table.column_names]
            if any("\r" in c for c in names):  # as pandas is made to, below
                csv.writer(self._fh, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(names)
            else:
                csv.writer(self._fh, lineterminator="\n").writerow(names)
        self._fh.flush()
        raw: Any = self._fh
        raw.buffer.write(body.getbuffer())
        return True

    def write(
        self,
        frame: pd.DataFrame | pa.Table,
        lon: np.ndarray,
        lat: np.ndarray,
        ok: np.ndarray,
        z: np.ndarray | None = None,
    ) -> None:
        """Append rows: ``frame``'s columns, with point geometry from lon/lat where ``ok``."""
        if self.rows == 0 and self._fh is None and z is not None:
            self.has_z = True
        if self.fmt == "parquet":
            self._write_parquet(frame, lon, lat, ok, z)
            self.rows += len(lon)
            return
        if isinstance(frame, pa.Table):
            if self.fmt == "csv" and self._write_csv_arrow(frame):
                self.rows += frame.num_rows
                return
            frame = frame.to_pandas()
        if self.fmt == "csv":
            header = self._fh is None
            if self._fh is None:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="")
            text = frame.to_csv(index=False, header=header, lineterminator="\n")
            if "\r" in text:  # a bare CR is a line break to readers: quote every field
                text = frame.to_csv(
                    index=False, header=header, lineterminator="\n", quoting=csv.QUOTE_ALL
                )
            self._fh.write(text)
        elif self.fmt == "geojson":
            if self._fh is None:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="\n")
                self._fh.write('{"type":"FeatureCollection","features":[\n')
            records = frame.to_dict("records")
            zs = z if z is not None else np.full(len(frame), np.nan)
            lines = []
            for rec, x, y, h, good in zip(records, lon, lat, zs, ok, strict=True):
                coords = [round(float(x), 7), round(float(y), 7)]
                if np.isfinite(h):
                    coords.append(round(float(h), 3))
                geom = {"type": "Point", "coordinates": coords} if good else None
                props = {str(k): _plain(v) for k, v in rec.items()}
                feat = {"type": "Feature", "properties": props, "geometry": geom}
                lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
            if lines:
                self._fh.write(("" if self.rows == 0 else ",\n") + ",\n".join(lines))
        else:
            import pyogrio

            names = self._gpkg_columns([str(c) for c in frame.columns])
            table = frame.reset_index(drop=True)
            table.columns = [names[str(c)] for c in frame.columns]
            geom_col = "\x00geometry"
            gdf = gpd.GeoDataFrame(
                table.assign(**{geom_col: self._geometry(lon, lat, ok, z)}),
                geometry=geom_col,
                crs="EPSG:4326",
            )
            for col in table.columns:
                values = gdf[col]
                if values.dtype == object:
                    kinds = {type(v) for v in values if v is not None}
                    if kinds and kinds <= {bool, np.bool_}:
                        gdf[col] = values.astype("boolean")
            try:
                # the same rows give the same bytes when SOURCE_DATE_EPOCH is set
                with gdal_date(source_date()):
                    pyogrio.write_dataframe(
                        gdf,
                        self.tmp,
                        layer=self.layer,
                        driver="GPKG",
                        append=self.rows > 0,
                        promote_to_multi=False,
                        geometry_type="Point Z" if self.has_z else "Point",
                        layer_options=self._gpkg_options,
                    )
            except Exception as exc:
                raise InputError(f"{self.target}: cannot write GeoPackage ({clip(exc)})") from None
        self.rows += len(frame)

    def finish(self, empty: pd.DataFrame | pa.Table | None = None) -> None:
        """Complete the file (after the last chunk); ``empty``: the columns of no rows."""
        if self.rows == 0 and empty is not None and self._fh is None:
            none = np.zeros(0)
            self.write(empty, none, none, np.zeros(0, dtype=bool))
        if self.fmt == "geojson":
            if self._fh is None:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="\n")
                self._fh.write('{"type":"FeatureCollection","features":[\n')
            self._fh.write("\n]}\n")
        if self.fmt == "csv" and self._fh is None:
            self.tmp.write_text("", encoding="utf-8")
        if self.fmt == "parquet" and self._parquet is None:
            self._write_parquet(pa.table({}), np.zeros(0), np.zeros(0), np.zeros(0, bool), None)
        if self.fmt == "gpkg" and not self.tmp.exists():
            raise InputError(f"{self.target}: nothing to write: the input has no rows")
        self.close()

    def close(self) -> None:
        """Close the file handle, if any (also after a failure)."""
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
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
        writer = PointWriter(tmp, fmt, target.stem, target)
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
