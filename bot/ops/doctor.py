"""`cxbot doctor`: is this installation ready to serve? Prints what to fix; never prints secrets."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

MARK = {"ok": "[green]ok  [/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON")] = False,
) -> None:
    """Check configuration and every dependency (tokens, database, Chroma, embedder, KPI sources, pulse templates) and say what to fix."""
    from dataclasses import asdict

    from pydantic import ValidationError
    from rich.console import Console

    from bot.ops.checks import Finding, run_all
    from bot.settings import Settings

    out = Console(highlight=False, soft_wrap=True)
    try:
        findings = run_all(Settings())
    except ValidationError as exc:
        findings = [
            Finding("settings", "fail", f"{'.'.join(map(str, e['loc']))}: {e['msg']}", "fix this environment variable")
            for e in exc.errors(include_input=False)
        ]
    if as_json:
        sys.stdout.write(json.dumps([asdict(f) for f in findings], ensure_ascii=False) + "\n")
    else:
        for f in findings:
            out.print(f"{MARK[f.status]} {f.check}: {f.detail}")
            if f.fix and f.status != "ok":
                out.print(f"      fix: {f.fix}")
        failed = sum(f.status == "fail" for f in findings)
        out.print("[green]all good[/]" if not failed else f"[red]{failed} problem(s) to fix[/]")
    if any(f.status == "fail" for f in findings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `doctor` to the `cxbot` command line."""
    app.command()(doctor)
