"""The ``border-zones`` command line (also ``python -m geo``).

Exit codes: 0 success, 1 bad input (the message names the file, row or
field), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from geo import __version__, layers
from geo.errors import BorderZonesError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

EPILOG = "exit codes: 0 ok, 1 bad input, 2 usage error"


def _cmd_layers(args: argparse.Namespace) -> int:
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
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(f"\n{len(rows)} layers in {layers.layers_dir()}; provenance: layers/manifest.json")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per product."""
    parser = argparse.ArgumentParser(
        prog="border-zones",
        description="Measure the Israel–Syria–Lebanon frontier on the WGS84 ellipsoid.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "layers",
        help="list the layers with source, licence and stated accuracy",
        description="List the layers with feature count, source, licence and stated accuracy.",
        epilog=EPILOG,
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_layers)
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
        0 on success, 1 on bad input, 2 on a usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors 2
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except BorderZonesError as exc:
        print(f"border-zones {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("border-zones: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
