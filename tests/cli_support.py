"""The command line run inside the test process: ``geo.cli.main(argv)``, captured.

A subprocess costs about a second of start-up (Python, numpy, pandas, geopandas)
before the command does anything; most CLI tests check what a command prints,
writes and returns, which ``main`` decides the same way in this process. The
few tests about the process itself (signals, the installed script, ``python -m
geo``, a terminal on stderr, start-up imports) still run a real subprocess and
are marked ``slow``.

:func:`run_cli` answers like :func:`subprocess.run` with ``capture_output`` and
``text``: ``returncode``, ``stdout`` and ``stderr``. Warnings that would reach
stderr in a fresh interpreter (not the deprecation kinds Python hides by
default) are appended to ``stderr`` as the interpreter would print them, so a
test that asserts a clean stderr still sees them. The environment, the working
directory and the signal handlers ``main`` installs are restored afterwards.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import warnings
from dataclasses import dataclass
from pathlib import Path

from geo import cli

#: Warnings a fresh interpreter does not print (its default filters).
HIDDEN_BY_DEFAULT = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


@dataclass
class Result:
    """What a run gave: the fields of :class:`subprocess.CompletedProcess` the tests read."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: object, env: dict[str, str] | None = None, cwd: str | Path | None = None
) -> Result:
    """Run ``border-zones ARGS`` in this process; ``env`` entries are set for the run."""
    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    saved_env = {k: os.environ.get(k) for k in env or {}}
    saved_cwd = os.getcwd()
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("default")
            for kind in HIDDEN_BY_DEFAULT:
                warnings.simplefilter("ignore", kind)
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # pragma: no cover - main returns its code
                code = exc.code if isinstance(exc.code, int) else 1
        for w in caught:
            err.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))
    finally:
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return Result(["border-zones", *argv], code, out.getvalue(), err.getvalue())
