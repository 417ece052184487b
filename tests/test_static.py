"""The page's own scripts and stylesheet parse (a merge can leave a brace behind)."""

import shutil
import subprocess
from importlib import resources

import pytest

from geo.render import webmap

STATIC = resources.files("geo.render").joinpath("static")


def test_stylesheet_braces_balance() -> None:
    depth = 0
    for number, line in enumerate(STATIC.joinpath("borderzones.css").read_text().splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"borderzones.css:{number}: a '}}' closes nothing"
    assert depth == 0, "borderzones.css: a block is never closed"


@pytest.mark.parametrize("name", webmap.SCRIPTS)
def test_script_parses(name: str) -> None:
    node = shutil.which("node")
    assert node is not None, "node (installed with npm) checks the scripts' syntax"
    proc = subprocess.run(
        [node, "--check", str(STATIC.joinpath(name))], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_every_script_is_on_the_page_list() -> None:
    files = {p.name for p in STATIC.iterdir() if p.name.endswith(".js")}
    assert set(webmap.SCRIPTS) <= files
    # timeline.js joins the list with the time slider's page data
    assert files - set(webmap.SCRIPTS) <= {"timeline.js"}
