"""Scripts and stylesheets the map page uses, a local cache of them, and inlining.

Every asset the map references is a file of an npm package at an exact version,
addressed by its jsDelivr URL (``https://cdn.jsdelivr.net/npm/<pkg>@<version>/<path>``),
so the same bytes can come from the CDN or from the npm registry:

* :func:`fetch` reads an asset from the local cache, downloading it from its CDN
  URL the first time;
* :func:`fill_cache_from_npm` fills the cache with ``npm pack`` instead (what the
  tests and machines without CDN access use);
* :func:`tags` writes the ``<script>``/``<link>`` elements of the online page, each
  with its Subresource Integrity hash (:data:`INTEGRITY`, sha384 of the exact
  file) and ``crossorigin="anonymous"``, so a browser refuses a changed file;
* :func:`inline_html` replaces every ``<script src>`` and stylesheet ``<link>`` of
  a page by the file's contents, and every relative ``url(...)`` in those
  stylesheets by a ``data:`` URI, giving one self-contained HTML file.

The cache lives in ``assets/`` under ``~/.cache/border-zones`` unless the
environment variable ``BORDER_ZONES_CACHE`` names another base directory
(npm tarballs go to its ``npm/``, the layer recipe's downloads to its
``upstream/``). Where the CDN cannot be reached, the same files are taken
from the npm registry with ``npm pack``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import mimetypes
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from geo._files import cache_base, write_bytes
from geo.errors import BorderZonesError

__all__ = [
    "CSS",
    "INTEGRITY",
    "JS",
    "AssetError",
    "cache_dir",
    "cached_path",
    "css_dependencies",
    "fetch",
    "fill_cache_from_npm",
    "inline_html",
    "npm_source",
    "required_urls",
    "sri",
    "tags",
]

_CDN = "https://cdn.jsdelivr.net/npm/"

#: Scripts the map page loads, in order: (name, URL).
JS: list[tuple[str, str]] = [
    ("leaflet", _CDN + "leaflet@1.9.3/dist/leaflet.js"),
    (
        "groupedlayercontrol",
        _CDN + "leaflet-groupedlayercontrol@0.6.1/dist/leaflet.groupedlayercontrol.min.js",
    ),
    ("fullscreen", _CDN + "leaflet.fullscreen@3.0.0/Control.FullScreen.js"),
    ("geographiclib", _CDN + "geographiclib-geodesic@2.2.0/geographiclib-geodesic.min.js"),
]

#: Stylesheets the map page loads, in order: (name, URL).
CSS: list[tuple[str, str]] = [
    ("leaflet_css", _CDN + "leaflet@1.9.3/dist/leaflet.css"),
    (
        "groupedlayercontrol_css",
        _CDN + "leaflet-groupedlayercontrol@0.6.1/dist/leaflet.groupedlayercontrol.min.css",
    ),
    ("fullscreen_css", _CDN + "leaflet.fullscreen@3.0.0/Control.FullScreen.css"),
]

#: Subresource Integrity of every asset: URL -> ``sha384-<base64>`` of the exact file
#: (computed once from the ``npm pack`` of each package; ``tests/test_assets_sri.py``
#: recomputes them).
INTEGRITY: dict[str, str] = {
    JS[0][1]: "sha384-okbbMvvx/qfQkmiQKfd5VifbKZ/W8p1qIsWvE1ROPUfHWsDcC8/BnHohF7vPg2T6",
    JS[1][1]: "sha384-XAr1poM2RCR9/QQFki7ylrGSdmvYE0NuHghuRuxb/k9zJQA53y6qR5te5jJRZlcL",
    JS[2][1]: "sha384-x7v1I62R/kj/KTKVdkOISydKyk8O5/CC0zFoK9TvDab7IYP7mBGOGxr4gAifMiZR",
    JS[3][1]: "sha384-Ndt8G0DBIkUH6PmgjKwnHEzIzfA8YgUlzonDVb4pZw7PHzi5D4iWebyA1XdPqdP0",
    CSS[0][1]: "sha384-o/2yZuJZWGJ4s/adjxVW71R+EO/LyCwdQfP5UWSgX/w87iiTXuvDZaejd3TsN7mf",
    CSS[1][1]: "sha384-jTaPj8/7LfdZXicEJ/SUWan4gkbYw6lXyoRUNPMmNV3fYVfBzHJK8wD6A8Djh+3A",
    CSS[2][1]: "sha384-73+xhNp0ojkCt/iDWKlGxfuMbKCt8OcstZj1N30Eo3XQTMu13XLkURBo8SrsLqS4",
}

_NPM_URL = re.compile(
    r"^https://cdn\.jsdelivr\.net/npm/(?P<pkg>(?:@[^/@]+/)?[^/@]+)@(?P<ver>[^/]+)/(?P<path>.+)$"
)
_ATTRS = r'(?:\s+[a-z-]+="[^"<>]*")*'
_SCRIPT_TAG = re.compile(
    r'<script\s+src="(?P<url>https?://[^"]+)"' + _ATTRS + r"\s*>\s*</script>", re.IGNORECASE
)
_LINK_TAG = re.compile(
    r'<link\s+rel="stylesheet"\s+href="(?P<url>https?://[^"]+)"' + _ATTRS + r"\s*/?>",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"url\(\s*(?P<q>['\"]?)(?P<ref>[^)'\"]+)(?P=q)\s*\)")


class AssetError(BorderZonesError):
    """An asset that could not be found in the cache, downloaded or packed."""


def cache_dir() -> Path:
    """Return the asset cache directory, ``assets/`` under :func:`cache_base`.

    Returns
    -------
    pathlib.Path
    """
    return cache_base() / "assets"


def cached_path(url: str, cache: Path | None = None) -> Path:
    """Return where the asset at ``url`` is (or would be) kept in the cache.

    Parameters
    ----------
    url : str
        An ``http(s)`` URL.
    cache : pathlib.Path, optional
        Cache directory; :func:`cache_dir` by default.

    Returns
    -------
    pathlib.Path
        ``<cache>/<host>/<path>``.

    Examples
    --------
    >>> from pathlib import Path
    >>> cached_path("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", Path("/c"))
    PosixPath('/c/cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js')
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AssetError(f"not an http(s) URL: {url!r}")
    rel = Path(parts.path.lstrip("/"))
    if ".." in rel.parts:
        raise AssetError(f"URL path escapes the cache: {url!r}")
    return (cache or cache_dir()) / parts.netloc / rel


def npm_source(url: str) -> tuple[str, str, str]:
    """Return ``(package, version, path inside the package)`` for a jsDelivr npm URL.

    Examples
    --------
    >>> npm_source("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")
    ('leaflet', '1.9.3', 'dist/leaflet.css')
    """
    match = _NPM_URL.match(url)
    if not match:
        raise AssetError(
            f"{url!r} is not a jsDelivr npm URL (https://cdn.jsdelivr.net/npm/<pkg>@<version>/<path>)"
        )
    return match["pkg"], match["ver"], match["path"]


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, data)


def fetch(url: str, *, cache: Path | None = None, download: bool = True) -> bytes:
    """Return the bytes of an asset, from the cache or (once) from its CDN URL.

    Parameters
    ----------
    url : str
        The asset's URL.
    cache : pathlib.Path, optional
        Cache directory; :func:`cache_dir` by default.
    download : bool, default True
        Whether to download a missing asset (else raise :class:`AssetError`).

    Returns
    -------
    bytes
        The file's contents.
    """
    path = cached_path(url, cache)
    if path.is_file():
        return path.read_bytes()
    if not download:
        raise AssetError(f"{url} is not in the asset cache {path.parent}")
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            data = response.read()
    except OSError as exc:
        # the CDN serves npm packages: the registry has the same bytes
        try:
            fill_cache_from_npm([url], cache=cache)
        except AssetError as npm_exc:
            raise AssetError(
                f"could not download {url} ({exc}), nor take it from the npm registry "
                f"({npm_exc}); set BORDER_ZONES_CACHE to a filled cache"
            ) from exc
        return path.read_bytes()
    _write_atomic(path, data)
    return data


def css_dependencies(css_url: str, css: str) -> list[str]:
    """Return the absolute URLs of the relative ``url(...)`` references in a stylesheet.

    Examples
    --------
    >>> css_dependencies("https://h/p/a.css", ".x{background:url(img/l.png)} .y{url(data:,)}")
    ['https://h/p/img/l.png']
    """
    out = []
    for match in _CSS_URL.finditer(css):
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//")):
            continue
        out.append(urllib.parse.urljoin(css_url, ref))
    return list(dict.fromkeys(out))


def required_urls() -> list[str]:
    """Return every asset URL the map page loads (scripts and stylesheets)."""
    return [url for _, url in JS] + [url for _, url in CSS]


def sri(data: bytes) -> str:
    """Return the Subresource Integrity value (``sha384-<base64>``) of ``data``.

    Examples
    --------
    >>> sri(b"")
    'sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb'
    """
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def tags() -> list[tuple[str, str]]:
    """Return ``(name, element)`` for every script and stylesheet of the online page.

    Each element carries its pinned URL, ``integrity`` (from :data:`INTEGRITY`) and
    ``crossorigin="anonymous"``: stylesheets first, then scripts in load order.

    Examples
    --------
    >>> name, element = tags()[0]
    >>> name, element.startswith('<link rel="stylesheet" href="https://cdn.jsdelivr.net/')
    ('leaflet_css', True)
    """
    out = []
    for name, url in CSS:
        out.append(
            (
                name,
                f'<link rel="stylesheet" href="{html.escape(url)}" '
                f'integrity="{INTEGRITY[url]}" crossorigin="anonymous"/>',
            )
        )
    for name, url in JS:
        out.append(
            (
                name,
                f'<script src="{html.escape(url)}" integrity="{INTEGRITY[url]}" '
                'crossorigin="anonymous"></script>',
            )
        )
    return out


def _npm_tarball(pkg: str, version: str, npm_cache: Path) -> Path:
    """Return the ``npm pack`` tarball of ``pkg@version``, packing it once."""
    npm_cache.mkdir(parents=True, exist_ok=True)
    name = f"{pkg.lstrip('@').replace('/', '-')}-{version}.tgz"
    tarball = npm_cache / name
    if tarball.is_file():
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is not on PATH; it is needed to fill the asset cache from npm")
    with tempfile.TemporaryDirectory(dir=npm_cache) as tmp:
        proc = subprocess.run(
            [npm, "pack", f"{pkg}@{version}", "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        packed = list(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or len(packed) != 1:
            raise AssetError(f"npm pack {pkg}@{version} failed: {proc.stderr.strip()}")
        os.replace(packed[0], tarball)
    return tarball


def fill_cache_from_npm(
    urls: Iterable[str] | None = None,
    *,
    cache: Path | None = None,
    npm_cache: Path | None = None,
) -> list[Path]:
    """Fill the asset cache from npm packages instead of the CDN.

    Each URL names its package, version and file (see :func:`npm_source`); the
    package is fetched with ``npm pack`` once (tarballs are kept in
    ``npm_cache``) and the file extracted into the asset cache. Files a
    stylesheet refers to (images) are added too.

    Parameters
    ----------
    urls : iterable of str, optional
        Asset URLs; :func:`required_urls` by default.
    cache : pathlib.Path, optional
        Asset cache directory; :func:`cache_dir` by default.
    npm_cache : pathlib.Path, optional
        Where tarballs are kept; ``npm/`` under :func:`cache_base` by default.

    Returns
    -------
    list of pathlib.Path
        The cached files.
    """
    npm_cache = npm_cache or cache_base() / "npm"
    todo = list(urls if urls is not None else required_urls())
    done: list[Path] = []
    seen: set[str] = set()
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        target = cached_path(url, cache)
        if not target.is_file():
            pkg, version, inner = npm_source(url)
            tarball = _npm_tarball(pkg, version, npm_cache)
            with tarfile.open(tarball, "r:gz") as tar:
                try:
                    member = tar.extractfile(f"package/{inner}")
                except KeyError:
                    member = None
                if member is None:
                    raise AssetError(f"{inner} is not in the npm package {pkg}@{version}")
                _write_atomic(target, member.read())
        done.append(target)
        if url.endswith(".css"):
            todo.extend(css_dependencies(url, target.read_text(encoding="utf-8")))
    return done


def _data_uri(url: str, data: bytes) -> str:
    mime = mimetypes.guess_type(urllib.parse.urlsplit(url).path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_css(url: str, css: str, cache: Path | None, download: bool) -> str:
    def repl(match: re.Match[str]) -> str:
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#")):
            return match[0]
        target = urllib.parse.urljoin(url, ref)
        return f'url("{_data_uri(target, fetch(target, cache=cache, download=download))}")'

    return _CSS_URL.sub(repl, css)


def inline_html(html: str, *, cache: Path | None = None, download: bool = True) -> str:
    """Return ``html`` with every external script and stylesheet inlined.

    ``<script src="http...">`` becomes ``<script>…</script>``;
    ``<link rel="stylesheet" href="http...">`` becomes ``<style>…</style>``
    with the images it refers to as ``data:`` URIs. The result loads nothing
    from the network (tiles apart, which the page asks for only when a tiled
    basemap is chosen).

    Parameters
    ----------
    html : str
        A page, as folium renders it.
    cache : pathlib.Path, optional
        Asset cache directory; :func:`cache_dir` by default.
    download : bool, default True
        Whether assets missing from the cache may be downloaded from their CDN.

    Returns
    -------
    str
        The self-contained page.
    """

    def script(match: re.Match[str]) -> str:
        text = fetch(match["url"], cache=cache, download=download).decode("utf-8")
        text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
        return f"<script>{text}</script>"

    def link(match: re.Match[str]) -> str:
        url = match["url"]
        text = fetch(url, cache=cache, download=download).decode("utf-8")
        text = _inline_css(url, text, cache, download)
        text = re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE)
        return f"<style>{text}</style>"

    html = _SCRIPT_TAG.sub(script, html)
    return _LINK_TAG.sub(link, html)
