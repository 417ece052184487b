"""Events by zone and period: counts (and sums) per zone, year or month, and column.

:func:`summarize` classifies each event with :func:`geo.classification.classify_lonlat`
and counts them by its ``zone`` (the same column ``border-zones classify``
writes, so the counts agree with it), optionally by year or month of a date
column and by further columns, and sums a numeric column (ACLED's
``fatalities``).

Which zone
    ``zone`` is the classifier's: of the zones holding a point, the innermost,
    i.e. the one with the smallest outer distance (ties: the narrowest band).
    A point 3 km east of Line A lies in ``granted_5km`` and
    ``requested_60km`` (and possibly a 1974 band) and counts once, under
    ``granted_5km``. ``by="zones"`` counts a point under every zone that
    holds it instead, so the counts no longer add up to the number of events.
Rows always present
    ``"no zone"`` (points in no zone) and ``"unreadable rows"`` (rows whose
    coordinates cannot be read), after the zones in ``zones.csv`` order.
Dates
    The common forms: ISO ``2017-05-31`` (with or without a time),
    ``2017/05/31``, ``2017-05``, ``31 May 2017`` and ``31 Sep 2017``
    (ACLED), ``31-May-2017``, ``May 31, 2017``, ``May 2017``. Anything else,
    a blank or an impossible date (``2017-02-30``) is an "unreadable date":
    counted in a row of its own, never dropped, and listed with its row
    numbers in a warning. ``31/05/2017`` is refused: day and month order
    cannot be told.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({"latitude": [33.126, 33.89], "longitude": [35.825, 35.50],
...                        "event_date": ["31 May 2017", "2017-06-02"]})  # Quneitra, Beirut
>>> summarize(events, by="zone,year").values.tolist()
[['granted_5km', '2017', 1], ['no zone', '2017', 1]]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo import specs
from geo.classification import classify_lonlat
from geo.errors import InputError
from geo.pointfiles import find_coordinate_columns
from geo.points import as_lonlat

__all__ = [
    "DATE_NAMES",
    "NO_ZONE",
    "PERIODS",
    "UNREADABLE_DATE",
    "UNREADABLE_ROWS",
    "SummaryFormat",
    "Tally",
    "find_date_column",
    "format_for",
    "parse_by",
    "parse_dates",
    "render",
    "summarize",
]

SummaryFormat = Literal["md", "csv", "json"]

#: Zone label of points in no zone.
NO_ZONE = "no zone"
#: Zone label of rows whose coordinates cannot be read.
UNREADABLE_ROWS = "unreadable rows"
#: Period label of rows whose date cannot be read.
UNREADABLE_DATE = "unreadable date"
#: Period keys of ``by``.
PERIODS = ("year", "month")

#: Date column names recognised (lower case, without spaces, dots, dashes or
#: underscores), in order of preference.
DATE_NAMES: tuple[str, ...] = ("eventdate", "date", "datetime", "timestamp", "day")

#: Period code of an unreadable date (sorts after every date).
_BAD_PERIOD = np.iinfo(np.int64).max

#: Rows listed in a warning before "…".
_LISTED = 10

_EXT: dict[str, SummaryFormat] = {".md": "md", ".markdown": "md", ".csv": "csv", ".json": "json"}
_NAME_CLEAN = re.compile(r"[\s._\-()\[\]]+")

#: strptime formats tried, in order, and whether each gives a day.
_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%Y-%m",
    "%B %Y",
    "%b %Y",
)
_ISO_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _key(name: str) -> str:
    return _NAME_CLEAN.sub("", str(name)).lower()


def _rows_text(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:_LISTED])
    return shown + (", …" if len(rows) > _LISTED else "")


# --------------------------------------------------------------------------
# the parts of a summary
# --------------------------------------------------------------------------
def parse_by(by: str | Sequence[str], columns: Sequence[str]) -> tuple[str, str | None, list[str]]:
    """Split ``by`` into the zone key, the period and the other columns.

    Parameters
    ----------
    by : str or sequence of str
        ``"zone"`` or ``"zones"`` first, then optionally ``"year"`` or
        ``"month"``, then column names: ``"zone,month,event_type"``.
    columns : sequence of str
        The frame's columns, to check the names against.

    Returns
    -------
    (zone_key, period, columns)

    Raises
    ------
    InputError
        For an empty ``by``, one without the zone first, two periods, or an
        unknown column (the message lists the columns).

    Examples
    --------
    >>> parse_by("zone,year,event_type", ["event_type", "latitude"])
    ('zone', 'year', ['event_type'])
    """
    keys = [k.strip() for k in (by.split(",") if isinstance(by, str) else by)]
    keys = [k for k in keys if k]
    if not keys or keys[0] not in ("zone", "zones"):
        raise InputError(
            f"--by {','.join(keys) or repr('')}: start with 'zone' (or 'zones'), "
            "then optionally year or month, then columns: e.g. zone,year,event_type"
        )
    period = None
    rest: list[str] = []
    for k in keys[1:]:
        if k in PERIODS:  # of the date column, even where the file has a 'year' column
            if period is not None:
                raise InputError(f"--by: give one period (year or month), not {period} and {k}")
            period = k
            continue
        if k not in columns:
            listed = ", ".join(repr(str(c)) for c in columns)
            raise InputError(f"--by: no column {k!r}; the columns are: {listed}")
        if k in rest:
            raise InputError(f"--by: column {k!r} given twice")
        rest.append(k)
    return keys[0], period, rest


def find_date_column(columns: Sequence[str], date_col: str | None = None) -> str:
    """The date column, given or detected by common names (:data:`DATE_NAMES`).

    Examples
    --------
    >>> find_date_column(["event_id_cnty", "event_date", "year"])
    'event_date'
    """
    cols = [str(c) for c in columns]
    if date_col is not None:
        if date_col not in cols:
            listed = ", ".join(repr(c) for c in cols)
            raise InputError(f"no column {date_col!r} (--date-col); the columns are: {listed}")
        return date_col
    keyed: dict[str, str] = {}
    for c in cols:
        keyed.setdefault(_key(c), c)
    for n in DATE_NAMES:
        if n in keyed:
            return keyed[n]
    listed = ", ".join(repr(c) for c in cols)
    raise InputError(
        f"no date column found (event_date, date, …); the columns are: {listed}. "
        "Pass --date-col NAME"
    )


def _parse_one(text: str) -> tuple[int, int]:
    s = " ".join(text.split())
    if not s:
        return (0, 0)
    m = _ISO_TIME.match(s)
    if m:
        s = m.group(1)
    for fmt in _FORMATS:
        try:
            d = dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
        return (d.year, d.month)
    return (0, 0)


def parse_dates(values: Sequence[Any] | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Year and month of each date (0 and 0 where it cannot be read).

    Each distinct text is parsed once, so repeated dates cost nothing.

    Examples
    --------
    >>> y, m = parse_dates(["2017-05-31", "31 May 2017", "2017-05", "31/05/2017", ""])
    >>> y.tolist(), m.tolist()
    ([2017, 2017, 2017, 0, 0], [5, 5, 5, 0, 0])
    """
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series.astype(str).where(series.notna(), ""))
    parsed = np.array([_parse_one(str(u)) for u in uniques], dtype=np.int64).reshape(-1, 2)
    if len(parsed) == 0:
        parsed = np.zeros((1, 2), dtype=np.int64)
    year = np.where(codes >= 0, parsed[np.maximum(codes, 0), 0], 0)
    month = np.where(codes >= 0, parsed[np.maximum(codes, 0), 1], 0)
    return year.astype(np.int64), month.astype(np.int64)


# --------------------------------------------------------------------------
# zones of the points
# --------------------------------------------------------------------------
def _locate(
    frame: pd.DataFrame, lat_col: str | None, lon_col: str | None, assume_lonlat: bool
) -> tuple[np.ndarray, pd.DataFrame]:
    """Which rows can be read, and the classification of those rows."""
    import geopandas as gpd

    n = len(frame)
    error_col = frame.attrs.get("error_column")
    if isinstance(frame, gpd.GeoDataFrame):
        geom = frame.geometry
        ok = np.array((~(geom.isna() | geom.is_empty)).to_numpy(), dtype=bool)
        if ok.any():
            ok[ok] = (geom[ok].geom_type == "Point").to_numpy()
        if error_col in frame.columns:
            ok &= (frame[error_col].astype(str) == "").to_numpy()
        lon, lat = as_lonlat(geom[ok], assume_lonlat=assume_lonlat)
    else:
        lat_name, lon_name = find_coordinate_columns(
            list(frame.columns), lat_col, lon_col, file="events"
        )
        lon_all = pd.to_numeric(frame[lon_name], errors="coerce").to_numpy(dtype=float)
        lat_all = pd.to_numeric(frame[lat_name], errors="coerce").to_numpy(dtype=float)
        ok = (
            np.isfinite(lon_all)
            & np.isfinite(lat_all)
            & (np.abs(lon_all) <= 180)
            & (np.abs(lat_all) <= 90)
        )
        lon, lat = as_lonlat((lon_all[ok], lat_all[ok]))
    table = classify_lonlat(lon, lat) if n else classify_lonlat([], [])
    return np.asarray(ok, dtype=bool), table


# --------------------------------------------------------------------------
# the summary
# --------------------------------------------------------------------------
class Tally:
    """Counts and sums built up chunk by chunk, so a file can be streamed.

    Parameters
    ----------
    columns : sequence of str
        The events' columns (checked against ``by``, ``sum`` and ``date_col``).
    by, sum, date_col
        As for :func:`summarize`.

    Examples
    --------
    >>> t = Tally(["lat", "lon", "kind"], "zone,kind")
    >>> t.add(pd.DataFrame({"kind": ["a", "b"]}), np.array([True, True]),
    ...       np.array(["granted_5km", ""]), np.array(["granted_5km;requested_60km", ""]))
    >>> t.add(pd.DataFrame({"kind": ["a"]}), np.array([True]),
    ...       np.array(["granted_5km"]), np.array(["granted_5km;requested_60km"]), first_row=3)
    >>> t.result().values.tolist()
    [['granted_5km', 'a', 2], ['no zone', 'b', 1]]
    """

    def __init__(
        self,
        columns: Sequence[str],
        by: str | Sequence[str] = "zone",
        *,
        sum: str | Sequence[str] | None = None,
        date_col: str | None = None,
    ) -> None:
        own = [str(c) for c in columns]
        self.zone_key, self.period, self.columns = parse_by(by, own)
        self.sums = [sum] if isinstance(sum, str) else list(sum or [])
        for s in self.sums:
            if s not in own:
                listed = ", ".join(repr(c) for c in own)
                raise InputError(f"--sum: no column {s!r}; the columns are: {listed}")
        self.date_col = find_date_column(own, date_col) if self.period else None
        self.ids = [z.id for z in specs.read_specs()]
        self._index = {z: i for i, z in enumerate(self.ids)}
        self._parts: list[pd.DataFrame] = []
        self._bad_dates: list[np.ndarray] = []
        self._date_examples: list[str] = []
        self._bad_rows: list[np.ndarray] = []
        self._row_example = ""
        self._bad_sums: dict[str, list[np.ndarray]] = {s: [] for s in self.sums}

    @property
    def key_names(self) -> list[str]:
        """The columns of the summary before ``events``."""
        return ["zone", *([self.period] if self.period else []), *self.columns]

    def add(
        self,
        frame: pd.DataFrame,
        ok: np.ndarray,
        zone: np.ndarray,
        zones: np.ndarray,
        first_row: int = 1,
        errors: np.ndarray | None = None,
    ) -> None:
        """Count one run of consecutive rows.

        Parameters
        ----------
        frame : DataFrame
            The rows (their ``by``, ``sum`` and date columns are read).
        ok : array of bool
            Rows whose coordinates could be read.
        zone, zones : array of str
            The classifier's ``zone`` and ``zones`` of the readable rows, in order.
        first_row : int
            Row number (from 1) of the first row, for messages.
        errors : array of str, optional
            Why each unreadable row could not be read.
        """
        n = len(frame)
        ok = np.asarray(ok, dtype=bool)
        position = np.arange(first_row, first_row + n)
        no_zone, unreadable = len(self.ids), len(self.ids) + 1
        if self.zone_key == "zone":
            zcode = np.full(n, unreadable, dtype=np.int64)
            zcode[ok] = np.array([self._index.get(z, no_zone) for z in zone], dtype=np.int64)
            row = np.arange(n)
        else:
            rows_list: list[int] = []
            codes_list: list[int] = []
            ok_rows = np.flatnonzero(ok)
            for r, text in zip(ok_rows, zones, strict=True):
                held = [self._index[z] for z in str(text).split(";") if z in self._index]
                for code in held or [no_zone]:
                    rows_list.append(int(r))
                    codes_list.append(code)
            for r in np.flatnonzero(~ok):
                rows_list.append(int(r))
                codes_list.append(unreadable)
            order = np.argsort(np.asarray(rows_list, dtype=np.int64), kind="stable")
            row = np.asarray(rows_list, dtype=np.int64)[order]
            zcode = np.asarray(codes_list, dtype=np.int64)[order]
        keys: dict[str, np.ndarray] = {"zone": zcode}
        if self.period is not None and self.date_col is not None:
            year, month = parse_dates(frame[self.date_col])
            bad_date = year == 0
            pcode = year * 100 + month if self.period == "month" else year * 100
            keys[self.period] = np.where(bad_date, _BAD_PERIOD, pcode)[row]
            if bad_date.any():
                self._bad_dates.append(position[bad_date])
                texts = frame[self.date_col].to_numpy()[bad_date]
                for r, v in zip(position[bad_date], texts, strict=True):
                    if len(self._date_examples) >= 3:
                        break
                    self._date_examples.append(f"row {int(r)}: {str(v)[:30]!r}")
        for c in self.columns:
            raw = frame[c]
            keys[c] = raw.astype(str).where(raw.notna(), "").to_numpy(dtype=object)[row]
        if (~ok).any():
            self._bad_rows.append(position[~ok])
            if not self._row_example and errors is not None:
                first = int(np.flatnonzero(~ok)[0])
                self._row_example = f"; row {int(position[first])}: {errors[first]}"
        data = pd.DataFrame(keys)
        data["events"] = 1
        for s in self.sums:
            values = pd.to_numeric(frame[s], errors="coerce").to_numpy(dtype=float)
            bad = ~np.isfinite(values)
            if bad.any():
                self._bad_sums[s].append(position[bad])
            data[f"sum_{s}"] = np.where(bad, 0.0, values)[row]
        self._parts.append(data.groupby(self.key_names, sort=False).sum().reset_index())

    def result(self) -> pd.DataFrame:
        """The summary so far (see :func:`summarize`); warns about unreadable values."""
        keys = self.key_names
        sum_names = [f"sum_{s}" for s in self.sums]
        labels = np.array([*self.ids, NO_ZONE, UNREADABLE_ROWS], dtype=object)
        parts = [p for p in self._parts if len(p)]
        if parts:
            out = pd.concat(parts).groupby(keys, sort=False).sum().reset_index()
        else:
            out = pd.DataFrame({k: pd.Series(dtype=object) for k in keys})
            out["zone"] = out["zone"].astype(np.int64)
            out["events"] = pd.Series(dtype=np.int64)
            for name in sum_names:
                out[name] = pd.Series(dtype=float)
        if keys == ["zone"]:
            out = out.set_index("zone").reindex(range(len(labels)), fill_value=0).reset_index()
        order = ["zone", *([self.period] if self.period else [])]
        for c in self.columns:
            out[f"\x00{c}"] = out[c] == ""
            order += [f"\x00{c}", c]
        out = out.sort_values(order, kind="stable").reset_index(drop=True)
        out["zone"] = labels[out["zone"].to_numpy(dtype=np.int64)]
        if self.period is not None:
            period = self.period
            out[period] = [
                UNREADABLE_DATE
                if v == _BAD_PERIOD
                else (f"{v // 100:04d}" if period == "year" else f"{v // 100:04d}-{v % 100:02d}")
                for v in out[period].to_numpy(dtype=np.int64)
            ]
        out["events"] = out["events"].astype(np.int64)
        for name in sum_names:
            vals = out[name].to_numpy(dtype=float)
            if np.all(vals == np.round(vals)):
                out[name] = vals.astype(np.int64)
        out = out[[*keys, "events", *sum_names]]
        bad_dates = np.concatenate(self._bad_dates) if self._bad_dates else np.zeros(0, int)
        bad_rows = np.concatenate(self._bad_rows) if self._bad_rows else np.zeros(0, int)
        out.attrs["by"] = [self.zone_key, *([self.period] if self.period else []), *self.columns]
        if self.date_col is not None:
            out.attrs["date_column"] = self.date_col
            out.attrs["unreadable_dates"] = bad_dates.tolist()
        out.attrs["unreadable_rows"] = bad_rows.tolist()
        if len(bad_dates):
            warnings.warn(
                f"{len(bad_dates)} date(s) in column {self.date_col!r} could not be read (rows "
                f"{_rows_text(bad_dates)}; {'; '.join(self._date_examples)}): counted under "
                f"{UNREADABLE_DATE!r}",
                UserWarning,
                stacklevel=2,
            )
        if len(bad_rows):
            warnings.warn(
                f"{len(bad_rows)} row(s) without readable coordinates (rows "
                f"{_rows_text(bad_rows)}{self._row_example}): counted under "
                f"{UNREADABLE_ROWS!r}",
                UserWarning,
                stacklevel=2,
            )
        for s, found in self._bad_sums.items():
            if found:
                rows = np.concatenate(found)
                warnings.warn(
                    f"{len(rows)} value(s) in column {s!r} are not numbers (rows "
                    f"{_rows_text(rows)}): counted as events, left out of the sum",
                    UserWarning,
                    stacklevel=2,
                )
        return out


def summarize(
    events: pd.DataFrame,
    by: str | Sequence[str] = "zone",
    *,
    sum: str | Sequence[str] | None = None,
    date_col: str | None = None,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
) -> pd.DataFrame:
    """Count events (and sum columns) per zone, period and column.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame
        Points as a GeoDataFrame (any CRS; rows without a point geometry,
        or with a message in ``attrs["error_column"]`` as
        :func:`geo.pointfiles.read_points` gives them, are unreadable rows), or
        a DataFrame with latitude/longitude columns (detected as by
        :func:`geo.pointfiles.find_coordinate_columns`, or named).
    by : str or sequence of str, default "zone"
        ``"zone"`` (the classifier's innermost zone) or ``"zones"`` (every
        zone holding the point), then optionally ``"year"`` or ``"month"``,
        then columns: ``"zone,month,event_type"``.
    sum : str or sequence of str, optional
        Numeric columns to sum per row of the summary (``"fatalities"``);
        a value that is not a number is left out of the sum, with a warning
        naming its rows.
    date_col : str, optional
        The date column (default: detected, see :data:`DATE_NAMES`); read
        only when ``by`` has a period.
    lat_col, lon_col : str, optional
        Coordinate columns of a plain DataFrame.
    assume_lonlat : bool, default False
        Take a GeoDataFrame without a CRS as lon/lat.

    Returns
    -------
    pandas.DataFrame
        Columns: ``zone``, the period (``year`` as "2017", ``month`` as
        "2017-05", or "unreadable date"), the ``by`` columns, ``events`` and
        ``sum_<column>`` per summed column. Rows: zones in ``zones.csv``
        order, then "no zone", then "unreadable rows"; within a zone, periods
        in time order with "unreadable date" last, then column values
        sorted (blanks last). With ``by="zone"`` alone every zone has a row,
        even with no events. ``attrs`` holds the date column and the rows
        (from 1) of unreadable dates and coordinates.

    Warns
    -----
    UserWarning
        Naming the rows whose date, coordinates or summed value could not be
        read.
    """
    frame = events
    hidden = {frame.attrs.get("error_column")}
    if hasattr(frame, "geometry"):
        hidden.add(frame.geometry.name)
    own = [str(c) for c in frame.columns if c not in hidden]
    tally = Tally(own, by, sum=sum, date_col=date_col)
    ok, table = _locate(frame, lat_col, lon_col, assume_lonlat)
    error_col = frame.attrs.get("error_column")
    errors = frame[error_col].to_numpy(dtype=object) if error_col in frame.columns else None
    tally.add(frame, ok, table["zone"].to_numpy(), table["zones"].to_numpy(), 1, errors=errors)
    return tally.result()


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return str(value)


def render(table: pd.DataFrame, fmt: SummaryFormat = "md") -> str:
    """The summary as a Markdown table, CSV or JSON (``{"by", ..., "rows"}``).

    Examples
    --------
    >>> t = pd.DataFrame({"zone": ["granted_5km", "no zone"], "events": [3, 1]})
    >>> print(render(t, "md"))
    | zone | events |
    |---|---:|
    | granted_5km | 3 |
    | no zone | 1 |
    <BLANKLINE>
    """
    cols = [str(c) for c in table.columns]
    if fmt == "md":
        numeric = [c == "events" or c.startswith("sum_") for c in cols]
        head = "| " + " | ".join(cols) + " |\n"
        rule = "|" + "|".join("---:" if x else "---" for x in numeric) + "|\n"
        body = "".join(
            "| " + " | ".join(_cell(v).replace("|", "\\|") for v in rec) + " |\n"
            for rec in table.itertuples(index=False, name=None)
        )
        return head + rule + body
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for rec in table.itertuples(index=False, name=None):
            w.writerow([_cell(v) for v in rec])
        return buf.getvalue()
    if fmt == "json":
        rows = [
            {
                c: (v.item() if isinstance(v, np.generic) else v)
                for c, v in zip(cols, rec, strict=True)
            }
            for rec in table.itertuples(index=False, name=None)
        ]
        meta = {str(k): table.attrs[k] for k in sorted(table.attrs, key=str)}
        return json.dumps({**meta, "rows": rows}, ensure_ascii=False, indent=2) + "\n"
    raise InputError(f"unknown summary format {fmt!r}; use md, csv or json")


def format_for(path: str | os.PathLike[str]) -> SummaryFormat:
    """The output format a file name asks for (.md, .csv, .json)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXT:
        raise InputError(
            f"{path}: cannot tell the format from {suffix or 'no extension'!r}; "
            "use .md, .csv or .json, or give --format"
        )
    return _EXT[suffix]
