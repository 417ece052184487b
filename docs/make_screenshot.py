"""Render the README's pictures of the map in headless Chromium.

Run: ``python docs/make_screenshot.py [--phone] [OUT.png]``. Desktop (1280×800,
default ``docs/map.png``) or phone (390×844 with touch, default
``docs/map_phone.png``). Uses the offline page (no basemap tiles, so the
picture is reproducible without network), in its opening view, after a click
(a tap on the phone) at Quneitra, as a user's first probe would be.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, asset_cache, open_page

from geo.render import webmap

QUNEITRA = (33.126, 35.825)


def main() -> int:
    """Render the screenshot; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phone", action="store_true", help="a 390×844 touch phone")
    parser.add_argument("out", nargs="?", type=Path)
    args = parser.parse_args()
    name = "map_phone.png" if args.phone else "map.png"
    out = args.out or Path(__file__).with_name(name)
    from playwright.sync_api import sync_playwright

    asset_cache()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_file = webmap.save_map(Path(tmp) / "map.html", offline=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page, log = open_page(browser, page_file.as_uri(), offline=True, phone=args.phone)
        page.wait_for_timeout(300)
        x, y = page.evaluate(
            """([lat, lon]) => {
                const p = BorderZones.map.latLngToContainerPoint([lat, lon]);
                const r = BorderZones.map.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            list(QUNEITRA),
        )
        if args.phone:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
        page.mouse.move(5, 400)  # no tooltip in the picture
        page.wait_for_timeout(500)
        page.screenshot(path=str(out))
        browser.close()
        if log.console_errors or log.page_errors:
            print("page errors:", log.console_errors + log.page_errors, file=sys.stderr)
            return 1
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
