"""The README's generated tables match the layers (docs/readme_tables.py)."""

from __future__ import annotations

import re
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
    build_cmd = "python -m pip install -e . && border-zones build"
    assert build_cmd in readme
    assert build_cmd in ci.splitlines()
    # inside a fresh virtualenv, activated before the commands
    lines = ci.splitlines()
    venv_at = next(i for i, line in enumerate(lines) if "-m venv" in line)
    activate_at = next(i for i, line in enumerate(lines) if "/bin/activate" in line)
    assert venv_at < activate_at < lines.index(build_cmd) < lines.index(test_cmd)


def _modules() -> set[str]:
    """Every public module of the package, dotted (submodules of subpackages)."""
    out = set()
    for path in (ROOT / "geo").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts
        if parts[-1] == "__init__":
            continue
        if parts[-1] == "__main__" or any(p.startswith("_") for p in parts[1:-1]):
            continue
        if parts[-1].startswith("_") and len(parts) > 2:
            continue  # private helpers inside a subpackage
        out.add(".".join(parts))
    return out


def test_readme_architecture_table_lists_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| module | role |") :].split("\n\n")[0]
    listed = set(re.findall(r"`(geo(?:\.\w+)+)`", table))
    modules = _modules()
    assert modules <= listed, sorted(modules - listed)
    assert listed <= modules | {"geo.classify", "geo.distance"}, sorted(listed - modules)
