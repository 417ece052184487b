"""Headless Chromium for the map tests, with the network answered locally.

CDN requests (``cdn.jsdelivr.net/npm/...``) are answered from the asset cache,
filled once from the npm registry with ``npm pack`` (tarballs kept in
``~/.cache/border-zones/npm``); map tiles are answered with a blank 256×256
PNG; anything else is refused and recorded, so a test can assert that no
request failed.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from geo.render import assets

CHROMIUM = os.environ.get("BORDER_ZONES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TILE_HOSTS = ("tile.openstreetmap.org", "arcgisonline.com", "basemaps.cartocdn.com")
NPM_CACHE = assets.cache_base() / "npm"
#: A phone as Chromium emulates it: 390×844 CSS pixels, touch, mobile viewport.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def blank_png(size: int = 256) -> bytes:
    """A blank (fully transparent) ``size``×``size`` RGBA PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x00" * (4 * size) for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


BLANK_PNG = blank_png()


def asset_cache() -> Path:
    """The asset cache, filled from npm (once) with every asset the map uses."""
    cache = assets.cache_dir()
    assets.fill_cache_from_npm(cache=cache, npm_cache=NPM_CACHE)
    return cache


def have_browser() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).is_file() and shutil.which("npm") is not None


@dataclass
class PageLog:
    """What a page did: console errors, dialogs, requests refused or failed."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)


def open_page(
    browser,
    url: str,
    *,
    offline: bool = False,
    cache: Path | None = None,
    tamper: Callable[[str, bytes], bytes] | None = None,
    ready: bool = True,
    phone: bool = False,
    viewport: tuple[int, int] = (1280, 800),
    init_script: str | None = None,
):
    """Open ``url`` in a new page; return ``(page, log)``.

    With ``offline`` every request except the page itself is refused. ``tamper``
    may change the bytes served for a CDN URL (to check integrity is enforced);
    with ``ready=False`` the page is not waited for. ``phone`` opens it as a
    390×844 touch phone (mobile viewport, touch events, device scale 3).
    ``init_script`` runs in the page before any of its own scripts.
    """
    if phone:
        context = browser.new_context(**PHONE)
    else:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    if init_script is not None:
        page.add_init_script(init_script)
    log = PageLog()
    page.on(
        "console",
        lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))

    def on_dialog(dialog) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("requestfailed", lambda req: log.failed.append(req.url))

    def route(r) -> None:
        req_url = r.request.url
        if req_url == url.split("#")[0] or req_url.startswith("data:"):  # the page, any hash
            r.continue_()
            return
        if offline:
            log.refused.append(req_url)
            r.abort()
            return
        if any(host in req_url for host in TILE_HOSTS):
            log.tiles.append(req_url)
            r.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
            return
        try:
            body = assets.fetch(req_url, cache=cache, download=False)
        except assets.AssetError:
            log.refused.append(req_url)
            r.abort()
            return
        if tamper is not None:
            body = tamper(req_url, body)
        log.served.append(req_url)
        kind = (
            "text/css"
            if req_url.endswith(".css")
            else "image/svg+xml"
            if req_url.endswith(".svg")
            else "image/png"
            if req_url.endswith(".png")
            else "application/javascript"
        )
        r.fulfill(
            status=200, body=body, content_type=kind, headers={"access-control-allow-origin": "*"}
        )

    page.route("**/*", route)
    page.goto(url)
    if ready:
        page.wait_for_selector("[data-bz-ready]", timeout=30_000)
    return page, log


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not have_browser():
        pytest.fail(  # a skipped browser test in CI would hide a failure
            "the browser tests need playwright (pip install -e '.[test]'), Debian's chromium "
            "(apt-get install -y chromium) and npm; deselect them with -m 'not browser'"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
