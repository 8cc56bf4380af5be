"""The `cxbot` command line. Each command's docstring is its help text.

Start-up matters here (`cxbot --help` should answer in well under a second): a command imports what it
needs (Chroma, the answer pipeline, aiohttp, matplotlib, settings) inside its function, never at the
top of this module or of the sub-apps' modules. `tests/test_cli_imports.py` keeps it so.
"""

from __future__ import annotations

import json
import logging
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.dashboard import cli as dashboard_cli
from bot.digest import cli as digest_cli
from bot.ops import doctor as ops_doctor
from bot.pulse import cli as pulse_cli
from bot.sources import cli as sources_cli
from bot.trust import cli as trust_cli

if TYPE_CHECKING:
    from rich.console import Console

    from bot.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="cxbot: CX answers, pulses and digests.")


@cache
def console(stderr: bool = False) -> Console:
    """stdout's (or stderr's) rich console, made on first use."""
    from rich.console import Console

    return Console(stderr=stderr)


def settings() -> Settings:
    from bot.settings import Settings

    return Settings()


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: CXBOT_KNOWLEDGE_DIR)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary")] = False,
) -> None:
    """Index documents (Markdown, text, PDF, DOCX, HTML) into the knowledge store."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from bot.knowledge import Knowledge

    out, err = console(), console(stderr=True)
    cfg = settings()
    cfg.ensure_dirs()
    roots = list(paths) if paths else [cfg.knowledge_dir]
    knowledge = Knowledge(cfg)
    with Progress(
        TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=as_json and not err.is_terminal,
    ) as bar:
        task = bar.add_task("embed", total=None)
        summary = knowledge.ingest(
            roots,
            on_planned=lambda n: bar.update(task, total=n),
            on_progress=lambda n: bar.advance(task, n),
        )
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    out.print(
        f"added {summary.added}, updated {summary.updated}, removed {summary.removed}, "
        f"unchanged {summary.unchanged}; {summary.chunks} chunks in the index"
    )
    for s in summary.skipped:
        err.print(f"[yellow]skipped[/] {s.path}: {s.reason}")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON")] = False,
    batch: Annotated[Path | None, typer.Option("--batch", help="JSONL file of {id, question}")] = None,
) -> None:
    """Answer a question from the indexed knowledge, with sources."""
    from bot.knowledge import Knowledge

    out, err = console(), console(stderr=True)
    cfg = settings()
    if cfg.embed_threads is None:  # a question embeds a few words: a second thread only waits (10x slower when busy)
        cfg = cfg.model_copy(update={"embed_threads": 1})
    service = Knowledge(cfg).ask
    if batch is not None:
        for n, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                qid, text = row["id"], str(row["question"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                err.print(f"[red]{batch}:{n}: skipped, not a {{id, question}} object ({exc})[/]")
                continue
            ans = service.answer(text)
            sys.stdout.write(json.dumps({
                "id": qid, "answer": ans.text, "answered": ans.answered,
                "sources": [s.path for s in ans.sources],
            }, ensure_ascii=False) + "\n")
        return
    if not question:
        raise typer.BadParameter("give a QUESTION or --batch FILE")
    ans = service.answer(question)
    if as_json:
        sys.stdout.write(json.dumps(ans.as_json(), ensure_ascii=False) + "\n")
        return
    out.print(ans.text)
    for n, s in enumerate(ans.sources, 1):
        out.print(f"[dim][{n}] {s.label} ({s.where})[/]")
    if ans.answered:
        from bot.expert.note import verified_note  # not bot.expert.verify: that one loads the database layer

        for note in verified_note(cfg.knowledge_dir, ans):
            out.print(note.text, markup=False)


@app.command()
def chat(
    question: Annotated[list[str] | None, typer.Argument(help="Say this and exit (else: interactive)")] = None,
) -> None:
    """Talk to cxbot in the terminal: questions, `help`, pulses and digests, buttons as `!N`."""
    import asyncio

    from bot.app import build_services
    from bot.console.adapter import ConsolePort, chat_loop
    from bot.i18n import translator

    out = console()
    cfg = settings()
    t = translator(cfg.language)  # the console follows CXBOT_LANGUAGE
    services = build_services(cfg)
    port = ConsolePort(out, save_image=_image_saver(cfg), t=t)
    services.ports["console"] = port  # pulses post and close without a turn
    lines = [" ".join(question)] if question else None

    def read() -> str | None:
        if lines is not None:
            return lines.pop(0) if lines else None
        try:
            return out.input("[bold cyan]" + t.gettext("you") + ">[/] ")
        except (EOFError, KeyboardInterrupt):
            return None

    if lines is None:
        out.print(t.gettext("cxbot console — ask a question, type `help`, or `exit`."))
    try:
        asyncio.run(chat_loop(services.router, port, read))
    finally:
        services.close()


def _image_saver(cfg: Settings):  # type: ignore[no-untyped-def]
    import hashlib

    def save(data: bytes) -> str:
        folder = cfg.data_dir / "images"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha1(data).hexdigest()[:12]}.png"
        path.write_bytes(data)
        return str(path)

    return save


@app.command()
def serve() -> None:
    """Run the bot server: Slack and Teams edges, health and metrics, scheduler."""
    from aiohttp import web

    from bot.app import build_services
    from bot.ops.logs import configure
    from bot.web.app import build_app

    cfg = settings()
    if cfg.embed_threads is None:  # many asks at once: one thread each beats threads that wait on each other
        cfg = cfg.model_copy(update={"embed_threads": 1})
    configure(cfg.log_level, json_logs=cfg.log_json)
    services = build_services(cfg)
    web.run_app(
        build_app(services), host=cfg.host, port=cfg.port, print=None,
        shutdown_timeout=cfg.shutdown_timeout + 5,
    )


ops_doctor.register(app)  # `cxbot doctor`
app.add_typer(pulse_cli.app, name="pulse")  # `cxbot pulse ...`
app.add_typer(digest_cli.app, name="digest")  # `cxbot digest ...`
app.add_typer(sources_cli.app, name="sources")  # `cxbot sources ...`
app.add_typer(dashboard_cli.app, name="dashboard")  # `cxbot dashboard link USER_ID`
app.command("demo-data")(digest_cli.demo_data)
app.command("forget")(trust_cli.forget)  # `cxbot forget USER`


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    app()
