"""`cxbot sources list|sync|status`: the configured knowledge sources."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # settings and the sources' config load only when a command runs: see bot/cli.py
    from bot.settings import Settings
    from bot.sources.config import SourceSpec

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Knowledge sources: list, sync, status.")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def _specs() -> tuple[Settings, list[SourceSpec]]:
    from bot.settings import Settings
    from bot.sources.config import SourcesError, load_sources

    settings = Settings()
    try:
        return settings, load_sources(settings)
    except SourcesError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = int((now - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{max(seconds, 0)}s ago"


@app.command("list")
def list_() -> None:
    """List the configured sources: name, kind, where, schedule and collection."""
    from bot.sources.registry import where

    _, specs = _specs()
    table = Table("name", "kind", "where", "every", "collection")
    for spec in specs:
        every = f"{int(spec.every.total_seconds() // 60)}m" if spec.every else "on demand"
        table.add_row(spec.name, spec.kind, where(spec), every, spec.collection)
    out.print(table)


@app.command()
def sync(
    names: Annotated[list[str] | None, typer.Argument(help="Sources to sync (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON line per source")] = False,
) -> None:
    """Sync sources now: only changed documents are fetched and embedded, deleted ones leave the index."""
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn

    from bot.db.engine import Database
    from bot.knowledge import Knowledge
    from bot.sources.service import SourcesService

    settings, specs = _specs()
    settings.ensure_dirs()
    known = {s.name for s in specs}
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        err.print(f"[red]no source named {', '.join(map(repr, unknown))}; configured: {', '.join(sorted(known))}[/]")
        raise typer.Exit(2)
    chosen = [s for s in specs if not names or s.name in names]
    db = Database(settings).migrate()
    service = SourcesService(settings, Knowledge(settings), db)
    failed = 0
    try:
        for spec in chosen:
            with Progress(SpinnerColumn(), TextColumn(f"syncing {spec.name}"), MofNCompleteColumn(), console=err,
                          transient=True, disable=not err.is_terminal) as bar:
                task = bar.add_task(spec.name, total=None)

                def advance(n: int, bar: Progress = bar, task: TaskID = task) -> None:
                    bar.advance(task, n)

                report = service.sync(spec, on_progress=advance)
            if report.busy:
                err.print(f"[yellow]{spec.name}: another replica is syncing it now; skipped[/]")
                continue
            if as_json:
                sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False) + "\n")
            else:
                s = report.summary
                out.print(f"{spec.name}: added {s.added}, updated {s.updated}, removed {s.removed}, "
                          f"unchanged {s.unchanged}; {s.chunks} chunks")
            for skipped in report.summary.skipped:
                err.print(f"[yellow]{spec.name}: skipped[/] {skipped.path}: {skipped.reason}")
            if report.error:
                failed += 1
                err.print(f"[red]{spec.name}: {report.error}[/]")
    finally:
        db.dispose()
    if failed:
        raise typer.Exit(1)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the states as JSON")] = False,
) -> None:
    """Each source's last sync, its documents in the index, and its errors."""
    from bot.db.engine import Database
    from bot.sources.state import SyncStates

    settings, specs = _specs()
    db = Database(settings).migrate()
    try:
        from bot.schedule.clock import SystemClock

        now = SystemClock().now()
        states = SyncStates(db).all(now)
    finally:
        db.dispose()
    rows = []
    for spec in specs:
        st = states.get(spec.name)
        summary = (st.summary if st else None) or {}
        rows.append({
            "source": spec.name, "kind": spec.kind, "status": "syncing" if st and st.syncing else (st.status if st else "never"),
            "last_sync": st.finished_at.isoformat() if st and st.finished_at else None,
            "last_ok": st.ok_at.isoformat() if st and st.ok_at else None,
            "documents": st.documents if st else 0, "skipped": summary.get("skipped", []),
            "error": st.error if st else None,
        })
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table("name", "kind", "status", "last sync", "last ok", "documents", "skipped", "error")
    for row, spec in zip(rows, specs, strict=True):
        st = states.get(spec.name)
        table.add_row(
            spec.name, spec.kind, str(row["status"]), _ago(st.finished_at if st else None, now),
            _ago(st.ok_at if st else None, now), str(row["documents"]), str(len(row["skipped"])),
            str(row["error"] or ""),
        )
    out.print(table)
