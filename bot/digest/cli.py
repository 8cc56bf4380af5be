"""`cxbot demo-data` and `cxbot digest preview`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

# Heavy modules (numpy, matplotlib, SQLAlchemy, settings) are imported inside the commands: see bot/cli.py.
log = logging.getLogger(__name__)
app = typer.Typer(add_completion=False, no_args_is_help=True, help="Weekly CX KPI digest.")


def demo_data() -> None:
    """Write a synthetic year of surveys, tickets and accounts where the default KPI config reads them."""
    from bot.kpi.demo import generate, last_complete_week
    from bot.kpi.weeks import label
    from bot.settings import Settings

    cfg = Settings()
    cfg.ensure_dirs()
    week = last_complete_week(datetime.now(UTC).date())
    paths = generate(cfg.data_dir / "demo", week)
    for name, path in paths.items():
        typer.echo(f"{name}: {path}")
    typer.echo(f"52 weeks up to {label(week)}; try `cxbot digest preview --out digest-preview`")


@app.command()
def preview(
    out: Annotated[Path, typer.Option("--out", help="Folder for the Markdown and the PNG chart")],
    week: Annotated[str | None, typer.Option("--week", help="ISO week like 2026-W47 (default: last week)")] = None,
) -> None:
    """Render a week's digest as Markdown plus a PNG trend chart."""
    from bot.digest.card import digest_markdown
    from bot.digest.service import DigestService
    from bot.kpi.config import ConfigError
    from bot.kpi.demo import last_complete_week
    from bot.kpi.sources import SourceError
    from bot.kpi.weeks import parse_label
    from bot.settings import Settings

    cfg = Settings()
    try:
        wk = parse_label(week) if week else last_complete_week(datetime.now(UTC).date())
        digest = DigestService(cfg).digest(wk)
    except (ValueError, ConfigError, SourceError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    out.mkdir(parents=True, exist_ok=True)
    image = None
    if digest.chart:
        image = f"trend-{digest.week_label}.png"
        (out / image).write_bytes(digest.chart)
    md = out / f"digest-{digest.week_label}.md"
    md.write_text(digest_markdown(digest, image), encoding="utf-8")
    typer.echo(f"wrote {md}" + (f" and {out / image}" if image else ""))
    if not digest.lines:
        typer.echo(f"no KPI data for {digest.week_label}: see the file's footer; `cxbot demo-data` writes "
                   "a demo dataset where the default configuration reads it", err=True)
