"""Secrets never reach `cxbot doctor` output or logs; documents beyond the size and chunk limits are refused."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trust_kit  # noqa: F401 - puts the Slack test kit on the path
from pydantic import SecretStr
from slack_testkit import Slack, mention, running_slack, slack_settings, slash
from typer.testing import CliRunner

from bot.cli import app
from bot.knowledge import Knowledge
from bot.ops.logs import JsonFormatter
from bot.settings import Settings
from testkit.slack_api import FakeSlackAPI

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-1111-2222-ZKQ9BOTTOKEN",
    "SLACK_SIGNING_SECRET": "ZKQ9SIGNING0123456789abcdefabcd",
    "SLACK_APP_TOKEN": "xapp-1-ZKQ9APPTOKEN",
    "OPENAI_API_KEY": "sk-ZKQ9OPENAIKEY",
    "MicrosoftAppPassword": "ZKQ9TEAMSPASSWORD",
    "CXBOT_HASH_KEY": "ZKQ9HASHKEY-0123456789-abcdefghij",
}


def test_doctor_never_prints_any_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CXBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://cx:ZKQ9DBPASSWORD@127.0.0.1:1/nope")
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, ["doctor"])
    assert "ZKQ9" not in result.output, result.output


@pytest.fixture
async def slack(sample_index: Settings, tmp_path: Path) -> AsyncIterator[Slack]:
    fake = FakeSlackAPI()
    await fake.start()
    settings = slack_settings(sample_index, tmp_path, fake.url).model_copy(update={
        "hash_key": SecretStr(SECRETS["CXBOT_HASH_KEY"]), "llm": "openai",
        "openai_api_key": SecretStr(SECRETS["OPENAI_API_KEY"]), "openai_base_url": "http://127.0.0.1:9/v1",
    })
    async with running_slack(settings, fake) as slack:
        yield slack
    await fake.stop()


async def test_logs_never_carry_secrets_even_when_things_fail(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    slack.fake.fail("usergroups.list")
    await slack.event(mention(event_id="EvSecret"))       # the LLM is unreachable: falls back, logs a warning
    await slack.form(slash("help"))
    await slack.send('{"type": "event_callback"}', signed=False)  # rejected signature
    await slack.fake.wait_for("chat.postMessage")
    await slack.settle()
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert caplog.records and "ZKQ9" not in logged and "xoxb-test" not in logged


def write(root: Path, name: str, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    return root


def test_documents_over_the_size_or_chunk_limit_are_skipped_with_a_reason(
    settings_factory: object, tmp_path: Path,
) -> None:
    root = write(tmp_path / "k", "big.md", "# Big\n\n" + "Customers matter a great deal. " * 2000)
    write(root, "small.md", "# Small\n\nComplaints are acknowledged within four business hours.\n")
    k = Knowledge(settings_factory(CXBOT_MAX_FILE_BYTES="20000"))  # type: ignore[operator]
    summary = k.indexer().run([root])
    assert [s.reason for s in summary.skipped] == ["larger than 20000 bytes"] and summary.added == 1
    k2 = Knowledge(settings_factory(CXBOT_MAX_CHUNKS_PER_FILE="3", CXBOT_DATA_DIR=tmp_path / "d2"))  # type: ignore[operator]
    summary = k2.indexer().run([root])
    assert [s.reason.split(" (")[0] for s in summary.skipped] == ["more than 3 chunks"]
    assert {str(m.path).rsplit("/", 1)[-1] for m in k2.store.all_chunks()[2]} == {"small.md"}
