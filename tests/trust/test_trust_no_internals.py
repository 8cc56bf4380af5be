"""Chat messages never show server internals: each error kind, rendered for Slack and for Teams.

Every kind of failure a digest, a pulse or an ask can meet is posted through the router; the messages
are rendered with the Slack Block Kit and the Teams Adaptive Card renderers, and no text in them may
hold a '/', a URL, a credential or the text of an exception. The source is named by its configured
name and kind, and admins are pointed to `cxbot doctor`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_services
from bot.core.model import Conversation, Inbound, InboundKind, Outbound, User
from bot.settings import Settings
from bot.slack.blocks import render
from bot.teams.adaptive import adaptive_card
from testkit.ports import RecordingPort

USER = User("slack", "UADMIN")
CHANNEL = Conversation("slack", "C1")
SECRET = "hunter2"
INTERNALS = re.compile(r"https?:|/|\\|errno|no such file|traceback|exception|error:|refused|hunter2|"
                       r"psycopg|sqlalchemy|operationalerror|yaml|line \d+|column", re.IGNORECASE)
COLUMNS = "columns: {date: responded_at, survey: survey, score: score, segment: segment}"


def texts(doc: Any) -> list[str]:
    """Every string a person can read in a rendered message (not the card schema, not image data)."""
    if isinstance(doc, dict):
        return [t for k, v in doc.items() if k not in ("$schema", "type", "version", "style", "url", "image_url")
                for t in texts(v)]
    if isinstance(doc, list):
        return [t for v in doc for t in texts(v)]
    return [doc] if isinstance(doc, str) else []


def rendered(out: Outbound) -> dict[str, list[str]]:
    slack = render(out)
    return {"slack": [*texts(slack.blocks), slack.text], "teams": texts(adaptive_card(out))}


async def say(settings: Settings, text: str) -> list[dict[str, list[str]]]:
    services = build_services(settings)
    port = RecordingPort()
    try:
        await services.router.dispatch(Inbound(InboundKind.MESSAGE, CHANNEL, USER, text=text), port)
    finally:
        services.close()
    assert port.sent, text
    return [rendered(out) for _, _, out in port.sent]


def kpis(tmp: Path, source: str) -> Path:
    path = tmp / "kpis.yaml"
    path.write_text(f"surveys:\n  source: {source}\n  {COLUMNS}\n", encoding="utf-8")
    return path


def csv(tmp: Path, text: str) -> str:
    (tmp / "surveys.csv").write_text(text, encoding="utf-8")
    return f'{{type: csv, path: "{tmp / "surveys.csv"}"}}'


KPI_SOURCES: dict[str, Callable[[Path], str]] = {
    "csv-missing": lambda tmp: f'{{type: csv, path: "{tmp / "nowhere" / "surveys.csv"}"}}',
    "csv-wrong-columns": lambda tmp: csv(tmp, "when,what,how\n2026-01-05,nps,9\n"),
    "csv-unreadable": lambda tmp: csv(tmp, "responded_at,survey,score,segment\n")[:-1] + ', delimiter: ";;"}',
    "sql-down": lambda tmp: f'{{type: sql, url: "postgresql+psycopg://admin:{SECRET}@127.0.0.1:9/kpis", query: "SELECT 1"}}',
    "sql-bad-query": lambda tmp: f'{{type: sql, url: "sqlite:///{tmp / "k.db"}", query: "SELECT nope FROM missing"}}',
    "http-down": lambda tmp: f'{{type: http, url: "http://admin:{SECRET}@127.0.0.1:9/kpis?token={SECRET}"}}',
}


@pytest.mark.parametrize("kind", KPI_SOURCES)
async def test_a_digest_with_a_source_down_names_it_and_points_to_doctor(
    settings_factory: Callable[..., Settings], tmp_path: Path, kind: str,
) -> None:
    cfg = settings_factory(CXBOT_KPI_CONFIG=kpis(tmp_path, KPI_SOURCES[kind](tmp_path)))

    [card] = await say(cfg, "digest now")

    for platform, strings in card.items():
        leaks = [s for s in strings if INTERNALS.search(s)]
        assert leaks == [], (platform, leaks)
        assert any("surveys (" in s and "): not available" in s for s in strings), (platform, strings)
        assert any("cxbot doctor" in s for s in strings), platform


@pytest.mark.parametrize("config", ["missing", "not-yaml", "wrong-shape"])
async def test_digest_now_without_a_usable_config_says_so_plainly(
    settings_factory: Callable[..., Settings], tmp_path: Path, config: str,
) -> None:
    path = tmp_path / "kpis.yaml"
    if config == "not-yaml":
        path.write_text("surveys: [unclosed\n  source: {type: csv", encoding="utf-8")
    elif config == "wrong-shape":
        path.write_text("surveys:\n  source: {type: ftp, url: 'ftp://admin:hunter2@x/y'}\n", encoding="utf-8")

    [message] = await say(settings_factory(CXBOT_KPI_CONFIG=path), "digest now")

    for platform, strings in message.items():
        assert [s for s in strings if INTERNALS.search(s)] == [], platform
        assert any("KPI configuration" in s and "cxbot doctor" in s for s in strings), platform


async def test_a_week_that_is_not_one_is_answered_without_the_parser_s_words(settings: Settings) -> None:
    [message] = await say(settings, "digest now 2026-W99")

    for strings in message.values():
        assert [s for s in strings if INTERNALS.search(s)] == []
        assert any("2026-W99" in s and "not a week" in s for s in strings)


async def test_broken_pulse_templates_are_counted_for_an_evangelist_not_shown(
    settings_factory: Callable[..., Settings], tmp_path: Path,
) -> None:
    (tmp_path / "broken.yaml").write_text("id: [unclosed", encoding="utf-8")
    (tmp_path / "wrong.yaml").write_text(json.dumps({"id": "Bad Id", "title": {"en": "x"}}), encoding="utf-8")
    cfg = settings_factory(CXBOT_PULSE_TEMPLATES=tmp_path, CXBOT_EVANGELISTS=USER.id)

    [message] = await say(cfg, "pulse templates")

    for platform, strings in message.items():
        assert [s for s in strings if INTERNALS.search(s)] == [], platform
        assert any("2 template files have problems" in s and "cxbot doctor" in s for s in strings), platform


async def test_knowledge_down_is_a_plain_apology(settings_factory: Callable[..., Settings]) -> None:
    cfg = settings_factory(CHROMA_URL=f"http://admin:{SECRET}@127.0.0.1:9", CHROMA_TIMEOUT=1)

    [message] = await say(cfg, "How fast must we acknowledge a complaint?")

    for platform, strings in message.items():
        assert [s for s in strings if INTERNALS.search(s)] == [], platform
        assert any("temporarily unavailable" in s for s in strings), platform


async def test_answer_sources_name_files_without_their_folders(sample_index: Settings) -> None:
    [card] = await say(sample_index, "How fast must we acknowledge a customer complaint?")

    for platform, strings in card.items():
        sources = [s for s in strings if "complaint-handling-playbook.md" in s]
        assert sources and not any("/" in s for s in sources), (platform, sources)
