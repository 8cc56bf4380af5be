"""Fuzz every inbound edge of cxbot with hypothesis and report the counts.

    .venv/bin/python fuzz/run.py [--n 10000] [--edges slack-events,documents,...]

Edges: Slack events, slash commands and interactivity and Teams activities and invokes (real HTTP
to a running cxbot: no 5xx, no broken connection, no exception logged by cxbot; about one input in twenty a
hostile shape: deep nesting, oversized, compressed bombs, undecodable bytes), Teams with Bot
Framework auth on (every Authorization shape, on normal and hostile bodies), the dashboard (any method,
path, query, cookie, CSRF token and body under /dashboard), CLI arguments (no traceback;
`ingest` over a small real tree, its `--json` summary checked), KPI files,
pulse template files and documents of every format including zip bombs, huge files and deeply
nested HTML (a clear error or a result, never an unexpected exception). Exit status 1 on any crash.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dashboard_edge
import edges
from edges import Crash, Outcome, run_edge
from hypothesis import strategies as st

HTTP_EDGES = {
    "slack-events": ("/slack/events", "application/json", lambda url: edges.slack_events()),
    "slack-commands": ("/slack/events", "application/x-www-form-urlencoded", lambda url: edges.slack_commands()),
    "slack-interactivity": ("/slack/events", "application/x-www-form-urlencoded", lambda url: edges.slack_interactivity()),
    "teams-activities": ("/api/messages", "application/json", edges.teams_activities),
    "teams-invokes": ("/api/messages", "application/json", edges.teams_invokes),
    "teams-auth": ("/api/messages", "application/json", edges.teams_auth_requests),  # on the server with auth on
    "dashboard": ("/dashboard", "", lambda url: dashboard_edge.dashboard_requests()),  # any method, path, cookie
}


def http_check(run: Any, name: str) -> Any:
    """The check for HTTP edge `name` against a running harness."""
    path, ctype, _strategy = HTTP_EDGES[name]
    if name == "dashboard":
        return dashboard_edge.dashboard_check(run)
    if name == "teams-auth":
        return edges.http_check(run, path, ctype, sign=False, base=run.auth_base)
    return edges.http_check(run, path, ctype)
FILE_EDGES: dict[str, tuple[Any, Any]] = {
    "documents": (edges.documents, edges.check_document),
    "kpi-files": (edges.kpi_files, edges.check_kpi),
    "pulse-templates": (edges.pulse_templates, edges.check_template),
}
CLI_WORDS = ["ask", "forget", "pulse", "export", "templates", "digest", "preview", "ingest", "--csv", "--json",
             "--help", "-h", "--format", "--since", "1", "-1", "0", "99999999999999999999", "slack:U1", "teams:", "",
             "/nonexistent", "--rebuild", "--week", "2026-W01", "x" * 300, "\x00", "--", "--lang", "de"]


# A small real tree that `ingest` is fuzzed over: its options and paths, not a nonexistent stand-in.
TREE = {
    "guide.md": "# Complaints\n\nAcknowledge every complaint within four business hours.\n",
    "notes.txt": "Call the customer back the same day.\n",
    "page.html": "<html><body><h1>Refunds</h1><p>Refunds are paid within ten days.</p></body></html>",
    "sub/deep.md": "# Escalation\n\nEscalate after two failed contacts.\n",
    ".hidden.md": "# Hidden\n\nNever indexed.\n",
    "empty.md": "",
    "broken.pdf": "%PDF-1.7 not really",
    "data.csv": "a,b\n1,2\n",
    "odd.xyz": "unsupported",
}
TREE_WORDS = [*TREE, "sub", ".", "..", "../..", "/", "missing.md", "sub/missing"]


def cli_strategy() -> st.SearchStrategy[list[str]]:
    word = st.sampled_from(CLI_WORDS) | st.text(max_size=20).filter(lambda s: "\x00" not in s)
    first = st.sampled_from(["ask", "forget", "pulse", "digest", "ingest", "bogus", "--help"])
    ingest = st.lists(st.sampled_from(TREE_WORDS) | word, max_size=5).map(lambda rest: ["ingest", *rest])
    return st.tuples(first, st.lists(word, max_size=5)).map(lambda t: [t[0], *t[1]]) | ingest


def make_tree(root: Path) -> Path:
    for name, text in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def inside(tree: Path, arg: str) -> str:
    """An `ingest` path argument kept inside the tree: relative ones are taken from it, and nothing that
    exists outside it is indexed (`/` would embed the machine). Nonexistent paths stay as they are."""
    if arg.startswith("-"):
        return arg
    try:
        path = Path(arg) if Path(arg).is_absolute() else tree / arg
        real = path.resolve()
        exists = real.exists()
    except (OSError, ValueError):  # too long a name, or no path at all: cxbot must say so itself
        return arg
    if not exists:
        return arg if Path(arg).is_absolute() else str(path)
    return str(path) if real == tree or tree in real.parents else str(tree)


def cli_check(env: dict[str, str]) -> Any:
    from typer.testing import CliRunner

    from bot.cli import app

    runner = CliRunner()
    tree = make_tree(Path(tempfile.mkdtemp(prefix="cxbot-ingest-tree-"))).resolve()
    env = {**env, "CXBOT_KNOWLEDGE_DIR": str(tree)}  # `ingest` without paths indexes the tree

    def check(argv: list[str]) -> str:
        if argv[:1] == ["ingest"]:
            argv = ["ingest", *(inside(tree, a) for a in argv[1:])]
        result = runner.invoke(app, argv, env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise Crash(f"{argv!r}: {type(result.exception).__name__}: {result.exception}")
        options = argv[: argv.index("--")] if "--" in argv else argv  # after "--" everything is a path
        if argv[:1] == ["ingest"] and result.exit_code == 0 and "--json" in options and not {"--help", "-h"} & set(options):
            try:
                summary = json.loads(result.stdout)
            except ValueError:
                raise Crash(f"{argv!r}: --json printed no JSON: {result.stdout[:200]!r}") from None
            if summary["chunks"] < 0 or any(summary[k] < 0 for k in ("added", "updated", "removed", "unchanged")):
                raise Crash(f"{argv!r}: impossible summary {summary}")
            return "ingest json"
        return f"exit {result.exit_code}"

    return check


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report(o: Outcome, seconds: float) -> None:
    top = ", ".join(f"{k}: {v}" for k, v in o.outcomes.most_common(6))
    say(f"{o.edge:<20} inputs={o.inputs:>6} crashes={len(o.crashes):>3} {seconds:6.0f}s  {top}")
    for c in o.crashes[:5]:
        say(f"    CRASH {c}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--edges", default="all")
    args = ap.parse_args()
    names = [*HTTP_EDGES, "cli-args", *FILE_EDGES] if args.edges == "all" else args.edges.split(",")
    crashed = 0
    if any(n in HTTP_EDGES for n in names):
        from harness import start

        run = start()
        try:
            for name in [n for n in names if n in HTTP_EDGES]:
                strategy = HTTP_EDGES[name][2]
                t0 = time.perf_counter()
                out = run_edge(name, strategy(run.connector_url), http_check(run, name), args.n)
                run.drain()
                out.crashes += run.crashes.records
                run.crashes.records.clear()
                report(out, time.perf_counter() - t0)
                crashed += len(out.crashes)
        finally:
            run.close()
    if "cli-args" in names:
        data = tempfile.mkdtemp(prefix="cxbot-cli-fuzz-")
        env = {"CXBOT_DATA_DIR": data, "CXBOT_LLM": "none", "DATABASE_URL": f"sqlite:///{data}/cli.db"}
        os.environ.update(env)
        t0 = time.perf_counter()
        out = run_edge("cli-args", cli_strategy(), cli_check(env), args.n)
        report(out, time.perf_counter() - t0)
        crashed += len(out.crashes)
    for name in [n for n in names if n in FILE_EDGES]:
        strategy, check = FILE_EDGES[name]
        t0 = time.perf_counter()
        out = run_edge(name, strategy(), check, args.n)
        report(out, time.perf_counter() - t0)
        crashed += len(out.crashes)
    say(f"total crashes: {crashed}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
