"""``python -m geo``: the same command line as ``border-zones``."""

from geo.cli import run

raise SystemExit(run())
