"""Rendering a digest: a neutral Card for chat, Markdown for `cxbot digest preview`.

Both are worded in the digest's language (`Digest.language`: the subscription's, or the asker's).
"""

from __future__ import annotations

from bot.core.model import Block, Card, Context, Divider, Fields, Image, Section
from bot.digest.build import Digest, Line, fmt, fmt_change
from bot.i18n import Translator


def _field(line: Line, t: Translator) -> tuple[str, str]:
    m = line.metric
    parts = [f"{fmt(m, line.value, t)} {line.arrow}"]
    if line.wow is not None:
        parts.append(t.gettext("{change} wow").format(change=fmt_change(m, line.wow, line.value - line.wow, t)))
    if line.vs_avg4 is not None:
        parts.append(t.gettext("{change} vs 4-wk avg").format(
            change=fmt_change(m, line.vs_avg4, line.value - line.vs_avg4, t)))
    flag = " 🚩" if line.breach else ""
    return t.gettext(m.label) + flag, " · ".join(parts)


def title(d: Digest) -> str:
    return d.t.gettext("CX digest · week {week}").format(week=d.week_label)


def _gaps_heading(t: Translator) -> str:
    return t.gettext("Knowledge gaps (unanswered or 👎)")


def digest_card(d: Digest) -> Card:
    """The digest as a neutral card (adapters upload or inline the chart `Image`)."""
    t = d.t
    blocks: list[Block] = [Context(d.period)]
    if d.sentences:
        blocks.append(Section("\n".join(f"- {s}" for s in d.sentences)))
    elif d.lines:
        blocks.append(Section(t.gettext("No notable moves this week.")))
    if d.lines:
        blocks.append(Fields(tuple(_field(x, t) for x in d.lines)))
    else:
        blocks.append(Section("_" + t.gettext("No KPI data for this week.") + "_"))
    if d.chart:
        blocks.append(Image(alt=t.gettext("KPI trend up to {week}").format(week=d.week_label), data=d.chart,
                            title=t.gettext("KPI trend")))
    if d.breaches:
        blocks.append(Section("**" + t.gettext("Threshold breaches") + "**\n" + "\n".join(f"- {b}" for b in d.breaches)))
    blocks.extend(Section(f"**{t.gettext(heading)}**\n{text}") for heading, text in d.sections)
    if d.gaps:
        more = "\n_" + t.gettext("…and {n} more.").format(n=t.number(d.gaps_more)) + "_" if d.gaps_more else ""
        blocks.append(Section(f"**{_gaps_heading(t)}**\n" + "\n".join(f"- {g}" for g in d.gaps) + more))
    blocks.append(Divider())
    quality = t.gettext("Data quality: {notes}").format(notes="; ".join(d.footer)) if d.footer else t.gettext("All rows usable.")
    blocks.append(Context(quality))
    fallback = f"{title(d)}: " + ("; ".join(d.sentences) if d.sentences else t.gettext("no notable moves"))
    return Card(title=title(d), blocks=tuple(blocks), fallback=fallback, meta={"week": d.week_label})


def digest_markdown(d: Digest, image_name: str | None) -> str:
    """The digest as a Markdown page (the chart linked as `image_name`)."""
    t = d.t
    out = [f"# {title(d)}", "", f"_{d.period}_", ""]
    out += [f"- {s}" for s in d.sentences] or ([t.gettext("No notable moves this week.")] if d.lines else [])
    if d.lines:
        out += ["", "| " + " | ".join([t.gettext("KPI"), t.gettext("this week"), t.gettext("vs last week"),
                                       t.gettext("vs 4-week avg")]) + " |", "|---|---|---|---|"]
    else:
        out += ["", "_" + t.gettext("No KPI data for this week.") + "_"]
    for x in d.lines:
        m = x.metric
        wow = fmt_change(m, x.wow, x.value - x.wow, t) if x.wow is not None else "–"
        avg = fmt_change(m, x.vs_avg4, x.value - x.vs_avg4, t) if x.vs_avg4 is not None else "–"
        out.append(f"| {t.gettext(m.label)}{' 🚩' if x.breach else ''} | {fmt(m, x.value, t)} {x.arrow} | {wow} | {avg} |")
    if image_name:
        out += ["", "![" + t.gettext("KPI trend") + f"]({image_name})"]
    if d.breaches:
        out += ["", "## " + t.gettext("Threshold breaches"), *[f"- {b}" for b in d.breaches]]
    for heading, text in d.sections:
        out += ["", f"## {t.gettext(heading)}", text]
    if d.gaps:
        out += ["", "## " + _gaps_heading(t), *[f"- {g}" for g in d.gaps]]
        if d.gaps_more:
            out.append("- " + t.gettext("…and {n} more.").format(n=t.number(d.gaps_more)))
    footer = t.gettext("Data quality: {notes}").format(notes="; ".join(d.footer)) if d.footer else t.gettext("All rows usable.")
    out += ["", "---", footer]
    return "\n".join(out) + "\n"
