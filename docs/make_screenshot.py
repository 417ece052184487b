"""Render ``docs/map.png`` (the README's picture of the map) in headless Chromium.

Run: ``python docs/make_screenshot.py [OUT.png]``. Uses the offline page (no
basemap tiles, so the picture is reproducible without network).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, asset_cache, open_page

from geo.render import webmap


def main() -> int:
    """Render the screenshot; return the exit status."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("map.png")
    from playwright.sync_api import sync_playwright

    asset_cache()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_file = webmap.save_map(Path(tmp) / "map.html", offline=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page, log = open_page(browser, page_file.as_uri(), offline=True)
        page.evaluate("void BorderZones.map.setView([33.05, 35.75], 9, {animate: false})")
        # show the probe at Quneitra, as a user's click would
        page.evaluate(
            "(() => { const r = BorderZones.probe(33.126, 35.825);"
            " BorderZones.probeControl.show(r); })()"
        )
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
