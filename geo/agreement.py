"""How far two versions of the same line disagree, stretch by stretch.

No public file holds the UN's own lines, so a line layer can only be judged
against another, independent, drawing of the same line. This module measures
that disagreement on the WGS84 ellipsoid:

- :func:`profile` samples one line every ``step_m`` metres along its
  geodesics and takes the geodesic distance from each sample to the other
  line (:func:`geo.geodesy.distance`); it reports the median, 90th and 95th
  percentiles and maximum, the same per stretch (fixed pieces of
  ``stretch_m`` along the line) and the *runs*: contiguous samples farther
  than a threshold, with where each run's largest distance is.
- :func:`compare` does it both ways. The two directions differ where one line
  is longer or loops where the other does not.
- :func:`corridor` is the band between the two lines where they disagree by
  more than a threshold: the faces enclosed by the two lines (their ends
  joined), each kept whole if its largest separation exceeds the threshold.

What a disagreement shows depends on the sources: two products derived from
OpenStreetMap share their origin, so their agreement measures processing, not
truth; a 1:10M line (Natural Earth) mostly measures its own generalisation.
The caller says which it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from shapely import LineString, Point

from geo import geodesy
from geo.errors import InputError

__all__ = [
    "Comparison",
    "CorridorPiece",
    "Profile",
    "Run",
    "Stretch",
    "compare",
    "corridor",
    "distances_at",
    "profile",
    "sample_along",
]

_ROUND_M = 1
_ROUND_DEG = 5


@dataclass(frozen=True)
class Stretch:
    """Disagreement over one fixed piece of the sampled line."""

    #: Where the piece starts and ends, km along the sampled line.
    start_km: float
    end_km: float
    #: Median, 90th percentile and maximum distance of its samples (m).
    median_m: float
    p90_m: float
    max_m: float
    #: Where the maximum is (degrees).
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class Run:
    """Contiguous samples farther from the other line than a threshold."""

    #: First sample over the threshold, km along the sampled line.
    start_km: float
    #: Last such sample plus one step (each sample stands for ``step_m``), km.
    end_km: float
    #: Largest distance in the run (m) and where it is (degrees).
    max_m: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class Profile:
    """Distances from samples along one line to another: summary, stretches and runs."""

    #: Sampling step along the line (m), length of the fixed stretches (m) and
    #: the threshold the runs are counted over (m).
    step_m: float
    stretch_m: float
    threshold_m: float
    #: Geodesic length of the sampled line (km) and the number of samples.
    length_km: float
    samples: int
    #: Over all samples (m).
    median_m: float
    p90_m: float
    p95_m: float
    max_m: float
    #: Where the maximum is: km along the sampled line, lon, lat.
    max_along_km: float
    max_lon: float
    max_lat: float
    #: Every fixed stretch, in order along the line.
    stretches: tuple[Stretch, ...]
    #: The runs over ``threshold_m``, in order along the line.
    runs: tuple[Run, ...]

    def as_dict(self, *, all_stretches: bool = True) -> dict[str, Any]:
        """A JSON-ready dict, rounded to 0.1 m and 1e-5°.

        With ``all_stretches=False`` only the stretches whose maximum exceeds
        ``threshold_m`` are kept (``stretches_over_threshold``).
        """
        out = asdict(self)
        out = _rounded(out)
        if not all_stretches:
            del out["stretches"]
            out["stretches_over_threshold"] = [
                _rounded(asdict(s)) for s in self.stretches if s.max_m > self.threshold_m
            ]
        return out


@dataclass(frozen=True)
class Comparison:
    """Both directions of a comparison between line ``a`` and line ``b``."""

    #: Samples along ``a``, distances to ``b``.
    a_to_b: Profile
    #: Samples along ``b``, distances to ``a``.
    b_to_a: Profile

    @property
    def max_m(self) -> float:
        """The larger of the two directions' maxima (the Hausdorff distance, sampled)."""
        return max(self.a_to_b.max_m, self.b_to_a.max_m)


@dataclass(frozen=True)
class CorridorPiece:
    """One face between the two lines whose separation exceeds the threshold."""

    #: The face (lon/lat).
    geometry: Any
    #: Geodesic area (m²).
    area_m2: float
    #: Largest separation of the two lines around the face (m), and where.
    max_separation_m: float
    max_lon: float
    max_lat: float


def _rounded(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _rounded_value(k, v) for k, v in obj.items()}
    return obj


def _rounded_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return _rounded(value)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        if key.endswith(("_lon", "_lat")):
            return round(value, _ROUND_DEG)
        if key.endswith("_km"):
            return round(value, 3)
        return round(value, _ROUND_M)
    return value


def _as_line(line: Any, what: str) -> LineString:
    if isinstance(line, shapely.MultiLineString):
        merged = shapely.line_merge(line)
        if isinstance(merged, LineString):
            line = merged
    if not isinstance(line, LineString) or line.is_empty or len(line.coords) < 2:
        raise InputError(f"{what} must be a single line in lon/lat with two vertices or more")
    return line


def sample_along(
    line: Any, step_m: float = 50.0, *, with_vertices: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every ``step_m`` metres along a line's geodesics, and its last vertex.

    Parameters
    ----------
    line : shapely LineString
        In lon/lat degrees; each segment is read as a geodesic.
    step_m : float, default 50
        Spacing along the line (m, geodesic).
    with_vertices : bool, default False
        Also include every vertex of the line (in order along it).

    Returns
    -------
    along_m, lon, lat : numpy.ndarray
        Distance along the line (m) and coordinates of each sample.

    Examples
    --------
    >>> s, lon, lat = sample_along(LineString([(35.0, 33.0), (35.0, 33.01)]), 500.0)
    >>> s.round(1).tolist()
    [0.0, 500.0, 1000.0, 1109.0]
    """
    if not np.isfinite(step_m) or step_m <= 0:
        raise InputError(f"sampling step must be a positive number of metres, got {step_m}")
    line = _as_line(line, "the line to sample")
    xy = np.asarray(line.coords)[:, :2]
    az, _, seg = geodesy.WGS84.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    az, seg = np.atleast_1d(az), np.atleast_1d(seg)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = float(cum[-1])
    s = np.arange(0.0, total, step_m)
    s = np.append(s, total) if s.size == 0 or s[-1] < total else s
    if with_vertices:
        s = np.unique(np.concatenate([s, cum]))
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    lon, lat, _ = geodesy.WGS84.fwd(xy[i, 0], xy[i, 1], az[i], s - cum[i])
    return s, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def distances_at(line: Any, other: Any, along_m: Any) -> np.ndarray:
    """Geodesic distance to ``other`` from the points ``along_m`` metres along ``line``.

    Parameters
    ----------
    line : shapely LineString
        Lon/lat; each segment a geodesic.
    other : shapely geometry
        What distances are measured to.
    along_m : array-like of float
        Distances along ``line`` (m), each within ``[0, length]``.

    Returns
    -------
    numpy.ndarray
        Metres.

    Examples
    --------
    >>> a = LineString([(35.0, 33.0), (35.0, 33.1)])
    >>> distances_at(a, LineString([(35.001, 33.0), (35.001, 33.1)]), [0.0, 5000.0]).round(1)
    array([93.5, 93.4])
    """
    line = _as_line(line, "the line to measure along")
    s = np.atleast_1d(np.asarray(along_m, dtype=float))
    xy = np.asarray(line.coords)[:, :2]
    az, _, seg = geodesy.WGS84.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    az, seg = np.atleast_1d(az), np.atleast_1d(seg)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if not np.all(np.isfinite(s)) or s.min(initial=0.0) < 0 or s.max(initial=0.0) > cum[-1] + 1e-6:
        raise InputError(f"distances along the line must lie in [0, {cum[-1]:.1f}] m")
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    lon, lat, _ = geodesy.WGS84.fwd(xy[i, 0], xy[i, 1], az[i], s - cum[i])
    return np.asarray(geodesy.distance((np.asarray(lon), np.asarray(lat)), other), dtype=float)


def _peak(d: np.ndarray) -> int:
    """Index of the largest distance, to the millimetre: the first sample at the maximum.

    Where the lines coincide the distances are nanometres of rounding, which a
    change of engine moves; the place given for a stretch's largest gap must not.
    """
    return int(np.argmax(np.round(d, 3)))


def _runs(
    s: np.ndarray,
    d: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    threshold_m: float,
    step_m: float,
    total: float,
) -> list[Run]:
    over = d > threshold_m
    runs = []
    i, n = 0, len(d)
    while i < n:
        if not over[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and over[j + 1]:
            j += 1
        k = i + _peak(d[i : j + 1])
        runs.append(
            Run(
                start_km=float(s[i]) / 1000.0,
                end_km=min(float(s[j]) + step_m, total) / 1000.0,
                max_m=float(d[k]),
                max_lon=float(lon[k]),
                max_lat=float(lat[k]),
            )
        )
        i = j + 1
    return runs


def profile(
    line: Any,
    other: Any,
    *,
    step_m: float = 50.0,
    stretch_m: float = 1000.0,
    threshold_m: float = 100.0,
) -> Profile:
    """Disagreement of ``line`` with ``other``, sampled along ``line``.

    Parameters
    ----------
    line : shapely LineString
        The line sampled, lon/lat.
    other : shapely geometry
        What distances are measured to (a line, lon/lat).
    step_m : float, default 50
        Sampling step along ``line`` (m).
    stretch_m : float, default 1000
        Length of the fixed stretches the profile is cut into (m).
    threshold_m : float, default 100
        Distance over which contiguous samples form a :class:`Run`.

    Returns
    -------
    Profile

    Examples
    --------
    >>> a = LineString([(35.0, 33.0), (35.0, 33.1)])
    >>> b = LineString([(35.001, 33.0), (35.001, 33.1)])
    >>> p = profile(a, b)
    >>> round(p.median_m, 1), len(p.stretches), len(p.runs)
    (93.4, 12, 0)
    """
    if not np.isfinite(stretch_m) or stretch_m <= 0:
        raise InputError(f"stretch length must be a positive number of metres, got {stretch_m}")
    if not np.isfinite(threshold_m) or threshold_m < 0:
        raise InputError(f"threshold must be a non-negative number of metres, got {threshold_m}")
    s, lon, lat = sample_along(line, step_m)
    d = np.asarray(geodesy.distance((lon, lat), other), dtype=float)
    total = float(s[-1])
    k = _peak(d)
    bins = np.minimum((s // stretch_m).astype(int), max(0, int(np.ceil(total / stretch_m)) - 1))
    stretches = []
    for b in np.unique(bins):
        m = np.flatnonzero(bins == b)
        j = m[_peak(d[m])]
        stretches.append(
            Stretch(
                start_km=b * stretch_m / 1000.0,
                end_km=min((b + 1) * stretch_m, total) / 1000.0,
                median_m=float(np.median(d[m])),
                p90_m=float(np.percentile(d[m], 90)),
                max_m=float(d[j]),
                max_lon=float(lon[j]),
                max_lat=float(lat[j]),
            )
        )
    return Profile(
        step_m=float(step_m),
        stretch_m=float(stretch_m),
        threshold_m=float(threshold_m),
        length_km=total / 1000.0,
        samples=int(d.size),
        median_m=float(np.median(d)),
        p90_m=float(np.percentile(d, 90)),
        p95_m=float(np.percentile(d, 95)),
        max_m=float(d[k]),
        max_along_km=float(s[k]) / 1000.0,
        max_lon=float(lon[k]),
        max_lat=float(lat[k]),
        stretches=tuple(stretches),
        runs=tuple(_runs(s, d, lon, lat, threshold_m, step_m, total)),
    )


def compare(a: Any, b: Any, **options: float) -> Comparison:
    """:func:`profile` both ways: along ``a`` to ``b`` and along ``b`` to ``a``.

    Parameters
    ----------
    a, b : shapely LineString
        Two versions of one line, lon/lat.
    **options
        ``step_m``, ``stretch_m``, ``threshold_m`` as in :func:`profile`.

    Returns
    -------
    Comparison
    """
    a, b = _as_line(a, "line a"), _as_line(b, "line b")
    return Comparison(a_to_b=profile(a, b, **options), b_to_a=profile(b, a, **options))


def _same_direction(a: LineString, b: LineString) -> LineString:
    """``b``, reversed if its end is nearer ``a``'s start than its start is."""
    (ax, ay), (bx0, by0), (bx1, by1) = a.coords[0][:2], b.coords[0][:2], b.coords[-1][:2]
    _, _, d = geodesy.WGS84.inv([ax, ax], [ay, ay], [bx0, bx1], [by0, by1])
    return b if d[0] <= d[1] else b.reverse()


def corridor(
    a: Any, b: Any, *, threshold_m: float = 100.0, step_m: float = 50.0
) -> list[CorridorPiece]:
    """The band between two lines where they are more than ``threshold_m`` apart.

    The two lines and the two segments joining their ends are noded and
    polygonised; each face is bounded by pieces of both lines. A face's
    separation is the largest, over points every ``step_m`` around its
    boundary (and its vertices), of the distance to the farther of the two
    lines: on ``a``'s side of the face that is the distance to ``b``, and the
    other way round. Faces whose separation exceeds ``threshold_m`` are kept
    whole; the thin ends of a kept face are part of it.

    Parameters
    ----------
    a, b : shapely LineString
        Two versions of one line, lon/lat.
    threshold_m : float, default 100
        Smallest separation (m) for a face to be kept.
    step_m : float, default 50
        Sampling step around each face (m).

    Returns
    -------
    list of CorridorPiece
        In order along ``a``, possibly empty.

    Examples
    --------
    >>> a = LineString([(35.0, 33.0), (35.0, 33.1)])
    >>> b = LineString([(35.0, 33.0), (35.01, 33.05), (35.0, 33.1)])
    >>> pieces = corridor(a, b)
    >>> len(pieces), round(pieces[0].max_separation_m)
    (1, 934)
    """
    if not np.isfinite(threshold_m) or threshold_m < 0:
        raise InputError(f"threshold must be a non-negative number of metres, got {threshold_m}")
    a, b = _as_line(a, "line a"), _as_line(b, "line b")
    b = _same_direction(a, b)
    edges = [a, b]
    for i in (0, -1):
        if a.coords[i][:2] != b.coords[i][:2]:
            edges.append(LineString([a.coords[i][:2], b.coords[i][:2]]))
    faces = list(shapely.get_parts(shapely.polygonize([shapely.union_all(edges)])))
    if not faces:
        return []
    sample_sets = [
        sample_along(LineString(f.exterior.coords), step_m, with_vertices=True) for f in faces
    ]
    owner = np.concatenate([np.full(len(s[0]), k) for k, s in enumerate(sample_sets)])
    lon = np.concatenate([s[1] for s in sample_sets])
    lat = np.concatenate([s[2] for s in sample_sets])
    sep = np.maximum(
        np.asarray(geodesy.distance((lon, lat), a)), np.asarray(geodesy.distance((lon, lat), b))
    )
    pieces = []
    for k, face in enumerate(faces):
        m = np.flatnonzero(owner == k)
        j = m[int(np.argmax(sep[m]))]
        if sep[j] <= threshold_m:
            continue
        pieces.append(
            CorridorPiece(
                geometry=face,
                area_m2=geodesy.geodesic_area(face),
                max_separation_m=float(sep[j]),
                max_lon=float(lon[j]),
                max_lat=float(lat[j]),
            )
        )
    # ordered by where each face's first vertex projects onto ``a``: an order, not a measure
    order = [shapely.line_locate_point(a, Point(p.geometry.exterior.coords[0])) for p in pieces]
    return [p for _, p in sorted(zip(order, pieces, strict=True), key=lambda t: t[0])]
