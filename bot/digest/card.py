"""Rendering a digest: a neutral Card for chat, Markdown for `cxbot digest preview`."""

from __future__ import annotations

from bot.core.model import Block, Card, Context, Divider, Fields, Image, Section
from bot.digest.build import Digest, Line, fmt, fmt_change


def _field(line: Line) -> tuple[str, str]:
    m = line.metric
    parts = [f"{fmt(m, line.value)} {line.arrow}"]
    if line.wow is not None:
        parts.append(f"{fmt_change(m, line.wow, line.value - line.wow)} wow")
    if line.vs_avg4 is not None:
        parts.append(f"{fmt_change(m, line.vs_avg4, line.value - line.vs_avg4)} vs 4-wk avg")
    flag = " 🚩" if line.breach else ""
    return m.label + flag, " · ".join(parts)


def title(d: Digest) -> str:
    return f"CX digest · week {d.week_label}"


def digest_card(d: Digest) -> Card:
    """The digest as a neutral card (adapters upload or inline the chart `Image`)."""
    blocks: list[Block] = [Context(d.period)]
    if d.sentences:
        blocks.append(Section("\n".join(f"- {s}" for s in d.sentences)))
    elif d.lines:
        blocks.append(Section("No notable moves this week."))
    if d.lines:
        blocks.append(Fields(tuple(_field(x) for x in d.lines)))
    else:
        blocks.append(Section("_No KPI data for this week._"))
    if d.chart:
        blocks.append(Image(alt=f"KPI trend up to {d.week_label}", data=d.chart, title="KPI trend"))
    if d.breaches:
        blocks.append(Section("**Threshold breaches**\n" + "\n".join(f"- {b}" for b in d.breaches)))
    blocks.extend(Section(f"**{heading}**\n{text}") for heading, text in d.sections)
    if d.gaps:
        more = f"\n_…and {d.gaps_more} more._" if d.gaps_more else ""
        blocks.append(Section("**Knowledge gaps** (unanswered or 👎)\n" + "\n".join(f"- {g}" for g in d.gaps) + more))
    blocks.append(Divider())
    blocks.append(Context(" · ".join(["Data quality: " + "; ".join(d.footer)] if d.footer else ["All rows usable."])))
    fallback = f"{title(d)}: " + ("; ".join(d.sentences) if d.sentences else "no notable moves")
    return Card(title=title(d), blocks=tuple(blocks), fallback=fallback, meta={"week": d.week_label})


def digest_markdown(d: Digest, image_name: str | None) -> str:
    """The digest as a Markdown page (the chart linked as `image_name`)."""
    out = [f"# {title(d)}", "", f"_{d.period}_", ""]
    out += [f"- {s}" for s in d.sentences] or (["No notable moves this week."] if d.lines else [])
    if d.lines:
        out += ["", "| KPI | this week | vs last week | vs 4-week avg |", "|---|---|---|---|"]
    else:
        out += ["", "_No KPI data for this week._"]
    for x in d.lines:
        m = x.metric
        wow = fmt_change(m, x.wow, x.value - x.wow) if x.wow is not None else "–"
        avg = fmt_change(m, x.vs_avg4, x.value - x.vs_avg4) if x.vs_avg4 is not None else "–"
        out.append(f"| {m.label}{' 🚩' if x.breach else ''} | {fmt(m, x.value)} {x.arrow} | {wow} | {avg} |")
    if image_name:
        out += ["", f"![KPI trend]({image_name})"]
    if d.breaches:
        out += ["", "## Threshold breaches", *[f"- {b}" for b in d.breaches]]
    for heading, text in d.sections:
        out += ["", f"## {heading}", text]
    if d.gaps:
        out += ["", "## Knowledge gaps (unanswered or 👎)", *[f"- {g}" for g in d.gaps]]
        if d.gaps_more:
            out.append(f"- …and {d.gaps_more} more")
    out += ["", "---", "Data quality: " + ("; ".join(d.footer) if d.footer else "all rows usable.")]
    return "\n".join(out) + "\n"
