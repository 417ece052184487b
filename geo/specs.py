"""Zone specifications: the validated value type and the zone list that holds them.

A zone is data: a line of ``layers/zones.csv`` (id, title, family, reference
line, inner and outer distance in km, territory, side, source) read into a
frozen :class:`ZoneSpec` that checks itself. :mod:`geo.zones` turns specs into
geometry.

Examples
--------
>>> from geo import specs
>>> [s.id for s in specs.read_specs()][:3]
['granted_5km', 'requested_60km', 'requested_not_granted']
>>> s = specs.spec("granted_5km")
>>> s.reference, s.distance_km, s.territory
('golan_line_a', 5.0, 'syria')
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from geo import layers
from geo.errors import InputError, UnknownNameError

__all__ = [
    "SPECS_FILE",
    "TERRITORIES",
    "Side",
    "ZoneSpec",
    "read_specs",
    "spec",
    "specs_path",
    "specs_sha256",
]

#: File, in the layers folder, that lists the zones.
SPECS_FILE = "zones.csv"

Side = Literal["east", "west", "north", "south", "both"]


#: Territories a zone can be clipped to, with what they mean.
TERRITORIES: dict[str, str] = {
    "syria": "Syria, de facto (the UNDOF Area of Separation included)",
    "syria_beyond_line_b": "Syria, de facto, east of Line B (the Area of Separation excluded)",
    "area_of_separation": "the UNDOF Area of Separation",
    "israel": "Israel, de facto (the Israeli-held Golan included)",
    "lebanon": "Lebanon",
    "jordan": "Jordan",
    "palestine": "Palestine",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")  # timeline ids start with a year
_COLUMNS = ["id", "title", "family", "reference", "inner_km", "distance_km", "territory", "side"]


@dataclass(frozen=True)
class ZoneSpec:
    """A zone: a distance band from a reference line, clipped to a territory.

    Examples
    --------
    >>> ZoneSpec("z85", "85 km", "user", "golan_line_a", 85.0).distance_km
    85.0
    >>> ZoneSpec("bad id", "x", "user", "golan_line_a", 5.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.errors.InputError: zone id 'bad id': use lower-case letters, digits and _ ...
    """

    #: Identifier, lower-case letters, digits and underscores.
    id: str
    #: Human title, shown in legends and tables.
    title: str
    #: Group the zone belongs to (e.g. "2017", "1974"); free text.
    family: str
    #: Layer name of the reference line (e.g. "golan_line_a").
    reference: str
    #: Outer distance from the reference line, km (0 < distance_km ≤ 1000).
    distance_km: float
    #: Inner distance, km (0 ≤ inner_km < distance_km); 0 for a full buffer.
    inner_km: float = 0.0
    #: Territory the zone is clipped to, a key of :data:`TERRITORIES`.
    territory: str = "syria"
    #: Which side of the reference line the zone lies on.
    side: Side = "east"
    #: Where the zone comes from, with a date.
    source: str = ""
    #: Names of the line layers ``reference`` may name (init only, not stored);
    #: read once from the manifest when not given. :func:`read_specs` passes
    #: them so that a list of zones reads the manifest once.
    lines: InitVar[Iterable[str] | None] = None

    def __post_init__(self, lines: Iterable[str] | None) -> None:
        where = f"zone id {self.id!r}"
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise InputError(f"{where}: use lower-case letters, digits and _ (e.g. 'buffer_85km')")
        for name in ("distance_km", "inner_km"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"{where}: {name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise InputError(f"{where}: {name} must be finite, got {value!r}")
            object.__setattr__(self, name, float(value))
        if not 0 < self.distance_km <= 1000:
            raise InputError(f"{where}: distance_km must be in (0, 1000], got {self.distance_km}")
        if not 0 <= self.inner_km < self.distance_km:
            raise InputError(f"{where}: inner_km must be in [0, distance_km), got {self.inner_km}")
        if self.territory not in TERRITORIES:
            raise UnknownNameError("territory", self.territory, sorted(TERRITORIES))
        if self.side not in get_args(Side):
            raise UnknownNameError("side", self.side, list(get_args(Side)))
        known = layers.line_names() if lines is None else lines
        if self.reference not in known:
            raise UnknownNameError("reference line", self.reference, sorted(known))


def specs_path() -> Path:
    """Path of the zone list in the layers folder."""
    return layers.layers_dir() / SPECS_FILE


def specs_sha256() -> str:
    """sha256 of the zone list file, recorded with the computed zones."""
    return hashlib.sha256(specs_path().read_bytes()).hexdigest()


def read_specs(file: str | Path | None = None) -> list[ZoneSpec]:
    """Read the zone list (``layers/zones.csv`` by default).

    Parameters
    ----------
    file : path, optional
        A CSV with columns id, title, family, reference, inner_km,
        distance_km, territory, side and source.

    Returns
    -------
    list of ZoneSpec

    Raises
    ------
    InputError
        Naming the file, line and field at fault.
    """
    path = Path(file) if file is not None else specs_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the zone list ({exc.strerror})") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in [*_COLUMNS, "source"] if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    specs: list[ZoneSpec] = []
    seen: set[str] = set()
    lines = layers.line_names()  # once for the whole list
    for lineno, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        where = f"{path}, line {lineno}"
        values: dict[str, Any] = {k: (row.get(k) or "").strip() for k in [*_COLUMNS, "source"]}
        for key in ("inner_km", "distance_km"):
            raw = values[key] or ("0" if key == "inner_km" else "")
            try:
                values[key] = float(raw)
            except ValueError:
                raise InputError(f"{where}: {key} {raw!r} is not a number") from None
        try:
            item = ZoneSpec(**values, lines=lines)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        except UnknownNameError as exc:
            raise InputError(f"{where}: {exc}") from None
        if item.id in seen:
            raise InputError(f"{where}: zone id {item.id!r} is listed twice")
        seen.add(item.id)
        specs.append(item)
    if not specs:
        raise InputError(f"{path}: no zones listed")
    return specs


def spec(zone_id: str) -> ZoneSpec:
    """The spec of one zone by id; an unknown id lists the known ones."""
    specs = {s.id: s for s in read_specs()}
    if zone_id not in specs:
        raise UnknownNameError("zone", zone_id, list(specs))
    return specs[zone_id]
