"""A small-sized run of every fuzzer in `fuzz/` (the full run: `python fuzz/run.py --n 10000`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fuzz"))

import edges
import run as fuzz_run
from harness import Running, start

N = 40


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start(tmp_path_factory.mktemp("fuzz"))
    yield running
    running.close()


@pytest.mark.parametrize("edge", list(fuzz_run.HTTP_EDGES))
def test_http_edges_never_answer_5xx_or_crash(bot: Running, edge: str) -> None:
    strategy = fuzz_run.HTTP_EDGES[edge][2]
    out = edges.run_edge(edge, strategy(bot.connector_url), fuzz_run.http_check(bot, edge), N)
    bot.drain()
    assert out.inputs == N and out.crashes == [] and bot.crashes.records == []


def test_unsigned_slack_requests_store_nothing(bot: Running) -> None:
    import sqlalchemy

    def unsigned(item: Any) -> str:
        return edges.http_check(bot, "/slack/events", "application/json", sign=False)(item)

    with bot.services.db.engine.connect() as conn:
        before = [conn.execute(sqlalchemy.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in ("asked_questions", "seen_events")]
    out = edges.run_edge("unsigned", edges.slack_events(), unsigned, N)
    bot.drain()
    with bot.services.db.engine.connect() as conn:
        after = [conn.execute(sqlalchemy.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in ("asked_questions", "seen_events")]
    assert set(out.outcomes) <= {"401", "400", "404", "413"} and before == after


def test_cli_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"CXBOT_DATA_DIR": str(tmp_path), "CXBOT_LLM": "none", "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    out = edges.run_edge("cli-args", fuzz_run.cli_strategy(), fuzz_run.cli_check(env), N)
    assert out.crashes == []


@pytest.mark.parametrize("edge", ["documents", "pulse-templates"])
def test_file_edges(edge: str) -> None:
    strategy, check = fuzz_run.FILE_EDGES[edge]
    out = edges.run_edge(edge, strategy(), check, N)
    assert out.inputs == N and out.crashes == []


@pytest.mark.parametrize("item", [
    (".docx", edges.zip_bomb(20_000_000)),
    (".html", edges.nested_html(5000, "p")),
    (".html", edges.nested_html(5000, "div")),
])
def test_zip_bombs_and_deep_html_are_refused_quickly(item: tuple[str, bytes]) -> None:
    assert edges.check_document(item).startswith("refused")


def test_kpi_files() -> None:
    strategy, check = fuzz_run.FILE_EDGES["kpi-files"]
    out: Any = edges.run_edge("kpi-files", strategy(), check, 200)
    assert out.crashes == []


def test_ingest_of_an_overlong_path_is_a_reason_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"CXBOT_DATA_DIR": str(tmp_path), "CXBOT_LLM": "none", "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    check = fuzz_run.cli_check(env)
    assert check(["ingest", "/nonexistent", "x" * 300]) == "exit 0"
