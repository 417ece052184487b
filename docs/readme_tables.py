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
        out += profile_doc(m)
    return "\n".join(out)


def _km_range(r: dict) -> str:
    return f"{r['start_km']:.2f}–{r['end_km']:.2f}"


def profile_doc(m: dict) -> list[str]:
    """The accuracy profile, Blue Line parts, Area of Separation ends and barrier anchors."""
    out: list[str] = []
    prof = m.get("accuracy_profile")
    if prof:
        out += ["### Accuracy profile", "", prof["method"] + ".", ""]
        for c in prof["comparisons"]:
            p, q = c["this_to_other"], c["other_to_this"]
            out += [
                f"**Against {c['source']}** — {c['what_it_can_show']}",
                "",
                "| direction | median | p90 | max | where the max is | stretches over 100 m |",
                "|---|---:|---:|---:|---|---:|",
                f"| along this line | {p['median_m']:,.1f} m | {p['p90_m']:,.1f} m | "
                f"{p['max_m']:,.1f} m | {p['max_lat']:.4f} N {p['max_lon']:.4f} E "
                f"(km {p['max_along_km']:.2f}) | {len(p['runs'])} |",
                f"| along the other | {q['median_m']:,.1f} m | {q['p90_m']:,.1f} m | "
                f"{q['max_m']:,.1f} m | {q['max_lat']:.4f} N {q['max_lon']:.4f} E "
                f"(km {q['max_along_km']:.2f}) | {len(q['runs'])} |",
                "",
                f"Corridor where they are over 100 m apart: {c['corridor_pieces']} piece(s), "
                f"{c['corridor_km2']:g} km².",
                "",
            ]
            if p["runs"]:
                out += [
                    "| stretch over 100 m (km along this line) | max | where |",
                    "|---|---:|---|",
                ]
                out += [
                    f"| {_km_range(r)} | {r['max_m']:,.0f} m | {r['max_lat']:.4f} N "
                    f"{r['max_lon']:.4f} E |"
                    for r in p["runs"]
                ]
                out.append("")
            stretches = p.get("stretches")
            if stretches:
                out += [
                    "<details><summary>Every 1 km stretch</summary>",
                    "",
                    "| km | median | p90 | max |",
                    "|---|---:|---:|---:|",
                ]
                out += [
                    f"| {_km_range(s)} | {s['median_m']:,.1f} | {s['p90_m']:,.1f} | "
                    f"{s['max_m']:,.1f} |"
                    for s in stretches
                ]
                out += ["", "</details>", ""]
    if "parts_km" in m:
        parts = layers.load("blue_line_parts")
        out += [
            "### The parts",
            "",
            "| part | name | length | status | vs @geo-maps: median / p90 / max |",
            "|---|---|---:|---|---|",
        ]
        for r in parts.itertuples(index=False):
            out.append(
                f"| `{r.part}` | {r.name} | {r.length_km:,.2f} km | {r.status} | "
                f"{r.geo_maps_median_m:g} / {r.geo_maps_p90_m:g} / {r.geo_maps_max_m:g} m |"
            )
        out.append("")
    ends = m.get("ends")
    if ends:
        w = ends["widths_m"]
        out += [
            "### The ends",
            "",
            ends["rule"],
            "",
            "| end | at the border | 0.5 km | 1 km | 2 km | 3 km | 5 km |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for end in ("south", "north"):
            cells = " | ".join(
                f"{w[end][k]:,.0f} m" for k in ("0_km", "0.5_km", "1_km", "2_km", "3_km", "5_km")
            )
            out.append(f"| {end} | {cells} |")
        out += [
            "",
            "Before the rule, Natural Earth's Line B stopped "
            f"{ends['natural_earth_south_end_short_of_jordan_m']:,.0f} m short of the Jordanian "
            f"border, {ends['natural_earth_south_end_width_m']:,.0f} m from Line A.",
            "",
        ]
    anchors = m.get("barrier_anchors")
    if anchors:
        out += [
            "### Segments and their anchors",
            "",
            "| segment | anchor | anchor → segment | its Blue Line point → segment "
            "| uncertainty along |",
            "|---|---|---:|---:|---:|",
        ]
        out += [
            f"| `{r['segment']}` | {r['anchor']} | {r['anchor_to_segment_m']:,.0f} m | "
            f"{r['foot_to_segment_m']:,.0f} m | ±{r['uncertainty_along_m']:,.0f} m |"
            for r in anchors
        ]
        out.append("")
    sources = m.get("barrier_sources")
    if sources:
        out += ["### Sources per segment", "", "| segment | main report | more |", "|---|---|---|"]
        out += [
            f"| `{s['segment']}` | {s['outlet']}, '{s['title']}', {s['date']}, <{s['url']}> "
            f"| {s['other_sources']} |"
            for s in sources
        ]
        out.append("")
    parts_sources = m.get("parts_sources")
    if parts_sources:
        out += ["### Sources per part", ""]
        out += [f"- `{k}`: {v}" for k, v in parts_sources.items()]
        out.append("")
    return out


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
