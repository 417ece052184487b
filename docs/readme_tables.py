"""Write the README's generated tables (layers, zones) from the manifest and zones layer.

    python docs/readme_tables.py          # rewrite README.md in place
    python docs/readme_tables.py --check  # exit 1 if README.md is out of date

Each table sits between ``<!-- NAME -->`` and ``<!-- /NAME -->`` markers.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import layers, zones  # noqa: E402

README = ROOT / "README.md"


def layers_table() -> str:
    rows = [
        "| layer | what | features | made by | from | licence | stated accuracy |",
        "|---|---|---:|---|---|---|---:|",
    ]
    for name in layers.names():
        m = layers.info(name)
        src = ", ".join(f"{u['package']} {u['version']}" for u in m["upstream"])
        title = m["title"].replace("(schematic)", "").strip()
        title += " — **schematic**" if m.get("schematic") else ""
        rows.append(
            f"| `{name}` | {title} | {m['feature_count']} | {m['method'].split(':')[0]} "
            f"| {src} | {m['licence']} | ±{m['accuracy_m']:,.0f} m |"
        )
    return "\n".join(rows)


def zones_table() -> str:
    z = zones.zones()
    z = z[z["part"] == "inside"]
    rows = [
        "| zone | reference | band | territory | area km² | population (GeoNames) | places |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for _, r in z.iterrows():
        band = f"{r['inner_km']:g}–{r['distance_km']:g} km"
        rows.append(
            f"| `{r['id']}` {r['title']} | `{r['reference']}` | {band} | {r['territory']} "
            f"| {r['area_km2']:,.1f} | {r['population']:,} | {r['places']} |"
        )
    return "\n".join(rows)


def render(text: str) -> str:
    for name, table in (("layers-table", layers_table()), ("zones-table", zones_table())):
        block = f"<!-- {name} -->\n{table}\n<!-- /{name} -->"
        pattern = re.compile(rf"<!-- {name} -->(.*?<!-- /{name} -->)?", re.S)
        text = pattern.sub(lambda _m, b=block: b, text, count=1)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    old = README.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        if new != old:
            print("README.md tables are out of date: run python docs/readme_tables.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
