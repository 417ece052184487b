"""Time from navigation to a ready map (median of 5) and the HTML size.

Run: ``python benchmarks/bench_map.py [--json out.json]``. Needs Chromium and npm
(CDN requests are answered from the npm-filled asset cache, tiles with a blank PNG).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, asset_cache, open_page

from geo.render import webmap


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    cache = asset_cache()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        t0 = time.perf_counter()
        online = webmap.save_map(Path(tmp) / "map.html")
        build_s = time.perf_counter() - t0
        offline = webmap.save_map(Path(tmp) / "offline.html", offline=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, path, off in (("default", online, False), ("offline", offline, True)):
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                page, _log = open_page(browser, path.as_uri(), offline=off, cache=cache)
                times.append(time.perf_counter() - t)
                page.context.close()
            results[label] = {
                "html_bytes": path.stat().st_size,
                "ready_s_median": round(statistics.median(times), 3),
                "ready_s_runs": [round(x, 3) for x in times],
            }
        browser.close()
    results["build_s"] = round(build_s, 3)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
