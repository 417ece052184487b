"""The README's generated tables match the layers (docs/readme_tables.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_readme_tables_up_to_date():
    res = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "readme_tables.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_readme_gives_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = 'python -m pip install -e ".[test]" && python -m pytest'
    assert test_cmd in readme
    assert test_cmd in ci.splitlines()
    assert "python -m pip install -e . && border-zones build" in readme
