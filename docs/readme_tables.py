"""Write the README's generated tables and docs/layers.md from the manifest and zones.

    python docs/readme_tables.py          # rewrite README.md and docs/layers.md
    python docs/readme_tables.py --check  # exit 1 if either is out of date

In the README each table sits between ``<!-- NAME -->`` and ``<!-- /NAME -->``
markers; docs/layers.md is written whole.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from geo import layers, zones

ROOT = Path(__file__).resolve().parents[1]

README = ROOT / "README.md"
LAYERS_DOC = ROOT / "docs" / "layers.md"


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


def layers_doc() -> str:
    out = [
        "# The layers: provenance",
        "",
        "Generated from `layers/manifest.json` by `python docs/readme_tables.py`; do not edit.",
        "No public file holds the UN's own lines: every line here is a stand-in, and says",
        "how far off it may be.",
        "",
    ]
    for name in layers.names():
        m = layers.info(name)
        out += [f"## `{name}`: {m['title']}", "", m["description"], ""]
        if m.get("schematic"):
            out += ["**Schematic**: placed by hand from public descriptions.", ""]
        out += [
            f"- **Method**: {m['method']}",
            f"- **Stated accuracy**: ±{m['accuracy_m']:,.0f} m — {m['accuracy_note']}",
            f"- **Licence**: {m['licence']}",
            f"- **Attribution**: {m['attribution']}",
            f"- **File**: `layers/{m['file']}` (sha256 `{m['sha256']}`), "
            f"{m['feature_count']} feature(s), {', '.join(m['geometry_type'])}, {m['crs']}",
            f"- **Fields**: {', '.join(f'`{f}`' for f in m['fields'])}",
            f"- **Built by**: `{m.get('recipe', '')}`, sources retrieved {m['retrieved']}",
            "- **Upstream**:",
        ]
        for u in m["upstream"]:
            out.append(
                f"  - {u['registry']} `{u['package']}=={u['version']}` — `{u['artefact']}` "
                f"(sha256 `{u['sha256']}`), member `{u['member']}`"
            )
        out.append("")
    return "\n".join(out)


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
    targets = {
        README: render(README.read_text(encoding="utf-8")),
        LAYERS_DOC: layers_doc(),
    }
    stale = [
        p.name for p, text in targets.items() if not p.exists() or p.read_text("utf-8") != text
    ]
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)}; run python docs/readme_tables.py")
            return 1
        return 0
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
