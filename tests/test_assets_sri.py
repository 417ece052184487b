"""Pinned page assets: each integrity hash is recomputed from the ``npm pack`` of its package."""

from __future__ import annotations

import base64
import hashlib
import re
import tarfile
from html.parser import HTMLParser

import pytest
from browser_support import NPM_CACHE, have_browser

from geo.render import assets, webmap


def packed_file(url: str) -> bytes:
    """The bytes of the file ``url`` names, from its package's ``npm pack`` tarball."""
    pkg, version, inner = assets.npm_source(url)
    tarball = assets._npm_tarball(pkg, version, NPM_CACHE)
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(f"package/{inner}")
        assert member is not None, url
        return member.read()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (tag == "script" and a.get("src")) or (tag == "link" and a.get("rel") == "stylesheet"):
            self.found.append((tag, a))

    handle_startendtag = handle_starttag


@pytest.fixture(scope="module")
def page() -> str:
    return webmap.render_html(webmap.build_map())


def test_every_hash_is_that_of_the_npm_packed_file() -> None:
    if not have_browser():
        pytest.fail("needs npm to pack the asset packages")
    assert set(assets.INTEGRITY) == set(assets.required_urls())
    for url in assets.required_urls():
        digest = hashlib.sha384(packed_file(url)).digest()
        assert assets.INTEGRITY[url] == "sha384-" + base64.b64encode(digest).decode(), url
        assert assets.sri(packed_file(url)) == assets.INTEGRITY[url]


def test_every_external_asset_is_pinned_and_verified(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    urls = []
    for tag, attrs in parser.found:
        url = str(attrs["src"] if tag == "script" else attrs["href"])
        urls.append(url)
        _, version, _ = assets.npm_source(url)
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), url  # an exact version, no range
        assert attrs.get("integrity") == assets.INTEGRITY[url]
        assert attrs.get("crossorigin") == "anonymous"
    assert sorted(urls) == sorted(assets.required_urls())
    # and nothing else on the page loads from anywhere
    assert not re.search(
        r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"?(?!https://cdn\.jsdelivr\.net/npm/)[a-z]+:",
        page,
    )
