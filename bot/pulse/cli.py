"""`cxbot pulse ...`: export a pulse's aggregates, check the templates."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Pulse checks: export results, check templates.")


@app.command()
def export(
    pulse_id: Annotated[int, typer.Argument(help="The pulse number (see `pulse list`)")],
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (else a readable table)")] = False,
) -> None:
    """Export a pulse's aggregates per statement (never individual votes); anonymity floor applied."""
    import asyncio

    from bot.db.engine import Database
    from bot.pulse.results import to_rows
    from bot.pulse.service import PulseService
    from bot.settings import Settings

    settings = Settings()
    db = Database(settings).migrate()
    try:
        service = PulseService(settings, db, {})
        pulse = service.store.get(pulse_id)
        if pulse is None:
            typer.echo(f"No pulse #{pulse_id}.", err=True)
            raise typer.Exit(1)
        if pulse.status == "open":
            typer.echo(f"Pulse #{pulse_id} is still open; results are available after it closes.", err=True)
            raise typer.Exit(1)
        rows = to_rows(asyncio.run(service.results(pulse)))
    finally:
        db.dispose()
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    typer.echo(f"Pulse #{pulse.id} {pulse.title} ({pulse.status}), {rows[0]['participants']} took part")
    for row in rows:
        figure = f"mean {row['mean']}" if row["mean"] != "" else "not enough responses to keep answers anonymous"
        typer.echo(f"{row['statement']}. {row['text']} — {row['responses']} responses, {figure}")


@app.command()
def templates() -> None:
    """List the pulse templates and report every problem in the template files."""
    from bot.pulse.templates import load_dir
    from bot.settings import Settings

    settings = Settings()
    folder = settings.pulse_templates or settings.knowledge_dir / "pulses"
    found, errors = load_dir(folder)
    for t in found.values():
        typer.echo(f"{t.id}: {len(t.statements)} statements, scale {t.scale_min}-{t.scale_max}, "
                   f"languages {'/'.join(t.languages)} ({t.path})")
    for e in errors:
        typer.echo(f"error: {e}", err=True)
    if errors:
        raise typer.Exit(1)
