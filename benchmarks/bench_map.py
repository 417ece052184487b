"""Map budgets: HTML size and navigation→ready time, against a baseline in the same run.

Run: ``python benchmarks/bench_map.py [--baseline REF] [--runs N] [--json out.json]``.
Needs Chromium and npm (CDN requests are answered from the npm-filled asset cache,
tiles with a blank PNG). The baseline page is built by the code and layers of git
``REF`` (default ``main``), exported to a temporary folder and run in a subprocess;
both pages are then loaded in turns (desktop 1280×800, and a 390×844 touch
phone), ``--runs`` times each, and the medians and their ratios reported.
"Ready" is read off the page's own clock: the time from the start of the navigation
to the map container getting ``data-bz-ready`` (all layers drawn, every control in
place), noted by the same observer in both pages. The wall time around it (a new
browser context and page, requests routed through Playwright) is reported too. The
offline page is loaded with every request blocked, and its console errors counted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, asset_cache, open_page

from geo.render import webmap

ROOT = Path(__file__).resolve().parents[1]
BUDGET = {"default_bytes": 750_000, "desktop_ready_s": 0.6, "phone_ready_s": 1.0}


def build_baseline(ref: str, tmp: Path) -> Path:
    """The default page as built by git ``ref`` (its code and its layers)."""
    tree = tmp / "baseline"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    out = tmp / "baseline.html"
    code = (
        "import sys\n"
        "try:\n"
        "    from geo.render import webmap\n"
        "except ImportError:  # a ref from before the render package\n"
        "    from geo import webmap\n"
        "webmap.save_map(sys.argv[1])"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, cwd=tree)
    return out


#: Runs in each page before its own scripts: notes the page clock (milliseconds since
#: the navigation started) when the map container is marked ``data-bz-ready``. The
#: same observer times the baseline page, whatever its own code does.
READY_OBSERVER = """
new MutationObserver(function (records, observer) {
  for (const r of records) {
    if (r.target.hasAttribute && r.target.hasAttribute("data-bz-ready")) {
      window.__bzReadyAt = performance.now();
      observer.disconnect();
      return;
    }
  }
}).observe(document, { attributes: true, attributeFilter: ["data-bz-ready"], subtree: true });
"""


def time_load(browser, path: Path, cache: Path, *, phone: bool, offline: bool = False):
    """Seconds from navigation start to ready (page clock), wall seconds, errors.

    The wall time also counts what the harness does: a new browser context and
    page, the routing of every request through Playwright, and polling for ready.
    """
    t = time.perf_counter()
    page, log = open_page(
        browser,
        path.as_uri(),
        offline=offline,
        cache=cache,
        phone=phone,
        init_script=READY_OBSERVER,
    )
    wall = time.perf_counter() - t
    ready = page.evaluate("() => window.__bzReadyAt") / 1000
    page.wait_for_timeout(200)
    errors = len(log.console_errors) + len(log.page_errors)
    page.context.close()
    return ready, wall, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", default="main", help="git ref of the baseline")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    cache = asset_cache()
    results: dict[str, object] = {"load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as pw:
        tmp = Path(tmp_name)
        pages = {"baseline": build_baseline(args.baseline, tmp)}
        t0 = time.perf_counter()
        pages["this"] = webmap.save_map(tmp / "map.html")
        results["build_s"] = round(time.perf_counter() - t0, 3)
        offline = webmap.save_map(tmp / "offline.html", offline=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        times: dict[str, list[float]] = {}
        walls: dict[str, list[float]] = {}
        for _ in range(args.runs):  # in turns, so both see the same machine
            for device in ("desktop", "phone"):
                for label, path in pages.items():
                    ready, wall, _ = time_load(browser, path, cache, phone=device == "phone")
                    times.setdefault(f"{label} {device}", []).append(ready)
                    walls.setdefault(f"{label} {device}", []).append(wall)
        errors = [time_load(browser, offline, cache, phone=False, offline=True)[2]]
        errors.append(time_load(browser, offline, cache, phone=True, offline=True)[2])
        browser.close()
        for label, path in pages.items():
            results[f"{label} bytes"] = path.stat().st_size
        results["offline bytes"] = offline.stat().st_size
    for key, runs in times.items():
        results[f"{key} ready_s_median"] = round(statistics.median(runs), 3)
        results[f"{key} ready_s_runs"] = [round(x, 3) for x in runs]
        results[f"{key} wall_s_median (new context + page + ready)"] = round(
            statistics.median(walls[key]), 3
        )
    for device in ("desktop", "phone"):
        base = results[f"baseline {device} ready_s_median"]
        ours = results[f"this {device} ready_s_median"]
        results[f"{device} ratio this/baseline"] = round(ours / base, 3)  # type: ignore[operator]
    results["offline console errors (every request blocked)"] = sum(errors)
    results["load_after"] = os.getloadavg()
    results["within budget"] = bool(
        results["this bytes"] <= BUDGET["default_bytes"]  # type: ignore[operator]
        and results["this desktop ready_s_median"] <= BUDGET["desktop_ready_s"]  # type: ignore[operator]
        and results["this phone ready_s_median"] <= BUDGET["phone_ready_s"]  # type: ignore[operator]
        and sum(errors) == 0
    )
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
