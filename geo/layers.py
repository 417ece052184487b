"""The project's vector layers: where they live, what they are, loading them checked.

Layers are GeoJSON files (RFC 7946: WGS84 lon/lat, at most 6 decimals) in the
``layers/`` folder of a checkout, shipped inside the wheel as ``geo/_layers``.
``layers/manifest.json`` says for each one where it came from, how it was
made, how far off it may be, and the sha256 of the file; :func:`load` refuses a
file that no longer matches its entry.

Examples
--------
>>> from geo import layers
>>> "golan_line_a" in layers.names()
True
>>> gdf = layers.load("golan_line_a")
>>> gdf.crs.to_epsg(), gdf.geom_type.iloc[0]
(4326, 'LineString')
>>> layers.info("blue_line")["method"].split(":")[0]
'extracted'
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from geo import manifest
from geo._files import write_text
from geo.errors import LayerIntegrityError, UnknownLayerError

__all__ = [
    "MANIFEST_NAME",
    "PRODUCT_LAYERS",
    "credits",
    "file_sha256",
    "info",
    "layers_dir",
    "line_names",
    "load",
    "names",
    "path",
    "state",
    "using",
    "write_geojson",
]

#: File name of the manifest beside the layers (see :mod:`geo.manifest`).
MANIFEST_NAME = manifest.MANIFEST_NAME

#: The layers the products (map, figure, report) are made from, in the order
#: their credits are listed; :func:`credits` of a product's subset.
PRODUCT_LAYERS = (
    "golan_line_a",
    "golan_line_a_natural_earth",
    "golan_line_b",
    "undof_area_of_separation",
    "blue_line",
    "lebanon_border_barrier",
    "countries",
    "syria_governorates",
    "places",
    "zones",
)

#: Decimal places kept in layer coordinates (~0.1 m).
PRECISION = 6


def layers_dir() -> Path:
    """Folder holding the layers: inside the installed package, else the checkout's.

    Returns
    -------
    pathlib.Path
        The folder named by the environment variable ``BORDER_ZONES_LAYERS`` if
        set (a copy of the layers to work on); else ``geo/_layers`` in an
        installed wheel; else ``layers/`` beside ``geo/`` in a checkout or an
        editable install.
    """
    if _USING:
        return _USING[-1]
    return _layers_dir(os.environ.get("BORDER_ZONES_LAYERS") or "")


#: Folders set by :func:`using`, innermost last.
_USING: list[Path] = []


@contextlib.contextmanager
def using(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Work on the layers in another folder for the duration of a ``with`` block.

    Parameters
    ----------
    folder : path
        A folder holding a ``manifest.json`` (e.g. layers being rebuilt).

    Yields
    ------
    pathlib.Path
        The folder, resolved; :func:`layers_dir` returns it inside the block.
    """
    path = Path(folder).resolve()
    if not (path / MANIFEST_NAME).is_file():
        raise LayerIntegrityError(f"{path}: no {MANIFEST_NAME} in that folder")
    _USING.append(path)
    try:
        yield path
    finally:
        _USING.pop()


@functools.lru_cache(maxsize=8)
def _layers_dir(override: str) -> Path:
    # cached per value of the variable; failures are not cached
    if override:
        folder = Path(override).resolve()
        if not (folder / MANIFEST_NAME).is_file():
            raise LayerIntegrityError(
                f"BORDER_ZONES_LAYERS={override}: no {MANIFEST_NAME} in that folder"
            )
        return folder
    here = Path(__file__).resolve().parent
    for candidate in (here / "_layers", here.parent / "layers"):
        if (candidate / MANIFEST_NAME).is_file():
            return candidate
    raise LayerIntegrityError(
        f"no {MANIFEST_NAME} found in {here / '_layers'} or {here.parent / 'layers'}: "
        "the package is installed without its layers"
    )


def _manifest(folder: Path) -> Mapping[str, Any]:
    return manifest.read(folder)


def names() -> list[str]:
    """Names of the available layers, sorted.

    Returns
    -------
    list of str
    """
    return sorted(_manifest(layers_dir()))


def state() -> tuple[str, str]:
    """What the layers in use are: for keying what is made from them.

    The resolved folder and one sha256 over every file in it, names and
    bytes (the manifest, the layer files, the zone list and the timeline;
    2.4 ms for the 2.5 MB shipped when every file is read, 0.16 ms when only
    ``stat`` is needed: :func:`file_sha256` reads a file again only when it
    changed). Any
    change to one of them gives
    another value, so anything computed from the layers and kept under it
    is recomputed after an edit.

    Returns
    -------
    (folder, sha256) : tuple of str
    """
    folder = layers_dir()
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(f"{file.name}\0{file_sha256(file)}\n".encode())
    return str(folder), digest.hexdigest()


def line_names() -> frozenset[str]:
    """Names of the layers whose geometries are lines, read once per manifest.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> "blue_line" in line_names(), "countries" in line_names()
    (True, False)
    """
    return _line_names(_manifest(layers_dir()))


def _line_names(entries: Mapping[str, Any]) -> frozenset[str]:
    cached = _LINE_NAMES.get(id(entries))
    if cached is None or cached[0] is not entries:
        names = frozenset(n for n, e in entries.items() if "LineString" in e["geometry_type"])
        _LINE_NAMES.clear()
        _LINE_NAMES[id(entries)] = cached = (entries, names)
    return cached[1]


#: The line-layer names of the last manifest read (the manifest object kept alive).
_LINE_NAMES: dict[int, tuple[Mapping[str, Any], frozenset[str]]] = {}


def info(name: str) -> dict[str, Any]:
    """Provenance of a layer: its manifest entry.

    Parameters
    ----------
    name : str
        A layer name from :func:`names`.

    Returns
    -------
    dict
        Title, description, upstream packages and their sha256, licence,
        attribution, method, stated accuracy (``accuracy_m``, ``accuracy_note``),
        geometry type, feature count, fields and the file's sha256.

    Raises
    ------
    UnknownLayerError
        If ``name`` is not a layer; the message lists the available ones.
    """
    manifest = _manifest(layers_dir())
    if name not in manifest:
        raise UnknownLayerError(name, sorted(manifest))
    return json.loads(json.dumps(manifest[name]))  # a deep copy callers may change


def path(name: str) -> Path:
    """Path of a layer's GeoJSON file.

    Parameters
    ----------
    name : str
        A layer name from :func:`names`.

    Returns
    -------
    pathlib.Path
    """
    return layers_dir() / info(name)["file"]


def file_sha256(file: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes.

    A file is read again only when its size, modification or change time or
    inode differ from the last time it was read in this process. As in git's
    index, a file changed less than two seconds before it was read is read
    again every time: an edit within the file system clock's granularity
    could leave those four unchanged.
    """
    name = os.fspath(file)
    st = os.stat(name)
    key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    known = _SHA256.get(name)
    if known is not None and known[0] == key:
        return known[1]
    digest = hashlib.sha256()
    with open(name, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    hexdigest = digest.hexdigest()
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _SETTLED_NS:
        _SHA256[name] = (key, hexdigest)
    return hexdigest


#: File path -> ((size, mtime_ns, ctime_ns, inode), sha256) of the files read.
_SHA256: dict[str, tuple[tuple[int, int, int, int], str]] = {}
#: How long ago a file must have last changed for its sha256 to be kept.
_SETTLED_NS = 2_000_000_000


@functools.lru_cache(maxsize=32)
def _load(folder: Path, name: str, sha256: str) -> gpd.GeoDataFrame:
    entry = _manifest(folder)[name]
    file = folder / entry["file"]
    if not file.is_file():
        raise LayerIntegrityError(f"{file}: layer file listed in the manifest is missing")
    actual = file_sha256(file)
    if actual != sha256:
        raise LayerIntegrityError(
            f"{file}: sha256 {actual} does not match the manifest ({sha256}); "
            "rebuild with `python recipes/build_layers.py` or restore the file"
        )
    doc = json.loads(file.read_text(encoding="utf-8"))
    feats = doc.get("features", [])
    props = [f.get("properties") or {} for f in feats]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats]) if feats else []
    gdf = gpd.GeoDataFrame(props, geometry=list(geoms), crs="EPSG:4326")
    fields = entry.get("fields", [])
    gdf = gdf.reindex(columns=[*fields, "geometry"])
    if len(gdf) != entry.get("feature_count", len(gdf)):
        raise LayerIntegrityError(
            f"{file}: {len(gdf)} features, the manifest says {entry['feature_count']}"
        )
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        first = int(invalid.to_numpy().argmax())
        reason = shapely.is_valid_reason(gdf.geometry.iloc[first])
        raise LayerIntegrityError(
            f"{file}: {int(invalid.sum())} invalid geometries (first at feature {first}): {reason}"
        )
    return gdf


def load(name: str) -> gpd.GeoDataFrame:
    """Load a layer as a GeoDataFrame in EPSG:4326, checked against the manifest.

    Parameters
    ----------
    name : str
        A layer name from :func:`names`.

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh copy: changing it does not change later loads.

    Raises
    ------
    UnknownLayerError
        If ``name`` is not a layer.
    LayerIntegrityError
        If the file is missing, does not match its sha256 or feature count, or
        holds an invalid geometry; the message names the file.
    """
    entry = info(name)
    return _load(layers_dir(), name, entry["sha256"]).copy()


def credits(names: Iterable[str] = PRODUCT_LAYERS) -> tuple[list[str], list[str]]:
    """Attributions and licences owed for a set of layers, without repeats.

    Parameters
    ----------
    names : iterable of str, default :data:`PRODUCT_LAYERS`
        Layer names.

    Returns
    -------
    (attributions, licences) : two lists of str
        Attributions in the order first met; licences sorted.

    Examples
    --------
    >>> attributions, licences = credits(["blue_line", "places"])
    >>> licences[2:]
    ['ODbL-1.0', 'Public domain (Natural Earth)']
    """
    attributions: dict[str, None] = {}
    licences: set[str] = set()
    for name in names:
        meta = info(name)
        for part in str(meta.get("attribution", "")).split("; "):
            if part.strip():
                attributions[part.strip()] = None
        licences.update(p.strip() for p in str(meta.get("licence", "")).split("; ") if p.strip())
    return list(attributions), sorted(licences)


# --------------------------------------------------------------------------
# writing (used by the recipes)
# --------------------------------------------------------------------------
def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        value = round(obj, PRECISION)
        return 0.0 if value == 0 else value
    if isinstance(obj, list | tuple):
        return [_rounded(v) for v in obj]
    return obj


def _geometry_json(geom: shapely.Geometry) -> dict[str, Any]:
    geom = shapely.set_precision(geom, 10.0**-PRECISION)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom)  # RFC 7946: exteriors counter-clockwise
    doc = json.loads(shapely.to_geojson(geom))
    doc["coordinates"] = _rounded(doc["coordinates"])
    return {"type": doc["type"], "coordinates": doc["coordinates"]}


def write_geojson(
    file: str | os.PathLike[str],
    features: Iterable[tuple[dict[str, Any], shapely.Geometry]],
) -> None:
    """Write ``(properties, geometry)`` pairs as deterministic RFC 7946 GeoJSON.

    Coordinates are snapped to a 1e-6° grid (validity kept by
    :func:`shapely.set_precision`), polygons oriented counter-clockwise,
    properties kept in the order given, one feature per line. The file is
    written to a temporary name and renamed, so it is never half-written.

    Parameters
    ----------
    file : path
        Where to write.
    features : iterable of (dict, shapely.Geometry)
        Properties and lon/lat geometry of each feature.
    """
    lines = []
    for props, geom in features:
        feat = {"type": "Feature", "properties": props, "geometry": _geometry_json(geom)}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    write_text(file, text)
