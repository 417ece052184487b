"""Writing files so that they are never half-written.

Every product of the package (layers, maps, tables, figures, classified
points, cached assets) is written to a temporary file beside its target and
renamed into place, so a failed run leaves the old file, or none, and no
temporary files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geo.errors import InputError

__all__ = ["atomic_path", "cache_base", "write_bytes", "write_text"]


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
    tmpdir = Path(tempfile.mkdtemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        tmp = tmpdir / target.name
        yield tmp
        if not tmp.exists():  # pragma: no cover - writer bug
            raise InputError(f"{target}: nothing was written")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
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


def cache_base() -> Path:
    """Return the project's cache base: ``$BORDER_ZONES_CACHE`` or ``~/.cache/border-zones``.

    Downloaded upstream data (``upstream/``), page assets (``assets/``) and npm
    packs (``npm/``) are kept under it.
    """
    env = os.environ.get("BORDER_ZONES_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "border-zones"
