"""The ``border-zones`` command line (also ``python -m geo``).

Commands: ``distance`` (one point or a place by name), ``classify`` (a file
of points), ``summarize`` (events by zone and period), ``report`` (the zones
table), ``figure`` (a map for print), ``layers``, ``zones``, ``timeline``
(the dated items), ``build`` (the web map) and ``export`` (a styled
GeoPackage for QGIS).

Exit codes: 0 success, 1 bad input (the message names the file, row or
field), 2 usage error (including a ``--lat``/``--lon`` that is not a finite
number in range), 70 internal error (a bug; please report it), 130
interrupted (Ctrl-C), 143 terminated (SIGTERM). Errors are one line on
stderr, ``border-zones COMMAND: error: ...``, never a traceback. Heavy
modules (pandas, geopandas, folium) are imported only inside the commands,
after the signal handlers are installed, so ``--version`` and usage errors
answer at once.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType


class Terminated(BaseException):
    """SIGTERM received: unwinds like Ctrl-C, so temporary files are removed."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def install_signal_handlers() -> None:
    """SIGINT raises KeyboardInterrupt and SIGTERM :class:`Terminated`; both clean up."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)


# before anything else is imported: an interrupt at any moment is one line
install_signal_handlers()
try:
    import argparse
    import json
    import math
    import os
    import time
    import warnings
    from collections.abc import Callable, Sequence
    from typing import Any

    from geo.errors import BorderZonesError
except KeyboardInterrupt:  # pragma: no cover - timing
    print("border-zones: interrupted", file=sys.stderr)
    raise SystemExit(130) from None
except Terminated:  # pragma: no cover - timing
    print("border-zones: terminated", file=sys.stderr)
    raise SystemExit(143) from None

__all__ = ["main", "run"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
#: A bug (sysexits' EX_SOFTWARE): neither bad input nor a usage error.
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

EPILOG = (
    "exit codes: 0 ok, 1 bad input, 2 usage error (a --lat/--lon that is not a finite "
    "number in range too), 70 internal error, 130 interrupted, 143 terminated"
)


class UsageError(Exception):
    """Arguments that parse but do not go together (exit code 2)."""


def _warn(command: str, caught: list[warnings.WarningMessage]) -> None:
    seen = set()
    for w in caught:
        if issubclass(w.category, DeprecationWarning | PendingDeprecationWarning | FutureWarning):
            continue  # libraries' notices are for developers, not users
        text = str(w.message)
        if text not in seen:
            seen.add(text)
            print(f"border-zones {command}: warning: {text}", file=sys.stderr)


def _print_table(headers: list[str], table: list[list[str]]) -> None:
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------
def _cmd_layers(args: argparse.Namespace) -> int:
    from geo import layers

    rows = []
    for name in layers.names():
        meta = layers.info(name)
        rows.append(
            {
                "name": name,
                "features": meta["feature_count"],
                "source": ", ".join(
                    f"{u['package']} {u['version']}" for u in meta.get("upstream", [])
                ),
                "licence": meta.get("licence", ""),
                "accuracy_m": meta.get("accuracy_m"),
                "method": meta.get("method", "").split(":")[0],
                "schematic": bool(meta.get("schematic")),
                "agreement": [
                    {
                        "against": c["source"],
                        **{k: c["this_to_other"][k] for k in ("median_m", "p90_m", "max_m")},
                        "stretches_over_100m": len(c["this_to_other"]["runs"]),
                        "corridor_km2": c["corridor_km2"],
                    }
                    for c in meta.get("accuracy_profile", {}).get("comparisons", [])
                ],
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    headers = ["name", "features", "accuracy", "method", "source", "licence"]
    table = [
        [
            r["name"] + (" (schematic)" if r["schematic"] else ""),
            str(r["features"]),
            "" if r["accuracy_m"] is None else f"±{r['accuracy_m']:,.0f} m",
            r["method"],
            r["source"],
            r["licence"],
        ]
        for r in rows
    ]
    _print_table(headers, table)
    profiled = [r for r in rows if r["agreement"]]
    if profiled:
        print("\nagreement with independent versions (every 50 m; stretches over 100 m):")
        for r in profiled:
            for a in r["agreement"]:
                print(
                    f"  {r['name']} vs {a['against']}: median {a['median_m']:,.0f} m, "
                    f"p90 {a['p90_m']:,.0f} m, max {a['max_m']:,.0f} m, "
                    f"{a['stretches_over_100m']} stretch(es), corridor {a['corridor_km2']:g} km²"
                )
    print(f"\n{len(rows)} layers in {layers.layers_dir()}; provenance: layers/manifest.json")
    return EXIT_OK


# --------------------------------------------------------------------------
# distance
# --------------------------------------------------------------------------
def _cmd_distance(args: argparse.Namespace) -> int:
    from geo import places, workflows, zones
    from geo.points import as_lonlat

    place = None
    if args.place is not None:
        if args.lat is not None or args.lon is not None:
            raise UsageError("give a place name or --lat/--lon, not both")
        place = places.find(args.place)
        lon_in, lat_in = place.lon, place.lat
    elif args.lat is None or args.lon is None:
        raise UsageError("give a place name, or both --lat and --lon")
    else:
        lon_in, lat_in = args.lon, args.lat
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lon, lat = as_lonlat((lon_in, lat_in), name="--lat/--lon")
    _warn("distance", caught)
    result = workflows.distance_record(float(lon[0]), float(lat[0]))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    titles = {s.id: s.title for s in zones.read_specs()}
    print(place.describe() if place is not None else f"{lat[0]:.5f} N, {lon[0]:.5f} E")
    width = max(len(v) for v in workflows.DISTANCE_TO.values()) + len("distance to ")
    for name, label in workflows.DISTANCE_TO.items():
        km = result["distance_m"][name] / 1000.0
        print(f"  {('distance to ' + label).ljust(width)}  {km:10,.3f} km")
    country = result["country"] or "none (at sea or beyond the layers)"
    print(f"  de facto country: {country}")
    print(
        f"  in the UNDOF Area of Separation: {'yes' if result['in_area_of_separation'] else 'no'}"
    )
    if result["zones"]:
        print("  zones:")
        for z in result["zones"]:
            print(f"    {z}: {titles.get(z, '')}")
    else:
        print("  zones: none")
    return EXIT_OK


# --------------------------------------------------------------------------
# classify
# --------------------------------------------------------------------------
class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.active = sys.stderr.isatty()
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, fraction: float, rows: int) -> None:
        if not self.active:
            return
        width = 30
        done = round(width * fraction)
        elapsed = time.monotonic() - self.start
        bar = "#" * done + "-" * (width - done)
        sys.stderr.write(f"\r{self.label} [{bar}] {fraction:4.0%} {rows:,} rows {elapsed:5.1f} s")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _cmd_classify(args: argparse.Namespace) -> int:
    from geo import workflows

    if args.engine == "dask":
        return _classify_on_dask(args)
    if args.scheduler or args.workers:
        raise UsageError("--scheduler and --workers go with --engine dask")
    progress = _Progress("classifying")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            summary = workflows.classify_file(
                args.input,
                args.output,
                lat_col=args.lat_col,
                lon_col=args.lon_col,
                assume_lonlat=args.assume_lonlat,
                chunk_rows=args.chunk_rows,
                progress=progress,
                strict=args.strict,
                as_of=args.as_of,
            )
        finally:
            progress.close()
    _warn("classify", caught)
    if summary.errors:
        print(
            f"border-zones classify: {summary.errors:,} of {summary.rows:,} row(s) could not "
            f"be read; see the 'error' column ({'; '.join(summary.examples[:3])})",
            file=sys.stderr,
        )
    print(f"wrote {summary.path} ({summary.rows:,} rows, {summary.errors:,} with errors)")
    return EXIT_OK


def _classify_on_dask(args: argparse.Namespace) -> int:
    from geo import workflows

    if args.lat_col or args.lon_col or args.strict or args.as_of:
        raise UsageError("--lat-col, --lon-col, --strict and --as-of do not go with --engine dask")
    try:
        import dask_geopandas  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(
            "--engine dask needs the dask extra: pip install 'border-zones[dask]'"
        ) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = workflows.classify_dataset(
            args.input,
            args.output,
            scheduler=args.scheduler,
            workers=args.workers,
            assume_lonlat=args.assume_lonlat,
        )
    _warn("classify", caught)
    if summary.errors:
        print(
            f"border-zones classify: {summary.errors:,} of {summary.rows:,} row(s) could not "
            "be read; see the 'error' column",
            file=sys.stderr,
        )
    print(
        f"wrote {summary.path} ({summary.partitions:,} partitions, {summary.rows:,} rows, "
        f"{summary.errors:,} with errors)"
    )
    return EXIT_OK


# --------------------------------------------------------------------------
# report, figure, zones, build
# --------------------------------------------------------------------------
def _cmd_report(args: argparse.Namespace) -> int:
    from geo import report

    fmt = args.format or (report.format_for(args.output) if args.output else "md")
    rep = report.build_report(as_of=args.as_of)
    if args.output:
        print(f"wrote {report.write_report(rep, args.output, fmt=fmt)}")
    else:
        sys.stdout.write(report.render(rep, fmt))
    return EXIT_OK


def _cmd_figure(args: argparse.Namespace) -> int:
    from geo.render import figure

    if args.as_of is not None and args.timeline:
        raise UsageError("--as-of and --timeline do not go together")
    if args.as_of is not None or args.timeline:
        from geo import workflows

        dates = [args.as_of] if args.as_of is not None else list(workflows.TIMELINE_DATES)
        panels = workflows.timeline_panels(dates)
        print(f"wrote {figure.save_timeline_figure(args.output, panels, dpi=args.dpi)}")
        return EXIT_OK
    print(f"wrote {figure.save_figure(args.output, dpi=args.dpi)}")
    return EXIT_OK


def _cmd_timeline(args: argparse.Namespace) -> int:
    from geo import timeline

    if args.write:
        from geo import zones

        print(f"wrote {zones.write_timeline_layer()}")
        return EXIT_OK
    found = timeline.items() if args.as_of is None else timeline.in_force(args.as_of)
    if args.json:
        fields = [c for c in timeline.COLUMNS]
        doc = {
            "as_of": None if args.as_of is None else args.as_of.isoformat(),
            "items": [{k: getattr(i, k) for k in fields} for i in found],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.as_of is not None:
        print(f"in force on {args.as_of.isoformat()}: {len(found)} item(s)")
    table = [
        [
            i.id,
            i.kind,
            i.date_start + ("–" + (i.date_end or "open")),
            i.confidence,
            str(i.rule),
            i.source(),
        ]
        for i in found
    ]
    if table:
        _print_table(["item", "kind", "dates", "confidence", "geometry", "source"], table)
    return EXIT_OK


def _as_of(text: str) -> Any:
    """Argparse type of --as-of: an ISO date (YYYY-MM-DD, YYYY-MM, YYYY) or 'today'."""
    from geo import timeline
    from geo.errors import InputError

    try:
        return timeline.as_of_date(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cmd_zones(args: argparse.Namespace) -> int:
    from geo import zones

    if args.write:
        print(f"wrote {zones.write_zone_layer()}")
        return EXIT_OK
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf = zones.zones()
    _warn("zones", caught)
    inside = gdf[gdf["part"] == "inside"].set_index("id")
    rows = []
    for s in zones.read_specs():
        r = inside.loc[s.id] if s.id in inside.index else None
        rows.append(
            {
                "id": s.id,
                "family": s.family,
                "reference": s.reference,
                "band_km": f"{s.inner_km:g}–{s.distance_km:g}",
                "territory": s.territory,
                "side": s.side,
                "area_km2": None if r is None else float(r["area_km2"]),
                "population": None if r is None else int(r["population"]),
                "places": None if r is None else int(r["places"]),
                "title": s.title,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK

    def cell(key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "area_km2":
            return f"{value:,.1f}"
        if key in ("population", "places"):
            return f"{value:,}"
        return str(value)

    _print_table(list(rows[0]), [[cell(k, v) for k, v in r.items()] for r in rows])
    print(
        f"\n{len(rows)} zones listed in layers/{zones.SPECS_FILE}; area, population and "
        "places of the part inside the territory (geodesic, WGS84). "
        "Recompute and write the layer with --write."
    )
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from geo import workflows

    points = None
    if args.points:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            points = workflows.points_for_map(
                args.points,
                lat_col=args.lat_col,
                lon_col=args.lon_col,
                assume_lonlat=args.assume_lonlat,
            )
        _warn("build", caught)
        if points.skipped:
            print(
                f"border-zones build: {points.skipped:,} row(s) of {args.points} could not be "
                f"read and are left off the map ({points.first_skipped})",
                file=sys.stderr,
            )
    written = workflows.build_map_file(args.output, points=points, offline=args.offline)
    print(f"wrote {written}")
    return EXIT_OK


# --------------------------------------------------------------------------
# export (the GeoPackage for QGIS)
# --------------------------------------------------------------------------
def _cmd_export(args: argparse.Namespace) -> int:
    from geo import workflows

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = workflows.export_geopackage(args.output)
    _warn("export", caught)
    print(f"wrote {path}")
    return EXIT_OK


# --------------------------------------------------------------------------
# summarize (events by zone and period)
# --------------------------------------------------------------------------
def _cmd_summarize(args: argparse.Namespace) -> int:
    from geo import workflows

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table, text = workflows.summarize_file(
            args.input,
            args.output,
            by=args.by,
            sum=args.sum,
            fmt=args.format,
            date_col=args.date_col,
            lat_col=args.lat_col,
            lon_col=args.lon_col,
            assume_lonlat=args.assume_lonlat,
        )
    _warn("summarize", caught)
    if args.output:
        print(f"wrote {args.output} ({len(table):,} rows, {int(table['events'].sum()):,} events)")
    else:
        sys.stdout.write(text)
    return EXIT_OK


# --------------------------------------------------------------------------
# parser
# --------------------------------------------------------------------------
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def _coordinate(limit: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        shown = text if len(text) <= 40 else text[:40] + "…"
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown!r} is not a number") from None
        if not math.isfinite(value) or abs(value) > limit:
            raise argparse.ArgumentTypeError(
                f"{shown!r} is not a number in [-{limit:g}, {limit:g}]"
            )
        return value

    return parse


def _add_point_file_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lat-col", metavar="NAME", help="CSV column of latitudes (default: detected)")
    p.add_argument("--lon-col", metavar="NAME", help="CSV column of longitudes (default: detected)")
    p.add_argument(
        "--assume-lonlat",
        action="store_true",
        help="take a GeoPackage layer without a CRS as WGS84 lon/lat",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per product."""
    parser = argparse.ArgumentParser(
        prog="border-zones",
        description="Measure the Israel–Syria–Lebanon frontier on the WGS84 ellipsoid.",
        epilog=EPILOG,
    )
    from geo import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, help_: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_,
            description=description,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add(
        "distance",
        "distances of a point or a named place to Line A, Line B and the Blue Line",
        "Geodesic distances (WGS84) of one point to Line A, Line B and the Blue Line, "
        "its de facto country, whether it is in the UNDOF Area of Separation and the "
        "zones that hold it.\n\n"
        "  border-zones distance Quneitra\n"
        "  border-zones distance --lat 33.27 --lon 35.77 --json\n\n"
        "A place name is looked up in the 'places' layer (GeoNames), ignoring case and "
        "accents, with common spellings (Quneitra, Daraa, Kiswah, Mount Hermon ...); a "
        "name matching several places lists them and exits 1; every alternate name "
        "GeoNames has is known too (القنيطرة, קצרין). A --lat/--lon that is not a finite "
        "number within range is a usage error (exit 2), like any bad option.",
    )
    p.add_argument("place", nargs="?", help="a place name (quote names with spaces)")
    p.add_argument("--lat", type=_coordinate(90.0), help="latitude, WGS84 degrees, -90 to 90")
    p.add_argument("--lon", type=_coordinate(180.0), help="longitude, WGS84 degrees, -180 to 180")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"lat", "lon", "distance_m": {...}, "country", '
        '"in_area_of_separation", "zones"}',
    )
    p.set_defaults(func=_cmd_distance)

    p = add(
        "classify",
        "classify a CSV, GeoJSON or GeoPackage file of points",
        "Add to every row of a point file its geodesic distances to Line A and the Blue "
        "Line (metres), de facto country, whether it is in the UNDOF Area of Separation, "
        "its innermost zone and all its zones.\n\n"
        "  border-zones classify events.csv -o events_classified.csv\n"
        "  border-zones classify events.gpkg -o events.geojson\n"
        "  border-zones classify 'events/*.parquet' -o out/ --engine dask\n\n"
        "Formats follow the extensions (.csv/.tsv/.txt, .geojson/.json, .gpkg, .parquet: "
        "GeoParquet with point geometry, or lat/lon columns). CSV "
        "coordinates are WGS84 degrees in columns named lat/latitude/y and "
        "lon/lng/long/longitude/x (any case), or given with --lat-col/--lon-col. The file "
        "is streamed in chunks. Every row comes out, in order; a row whose coordinates "
        "cannot be read gets a message in the 'error' column. The output is written to "
        "a temporary file and renamed: a failed run leaves an existing output untouched. "
        "A row with more fields than the header is a row error, never shifted.\n\n"
        "Your columns are never renamed or replaced: an added column whose name your "
        "file already has (distance_line_a_m, country, zone, zones, error, ...) gets the "
        "suffix _right, as in geopandas' sjoin, and a warning names it.",
    )
    p.add_argument("input", help="the points to classify")
    p.add_argument("-o", "--output", required=True, help="the file to write")
    p.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="zones: the timeline's bands in force on DATE (YYYY-MM-DD, YYYY-MM, YYYY)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 and write nothing if any row cannot be read "
        "(default: such rows are kept, with the reason in the 'error' column)",
    )
    _add_point_file_options(p)
    p.add_argument(
        "--chunk-rows",
        type=_positive_int,
        default=50_000,
        metavar="N",
        help="rows read at a time (default 50000; memory grows with it)",
    )
    p.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="local: stream one file in this process (default); dask: Parquet files "
        "('events/*.parquet') on a Dask cluster into a partitioned GeoParquet folder -o",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running scheduler (tcp://host:8786); default: a local cluster",
    )
    p.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="with --engine dask and no --scheduler: worker processes (default: one per CPU)",
    )
    p.set_defaults(func=_cmd_classify)

    p = add(
        "report",
        "the zones report: areas, population, places, line lengths",
        "The table to publish: per zone its area, population and places, overlap with "
        "the UNDOF Area of Separation and areas per Syrian governorate; the requested "
        "but not granted band; the lengths of Line A, Line B, the Blue Line and the "
        "barrier segments; the sensitivity of the 2017 zones to the Line A source. "
        "Geodesic figures on WGS84.",
    )
    p.add_argument("--format", choices=["md", "csv", "json"], help="default: by -o, else md")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="open with the timeline's items in force on DATE (YYYY-MM-DD, YYYY-MM, YYYY)",
    )
    p.set_defaults(func=_cmd_report)

    p = add(
        "figure",
        "a static map for print (PNG, SVG or PDF)",
        "An A4 map of the zones, lines, barrier and key places, with legend, scale bar, "
        "north arrow, sources, licences and date. The format follows the extension.",
    )
    p.add_argument("-o", "--output", required=True, help="file ending .png, .svg or .pdf")
    p.add_argument("--dpi", type=_positive_int, default=200, help="resolution (default 200)")
    p.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="the timeline's items in force on DATE instead of the 2017 zones",
    )
    p.add_argument(
        "--timeline",
        action="store_true",
        help="small multiples: the items in force at several dates from 1974 to today",
    )
    p.set_defaults(func=_cmd_figure)

    p = add(
        "timeline",
        "the dated items (1974 to today) with their sources and confidence",
        "List the items of layers/timeline.csv (agreed, demanded, offered, claimed, "
        "reported, observed) with dates, geometry rule, source and confidence; with "
        "--as-of only those in force on that date.",
    )
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="only the items in force on DATE")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--write",
        action="store_true",
        help="recompute the items' areas and write layers/timeline.geojson",
    )
    p.set_defaults(func=_cmd_timeline)

    p = add(
        "layers",
        "list the layers with source, licence and stated accuracy",
        "List the layers with feature count, source, licence and stated accuracy.",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_layers)

    p = add(
        "zones",
        "list the zones; --write recomputes the zones layer",
        "List the zones of layers/zones.csv with their area, population and places; "
        "with --write recompute their geometry and write layers/zones.geojson and its "
        "manifest entry.",
    )
    p.add_argument("--write", action="store_true", help="recompute and write the zones layer")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_zones)

    p = add(
        "build",
        "write the interactive web map (HTML)",
        "Write the interactive map as one HTML file, optionally with your points "
        "(classified, with their fields in popups).",
    )
    p.add_argument(
        "-o", "--output", default="border_zones_map.html", help="default border_zones_map.html"
    )
    p.add_argument("--points", metavar="FILE", help="CSV, GeoJSON or GeoPackage of points")
    _add_point_file_options(p)
    p.add_argument(
        "--offline", action="store_true", help="inline every asset: opens without network"
    )
    p.set_defaults(func=_cmd_build)

    p = add(
        "export",
        "every layer, styled, with its provenance, in one GeoPackage (for QGIS)",
        "Write every layer (the lines, the barrier, the Area of Separation, countries, "
        "governorates, places and the zones) into one GeoPackage in EPSG:4326, styled as "
        "on the map: QGIS applies the styles of the layer_styles table when it opens the "
        "file. Each layer's source, licence, attribution, method and stated accuracy are "
        "in its metadata (gpkg_metadata) and in the 'provenance' table; its title and "
        "description in gpkg_contents.\n\n"
        "  border-zones export -o frontier.gpkg",
    )
    p.add_argument("-o", "--output", required=True, help="the .gpkg file to write")
    p.set_defaults(func=_cmd_export)

    p = add(
        "summarize",
        "count events (and sum fatalities) by zone, year or month, and column",
        "Count the events of a point file (an ACLED export, or any CSV/GeoJSON/GeoPackage "
        "of points) per zone and period, and sum a column such as fatalities.\n\n"
        "  border-zones summarize events.csv --by zone,year --sum fatalities\n"
        "  border-zones summarize events.csv --by zone,month,event_type --format csv "
        "-o by_month.csv\n\n"
        "'zone' is the zone 'border-zones classify' writes: of the zones holding a point, "
        "the innermost (smallest outer distance, then the narrowest band), so a point 3 km "
        "east of Line A counts once, under granted_5km, not also under requested_60km. "
        "--by zones counts a point under every zone that holds it (the counts then add "
        "up to more than the events). Rows: the zones in layers/zones.csv order, then "
        "'no zone', then 'unreadable rows' (coordinates that cannot be read).\n\n"
        "Periods come from the date column (event_date, date, ... or --date-col): ISO "
        "2017-05-31, 2017-05, 31 May 2017, 31-May-2017, May 31, 2017, May 2017. A date "
        "that cannot be read (31/05/2017 is ambiguous and refused) is counted under "
        "'unreadable date' and its rows are listed in a warning; nothing is dropped. "
        "Coordinates as for classify.",
    )
    p.add_argument("input", help="the events (CSV, GeoJSON or GeoPackage of points)")
    p.add_argument(
        "--by",
        default="zone",
        metavar="KEYS",
        help="zone or zones, then optionally year or month, then columns, comma-separated "
        "(default: zone)",
    )
    p.add_argument("--sum", metavar="COLUMN", help="a numeric column to sum (e.g. fatalities)")
    p.add_argument("--date-col", metavar="NAME", help="the date column (default: detected)")
    p.add_argument("--format", choices=["md", "csv", "json"], help="default: by -o, else md")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    _add_point_file_options(p)
    p.set_defaults(func=_cmd_summarize)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 on bad input, 2 on a usage error, 70 on an internal
        error, 130 when interrupted, 143 when terminated.
    """
    install_signal_handlers()
    command = "?"
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors 2
            return int(exc.code or 0)
        command = args.command
        return _run(args)
    except KeyboardInterrupt:
        print("border-zones: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("border-zones: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("BORDER_ZONES_DEBUG"):
            raise
        print(
            f"border-zones {command}: error: internal error ({type(exc).__name__}: "
            f"{str(exc)[:200]}); rerun with BORDER_ZONES_DEBUG=1 for the traceback and "
            "please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> int:
    """The ``border-zones`` program (and ``python -m geo``): :func:`main`, then a quick exit.

    At exit the interpreter's garbage collector walks every object the run
    made (numba's registries, the prepared layers): 0.3-0.4 s, a quarter of a
    small command's time. The objects left are frozen instead
    (:func:`gc.freeze`), so the process ends without that walk. By then every
    output is written, closed and renamed; the standard streams are still
    flushed and ``atexit`` handlers still run. A program calling :func:`main`
    itself is left as it is.

    Returns
    -------
    int
        :func:`main`'s exit code.
    """
    import gc

    code = main()
    gc.freeze()
    return code


def _run(args: argparse.Namespace) -> int:
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UsageError as exc:
        print(f"border-zones {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BorderZonesError as exc:
        print(f"border-zones {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # e.g. an output folder without write permission
        if isinstance(exc, BrokenPipeError):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"border-zones {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
