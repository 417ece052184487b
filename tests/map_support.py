"""Fixtures of the map-tool tests (search, permalinks, rings, downloads): pages built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.render import webmap


@pytest.fixture(scope="module")
def cache() -> Path:
    """The asset cache the browser is served from (filled from npm once)."""
    from browser_support import asset_cache, have_browser

    if not have_browser():
        pytest.fail(  # a skipped browser test in CI would hide a failure
            "the browser tests need playwright (pip install -e '.[test]'), Debian's chromium "
            "(apt-get install -y chromium) and npm; deselect them with -m 'not browser'"
        )
    return asset_cache()


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default map page."""
    return webmap.save_map(tmp_path_factory.mktemp("map") / "map.html")


@pytest.fixture(scope="module")
def offline_file(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    """The self-contained page (``--offline``)."""
    return webmap.save_map(tmp_path_factory.mktemp("offline") / "map.html", offline=True)


#: The permalink of the reference view (the zones of zones.csv, ``classify()`` without a
#: date): the tools' tests check the page against it. The page opens on today without it
#: (tests/test_timeline_slider.py checks that).
REFERENCE = "#date=reference"


@pytest.fixture(scope="module")
def loaded(browser, map_file: Path, cache: Path):
    """The default map open in a desktop Chromium page, on the reference view."""
    from browser_support import open_page

    page, log = open_page(browser, map_file.as_uri() + REFERENCE, cache=cache)
    yield page, log
    page.context.close()


@pytest.fixture(scope="module")
def phone(browser, map_file: Path, cache: Path):
    """The default map open as on a phone (390×844, touch), on the reference view."""
    from browser_support import open_page

    page, log = open_page(browser, map_file.as_uri() + REFERENCE, cache=cache, phone=True)
    yield page, log
    page.context.close()


def page_data(page) -> dict:
    """The page's ``#bz-data`` JSON, as the browser parsed it."""
    return page.evaluate("JSON.parse(document.getElementById('bz-data').textContent)")
