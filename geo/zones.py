"""Zones: the part of a territory within a geodesic distance band of a reference line.

Zones are data. ``layers/zones.csv`` lists them, one line each (id, title,
family, reference line, inner and outer distance in km, territory, side,
source); add a line there to add a zone. :func:`compute_zones` builds their
geometry on the WGS84 ellipsoid, and ``layers/zones.geojson`` holds the
result, rebuilt by ``python recipes/build_layers.py`` (or ``border-zones
zones --write``).

A zone of distance D (and inner distance d, default 0) from a reference line
is the set of points of its territory whose geodesic distance to the line lies
in (d, D]. Its outer edge is a geodesic buffer edge (see
:func:`geo.geodesy.geodesic_buffer`); the ``side`` keeps the buffer's half on
one side of the line, which matters for the part of a zone *outside* its
territory (where a 60 km band east of Line A reaches Lebanon or Jordan).

Examples
--------
>>> from geo import zones
>>> [s.id for s in zones.read_specs()][:3]
['granted_5km', 'requested_60km', 'requested_not_granted']
>>> spec = zones.spec("granted_5km")
>>> spec.reference, spec.distance_km, spec.territory
('golan_line_a', 5.0, 'syria')
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import geodesy, layers, manifest, timeline
from geo.errors import InputError, UnknownNameError
from geo.specs import (
    SPECS_FILE,
    TERRITORIES,
    Side,
    ZoneSpec,
    read_specs,
    spec,
    specs_path,
    specs_sha256,
)

__all__ = [
    "FIELDS",
    "SPECS_FILE",
    "TERRITORIES",
    "Side",
    "ZoneSpec",
    "compute_zones",
    "in_territory",
    "place_totals",
    "places_in",
    "read_specs",
    "sensitivity",
    "spec",
    "specs_sha256",
    "territory_geometry",
    "timeline_areas",
    "timeline_geometry",
    "timeline_zones",
    "write_timeline_layer",
    "write_zone_layer",
    "zone_specs",
    "zones",
]

#: Name of the computed zones layer.
ZONES_LAYER = "zones"

#: Azimuth (degrees) pointing to each side.
_SIDE_AZIMUTH = {"east": 90.0, "west": 270.0, "north": 0.0, "south": 180.0}

#: The properties of every feature of the zones layer, in order.
FIELDS = [
    "id",
    "title",
    "family",
    "reference",
    "inner_km",
    "distance_km",
    "territory",
    "side",
    "part",
    "countries",
    "area_km2",
    "population",
    "places",
    "source",
]


# --------------------------------------------------------------------------
# geometry
# --------------------------------------------------------------------------
def _country(name: str) -> BaseGeometry:
    c = layers.load("countries")
    return c.loc[c["name"] == name, "geometry"].iloc[0]


@functools.lru_cache(maxsize=16)
def territory_geometry(name: str) -> BaseGeometry:
    """The polygon of a territory from :data:`TERRITORIES`."""
    if name not in TERRITORIES:
        raise UnknownNameError("territory", name, sorted(TERRITORIES))
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    if name == "area_of_separation":
        return aos
    if name == "syria_beyond_line_b":
        return shapely.make_valid(_country("Syria").difference(aos))
    return _country(name.capitalize())


def in_territory(
    name: str, country: np.ndarray | pd.Series, in_aos: np.ndarray | pd.Series
) -> np.ndarray:
    """Which classified points lie in a territory, from their de facto country.

    Parameters
    ----------
    name : str
        A key of :data:`TERRITORIES`.
    country : array of str
        De facto country of each point ("" where none).
    in_aos : array of bool
        Whether each point lies in the UNDOF Area of Separation.

    Returns
    -------
    numpy.ndarray of bool
    """
    country = np.asarray(country, dtype=object)
    in_aos = np.asarray(in_aos, dtype=bool)
    if name == "area_of_separation":
        return in_aos
    if name == "syria_beyond_line_b":
        return (country == "Syria") & ~in_aos
    if name not in TERRITORIES:
        raise UnknownNameError("territory", name, sorted(TERRITORIES))
    return np.asarray(country == name.capitalize())


def _reference_geometry(name: str) -> BaseGeometry:
    return shapely.line_merge(layers.load(name).geometry.union_all())


def _side_polygon(line: BaseGeometry, side: Side, reach_m: float) -> BaseGeometry | None:
    """A polygon covering everything within ``reach_m`` of ``line`` on one side.

    The line's two ends are carried on geodesically by ``reach_m`` at right
    angles to ``side`` (for "east", the northern end due north and the
    southern end due south); the polygon closes ``2 * reach_m`` away towards
    ``side``.
    """
    if side == "both":
        return None
    g = geodesy.WGS84
    parts = shapely.get_parts(shapely.line_merge(line))
    main = max(parts, key=lambda p: p.length)
    xy = np.asarray(main.coords)
    az = _SIDE_AZIMUTH[side]
    # carry each end on at right angles to the side, away from the other end
    # (for side "east": the northern end due north, the southern end due south)
    along = (az + 90.0) % 360.0
    ext = []
    for end, other in ((xy[0], xy[-1]), (xy[-1], xy[0])):
        to_other, _, _ = g.inv(end[0], end[1], other[0], other[1])
        away = along if math.cos(math.radians(to_other - along)) < 0 else (along + 180.0) % 360
        ex, ey, _ = g.fwd(end[0], end[1], away, reach_m)
        ext.append((ex, ey))
    far = [g.fwd(x, y, az, 2 * reach_m)[:2] for x, y in (ext[1], ext[0])]
    ring = [ext[0], *map(tuple, xy), ext[1], *far]
    # the ring can wind either way; densify so its far edges are not shortcuts
    poly = shapely.make_valid(shapely.Polygon(ring))
    polys = [p for p in shapely.get_parts(poly) if p.geom_type == "Polygon"]
    return max(polys, key=lambda p: p.area)


def _band(line: BaseGeometry, inner_m: float, outer_m: float) -> BaseGeometry:
    outer = geodesy.geodesic_buffer(line, outer_m)
    if inner_m > 0:
        outer = outer.difference(geodesy.geodesic_buffer(line, inner_m))
    return shapely.make_valid(outer)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return shapely.MultiPolygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


@functools.lru_cache(maxsize=4)
def _union(wkbs: tuple[bytes, ...]) -> BaseGeometry:
    """The union of geometries given as WKB, kept: every zone meets the same land."""
    return shapely.union_all(shapely.from_wkb(list(wkbs)))


def zone_parts(
    item: ZoneSpec, *, reference: BaseGeometry | None = None
) -> tuple[BaseGeometry, BaseGeometry]:
    """Geometry of a zone: the part inside its territory and the part outside.

    Parameters
    ----------
    item : ZoneSpec
    reference : shapely geometry, optional
        Use this line instead of the spec's reference layer (sensitivity checks).

    Returns
    -------
    (inside, outside) : shapely geometries in lon/lat
        ``outside`` is the band on the zone's side of the line that falls on
        land of the other countries in the ``countries`` layer.
    """
    line = reference if reference is not None else _reference_geometry(item.reference)
    band = _band(line, item.inner_km * 1000.0, item.distance_km * 1000.0)
    side = _side_polygon(line, item.side, item.distance_km * 1000.0 + 20_000.0)
    if side is not None:
        band = band.intersection(side)
    territory = territory_geometry(item.territory)
    inside = _polygonal(shapely.make_valid(band.intersection(territory)))
    land = _union(tuple(shapely.to_wkb(layers.load("countries").geometry.to_numpy())))
    outside = _polygonal(shapely.make_valid(band.intersection(land).difference(territory)))
    return inside, outside


def _countries_of(geom: BaseGeometry) -> str:
    if geom.is_empty:
        return ""
    c = layers.load("countries")
    hit = []
    for name, g in zip(c["name"], c.geometry, strict=True):
        if abs(geodesy.geodesic_area(geom.intersection(g))) > 1e4:  # ≥ 0.01 km²
            hit.append(name)
    return "; ".join(sorted(hit))


def places_in(zone: str | BaseGeometry, part: str = "inside") -> gpd.GeoDataFrame:
    """Populated places (GeoNames) inside a zone or any polygon, largest first.

    Parameters
    ----------
    zone : str or shapely geometry
        A zone id (its ``part`` is used) or a lon/lat polygon.
    part : {"inside", "outside"}, default "inside"
        With a zone id: the part within the territory, or beyond it.

    Returns
    -------
    geopandas.GeoDataFrame
        The ``places`` layer's rows inside, sorted by population (descending),
        then name.

    Examples
    --------
    >>> from geo import zones
    >>> zones.places_in("granted_5km")["name"].iloc[0]
    'Al Qunayţirah'
    """
    if isinstance(zone, str):
        z = zones()
        sel = z[(z["id"] == zone) & (z["part"] == part)]
        if sel.empty:
            if zone not in set(z["id"]):
                raise UnknownNameError("zone", zone, list(dict.fromkeys(z["id"])))
            return layers.load("places").iloc[0:0]
        geom = sel.geometry.iloc[0]
    else:
        geom = zone
    p = layers.load("places")
    p = p[p["kind"] == "populated place"]
    if geom.is_empty:
        return p.iloc[0:0]
    mask = shapely.contains_xy(geom, p.geometry.x.to_numpy(), p.geometry.y.to_numpy())
    return p[mask].sort_values(["population", "name"], ascending=[False, True])


def place_totals(geom: BaseGeometry) -> tuple[int, int]:
    """Total population and number of the populated places inside a polygon.

    Examples
    --------
    >>> from geo import zones
    >>> population, n = zones.place_totals(zones.zones().geometry.iloc[0])
    >>> population > 0 and n > 0
    True
    """
    inside = places_in(geom)
    return int(inside["population"].fillna(0).sum()), len(inside)


def compute_zones(
    specs: Sequence[ZoneSpec] | None = None,
    *,
    include_outside: bool = True,
    references: Mapping[str, BaseGeometry] | None = None,
) -> gpd.GeoDataFrame:
    """Compute zone geometries and figures on the WGS84 ellipsoid.

    Parameters
    ----------
    specs : sequence of ZoneSpec, optional
        The zones; all of ``layers/zones.csv`` by default.
    include_outside : bool, default True
        Also return, as features with ``part == "outside"``, the band beyond
        the territory (on other countries' land).
    references : mapping, optional
        Reference layer name → replacement line, to recompute zones from
        another source of a line.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone part, columns :data:`FIELDS` and geometry (EPSG:4326).
    """
    specs = list(specs) if specs is not None else read_specs()
    references = dict(references or {})
    rows = []
    geoms = []
    for item in specs:
        inside, outside = zone_parts(item, reference=references.get(item.reference))
        parts = [("inside", inside)]
        if include_outside and not outside.is_empty:
            parts.append(("outside", outside))
        for part, geom in parts:
            population, n_places = place_totals(geom)
            row = {k: v for k, v in asdict(item).items() if k in FIELDS}
            row.update(
                part=part,
                countries=_countries_of(geom),
                area_km2=round(geodesy.geodesic_area(geom) / 1e6, 3),
                population=population,
                places=n_places,
            )
            rows.append({k: row[k] for k in FIELDS})
            geoms.append(geom)
    return gpd.GeoDataFrame(rows, columns=FIELDS, geometry=geoms, crs="EPSG:4326")


def zones(as_of: str | dt.date | None = None) -> gpd.GeoDataFrame:
    """The zones: the committed layer, or computed afresh if ``zones.csv`` changed.

    Parameters
    ----------
    as_of : date or ISO string, optional
        Instead of the zone list, the timeline's items in force on that date
        that can be drawn (:func:`timeline_zones`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`FIELDS` and geometry, one row per zone part; with
        ``as_of``, :data:`TIMELINE_FIELDS` and geometry, one row per item.

    Warns
    -----
    UserWarning
        When ``zones.csv`` no longer matches the layer file (a zone was added
        or changed): the zones are computed now, and the layer should be
        rebuilt with ``border-zones zones --write``.
    """
    if as_of is not None:
        return timeline_zones(as_of)
    return _committed_or_computed(
        ZONES_LAYER,
        "specs_sha256",
        specs_sha256(),
        _computed,
        f"{specs_path()} changed since the zones layer was built; computing the zones "
        "now (rebuild the layer with geo.zones.write_zone_layer())",
    )


def _committed_or_computed(
    name: str,
    key: str,
    digest: str,
    compute: Callable[[str], gpd.GeoDataFrame],
    stale: str,
) -> gpd.GeoDataFrame:
    """Layer ``name`` if its manifest ``key`` is ``digest``; else warn ``stale`` and compute."""
    if name in layers.names() and layers.info(name).get(key) == digest:
        return layers.load(name)
    warnings.warn(stale, UserWarning, stacklevel=3)
    return compute(digest).copy()


@functools.lru_cache(maxsize=2)
def _computed(digest: str) -> gpd.GeoDataFrame:
    return compute_zones()


def write_zone_layer() -> Path:
    """Compute the zones and write ``zones.geojson`` and its manifest entry.

    The layers are read from, and the zones written to, :func:`geo.layers.layers_dir`
    (see :func:`geo.layers.using` to point it at another folder).

    Returns
    -------
    pathlib.Path
        The layer file written.
    """
    folder = layers.layers_dir()
    territory_geometry.cache_clear()  # the territories of this folder's layers
    gdf = compute_zones()
    target = folder / f"{ZONES_LAYER}.geojson"
    feats = [
        ({k: manifest.plain(row[k]) for k in FIELDS}, geom)
        for row, geom in zip(gdf.to_dict("records"), gdf.geometry, strict=True)
    ]
    layers.write_geojson(target, feats)
    entries = manifest.read(folder)
    refs = sorted({f[0]["reference"] for f in feats})
    territories = {"countries", "undof_area_of_separation"}
    upstream: list[dict[str, Any]] = []
    for name in [*refs, *sorted(territories), "places"]:
        for u in entries[name]["upstream"]:
            if u not in upstream:
                upstream.append(u)
    entry = manifest.file_entry(
        title="Zones (computed)",
        description=(
            "Geodesic distance bands from a reference line, clipped to a territory, "
            f"as listed in {SPECS_FILE}: the 2017 requested (60 km) and granted (5 km) "
            "zones and the 1974 Areas of Limitation. part='outside' features hold the "
            "band beyond the territory."
        ),
        file=target,
        sha256=layers.file_sha256(target),
        geometry_types=[g.geom_type for _, g in feats],
        feature_count=len(feats),
        fields=FIELDS,
    )
    entry.update(
        {
            "retrieved": entries[refs[0]]["retrieved"],
            "recipe": "recipes/build_layers.py (geo.zones.write_zone_layer)",
            "upstream": upstream,
            "method": (
                "derived: geodesic buffer of the reference line on WGS84 (every outer-edge "
                "vertex at D ± 0.1 m, edges within 1 m), kept on the zone's side of the "
                "line, intersected with the territory"
            ),
            "accuracy_m": max(entries[r]["accuracy_m"] for r in refs),
            "accuracy_note": (
                "the geometry is exact to 1 m for the lines as drawn; the lines "
                "themselves are stand-ins, as far off as their layers state"
            ),
            "schematic": False,
            "specs_file": SPECS_FILE,
            "specs_sha256": specs_sha256(),
            "licence": "; ".join(dict.fromkeys(u["licence"] for u in upstream)),
            "attribution": "; ".join(dict.fromkeys(u["attribution"] for u in upstream)),
        }
    )
    manifest.write_entries(folder, {ZONES_LAYER: entry})
    return target


# --------------------------------------------------------------------------
# sensitivity to the line
# --------------------------------------------------------------------------
def sensitivity(
    zone_id: str, alternative: str = "golan_line_a_natural_earth"
) -> dict[str, float | str]:
    """How a zone moves when built from another source of its reference line.

    Parameters
    ----------
    zone_id : str
        A zone id from ``zones.csv``.
    alternative : str, default "golan_line_a_natural_earth"
        Layer name of the alternative line.

    Returns
    -------
    dict
        ``area_km2`` (from the reference layer), ``alternative_area_km2``,
        ``area_difference_km2`` (alternative minus reference),
        ``area_difference_pct`` and ``max_edge_displacement_m``: the largest
        geodesic distance from a vertex of one zone's outer edge to the other
        zone's outer edge, either way.
    """
    item = spec(zone_id)
    alt_line = _reference_geometry(alternative)
    main, _ = zone_parts(item)
    alt, _ = zone_parts(item, reference=alt_line)
    a0, a1 = geodesy.geodesic_area(main) / 1e6, geodesy.geodesic_area(alt) / 1e6
    pts_main = _outer_edge_points(main, _reference_geometry(item.reference), item.distance_km)
    pts_alt = _outer_edge_points(alt, alt_line, item.distance_km)
    disp = 0.0
    for xy, other in ((pts_main, alt.boundary), (pts_alt, main.boundary)):
        if len(xy) and not other.is_empty:
            d = geodesy.distance((xy[:, 0], xy[:, 1]), other, assume_lonlat=True)
            disp = max(disp, float(np.max(d)))
    return {
        "zone": zone_id,
        "reference": item.reference,
        "alternative": alternative,
        "area_km2": round(a0, 3),
        "alternative_area_km2": round(a1, 3),
        "area_difference_km2": round(a1 - a0, 3),
        "area_difference_pct": round(100.0 * (a1 - a0) / a0, 3) if a0 else float("nan"),
        "max_edge_displacement_m": round(disp, 1),
    }


def _outer_edge_points(zone: BaseGeometry, line: BaseGeometry, distance_km: float) -> np.ndarray:
    """Boundary vertices of a zone that lie on its outer distance (within 50 m)."""
    xy = shapely.get_coordinates(zone.boundary)
    if not len(xy):
        return xy
    d = geodesy.distance((xy[:, 0], xy[:, 1]), line, assume_lonlat=True)
    return xy[np.abs(d - distance_km * 1000.0) <= 50.0]


# --------------------------------------------------------------------------
# the timeline (layers/timeline.csv): items' geometry
# --------------------------------------------------------------------------
#: Name of the computed layer of the timeline's areas.
TIMELINE_LAYER = "timeline"

#: Rules whose geometry is an area (computed into :data:`TIMELINE_LAYER`).
AREA_RULES = ("band", "governorates", "layer")

#: The properties of every feature of the timeline layer, in order.
TIMELINE_FIELDS = [
    "id",
    "title",
    "kind",
    "date_start",
    "date_end",
    "geometry_rule",
    "confidence",
    "area_km2",
    "population",
    "places",
]


def timeline_geometry(item: timeline.TimelineItem) -> BaseGeometry:
    """The geometry of a timeline item, from its rule.

    A band is built exactly as the zones of ``zones.csv`` are
    (:func:`zone_parts`: the geodesic one-sided buffer, clipped to the
    territory; the part inside the territory is returned). Governorates and
    layers are the union of their polygons; points and lines the layer's
    features. An item reporting does not locate (rule ``none``) has an empty
    geometry.
    """
    rule = item.rule
    if rule.kind == "none":
        return shapely.GeometryCollection()
    if rule.kind == "band":
        inside, _ = zone_parts(item.zone_spec())
        return inside
    gdf = layers.load(rule.layer)
    if rule.kind == "governorates":
        gdf = gdf[gdf["name"].isin(rule.names)]
    elif rule.kind == "points":
        gdf = gdf[gdf["item"] == item.id]
    elif rule.kind == "line" and rule.names:
        gdf = gdf[gdf["id"].isin(rule.names)]
    geom = shapely.union_all(list(gdf.geometry))
    return shapely.make_valid(geom) if rule.kind in AREA_RULES else geom


def _area_row(item: timeline.TimelineItem, geom: BaseGeometry) -> dict[str, Any]:
    population, n_places = place_totals(geom)
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "date_start": item.date_start,
        "date_end": item.date_end,
        "geometry_rule": item.geometry,
        "confidence": item.confidence,
        "area_km2": round(geodesy.geodesic_area(geom) / 1e6, 3),
        "population": population,
        "places": n_places,
    }


def compute_timeline(
    items: Sequence[timeline.TimelineItem] | None = None,
) -> gpd.GeoDataFrame:
    """Compute the areas of the timeline's items (band, governorates, layer rules).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area item, columns :data:`TIMELINE_FIELDS` and geometry.
    """
    found = list(items) if items is not None else timeline.read_items()
    cache: dict[tuple[Any, ...], BaseGeometry] = {}
    rows, geoms = [], []
    for item in found:
        if item.rule.kind not in AREA_RULES:
            continue
        key = (str(item.rule), item.territory, item.side)
        if key not in cache:
            cache[key] = _polygonal(timeline_geometry(item))
        rows.append(_area_row(item, cache[key]))
        geoms.append(cache[key])
    return gpd.GeoDataFrame(rows, columns=TIMELINE_FIELDS, geometry=geoms, crs="EPSG:4326")


def timeline_areas() -> gpd.GeoDataFrame:
    """The timeline's areas: the committed layer, or computed if ``timeline.csv`` changed.

    Warns
    -----
    UserWarning
        When ``timeline.csv`` no longer matches the layer (rebuild it with
        ``python recipes/build_layers.py`` or :func:`write_timeline_layer`).
    """
    return _committed_or_computed(
        TIMELINE_LAYER,
        "timeline_sha256",
        timeline.timeline_sha256(),
        _timeline_computed,
        f"{timeline.timeline_path()} changed since the timeline layer was built; computing "
        "its areas now (rebuild the layer with border-zones timeline --write)",
    )


@functools.lru_cache(maxsize=2)
def _timeline_computed(digest: str) -> gpd.GeoDataFrame:
    return compute_timeline()


def timeline_zones(
    as_of: str | dt.date | None = None, *, located_only: bool = True
) -> gpd.GeoDataFrame:
    """The timeline's items with their geometry: those in force on ``as_of``, or all.

    Parameters
    ----------
    as_of : date or ISO string, optional
        Keep the items in force (or open) on that date; all items when None.
    located_only : bool, default True
        Leave out the items reporting does not locate (rule ``none``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per item, by start date: :data:`TIMELINE_FIELDS` (area and
        population 0 for points and lines), ``source`` and geometry.

    Examples
    --------
    >>> from geo import zones
    >>> z = zones.timeline_zones("2018-08-01")
    >>> "2018_claim_85km" in set(z["id"]), "2018_offer_100km" in set(z["id"])
    (True, False)
    """
    found = timeline.items() if as_of is None else timeline.in_force(as_of)
    areas = timeline_areas().set_index("id")
    rows, geoms = [], []
    for item in found:
        if located_only and item.rule.kind == "none":
            continue
        if item.id in areas.index:
            rec = areas.loc[item.id]
            row = {k: manifest.plain(rec[k]) for k in TIMELINE_FIELDS if k != "id"}
            row["id"] = item.id
            geom = rec.geometry
        else:
            geom = timeline_geometry(item)
            row = _area_row(item, shapely.MultiPolygon()) | {"area_km2": 0.0}
        row["source"] = item.source()
        rows.append({k: row[k] for k in [*TIMELINE_FIELDS, "source"]})
        geoms.append(geom)
    return gpd.GeoDataFrame(
        rows, columns=[*TIMELINE_FIELDS, "source"], geometry=geoms, crs="EPSG:4326"
    )


def zone_specs(as_of: str | dt.date | None = None) -> list[ZoneSpec]:
    """The zones points are classified against: the zone list, or the timeline on a date.

    With ``as_of``, every distance band in force on that date (as its
    :meth:`~geo.timeline.TimelineItem.zone_spec`) and every item that is the
    whole Area of Separation (as the band of all points within 1,000 km of
    Line A in that territory, which is the Area of Separation exactly).
    Governorate, point and line items are not zones points fall in.
    """
    if as_of is None:
        return read_specs()
    out: list[ZoneSpec] = []
    for item in timeline.in_force(as_of):
        if item.rule.kind == "band":
            out.append(item.zone_spec())
        elif item.rule.kind == "layer" and item.rule.layer == "undof_area_of_separation":
            out.append(
                ZoneSpec(
                    item.id,
                    item.title,
                    item.kind,
                    "golan_line_a",
                    1000.0,
                    territory="area_of_separation",
                    side="both",
                    source=item.source(),
                    lines=["golan_line_a"],
                )
            )
    return out


def write_timeline_layer() -> Path:
    """Compute the timeline's areas and write ``timeline.geojson`` and its manifest entry.

    Returns
    -------
    pathlib.Path
        The layer file written.
    """
    folder = layers.layers_dir()
    territory_geometry.cache_clear()
    items = timeline.read_items()
    gdf = compute_timeline(items)
    if gdf.empty:
        raise InputError(f"{timeline.timeline_path()}: no item has an area")
    target = folder / f"{TIMELINE_LAYER}.geojson"
    feats = [
        ({k: manifest.plain(row[k]) for k in TIMELINE_FIELDS}, geom)
        for row, geom in zip(gdf.to_dict("records"), gdf.geometry, strict=True)
    ]
    layers.write_geojson(target, feats)
    entries = manifest.read(folder)
    used = sorted(
        {i.rule.layer for i in items if i.rule.kind in AREA_RULES}
        | {"countries", "undof_area_of_separation", "places"}
    )
    upstream: list[dict[str, Any]] = []
    for name in used:
        for u in entries[name]["upstream"]:
            if u not in upstream:
                upstream.append(u)
    entry = manifest.file_entry(
        title="Timeline: areas of the dated items (computed)",
        description=(
            f"The areas of the items of {timeline.TIMELINE_FILE} that have one: distance "
            "bands (built as the zones are), governorate sets and whole layers, with "
            "their dates, kind, confidence, area and population. Points and lines are "
            "the layers the items name."
        ),
        file=target,
        sha256=layers.file_sha256(target),
        geometry_types=[g.geom_type for _, g in feats],
        feature_count=len(feats),
        fields=TIMELINE_FIELDS,
    )
    entry.update(
        {
            "retrieved": entries["golan_line_a"]["retrieved"],
            "recipe": "recipes/build_layers.py (geo.zones.write_timeline_layer)",
            "upstream": upstream,
            "method": (
                "derived: bands as geo.zones.zone_parts (geodesic buffer of the reference "
                "line on WGS84, every outer-edge vertex at D ± 0.1 m, edges within 1 m, "
                "kept on the band's side, intersected with the territory); governorates "
                "and layers as the union of their polygons"
            ),
            "accuracy_m": max(entries[n]["accuracy_m"] for n in used),
            "accuracy_note": (
                "exact to 1 m for the lines and polygons as drawn; those are stand-ins, "
                "as far off as their layers state, and each item's confidence says how "
                "well its rule stands for what was said"
            ),
            "schematic": False,
            "timeline_file": timeline.TIMELINE_FILE,
            "timeline_sha256": timeline.timeline_sha256(),
            "licence": "; ".join(dict.fromkeys(u["licence"] for u in upstream)),
            "attribution": "; ".join(
                dict.fromkeys(u["attribution"] for u in upstream if u["attribution"])
            ),
        }
    )
    manifest.write_entries(folder, {TIMELINE_LAYER: entry})
    return target
