"""Write the generated tables of docs/timeline.md from the timeline and the report.

    python docs/timeline_doc.py          # rewrite the tables in docs/timeline.md
    python docs/timeline_doc.py --check  # exit 1 if they are out of date

The tables sit between ``<!-- NAME -->`` and ``<!-- /NAME -->`` markers.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from geo import report, timeline

DOC = Path(__file__).resolve().parent / "timeline.md"


def _num(v: object, nd: int = 1) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def figures_table() -> str:
    rows = [
        "| item | kind | dates | confidence | geometry | area km² | population | places "
        "| AoS overlap km² (%) | covers 60 km request % | covers 5 km grant % | points (in AoS) |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report.timeline_section().rows:
        aos = (
            ""
            if r["aos_overlap_km2"] is None
            else f"{r['aos_overlap_km2']:,.1f} ({r['aos_overlap_pct']:.1f} %)"
        )
        pts = "" if r["points"] is None else f"{r['points']} ({r['points_in_aos']})"
        rows.append(
            f"| `{r['item']}` | {r['kind']} | {r['date_start']}–{r['date_end'] or 'open'} "
            f"| {r['confidence']} | {_code(r['geometry'])} | {_num(r['area_km2'])} "
            f"| {_num(r['population'])} | {_num(r['places'])} | {aos} "
            f"| {_num(r['covers_request_60km_pct'])} | {_num(r['covers_grant_5km_pct'])} | {pts} |"
        )
    return "\n".join(rows)


def sources_table() -> str:
    rows = [
        "| item | title | source (outlet, title, date) | confidence | not located |",
        "|---|---|---|---|---|",
    ]
    for i in timeline.items():
        src = f"{i.source_outlet}, “{i.source_title}”, {i.source_date}".replace("|", "\\|")
        if i.source_url:
            src += f" ([link]({i.source_url}))"
        title = i.title.replace("|", "\\|")
        rows.append(
            f"| `{i.id}` | {title} | {src} | {i.confidence} | {i.not_located.replace('|', '/')} |"
        )
    return "\n".join(rows)


def render(text: str) -> str:
    tables = (("timeline-figures", figures_table()), ("timeline-sources", sources_table()))
    for name, table in tables:
        pattern = re.compile(rf"(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{DOC}: no <!-- {name} --> markers")
        text = pattern.sub(lambda m, t=table: m[1] + t + "\n" + m[2], text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    old = DOC.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        if new != old:
            print(f"out of date: {DOC.name}; run python docs/timeline_doc.py")
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
