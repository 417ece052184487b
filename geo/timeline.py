"""The frontier through time: dated, sourced items as validated values.

``layers/timeline.csv`` lists what was agreed, demanded, offered, claimed,
reported or observed along the frontier from 1974 on, one item a line: its
dates, a geometry rule, its source (outlet, title, date) and a confidence.
This module reads and checks the table and answers which items were known,
or in force, at a date. Geometry is built elsewhere: :mod:`geo.zones` turns
the rules into shapes (a distance band with the same geodesic one-sided
buffer as the 2017 zones).

A geometry rule is one of:

``band:<line layer>:<inner m>:<outer m>``
    the part of the row's ``territory`` whose geodesic distance to the line is
    in (inner, outer], on the row's ``side`` of it;
``governorates:<name>;<name>…``
    Syrian governorates, as the ``syria_governorates`` layer names them;
``points:<layer>``
    the features of a point layer whose ``item`` is the row's id;
``line:<layer>[:<feature id>;…]``
    a line layer, or some of its features by ``id``;
``layer:<layer>``
    a whole polygon layer (e.g. the Area of Separation);
``none``
    reporting does not locate it well enough to draw; ``not_located`` says what.

Dates are ISO: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` where reporting gives
no more (a start is read as the period's first day, an end as its last). An
empty ``date_end`` means open: in force, or never reported ended.

Examples
--------
>>> from geo import timeline
>>> item = timeline.item("2018_claim_85km")
>>> item.kind, item.start.isoformat(), item.rule.outer_m
('claimed', '2018-08-01', 85000.0)
>>> [i.id for i in timeline.in_force("2018-08-01") if i.rule.kind == "band"][-1]
'2018_claim_85km'
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import shapely

from geo import layers
from geo.errors import InputError, UnknownNameError
from geo.specs import TERRITORIES, Side, ZoneSpec

__all__ = [
    "COLUMNS",
    "POSITIONS_FIELDS",
    "POSITIONS_FILE",
    "POSITIONS_LAYER",
    "TIMELINE_FILE",
    "Confidence",
    "Kind",
    "Position",
    "Rule",
    "TimelineItem",
    "as_of_date",
    "in_force",
    "item",
    "items",
    "parse_date",
    "parse_rule",
    "position_features",
    "read_items",
    "read_positions",
    "timeline_path",
    "timeline_sha256",
]

#: File, in the layers folder, that lists the dated items.
TIMELINE_FILE = "timeline.csv"
#: The point layer of positions (made by the recipe from :data:`POSITIONS_FILE`).
POSITIONS_LAYER = "timeline_positions"
#: The recipe's cited table of positions, in ``recipes/data/``.
POSITIONS_FILE = "timeline_positions.csv"
#: Properties of every feature of :data:`POSITIONS_LAYER`, in order.
POSITIONS_FIELDS = ["id", "item", "name", "uncertainty_m", "placement", "source"]

Kind = Literal["agreed", "demanded", "offered", "claimed", "reported", "observed"]
Confidence = Literal["exact", "as described", "schematic"]
RuleKind = Literal["band", "governorates", "points", "line", "layer", "none"]

#: Columns of the table, in order.
COLUMNS = [
    "id",
    "title",
    "kind",
    "date_start",
    "date_end",
    "geometry",
    "territory",
    "side",
    "source_outlet",
    "source_title",
    "source_date",
    "source_url",
    "confidence",
    "not_located",
    "note",
]
_REQUIRED = ("id", "title", "kind", "date_start", "geometry", "source_outlet", "source_title")
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_GOVERNORATES = "syria_governorates"


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------
def parse_date(text: str, *, end: bool = False) -> dt.date:
    """An ISO date, month or year as a date: its first day, or with ``end`` its last.

    Examples
    --------
    >>> parse_date("2018-07"), parse_date("2018-07", end=True)
    (datetime.date(2018, 7, 1), datetime.date(2018, 7, 31))
    >>> parse_date("2018-13-01")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: date '2018-13-01': not a date (use YYYY-MM-DD, YYYY-MM or YYYY)
    """
    m = _DATE.match(text.strip()) if isinstance(text, str) else None
    bad = InputError(f"date {text!r}: not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    if m is None:
        raise bad
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        mo = int(month)
        if day is None:
            last = calendar.monthrange(year, mo)[1] if 1 <= mo <= 12 else 0
            return dt.date(year, mo, last if end else 1)
        return dt.date(year, mo, int(day))
    except ValueError:
        raise bad from None


def as_of_date(value: str | dt.date | None) -> dt.date:
    """A date to look at the timeline on: a date, an ISO string, ``"today"`` or None (today).

    A month or a year stands for its last day (everything dated in it is known).

    Examples
    --------
    >>> as_of_date("2018-08-01")
    datetime.date(2018, 8, 1)
    >>> as_of_date("2018")
    datetime.date(2018, 12, 31)
    """
    if value is None or (isinstance(value, str) and value.strip().lower() == "today"):
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InputError(f"as_of {value!r}: give a date, YYYY-MM-DD, YYYY-MM, YYYY or 'today'")
    return parse_date(value, end=True)


# --------------------------------------------------------------------------
# geometry rules
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """A parsed geometry rule (see the module docstring).

    Examples
    --------
    >>> parse_rule("band:golan_line_a:0:100000")
    Rule(kind='band', layer='golan_line_a', names=(), inner_m=0.0, outer_m=100000.0)
    """

    #: One of band, governorates, points, line, layer, none.
    kind: RuleKind
    #: The layer the rule reads ("" for none).
    layer: str = ""
    #: Governorate names, or feature ids of a ``line`` rule (empty: every feature).
    names: tuple[str, ...] = ()
    #: Inner distance of a band, metres.
    inner_m: float = 0.0
    #: Outer distance of a band, metres.
    outer_m: float = 0.0

    def __str__(self) -> str:
        if self.kind == "none":
            return "none"
        if self.kind == "band":
            return f"band:{self.layer}:{self.inner_m:g}:{self.outer_m:g}"
        if self.kind == "governorates":
            return "governorates:" + ";".join(self.names)
        tail = (":" + ";".join(self.names)) if self.names else ""
        return f"{self.kind}:{self.layer}{tail}"


def parse_rule(text: str) -> Rule:
    """Parse a geometry rule; the message says what a right one looks like.

    Examples
    --------
    >>> parse_rule("governorates:Quneitra;Dar`a").names
    ('Quneitra', 'Dar`a')
    >>> parse_rule("band:golan_line_a:5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.errors.InputError: geometry 'band:golan_line_a:5': a band is band:<line layer>:...
    """
    text = text.strip()
    head, _, rest = text.partition(":")
    if head == "none" and not rest:
        return Rule("none")
    if head == "band":
        parts = rest.split(":")
        if len(parts) != 3 or not parts[0]:
            raise InputError(f"geometry {text!r}: a band is band:<line layer>:<inner m>:<outer m>")
        try:
            inner, outer = float(parts[1]), float(parts[2])
        except ValueError:
            raise InputError(f"geometry {text!r}: band distances must be metres") from None
        if not (math.isfinite(inner) and math.isfinite(outer) and 0 <= inner < outer <= 1e6):
            raise InputError(f"geometry {text!r}: need 0 ≤ inner < outer ≤ 1,000,000 m")
        return Rule("band", parts[0], (), inner, outer)
    if head == "governorates":
        names = tuple(n.strip() for n in rest.split(";") if n.strip())
        if not names:
            raise InputError(f"geometry {text!r}: name at least one governorate")
        return Rule("governorates", _GOVERNORATES, names)
    if head in ("points", "line", "layer"):
        layer, _, ids = rest.partition(":")
        if not layer.strip():
            raise InputError(f"geometry {text!r}: name a layer ({head}:<layer>)")
        if ids and head != "line":
            raise InputError(f"geometry {text!r}: only a line rule selects features")
        names = tuple(n.strip() for n in ids.split(";") if n.strip())
        return Rule(head, layer.strip(), names)  # type: ignore[arg-type]
    raise InputError(
        f"geometry {text!r}: unknown rule; use band:, governorates:, points:, line:, layer: or none"
    )


# --------------------------------------------------------------------------
# items
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineItem:
    """One dated, sourced item of the timeline (a line of ``timeline.csv``)."""

    #: Identifier, lower-case letters, digits and underscores.
    id: str
    #: Human title.
    title: str
    #: What it is: agreed, demanded, offered, claimed, reported or observed.
    kind: Kind
    #: First day, ISO (a month or a year where reporting gives no more).
    date_start: str
    #: Last day, ISO; "" when open (in force, or never reported ended).
    date_end: str
    #: The geometry rule, as written.
    geometry: str
    #: Territory a band is clipped to (a key of :data:`geo.specs.TERRITORIES`).
    territory: str
    #: Side of the line a band lies on.
    side: str
    #: Outlet of the source.
    source_outlet: str
    #: Title of the source.
    source_title: str
    #: Date of the source, ISO.
    source_date: str
    #: Address of the source, if known.
    source_url: str
    #: How well the geometry stands for what was said: exact, as described, schematic.
    confidence: Confidence
    #: What the reporting names but does not locate well enough to draw.
    not_located: str = ""
    #: Facts, caveats and further sources.
    note: str = ""
    #: The parsed rule (derived from ``geometry``).
    rule: Rule = field(init=False, compare=False, repr=False)
    #: First day in force.
    start: dt.date = field(init=False, compare=False, repr=False)
    #: Last day in force; None when open.
    end: dt.date | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise InputError(f"id {self.id!r}: use lower-case letters, digits and _")
        for name in _REQUIRED:
            if not str(getattr(self, name)).strip():
                raise InputError(f"{name} is empty")
        if self.kind not in get_args(Kind):
            raise UnknownNameError("kind", self.kind, list(get_args(Kind)))
        if self.confidence not in get_args(Confidence):
            raise UnknownNameError("confidence", self.confidence, list(get_args(Confidence)))
        try:
            parse_date(self.source_date)
        except InputError as exc:
            raise InputError(f"source_date: {exc}") from None
        try:
            start = parse_date(self.date_start)
        except InputError as exc:
            raise InputError(f"date_start: {exc}") from None
        end = None
        if self.date_end:
            try:
                end = parse_date(self.date_end, end=True)
            except InputError as exc:
                raise InputError(f"date_end: {exc}") from None
            if end < start:
                raise InputError(f"date_end {self.date_end} is before date_start {self.date_start}")
        rule = parse_rule(self.geometry)  # its message names the geometry field
        if rule.kind == "band":
            if self.territory not in TERRITORIES:
                raise UnknownNameError("territory", self.territory, sorted(TERRITORIES))
            if self.side not in get_args(Side):
                raise UnknownNameError("side", self.side, list(get_args(Side)))
        elif self.territory or self.side:
            raise InputError("territory and side are for band rules only; leave them empty")
        if rule.kind == "none" and not self.not_located.strip():
            raise InputError("an item that is not drawn must say in not_located what is missing")
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def in_force(self, on: dt.date) -> bool:
        """Whether the item is in force (or open) on a date."""
        return self.start <= on and (self.end is None or on <= self.end)

    def zone_spec(self) -> ZoneSpec:
        """The item's band as a zone specification (band rules only)."""
        if self.rule.kind != "band":
            raise InputError(f"timeline item {self.id!r} is not a distance band")
        return ZoneSpec(
            id=self.id,
            title=self.title,
            family=self.kind,
            reference=self.rule.layer,
            distance_km=self.rule.outer_m / 1000.0,
            inner_km=self.rule.inner_m / 1000.0,
            territory=self.territory,
            side=self.side,  # type: ignore[arg-type]
            source=self.source(),
            lines=[self.rule.layer],
        )

    def source(self) -> str:
        """Outlet, title and date of the source, in one line."""
        return f"{self.source_outlet}, '{self.source_title}', {self.source_date}"


def timeline_path() -> Path:
    """Path of the timeline in the layers folder."""
    return layers.layers_dir() / TIMELINE_FILE


def timeline_sha256(file: str | Path | None = None) -> str:
    """sha256 of the timeline file, recorded with the computed timeline layer."""
    path = Path(file) if file is not None else timeline_path()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_layers(item: TimelineItem, loaded: dict[str, Any]) -> None:
    """Check that the layers, names and features a rule reads exist.

    ``loaded`` holds the layers already read (by name), read-only.
    """
    rule = item.rule
    if rule.kind == "none":
        return
    if rule.kind == "band":
        known = layers.line_names()
        if rule.layer not in known:
            raise UnknownNameError("reference line", rule.layer, sorted(known))
        return
    available = layers.names()
    if rule.layer not in available:
        raise UnknownNameError("layer", rule.layer, available)
    if rule.layer not in loaded:
        loaded[rule.layer] = layers.load(rule.layer)
    gdf = loaded[rule.layer]
    kinds = set(gdf.geom_type)
    if rule.kind == "governorates":
        names = sorted(gdf["name"])
        for n in rule.names:
            if n not in names:
                raise UnknownNameError("governorate", n, names)
    elif rule.kind == "points":
        if "item" not in gdf.columns or not (gdf["item"] == item.id).any():
            raise InputError(f"geometry: layer {rule.layer!r} has no feature with item {item.id!r}")
        if not kinds <= {"Point"}:
            raise InputError(f"geometry: layer {rule.layer!r} is not a point layer")
    elif rule.kind == "line":
        if not kinds <= {"LineString", "MultiLineString"}:
            raise InputError(f"geometry: layer {rule.layer!r} is not a line layer")
        ids = list(gdf["id"]) if "id" in gdf.columns else []
        for n in rule.names:
            if n not in ids:
                raise UnknownNameError(f"feature of {rule.layer}", n, ids)
    elif not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"geometry: layer {rule.layer!r} is not a polygon layer")


def read_items(file: str | Path | None = None) -> list[TimelineItem]:
    """Read and check the timeline (``layers/timeline.csv`` by default).

    Every row needs an id, a title, a kind, a start date, a geometry rule
    whose layers and names exist, a source outlet, title and date, and a
    confidence.

    Raises
    ------
    InputError
        Naming the file, line and field at fault.

    Notes
    -----
    The items are kept until the file or a layer changes (its bytes:
    :func:`geo.layers.state`), so a page or report that asks again does not
    check them again.
    """
    path = Path(file) if file is not None else timeline_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the timeline ({exc.strerror})") from exc
    key = (str(path.resolve()), hashlib.sha256(text.encode()).hexdigest(), layers.state())
    found = _READ.get(key)
    if found is None:
        found = tuple(_parse_items(path, text))
        _READ.clear()  # the last file read, checked against the layers of the time
        _READ[key] = found
    return list(found)


#: :func:`read_items`'s last result, under the file's and the layers' state.
_READ: dict[tuple[Any, ...], tuple[TimelineItem, ...]] = {}


def _parse_items(path: Path, text: str) -> list[TimelineItem]:
    loaded: dict[str, Any] = {}  # each layer a rule reads, loaded once
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    out: list[TimelineItem] = []
    seen: set[str] = set()
    for row in reader:
        lineno = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        where = f"{path}, line {lineno}"
        values: dict[str, Any] = {k: (row.get(k) or "").strip() for k in COLUMNS}
        try:
            item = TimelineItem(**values)
            _check_layers(item, loaded)
        except (InputError, UnknownNameError) as exc:
            raise InputError(f"{where} (id {values['id']!r}): {exc}") from None
        if item.id in seen:
            raise InputError(f"{where}: id {item.id!r} is listed twice")
        seen.add(item.id)
        out.append(item)
    if not out:
        raise InputError(f"{path}: no items listed")
    return out


def items(as_of: str | dt.date | None = None) -> list[TimelineItem]:
    """The items, by start date: all of them, or those dated on or before ``as_of``.

    Items that had ended by ``as_of`` are included (they are history by then);
    see :func:`in_force` for those still in force.
    """
    found = sorted(read_items(), key=lambda i: (i.start, i.id))
    if as_of is None:
        return found
    on = as_of_date(as_of)
    return [i for i in found if i.start <= on]


def in_force(as_of: str | dt.date | None = None) -> list[TimelineItem]:
    """The items in force (or open) on a date (default today), by start date."""
    on = as_of_date(as_of)
    return [i for i in items() if i.in_force(on)]


def item(item_id: str) -> TimelineItem:
    """One item by id; an unknown id lists the known ones."""
    found = {i.id: i for i in read_items()}
    if item_id not in found:
        raise UnknownNameError("timeline item", item_id, list(found))
    return found[item_id]


# --------------------------------------------------------------------------
# the positions' table (read by the recipe)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Position:
    """A hand-placed, schematic position of a timeline item (``timeline_positions.csv``)."""

    #: Feature id.
    id: str
    #: The timeline item it belongs to.
    item: str
    #: What is there, as reported.
    name: str
    #: Longitude, degrees WGS84.
    lon: float
    #: Latitude, degrees WGS84.
    lat: float
    #: How far off the point may be, metres.
    uncertainty_m: float
    #: How the point was placed (anchor and offset).
    placement: str
    #: Where the position is reported.
    source: str


def read_positions(file: str | Path) -> list[Position]:
    """Read and check the recipe's table of positions.

    Raises
    ------
    InputError
        Naming the file, line and field at fault.
    """
    path = Path(file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the positions ({exc.strerror})") from exc
    cols = ["id", "item", "name", "lon", "lat", "uncertainty_m", "placement", "source"]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in cols if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    out: list[Position] = []
    seen: set[str] = set()
    for row in reader:
        where = f"{path}, line {reader.line_num}"
        v = {k: (row.get(k) or "").strip() for k in cols}
        for k in ("id", "item", "name", "placement", "source"):
            if not v[k]:
                raise InputError(f"{where}: field {k} is empty")
        nums: dict[str, float] = {}
        for k, lo, hi in (("lon", -180, 180), ("lat", -90, 90), ("uncertainty_m", 0, 1e5)):
            try:
                nums[k] = float(v[k])
            except ValueError:
                raise InputError(f"{where}: field {k} {v[k]!r} is not a number") from None
            if not (math.isfinite(nums[k]) and lo <= nums[k] <= hi):
                raise InputError(f"{where}: field {k} {v[k]!r} is out of range [{lo}, {hi}]")
        if v["id"] in seen:
            raise InputError(f"{where}: field id {v['id']!r} is listed twice")
        seen.add(v["id"])
        out.append(
            Position(
                v["id"], v["item"], v["name"], nums["lon"], nums["lat"],
                nums["uncertainty_m"], v["placement"], v["source"],
            )
        )  # fmt: skip
    if not out:
        raise InputError(f"{path}: no positions listed")
    return out


def position_features(positions: Iterable[Position]) -> list[tuple[dict[str, Any], Any]]:
    """``(properties, Point)`` pairs of the positions layer, in the table's order."""
    return [
        (
            {
                "id": p.id,
                "item": p.item,
                "name": p.name,
                "uncertainty_m": p.uncertainty_m,
                "placement": p.placement,
                "source": p.source,
            },
            shapely.Point(p.lon, p.lat),
        )
        for p in positions
    ]
