"""The layer manifest: ``manifest.json`` beside the layers, read, checked and written.

The manifest maps each layer name to its provenance entry (title, source,
licence, method, accuracy, sha256, geometry type, feature count, fields).
:mod:`geo.layers` loads layers checked against it; the recipe
(:mod:`geo.workflows`) and :func:`geo.zones.write_zone_layer` write entries
through :func:`write_entries`, the one writer, so every entry is formatted the
same way.

Reads are cached per file and modification time: a process reads the file once
until it changes.

Examples
--------
>>> from geo import layers, manifest
>>> entries = manifest.read(layers.layers_dir())
>>> entries["blue_line"]["crs"]
'EPSG:4326'
>>> plain(np.int64(3)), type(plain(np.float64(0.5))).__name__
(3, 'float')
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from geo._files import write_text
from geo.errors import LayerIntegrityError

__all__ = [
    "MANIFEST_NAME",
    "REQUIRED",
    "check_entry",
    "file_entry",
    "plain",
    "read",
    "write_entries",
]

#: File name of the manifest beside the layers.
MANIFEST_NAME = "manifest.json"

#: Keys every manifest entry must have.
REQUIRED = (
    "title",
    "file",
    "sha256",
    "crs",
    "geometry_type",
    "feature_count",
    "fields",
    "licence",
    "attribution",
    "upstream",
)


def read(folder: str | os.PathLike[str]) -> Mapping[str, Any]:
    """The manifest in ``folder``, cached until the file changes.

    Parameters
    ----------
    folder : path
        A layers folder holding ``manifest.json``.

    Returns
    -------
    mapping
        Layer name → entry. Shared between callers: copy before changing it.

    Raises
    ------
    LayerIntegrityError
        If the file is missing or is not JSON.
    """
    file = Path(folder) / MANIFEST_NAME
    try:
        st = file.stat()
        # a rewrite is a rename: a new inode even within one clock tick
        return _read_cached(file, st.st_mtime_ns, st.st_ino, st.st_size)
    except OSError as exc:
        raise LayerIntegrityError(f"{file}: cannot read the layer manifest ({exc})") from exc


@functools.lru_cache(maxsize=4)
def _read_cached(file: Path, mtime_ns: int, inode: int, size: int) -> dict[str, Any]:
    try:
        return dict(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise LayerIntegrityError(f"{file}: cannot read the layer manifest ({exc})") from exc


def check_entry(name: str, entry: Mapping[str, Any]) -> None:
    """Check that a manifest entry has every key of :data:`REQUIRED`.

    Raises
    ------
    LayerIntegrityError
        Naming the layer and the missing keys.

    Examples
    --------
    >>> check_entry("x", {"title": "X"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.errors.LayerIntegrityError: manifest entry 'x': missing file, sha256, ...
    """
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise LayerIntegrityError(f"manifest entry {name!r}: missing {', '.join(missing)}")


def file_entry(
    *,
    title: str,
    description: str,
    file: str | os.PathLike[str],
    sha256: str,
    geometry_types: Iterable[str],
    feature_count: int,
    fields: list[str],
) -> dict[str, Any]:
    """The first keys of an entry, describing the layer file, in the manifest's order.

    Callers add the provenance keys (``retrieved``, ``recipe``, ``upstream``,
    ``method``, accuracy, licence, attribution) after these.
    """
    return {
        "title": title,
        "description": description,
        "file": Path(file).name,
        "sha256": sha256,
        "crs": "EPSG:4326",
        "geometry_type": sorted(set(geometry_types)),
        "feature_count": feature_count,
        "fields": list(fields),
    }


def write_entries(
    folder: str | os.PathLike[str],
    entries: Mapping[str, Mapping[str, Any]],
    *,
    keep: bool = True,
) -> Path:
    """Write entries into the manifest in ``folder``, sorted by layer name.

    Parameters
    ----------
    folder : path
        The layers folder.
    entries : mapping
        Layer name → entry; each is checked with :func:`check_entry`.
    keep : bool, default True
        Keep the entries already in the file that ``entries`` does not replace
        (if there is a file).

    Returns
    -------
    pathlib.Path
        The manifest written (to a temporary name, then renamed).
    """
    for name, entry in entries.items():
        check_entry(name, entry)
    file = Path(folder) / MANIFEST_NAME
    manifest: dict[str, Any] = {}
    if keep and file.exists():
        manifest = {k: v for k, v in read(folder).items() if k not in entries}
    manifest.update({k: dict(v) for k, v in entries.items()})
    text = json.dumps(dict(sorted(manifest.items())), indent=2, ensure_ascii=False) + "\n"
    return write_text(file, text)


def plain(value: Any) -> Any:
    """A numpy scalar as the Python number JSON writes; anything else unchanged."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
