"""Writing files so that they are never half-written.

Every product of the package (layers, maps, tables, figures, classified
points, cached assets) is written to a temporary file beside its target and
renamed into place, so a failed run leaves the old file, or none, and no
temporary files. The temporary folder's name holds the writing process's id
(``.NAME.bz-PID-XXXXXXXX.tmp``); what a killed run leaves (SIGKILL cannot be
caught) is removed by the next run writing the same target once that process
is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from geo.errors import InputError

__all__ = [
    "atomic_path",
    "cache_base",
    "read_cached",
    "remove_stale",
    "write_bytes",
    "write_cached",
    "write_text",
]

_STALE = re.compile(r"^\.(?P<name>.+)\.bz-(?P<pid>\d+)-[^.]+\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:  # pragma: no cover - e.g. an impossible pid
        return False
    return True


def remove_stale(target: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary folders left beside ``target`` by processes now gone.

    Only folders named as :func:`atomic_path` names them for this target,
    whose owner process no longer runs, are removed; return them.
    """
    t = Path(target)
    folder = t.parent if str(t.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _STALE.match(entry.name)
        if m is None or m["name"] != t.name or not entry.is_dir():
            continue
        if not _alive(int(m["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _read_only(path: Path) -> bool:
    # the write bits, not os.access alone: root may write anything
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Give a temporary path beside ``path``; move it into place on success.

    The temporary file sits in a hidden folder in the target's folder (same
    file system, so the final :func:`os.replace` is atomic) and has the
    target's name, so writers that go by the extension still work. On any
    error the temporary folder is removed and ``path`` is left untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "out.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "out.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('done', ['out.txt'])
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{target}: the folder {folder} does not exist")
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give a file name")
    if target.exists() and _read_only(target):
        raise InputError(f"{target}: the file is read-only; not replaced")
    if _read_only(folder):
        raise InputError(f"{target}: the folder {folder} is read-only")
    remove_stale(target)
    try:
        tmpdir = Path(
            tempfile.mkdtemp(dir=folder, prefix=f".{target.name}.bz-{os.getpid()}-", suffix=".tmp")
        )
    except OSError as exc:
        raise InputError(f"{target}: cannot write in {folder} ({exc.strerror})") from None
    try:
        tmp = tmpdir / target.name
        try:
            yield tmp
        except OSError as exc:  # name the user's file, never the temporary one
            raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
        if not tmp.exists():  # pragma: no cover - writer bug
            raise InputError(f"{target}: nothing was written")
        try:
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(f"{target}: cannot write ({exc.strerror})") from None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, LF line ends) to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def source_date() -> str | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds) as an ISO 8601 UTC timestamp, or None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(int(epoch)))


@contextlib.contextmanager
def gdal_date(stamp: str | None) -> Iterator[None]:
    """Files GDAL writes in the block record ``stamp`` as their time of change.

    GDAL's ``OGR_CURRENT_DATE`` (a GeoPackage's ``last_change``: otherwise the
    clock, the only thing that differs between two writes of the same rows)
    is set, then put back. None leaves the clock.
    """
    if stamp is None:
        yield
        return
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def cache_base() -> Path:
    """Return the project's cache base: ``$BORDER_ZONES_CACHE`` or ``~/.cache/border-zones``.

    Downloaded upstream data (``upstream/``), page assets (``assets/``) and npm
    packs (``npm/``) are kept under it.
    """
    env = os.environ.get("BORDER_ZONES_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "border-zones"


#: Entries kept per kind of cached object (other versions of the code or layers).
CACHE_KEEP = 4


def _cached_file(kind: str, key: str) -> Path:
    return cache_base() / kind / f"{key}.bin"


def read_cached(kind: str, key: str) -> bytes | None:
    """The bytes cached under ``kind``/``key`` (see :func:`write_cached`), or None."""
    try:
        return _cached_file(kind, key).read_bytes()
    except OSError:
        return None


def write_cached(kind: str, key: str, data: bytes) -> bool:
    """Cache ``data`` under ``kind``/``key`` in :func:`cache_base`, atomically.

    Keeps the :data:`CACHE_KEEP` most recent entries of the kind. A cache
    that cannot be written (read-only home, full disk) is not an error:
    returns False and the caller goes on without it.
    """
    target = _cached_file(kind, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
        entries = sorted(
            target.parent.glob("*.bin"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in entries[CACHE_KEEP:]:
            if old != target:
                old.unlink(missing_ok=True)
    except (OSError, InputError):
        return False
    return True
