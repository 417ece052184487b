"""Display-ready data for the map: simplified, rounded, with figures and provenance.

This is the products stage between the layers (and the geodesic engine) and
the HTML: it decides what each map layer holds, simplifies geometry for display
in a metric CRS, rounds coordinates to 6 decimals (~0.1 m), and formats the
figures popups show (line length, zone area and population, a place's distance
to Line A and its zone). :mod:`geo.render.webmap` renders what :func:`prepare` returns
and computes no geometry itself.

A user's points travel apart from the layers' GeoJSON: :func:`encode_points`
turns a :class:`PointTable` (every row of ``classify``'s output, as text) into
one compact columnar object (flat coordinate arrays, zones as small ints,
columns as values or distinct values + codes) that ``static/points.js`` draws
on canvas; beyond :data:`MAX_MAP_POINTS` it holds counts by zone on 2 km cells.

Text is handed over as plain text (never HTML); the page inserts it as text.

Examples
--------
>>> from geo.render import display
>>> data = display.prepare()
>>> [layer.key for layer in data.layers if layer.group == "Lines"]
['golan_line_a', 'golan_line_b', 'blue_line']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import layers as _layers
from geo import places as _places
from geo import report
from geo import zones as _zones
from geo.classification import COLUMNS, ERROR_COLUMN, classify
from geo.errors import InputError
from geo.points import COLLISION_SUFFIX, added_column_names
from geo.render import style
from geo.summary import find_date_column

if TYPE_CHECKING:
    from geo.timeline import TimelineItem

__all__ = [
    "COORD_DECIMALS",
    "DISPLAY_CRS",
    "GROUPS",
    "MAX_MAP_POINTS",
    "PROVENANCE_FIELDS",
    "TIMELINE_STOPS",
    "DisplayLayer",
    "MapData",
    "PointTable",
    "Role",
    "encode_points",
    "point_table",
    "prepare",
    "round_geometry",
    "search_index",
    "simplify_for_display",
    "timeline_entries",
]

#: Decimal places of displayed coordinates (1e-6 degree is ~0.11 m).
COORD_DECIMALS = 6

#: Metric CRS used to simplify for display: azimuthal equidistant centred on the Golan.
DISPLAY_CRS = "+proj=aeqd +lat_0=33.2 +lon_0=35.8 +datum=WGS84 +units=m +no_defs"

#: Layer-control groups, in order.
GROUPS: tuple[str, ...] = ("Lines", "Zones", "Border barrier", "Context", "Your points")

Group = Literal["Lines", "Zones", "Border barrier", "Context", "Your points"]
GeometryKind = Literal["line", "polygon", "point"]
#: What the distance probe uses a feature for.
Role = Literal["line_a", "line_b", "blue_line", "zone", "country", ""]

#: Display simplification tolerance per layer, metres (absent: not simplified).
#: The reference lines are never simplified: the probe measures to them.
SIMPLIFY_M: dict[str, float] = {
    "countries": 120.0,
    "syria_governorates": 300.0,
    "lebanon_border_barrier": 5.0,
    "zones": 10.0,
    # context drawn from the lines (other versions, parts, corridors): for looking at,
    # not measured by the probe
    "blue_line_parts": 15.0,
    "blue_line_geo_maps": 15.0,
    "golan_line_a_geo_maps": 15.0,
    "golan_line_a_natural_earth": 15.0,
    "blue_line_corridor": 15.0,
    "golan_line_a_corridor": 15.0,
}

#: Places shown: populated places of at least this population, and every landmark.
MIN_PLACE_POPULATION = 1000

_LINES = ("golan_line_a", "golan_line_b", "blue_line")
_ROLES: dict[str, Role] = {
    "golan_line_a": "line_a",
    "golan_line_b": "line_b",
    "blue_line": "blue_line",
}


@dataclass(frozen=True)
class DisplayLayer:
    """One toggleable layer of the map, ready to render."""

    #: Stable key (layer name, or ``zone:<id>``), used for styling.
    key: str
    #: Name shown in the layer control and legend (plain text).
    title: str
    #: Layer-control group, one of :data:`GROUPS`.
    group: Group
    #: Geometry kind of the features.
    geometry: GeometryKind
    #: GeoJSON FeatureCollection, coordinates rounded to :data:`COORD_DECIMALS`.
    #: Each feature has an ``id`` and properties ``_tooltip`` (str), ``_popup``
    #: (list of ``[label, value]`` strings), ``_role`` and the fields styling needs.
    geojson: dict[str, Any]
    #: Provenance rows shared by every feature (``[label, value]`` strings).
    provenance: tuple[tuple[str, str], ...] = ()
    #: Shown when the page opens.
    show: bool = True
    #: Attribution text for the map's attribution control (plain text).
    attribution: str = ""
    #: Stated accuracy of the layer (manifest ``accuracy_m``), metres.
    accuracy_m: float | None = None
    #: Some features carry ``_when`` (date ranges): the page redraws the layer for a date.
    dated: bool = False
    #: Tolerance (m) the geometry was simplified by for display (None: not simplified).
    simplified_m: float | None = None

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"group {self.group!r} is not one of {GROUPS}")
        if self.geojson.get("type") != "FeatureCollection":
            raise ValueError(f"layer {self.key!r}: geojson must be a FeatureCollection")


@dataclass(frozen=True)
class MapData:
    """Everything the map shows, as :func:`prepare` hands it to :mod:`geo.render.webmap`."""

    #: Layers in drawing order (first drawn first).
    layers: tuple[DisplayLayer, ...]
    #: ``[[south, west], [north, east]]`` the map opens on.
    bounds: tuple[tuple[float, float], tuple[float, float]]
    #: Attributions of all layers (plain text, de-duplicated).
    attributions: tuple[str, ...] = field(default=())
    #: The timeline's dated items (:func:`timeline_entries`); None without a timeline.
    timeline: dict[str, Any] | None = None
    #: The user's points, as the page carries them (:func:`encode_points`), or None.
    points: dict[str, Any] | None = field(default=None, repr=False)
    #: The search box's index (:func:`search_index`), or None without a places layer.
    search: dict[str, Any] | None = None


def round_geometry(geom: shapely.Geometry, decimals: int = COORD_DECIMALS) -> shapely.Geometry:
    """Round every coordinate of ``geom`` to ``decimals`` places.

    Examples
    --------
    >>> round_geometry(shapely.Point(35.12345678, 33.0000004)).wkt
    'POINT (35.123457 33)'
    """
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def simplify_for_display(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify geometries by ``tolerance_m`` metres in :data:`DISPLAY_CRS`.

    Polygons that tile the plane (countries, governorates) are simplified as a
    coverage, so shared borders stay shared; other geometries with
    topology-preserving Douglas–Peucker.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Lon/lat features.
    tolerance_m : float
        Tolerance in metres.

    Returns
    -------
    geopandas.GeoSeries
        Simplified geometries in the CRS of ``gdf``.
    """
    metric = gdf.geometry.to_crs(DISPLAY_CRS)
    geoms = metric.to_numpy()
    polygonal = bool(np.all(np.isin(shapely.get_type_id(geoms), (3, 6))))
    simplified = None
    if polygonal and shapely.coverage_is_valid(geoms):
        simplified = shapely.coverage_simplify(geoms, tolerance_m)
        if not np.all(shapely.is_valid(simplified)):
            simplified = None
    if simplified is None:
        simplified = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    return gpd.GeoSeries(simplified, index=gdf.index, crs=DISPLAY_CRS).to_crs(gdf.crs)


def _fmt_km(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 10_000 else f"{metres / 1000:,.2f} km"


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"
    if isinstance(value, (int, np.integer)):
        return f"{value:,d}"
    return str(value)


#: Columns whose numbers are years or labels, shown without a thousands separator.
_PLAIN_NUMBER_COLUMNS = ("year", "family", "geonameid")


def _fmt_col(col: str, value: Any) -> str:
    """``value`` of column ``col`` as text: years without a separator ("2017")."""
    if (col in _PLAIN_NUMBER_COLUMNS or col.endswith("_year")) and _num(value) is not None:
        number = float(value)
        return str(int(number)) if number.is_integer() else str(number)
    if isinstance(value, str) and value in _layers.names():
        return _layer_title(value)  # a layer by its title, never its name
    return _fmt(value)


def _layer_title(name: str) -> str:
    """The title of layer ``name`` (its name if it has none)."""
    try:
        return str(_layers.info(name).get("title") or name)
    except Exception:  # an unknown reference: its name is all we know
        return name


def _aos_rows(info: dict[str, Any]) -> list[tuple[str, str]]:
    """Length (along Line A), width range and source of the Area of Separation."""
    rows: list[tuple[str, str]] = []
    if "golan_line_a" in _layers.names():
        line_a = _layers.load("golan_line_a").geometry
        length = sum(report.feature_length_m(g) for g in line_a)
        rows.append(("Length (along Line A)", _fmt_km(length)))
    width = info.get("width_km") or {}
    if width.get("min_km") is not None and width.get("max_km") is not None:
        rows.append(("Width (Line B to Line A)", f"{width['min_km']:g}–{width['max_km']:g} km"))
    if info.get("attribution"):
        rows.append(("Source", str(info["attribution"])))
    return rows


#: Label of each provenance row → the manifest field it shows (files downloaded from
#: the map name them by the field: ``attribution``, ``licence``, ...).
PROVENANCE_FIELDS: dict[str, str] = {
    "Layer": "title",
    "Source": "attribution",
    "Licence": "licence",
    "Method": "method",
    "Stated accuracy": "stated_accuracy",
}


def _provenance(info: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = [("Layer", str(info.get("title", "")))]
    for label, key in (("Source", "attribution"), ("Licence", "licence"), ("Method", "method")):
        if info.get(key):
            rows.append((label, str(info[key])))
    acc = info.get("accuracy_m")
    if acc is not None:
        note = info.get("accuracy_note")
        rows.append(("Stated accuracy", f"± {acc:,.0f} m" + (f" ({note})" if note else "")))
    assert all(label in PROVENANCE_FIELDS for label, _ in rows)
    return tuple(rows)


def _features(
    gdf: gpd.GeoDataFrame,
    geoms: Sequence[shapely.Geometry],
    tooltip: Callable[[pd.Series], str],
    popup: Callable[[pd.Series], list[tuple[str, str]]],
    extra: Callable[[pd.Series], dict[str, Any]] | None = None,
    role: Role = "",
) -> dict[str, Any]:
    features = []
    for i, ((_, row), geom) in enumerate(zip(gdf.iterrows(), geoms, strict=True)):
        if geom is None or shapely.is_empty(geom):
            continue
        props: dict[str, Any] = {
            "_tooltip": tooltip(row),
            "_popup": [[k, v] for k, v in popup(row)],
            "_role": role,
        }
        if extra is not None:
            props.update(extra(row))
        features.append(
            {
                "type": "Feature",
                "id": str(i),
                "properties": props,
                "geometry": shapely.geometry.mapping(round_geometry(geom)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _load(name: str) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    gdf = _layers.load(name)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return gdf, dict(_layers.info(name))


#: Decimals of a layer simplified by at least :data:`COARSE_M` metres: 1e-5° (≤ 1.1 m)
#: is a fraction of what the simplification moves; the rest keep :data:`COORD_DECIMALS`.
COARSE_DECIMALS, COARSE_M = 5, 5.0


def _display_geoms(name: str, gdf: gpd.GeoDataFrame) -> list[shapely.Geometry]:
    tol = SIMPLIFY_M.get(name)
    if tol is None:
        return list(gdf.geometry)
    simplified = simplify_for_display(gdf, tol)
    if tol >= COARSE_M:  # the page's size budget: no digits finer than the simplification
        return [round_geometry(g, COARSE_DECIMALS) for g in simplified]
    return list(simplified)


def _line_layer(name: str, group: Group, *, show: bool = True) -> DisplayLayer:
    gdf, info = _load(name)
    title = str(info.get("title", name))

    def popup(row: pd.Series) -> list[tuple[str, str]]:
        rows = [("Length (geodesic)", _fmt_km(report.feature_length_m(row.geometry)))]
        for col in gdf.columns:
            if col not in ("geometry", "name") and not pd.isna(row[col]):
                rows.append((col.replace("_", " ").capitalize(), _fmt_col(col, row[col])))
        return rows

    def extra(row: pd.Series) -> dict[str, Any]:
        return {"kind": str(row.get("kind", "") or "")}

    return DisplayLayer(
        key=name,
        title=title,
        group=group,
        geometry="line",
        geojson=_features(
            gdf,
            _display_geoms(name, gdf),
            lambda row: str(row.get("name") or title),
            popup,
            extra,
            _ROLES.get(name, ""),
        ),
        provenance=_provenance(info),
        show=show,
        attribution=str(info.get("attribution", "")),
        accuracy_m=_num(info.get("accuracy_m")),
        simplified_m=SIMPLIFY_M.get(name),
    )


def _area_layer(name: str, group: Group, *, role: Role = "", show: bool = True) -> DisplayLayer:
    gdf, info = _load(name)
    title = str(info.get("title", name))
    figures = name not in ("countries", "syria_governorates")
    extra_rows = _aos_rows(info) if name == "undof_area_of_separation" else []

    def popup(row: pd.Series) -> list[tuple[str, str]]:
        rows = []
        if figures:
            rows.append(
                ("Area (geodesic)", f"{report.feature_area_m2(row.geometry) / 1e6:,.1f} km²")
            )
        rows.extend(extra_rows)
        for col in gdf.columns:
            if col not in ("geometry", "name") and not pd.isna(row[col]):
                rows.append((col.replace("_", " ").capitalize(), _fmt_col(col, row[col])))
        return rows

    return DisplayLayer(
        key=name,
        title=title,
        group=group,
        geometry="polygon",
        geojson=_features(
            gdf,
            _display_geoms(name, gdf),
            lambda row: str(row.get("name") or title),
            popup,
            None,
            role,
        ),
        provenance=_provenance(info),
        show=show,
        attribution=str(info.get("attribution", "")),
        simplified_m=SIMPLIFY_M.get(name),
    )


def _classified_places(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return classify(gdf)


def _zone_titles(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """Zone id -> title, for showing zones by their titles."""
    if "id" not in gdf.columns or "title" not in gdf.columns:
        return {}
    return {str(k): str(v) for k, v in zip(gdf["id"], gdf["title"], strict=True)}


def _place_popup_for(titles: dict[str, str]) -> Callable[[pd.Series], list[tuple[str, str]]]:
    def popup(row: pd.Series) -> list[tuple[str, str]]:
        pop = _num(row.get("population"))
        if row.get("kind") == "landmark":
            rows = [("Kind", "landmark")]
        else:  # a populated place: its population says what it is
            rows = [("Population", _fmt(row.get("population")))] if pop else []
        for col, label in (
            ("distance_line_a_m", "Distance to Line A"),
            ("distance_line_b_m", "Distance to Line B"),
            ("distance_blue_line_m", "Distance to Blue Line"),
        ):
            if col in row.index and _num(row[col]) is not None:
                rows.append((label, _fmt_km(float(row[col]))))
        if "country" in row.index and not pd.isna(row["country"]):
            rows.append(("Side (de facto)", _fmt(row["country"])))
        if "in_area_of_separation" in row.index and not pd.isna(row["in_area_of_separation"]):
            rows.append(("In the Area of Separation", _fmt(bool(row["in_area_of_separation"]))))
        if "zones" in row.index:
            ids = [z for z in str(row["zones"] or "").split(";") if z and z != "nan"]
            names = "; ".join(titles.get(z, z) for z in ids)
            rows.append(("Zones", names or "none"))
        return rows

    return popup


def _place_title(row: pd.Series) -> str:
    """The place's name, with its Arabic and Hebrew names beside it where GeoNames has them."""
    names = [str(row.get("name") or "place")]
    for col in ("name_ar", "name_he"):
        value = row.get(col)
        if value is not None and not pd.isna(value) and str(value) and str(value) not in names:
            names.append(str(value))
    return " · ".join(names)


def _places_layer(
    min_population: int, zone_titles: dict[str, str]
) -> tuple[DisplayLayer, list[int]]:
    """The places layer, and the layer row (:func:`geo.places.places_table`) of each feature."""
    gdf, info = _load("places")
    gdf = gdf.reset_index(drop=True)
    pop = pd.to_numeric(gdf.get("population"), errors="coerce").fillna(0)
    keep = (pop >= min_population) | (gdf.get("kind") == "landmark")
    gdf = gdf[keep.to_numpy()].copy()
    gdf["population"] = pop[keep.to_numpy()]
    gdf = gdf.sort_values(["population", "name"], ascending=[False, True], kind="stable")
    gdf = _classified_places(gdf)
    if "golan_line_b" in _layers.names() and len(gdf):
        xy = gdf.geometry
        gdf["distance_line_b_m"] = report.distances_to_layer_m(xy.x, xy.y, "golan_line_b")
    title = str(info.get("title", "Places"))
    shown = [int(i) for i, g in zip(gdf.index, gdf.geometry, strict=True) if not _empty(g)]
    layer = DisplayLayer(
        key="places",
        title=f"{title} (population ≥ {min_population:,} and landmarks)",
        group="Context",
        geometry="point",
        geojson=_features(
            gdf,
            list(gdf.geometry),
            _place_title,
            _place_popup_for(zone_titles),
            lambda row: {
                "population": int(row["population"]),
                "kind": str(row.get("kind", "") or ""),
            },
        ),
        provenance=_provenance(info),
        attribution=str(info.get("attribution", "")),
    )
    return layer, shown


def _empty(geom: shapely.Geometry | None) -> bool:
    return geom is None or bool(shapely.is_empty(geom))


#: Separates the spellings of one place in the page's search index.
SPELLING_SEPARATOR = "|"


def search_index(shown: Sequence[int]) -> dict[str, Any]:
    """The map's search index: per place its spellings, and where it is.

    ``shown[j]`` is the places-layer row of the page's ``j``-th place feature.
    ``refs[i]`` of place ``i`` (layer order) is that feature's position, or
    ``[name, lat, lon]`` for a place the map does not draw; ``names[i]`` its
    spellings (:attr:`geo.places.SearchIndex.spellings`) joined by
    :data:`SPELLING_SEPARATOR`. The page normalises them and looks names up as
    :meth:`geo.places.SearchIndex.lookup` does.
    """
    table = _places.places_table()
    index = _places.search_index()
    position = {row: j for j, row in enumerate(shown)}
    refs: list[Any] = []
    names: list[str] = []
    for i, place in enumerate(table):
        j = position.get(i)
        refs.append(j if j is not None else [place.name, round(place.lat, 5), round(place.lon, 5)])
        spellings = index.spellings[i]
        bad = [s for s in spellings if SPELLING_SEPARATOR in s]
        if bad:
            raise ValueError(f"places: spelling {bad[0]!r} holds {SPELLING_SEPARATOR!r}")
        names.append(SPELLING_SEPARATOR.join(spellings))
    return {"refs": refs, "names": names, "separator": SPELLING_SEPARATOR}


def _zone_popup(row: pd.Series) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if "area_km2" in row.index and not pd.isna(row["area_km2"]):
        rows.append(("Area (geodesic)", f"{float(row['area_km2']):,.1f} km²"))
    else:
        rows.append(("Area (geodesic)", f"{report.feature_area_m2(row.geometry) / 1e6:,.1f} km²"))
    if "population" in row.index and not pd.isna(row["population"]):
        rows.append(("Population inside (GeoNames places)", _fmt(row["population"])))
    labels = {
        "reference": "Measured from",
        "inner_km": "From (km)",
        "distance_km": "To (km)",
        "part": "Side",
        "family": "Year",
        "source": "Source",
    }
    for col, label in labels.items():
        if col in row.index and row[col] is not None and not pd.isna(row[col]):
            value = row[col]
            if col == "part":
                value = {"inside": "within the territory", "outside": "beyond it"}.get(
                    str(value), value
                )
            elif col == "reference":
                value = _layer_title(str(value))
            rows.append((label, _fmt_col(col, value)))
    return rows


def _zone_layers(gdf: gpd.GeoDataFrame, info: dict[str, Any]) -> list[DisplayLayer]:
    """One layer per zone, except the 1974 limitation bands (one layer)."""
    out: list[DisplayLayer] = []
    prov = _provenance(info)
    gdf = gdf.reset_index(drop=True)
    fam = gdf["family"].astype(str) if "family" in gdf.columns else pd.Series([""] * len(gdf))
    ids = gdf["id"].astype(str) if "id" in gdf.columns else pd.Series(map(str, gdf.index))

    def extra(row: pd.Series) -> dict[str, Any]:
        return {
            "zone_id": str(row.get("id", "")),
            "family": str(row.get("family", "")),
            "inner_km": _num(row.get("inner_km")),
            "distance_km": _num(row.get("distance_km")),
            "part": str(row.get("part", "") or ""),
        }

    def tooltip(row: pd.Series) -> str:
        title = str(row.get("title") or row.get("id") or "zone")
        if str(row.get("part", "")) == "outside":
            title += f" (beyond the territory: {row.get('countries') or 'other countries'})"
        return title

    bands = (fam == "1974").to_numpy()
    groups: list[tuple[str, str, np.ndarray]] = []
    if bands.any():
        groups.append(("zone:1974", "1974 Areas of Limitation (bands)", bands))
    reach = pd.to_numeric(gdf.get("distance_km"), errors="coerce").fillna(0.0)
    order = sorted(
        dict.fromkeys(ids[~bands]),  # bigger zones first, so smaller ones draw on top
        key=lambda zid: -float(reach[(ids == zid).to_numpy()].max()),
    )
    for zid in order:
        mask = (ids == zid).to_numpy() & ~bands
        first = int(np.flatnonzero(mask)[0])
        title = str(gdf.loc[first, "title"]) if "title" in gdf.columns else zid
        groups.append((f"zone:{zid}", title, mask))
    for key, title, mask in groups:
        sub = gdf[mask]
        geoms = _display_geoms("zones", sub)
        out.append(
            DisplayLayer(
                key=key,
                title=title,
                group="Zones",
                geometry="polygon",
                geojson=_features(sub, geoms, tooltip, _zone_popup, extra, "zone"),
                provenance=prov,
                attribution=str(info.get("attribution", "")),
                simplified_m=SIMPLIFY_M.get("zones"),
            )
        )
    return out


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


# --------------------------------------------------------------------------
# the user's points: one compact, columnar JSON object (not GeoJSON)
# --------------------------------------------------------------------------
#: Most points drawn one by one; a file with more is drawn as cells of
#: :data:`AGGREGATE_CELL_M` with their counts by zone, and the page says so.
MAX_MAP_POINTS = 100_000

#: Side of an aggregation cell, metres (square cells in :data:`DISPLAY_CRS`).
AGGREGATE_CELL_M = 2000.0

#: Roles of the columns ``geo.classify`` adds (and the read error), by their plain names.
POINT_ROLES: tuple[str, ...] = (*COLUMNS, ERROR_COLUMN)

#: Column names taken as a point's title, in order of preference.
NAME_COLUMNS: tuple[str, ...] = ("name", "Name", "NAME", "label", "title", "location")

_ISO_DAY = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, eq=False)
class PointTable:
    """A user's classified points as the map carries them: every row, as text.

    :attr:`text` has exactly the columns (and, for a file, the text) that
    ``border-zones classify FILE -o out.csv`` writes, in order, so the page's
    CSV download is that file; :attr:`lon` and :attr:`lat` are what the map
    draws (NaN on rows that could not be read).
    """

    #: Every row, every column as text ("" for empty), in output order.
    text: pd.DataFrame
    #: Longitude per row, WGS84 degrees (NaN where the row could not be read).
    lon: np.ndarray
    #: Latitude per row, WGS84 degrees (NaN where the row could not be read).
    lat: np.ndarray
    #: Role (:data:`POINT_ROLES`) -> column of :attr:`text` holding it.
    roles: dict[str, str]
    #: The user's own columns (in :attr:`text`), shown in popups as given.
    own: tuple[str, ...]
    #: Where the points came from ("events.csv"; "" for a frame).
    source: str = ""

    def __post_init__(self) -> None:
        n = len(self.text)
        if len(self.lon) != n or len(self.lat) != n:
            raise ValueError(f"PointTable: {n} rows but {len(self.lon)} lon, {len(self.lat)} lat")
        missing = [c for c in (*self.roles.values(), *self.own) if c not in self.text.columns]
        if missing:
            raise ValueError(f"PointTable: no column(s) {missing} in the table")
        for role in COLUMNS:
            if role not in self.roles:
                raise ValueError(f"PointTable: no column for {role!r}")

    def __repr__(
        self,
    ) -> str:  # short and content-addressed (the page's element ids derive from it)
        digest = hashlib.sha256()
        digest.update(pd.util.hash_pandas_object(self.text, index=False).to_numpy().tobytes())
        digest.update(np.nan_to_num(self.lon, nan=999.0).tobytes())
        digest.update(np.nan_to_num(self.lat, nan=999.0).tobytes())
        digest.update(repr((list(self.text.columns), self.roles, self.own, self.source)).encode())
        return f"PointTable({len(self.text)} rows, sha256 {digest.hexdigest()[:16]})"


def _role_column(columns: Sequence[str], role: str) -> str | None:
    """The column ``geo.classify`` added for ``role``: the most suffixed of its names.

    (``zone``, or ``zone_right`` where the frame had a ``zone`` or ``Zone`` of its own.)
    """
    found = None
    for k in range(8):
        name = role + COLLISION_SUFFIX * k
        if name in columns:
            found = name
    return found


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def point_table(points: gpd.GeoDataFrame, *, source: str = "") -> PointTable:
    """The :class:`PointTable` of a GeoDataFrame, classifying it if it is not yet.

    Distances are kept to the millimetre, as ``classify`` writes them to a
    file; ``lon`` and ``lat`` columns are added after the others unless the
    frame has coordinate columns (lon/lat, longitude/latitude) of its own.
    """
    if points.crs is not None and points.crs.to_epsg() != 4326:
        points = points.to_crs(4326)
    points = points.reset_index(drop=True)
    geom_name = points.geometry.name
    cols = [str(c) for c in points.columns if c != geom_name]
    roles = {role: _role_column(cols, role) for role in COLUMNS}
    if any(v is None for v in roles.values()):
        own_cols = cols
        points = classify(points)
        cols = [str(c) for c in points.columns if c != geom_name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # classify has said it, once
            added = added_column_names(own_cols, list(COLUMNS))
        roles = {role: added[role] for role in COLUMNS}
    found = {k: str(v) for k, v in roles.items() if v is not None}
    own = tuple(c for c in cols if c not in found.values())
    lower = {c.lower() for c in cols}
    coords = not ({"lon", "lat"} & lower or {"longitude", "latitude"} & lower)
    lon = np.asarray(points.geometry.x, dtype=float)
    lat = np.asarray(points.geometry.y, dtype=float)
    text: dict[str, Any] = {}
    for c in cols:
        values = points[c].to_numpy(dtype=object)
        if c in (found["distance_line_a_m"], found["distance_blue_line_m"]):
            values = np.round(pd.to_numeric(points[c], errors="coerce").to_numpy(float), 3)
        text[c] = [_cell_text(v) for v in values]
    if coords:  # as ``classify`` gives a file of geometries: lon and lat columns
        text["lon"] = [_cell_text(v) for v in lon]
        text["lat"] = [_cell_text(v) for v in lat]
    frame = pd.DataFrame(text, dtype=object)
    return PointTable(frame, lon, lat, found, own, source)


def _encoded(values: Sequence[str]) -> dict[str, Any]:
    """A text column: its values, or its distinct values and a small int per row.

    A column of one value has ``codes`` null (every row holds ``dict[0]``).
    """
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    if len(uniques) == 1:  # one value on every row (an empty error column): no codes
        return {"dict": [str(uniques[0])], "codes": None}
    if len(uniques) <= max(1, len(values) // 2):
        return {"dict": [str(u) for u in uniques], "codes": codes.tolist()}
    return {"values": [str(v) for v in values]}


def _iso_days(values: Sequence[str]) -> np.ndarray:
    """Days since 1970-01-01 of ISO dates (``2017-05-31``, with an optional time), or -1."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    days = np.full(len(uniques) + 1, -1, dtype=np.int64)
    for k, text in enumerate(uniques):
        m = _ISO_DAY.match(str(text).strip())
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            days[k] = (day - _EPOCH).days
    return days[np.where(codes >= 0, codes, len(uniques))]


def _date_info(table: PointTable, ok: np.ndarray) -> dict[str, Any] | None:
    """The date column (detected by its name, as ``summarize`` does) and its days, or None."""
    try:
        column = find_date_column(list(table.own))
    except InputError:
        return None
    values = [str(v) for v in table.text[column]]
    days = _iso_days(values)
    readable = ok & (days >= 0)
    if not readable.any():
        return {"column": column, "days": None, "readable": 0, "unreadable": int(ok.sum())}
    first, last = int(days[readable].min()), int(days[readable].max())
    encoded = _encoded(values)
    if "dict" in encoded:  # a day per distinct date, in the column's dict order
        per = _iso_days(encoded["dict"])
        by: dict[str, Any] = {"dictDays": [int(d) if d >= 0 else None for d in per]}
    else:
        by = {"days": [int(d) if d >= 0 else None for d in days]}
    return {
        "column": column,
        "index": list(table.text.columns).index(column),
        **by,
        "min": (_EPOCH + dt.timedelta(days=first)).isoformat(),
        "max": (_EPOCH + dt.timedelta(days=last)).isoformat(),
        "readable": int(readable.sum()),
        "unreadable": int((ok & (days < 0)).sum()),
    }


def _aggregate(
    lon: np.ndarray, lat: np.ndarray, zone: np.ndarray, n_zones: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Square cells of :data:`AGGREGATE_CELL_M` in :data:`DISPLAY_CRS`: centre, counts by zone."""
    from pyproj import Transformer

    fwd = Transformer.from_crs(4326, DISPLAY_CRS, always_xy=True)
    x, y = fwd.transform(lon, lat)
    ix = np.floor(np.asarray(x) / AGGREGATE_CELL_M).astype(np.int64)
    iy = np.floor(np.asarray(y) / AGGREGATE_CELL_M).astype(np.int64)
    cells, inverse = np.unique(np.stack([ix, iy], axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.zeros((len(cells), n_zones), dtype=np.int64)
    np.add.at(counts, (inverse, zone), 1)
    # a cell is drawn at the mean of its points (lon/lat: the cells are 2 km across)
    total = np.bincount(inverse, minlength=len(cells)).astype(float)
    clon = np.bincount(inverse, weights=lon, minlength=len(cells)) / total
    clat = np.bincount(inverse, weights=lat, minlength=len(cells)) / total
    return np.round(clon, COORD_DECIMALS), np.round(clat, COORD_DECIMALS), counts


def encode_points(table: PointTable, zone_titles: dict[str, str]) -> dict[str, Any]:
    """The page's ``points`` object: flat coordinate arrays, zones as small ints, columns.

    ``lon``/``lat`` are flat arrays (``null`` on unreadable rows); ``zone`` is
    an index into ``zoneList`` (one entry per zone present, in the zone list's
    order, then "no zone"; -1 on unreadable rows), each with its title, colour
    and count; ``columns`` holds every column of the classified file as text,
    each either as ``values`` or as ``dict`` + ``codes``, so the page assembles
    popups and the CSV download from them. Beyond :data:`MAX_MAP_POINTS`
    readable rows the points are ``aggregated`` into cells and the columns are
    left out.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pts = gpd.GeoDataFrame({"name": ["Quneitra"]}, geometry=[shapely.Point(35.825, 33.126)],
    ...                        crs=4326)
    >>> out = encode_points(point_table(pts), {"granted_5km": "Granted: 5 km"})
    >>> out["lon"], out["lat"], [z["id"] for z in out["zoneList"]], out["zone"]
    ([35.825], [33.126], ['granted_5km'], [0])
    """
    n = len(table.text)
    ok = np.isfinite(table.lon) & np.isfinite(table.lat)
    zone_ids = table.text[table.roles["zone"]].to_numpy(dtype=object).astype(str)
    present = set(zone_ids[ok].tolist())
    order = [z for z in zone_titles if z in present]
    order += sorted(z for z in present if z and z not in zone_titles)
    if "" in present:
        order.append("")
    index = {z: i for i, z in enumerate(order)}
    zone = np.array([index[z] if good else -1 for z, good in zip(zone_ids, ok, strict=True)])
    zone_list = [
        {
            "id": z,
            "title": zone_titles.get(z, z) if z else "no zone",
            "colour": style.point_colour(z),
            "family": style.point_family(z),
            "count": int(((zone == index[z]) & ok).sum()),
        }
        for z in order
    ]
    columns = list(table.text.columns)
    title_col = next((c for c in NAME_COLUMNS if c in table.own), None)
    out: dict[str, Any] = {
        "source": table.source,
        "rows": n,
        "readable": int(ok.sum()),
        "zoneList": zone_list,
        "zoneTitles": dict(zone_titles),
        "style": dict(style.POINT_STYLE),
        "limit": MAX_MAP_POINTS,
        "cellM": AGGREGATE_CELL_M,
        "aggregated": None,
    }
    if int(ok.sum()) > MAX_MAP_POINTS:
        clon, clat, counts = _aggregate(table.lon[ok], table.lat[ok], zone[ok], len(order))
        out |= {
            "lon": clon.tolist(),
            "lat": clat.tolist(),
            "zone": np.argmax(counts, axis=1).tolist(),  # the zone most of its points are in
            "aggregated": {"cells": len(clon), "counts": counts.tolist()},
            "columns": [],
            "roles": {},
            "own": [],
            "title": None,
            "date": None,
        }
        return out
    lon = np.round(table.lon, COORD_DECIMALS)
    lat = np.round(table.lat, COORD_DECIMALS)
    out |= {
        "lon": [float(x) if good else None for x, good in zip(lon, ok, strict=True)],
        "lat": [float(y) if good else None for y, good in zip(lat, ok, strict=True)],
        "zone": zone.tolist(),
        "columns": [{"name": c, **_encoded([str(v) for v in table.text[c]])} for c in columns],
        "roles": {role: columns.index(c) for role, c in table.roles.items()},
        "own": [columns.index(c) for c in table.own],
        "title": columns.index(title_col) if title_col is not None else None,
        "date": _date_info(table, ok),
    }
    return out


def _points_layer(points: PointTable) -> DisplayLayer:
    """The layer-control entry of the points (drawn on canvas by ``points.js``)."""
    shown = int((np.isfinite(points.lon) & np.isfinite(points.lat)).sum())
    what = f"{shown:,} point{'s' if shown != 1 else ''}"
    return DisplayLayer(
        key="points",
        title=f"{what} from {points.source}" if points.source else what,
        group="Your points",
        geometry="point",
        geojson={"type": "FeatureCollection", "features": []},
        provenance=(("Layer", "Your points (classified by border-zones)"),),
    )


def _bounds(layers: Sequence[DisplayLayer]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The opening view: the lines, the Area of Separation and the 60 km zone (in Syria)."""
    keys = {"golan_line_a", "golan_line_b", "blue_line", "undof_area_of_separation"}
    geoms = [
        shapely.geometry.shape(f["geometry"])
        for layer in layers
        if layer.key in keys or layer.key == "zone:requested_60km"
        for f in layer.geojson["features"]
        if f["properties"].get("part", "inside") != "outside"
    ]
    if not geoms:
        return ((32.6, 35.0), (33.7, 36.4))
    west, south, east, north = shapely.GeometryCollection(geoms).bounds
    pad = 0.03
    return (
        (round(south - pad, 4), round(west - pad, 4)),
        (round(north + pad, 4), round(east + pad, 4)),
    )


def prepare(
    points: gpd.GeoDataFrame | PointTable | None = None,
    *,
    min_place_population: int = MIN_PLACE_POPULATION,
) -> MapData:
    """Prepare every layer of the map for display.

    Parameters
    ----------
    points : geopandas.GeoDataFrame or PointTable, optional
        Points to overlay (a frame is classified unless ``geo.classify``
        already was); coloured by zone, with all their fields in popups.
    min_place_population : int, default :data:`MIN_PLACE_POPULATION`
        Smallest populated place shown (landmarks are always shown).

    Returns
    -------
    MapData
        Layers in drawing order: context, zones, barrier, lines, points.
    """
    base = _layer_data(min_place_population)
    out = list(base.layers)
    encoded = None
    if points is not None:
        table = points if isinstance(points, PointTable) else point_table(points)
        layer = _points_layer(table)
        if base.timeline is not None:  # as every layer (a timeline item may name its key)
            layer = _dated_layers([layer], base.timeline["items"])[0]
        out.append(layer)
        encoded = encode_points(table, base.titles)
    parts = (part.strip() for layer in out for part in layer.attribution.split(";"))
    attributions = tuple(dict.fromkeys(part for part in parts if part))
    return MapData(
        layers=tuple(out),
        bounds=_bounds(out),
        attributions=attributions,
        timeline=base.timeline,
        points=encoded,
        search=base.search,
    )


@dataclass(frozen=True)
class _LayerData:
    """What :func:`prepare` makes from the layers alone (the same for any points)."""

    layers: tuple[DisplayLayer, ...]
    titles: dict[str, str]
    timeline: dict[str, Any] | None
    search: dict[str, Any] | None


#: :func:`_layer_data` of the last few layer states (pickled: every call gets its own copy).
_LAYER_DATA: dict[tuple[Any, ...], bytes] = {}
_LAYER_DATA_KEPT = 4


def _layer_data(min_place_population: int) -> _LayerData:
    """The layers' part of the map, made once per state of the layers folder.

    Kept under :func:`geo.layers.state` (the bytes of every file: layers,
    manifest, zone list, timeline), so a notebook building
    map after map, or one with other points, prepares the layers once; an
    edited file is prepared again. Each call gets a fresh copy (unpickled):
    changing one map's data never changes the next.
    """
    import pickle

    key = (_layers.state(), int(min_place_population))
    data = _LAYER_DATA.get(key)
    if data is None:
        data = pickle.dumps(_make_layer_data(min_place_population), pickle.HIGHEST_PROTOCOL)
        if len(_LAYER_DATA) >= _LAYER_DATA_KEPT:
            _LAYER_DATA.pop(next(iter(_LAYER_DATA)))  # the oldest
        _LAYER_DATA[key] = data
    made = pickle.loads(data)
    assert isinstance(made, _LayerData)
    return made


def _make_layer_data(min_place_population: int) -> _LayerData:
    available = list(_layers.names())
    out: list[DisplayLayer] = []
    if "countries" in available:
        out.append(_area_layer("countries", "Context", role="country"))
    if "syria_governorates" in available:
        out.append(_area_layer("syria_governorates", "Context", show=False))
    titles: dict[str, str] = {}
    if "zones" in available:
        # zones.zones(): zones a user added to zones.csv show before the layer is rebuilt
        zone_gdf = _zones.zones()
        titles = _zone_titles(zone_gdf)
        out.extend(_zone_layers(zone_gdf, dict(_layers.info("zones"))))
    if "undof_area_of_separation" in available:
        out.append(_area_layer("undof_area_of_separation", "Zones", role="zone"))
    if "lebanon_border_barrier" in available:
        out.append(_line_layer("lebanon_border_barrier", "Border barrier"))
    for name in _LINES:
        if name in available:
            out.append(_line_layer(name, "Lines"))
    known = {"countries", "syria_governorates", "zones", "undof_area_of_separation"}
    known |= {"lebanon_border_barrier", "places", *_LINES}
    # the timeline's layers are not context: the page gets their dates (``timeline``)
    known |= {"timeline", "timeline_positions"}
    for name in available:
        if name in known:
            continue
        gdf, _ = _load(name)
        kinds = set(gdf.geom_type)
        if kinds <= {"LineString", "MultiLineString"}:
            out.append(_line_layer(name, "Context", show=False))
        elif kinds <= {"Polygon", "MultiPolygon"}:
            out.append(_area_layer(name, "Context", show=False))
    search = None
    if "timeline_positions" in available:
        out.append(_positions_layer())
    if "places" in available:
        place_layer, shown = _places_layer(min_place_population, titles)
        out.append(place_layer)
        search = search_index(shown)
    timeline = None
    if "timeline_positions" in available:
        timeline = timeline_entries()
        out = _dated_layers(out, timeline["items"])
    return _LayerData(layers=tuple(out), titles=titles, timeline=timeline, search=search)


#: Dates worth a stop on a time slider: (date, label).
TIMELINE_STOPS: tuple[tuple[str, str], ...] = (
    ("1974-06-01", "1974"),
    ("2000-06-30", "2000"),
    ("2017-09-15", "Sep 2017"),
    ("2018-08-01", "Aug 2018"),
    ("2019-05-01", "2019"),
    ("2024-12-31", "Dec 2024"),
    ("2025-02-28", "Feb 2025"),
    ("2025-09-30", "Sep 2025"),
)


def _source_text(item: TimelineItem) -> str:
    """An item's source as the page lists it: outlet, “title”, date."""
    parts = [item.source_outlet, f"“{item.source_title}”", item.source_date]
    return ", ".join(p for p in parts if p and p != "“”")


def timeline_entries() -> dict[str, Any]:
    """The timeline as the page gets it (``config.timeline``): dates, not geometry.

    ``start`` is the first item's start; ``stops`` the dates worth a stop
    (:data:`TIMELINE_STOPS`); ``items`` one entry per item: ``id``, ``kind``,
    ``confidence`` and ``from`` (ISO day), and only where they apply
    ``until`` (ISO day; absent when open), the ``layer`` it shows on the map,
    the ``features`` (ids) of that layer, and ``zone``, the map's zone
    (``zones.csv``) that is the same band. ``title`` too, and ``source``:
    outlet, title and date (``border-zones timeline`` gives the addresses and notes).
    """
    from geo import specs, timeline

    bands: dict[tuple[str, float, float, str, str], str] = {
        (s.reference, s.inner_km * 1000.0, s.distance_km * 1000.0, s.territory, str(s.side)): s.id
        for s in specs.read_specs()
    }
    items = []
    for item in timeline.items():
        r = item.rule
        entry: dict[str, Any] = {
            "id": item.id,
            "title": item.title,
            "kind": item.kind,
            "confidence": item.confidence,
            "from": item.start.isoformat(),
            "source": _source_text(item),
        }
        if item.end is not None:
            entry["until"] = item.end.isoformat()
        if r.kind in ("line", "layer", "points"):
            entry["layer"] = r.layer
        if r.names and r.kind == "line":
            entry["features"] = list(r.names)
        zone = bands.get((r.layer, r.inner_m, r.outer_m, item.territory, item.side))
        if r.kind == "band" and zone is not None:
            entry["zone"] = zone
        items.append(entry)
    return {
        "start": items[0]["from"] if items else None,
        "stops": [{"date": d, "label": label} for d, label in TIMELINE_STOPS],
        "items": items,
    }


#: A date range of the page, ``[from, until]`` (ISO days; ``until`` None when open).
DateRange = tuple[str, str | None]


def _merge_ranges(ranges: Sequence[DateRange]) -> list[DateRange]:
    """The union of date ranges, as few disjoint ranges as it takes, by start.

    Examples
    --------
    >>> _merge_ranges([("2017-09-14", "2018-07-23"), ("2025-01-09", None),
    ...                ("2018-01-01", "2018-12-31")])
    [('2017-09-14', '2018-12-31'), ('2025-01-09', None)]
    """
    out: list[list[str | None]] = []
    for start, end in sorted(ranges):
        if out:
            last_end = out[-1][1]
            if last_end is None or _next_day(last_end) >= start:
                if last_end is not None and (end is None or end > last_end):
                    out[-1][1] = end
                continue
        out.append([start, end])
    return [(str(a), b) for a, b in out]


def _next_day(iso: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def _intersect_ranges(a: Sequence[DateRange], b: Sequence[DateRange]) -> list[DateRange]:
    """The days in both ``a`` and ``b`` (each a union of ranges)."""
    out: list[DateRange] = []
    for s1, e1 in a:
        for s2, e2 in b:
            start = max(s1, s2)
            ends = [e for e in (e1, e2) if e is not None]
            end = min(ends) if ends else None
            if end is None or start <= end:
                out.append((start, end))
    return _merge_ranges(out)


def _feature_keys(layer: DisplayLayer) -> list[str]:
    """What timeline items name each feature of ``layer`` by (its ``id`` in the layer file)."""
    feats = layer.geojson["features"]
    if layer.key == "timeline_positions":
        return [str(f["properties"].get("item", "")) for f in feats]
    if layer.key.startswith("zone:"):
        return [str(f["properties"].get("zone_id", "")) for f in feats]
    if layer.key in _layers.names():
        gdf = _layers.load(layer.key)
        if "id" in gdf.columns:
            ids = [str(v) for v in gdf["id"]]
            return [ids[int(f["id"])] for f in feats]
    return ["" for _ in feats]


def _dated_layers(
    layers: Sequence[DisplayLayer], items: Sequence[dict[str, Any]]
) -> list[DisplayLayer]:
    """The layers with ``_when`` on every feature a timeline item maps onto.

    A feature's ``_when`` is the union of its items' date ranges (a list of
    ``[from, until]``); features no item maps onto have none and are always
    drawn, except a zone of ``zones.csv`` that no item names while others of
    its family are dated (the 2017 "requested but not granted" band): it is
    in force while all of them are. Layers with a dated feature get
    ``dated=True``; the positions layer's features are drawn only on a date.
    """
    zone_ranges: dict[str, list[DateRange]] = {}
    layer_ranges: dict[str, list[DateRange]] = {}
    feature_ranges: dict[tuple[str, str], list[DateRange]] = {}
    for item in items:
        span: DateRange = (str(item["from"]), item.get("until"))
        if "zone" in item:
            zone_ranges.setdefault(str(item["zone"]), []).append(span)
        elif item.get("layer") == "timeline_positions":
            feature_ranges.setdefault(("timeline_positions", str(item["id"])), []).append(span)
        elif "features" in item:
            for fid in item["features"]:
                feature_ranges.setdefault((str(item["layer"]), str(fid)), []).append(span)
        elif "layer" in item:
            layer_ranges.setdefault(str(item["layer"]), []).append(span)
    zones = {k: _merge_ranges(v) for k, v in zone_ranges.items()}
    families: dict[str, list[str]] = {}
    for layer in layers:
        if layer.key.startswith("zone:"):
            for f in layer.geojson["features"]:
                p = f["properties"]
                families.setdefault(str(p.get("family", "")), []).append(str(p.get("zone_id", "")))
    for ids in families.values():
        dated = [z for z in dict.fromkeys(ids) if z in zones]
        for zid in dict.fromkeys(ids):
            if zid not in zones and dated:
                both = zones[dated[0]]
                for other in dated[1:]:
                    both = _intersect_ranges(both, zones[other])
                zones[zid] = both
    out: list[DisplayLayer] = []
    for layer in layers:
        keys = _feature_keys(layer)
        whole = layer_ranges.get(layer.key, [])
        features, has_dates = [], False
        for feature, key in zip(layer.geojson["features"], keys, strict=True):
            if layer.key.startswith("zone:"):
                ranges = zones.get(key, [])
            else:
                ranges = _merge_ranges([*whole, *feature_ranges.get((layer.key, key), [])])
            if ranges:
                props = {**feature["properties"], "_when": [list(r) for r in ranges]}
                if layer.key == "timeline_positions":
                    props["_dateOnly"] = True
                feature = {**feature, "properties": props}
                has_dates = True
            features.append(feature)
        if has_dates:
            geojson = {**layer.geojson, "features": features}
            layer = dataclasses.replace(layer, geojson=geojson, dated=True)
        out.append(layer)
    return out


def _positions_layer() -> DisplayLayer:
    """The timeline's positions (schematic points), each styled by its item's kind."""
    from geo import timeline

    gdf, info = _load("timeline_positions")
    by_id = {i.id: i for i in timeline.items()}

    def popup(row: pd.Series) -> list[tuple[str, str]]:
        # short, for the page's size budget: `border-zones timeline` gives the sources
        item = by_id[str(row["item"])]
        until = item.end.isoformat() if item.end else "open"
        return [
            ("Item", item.title),
            ("Kind, dates", f"{item.kind}, {item.start.isoformat()} to {until}"),
            ("Placed", f"schematic, ± {_fmt_km(float(row['uncertainty_m']))}"),
        ]

    return DisplayLayer(
        key="timeline_positions",
        title=str(info.get("title", "Positions through time")),
        group="Context",
        geometry="point",
        geojson=_features(
            gdf,
            list(gdf.geometry),
            lambda row: str(row.get("name") or "position"),
            popup,
            lambda row: {"item": str(row["item"]), "_kind": by_id[str(row["item"])].kind},
        ),
        provenance=_provenance(info),
        attribution=str(info.get("attribution", "")),
    )
