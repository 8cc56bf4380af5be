"""`cxbot doctor`: well-formed tokens, coherent platforms, database, Chroma, embedder; no secrets shown."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.db.engine import migrate
from bot.ops.checks import check_chroma, check_database, check_embedder, check_slack, check_teams
from bot.settings import Settings
from testkit.net import free_port

GOOD_SECRET = "0123456789abcdef0123456789abcdef"
GUID = "11111111-2222-3333-4444-555555555555"


def statuses(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.status for f in findings]


def test_slack_well_formed_tokens_pass(settings_factory: Callable[..., Settings]) -> None:
    found = check_slack(settings_factory(SLACK_BOT_TOKEN="xoxb-1234-5678-abcdefgh", SLACK_SIGNING_SECRET=GOOD_SECRET))
    assert statuses(found) == ["ok"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-1234-5678-abcdefgh", "SLACK_SIGNING_SECRET": GOOD_SECRET}, "not a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1234-5678-abcdefgh"}, "SLACK_SIGNING_SECRET is missing"),
        ({"SLACK_SIGNING_SECRET": GOOD_SECRET}, "SLACK_BOT_TOKEN is missing"),
        ({"SLACK_BOT_TOKEN": "xoxb-1234-5678-abcdefgh", "SLACK_SIGNING_SECRET": "short"}, "32 hex"),
    ],
)
def test_slack_problems_are_named_with_a_fix(
    settings_factory: Callable[..., Settings], env: dict[str, str], expected: str,
) -> None:
    found = check_slack(settings_factory(**env))
    assert "fail" in statuses(found)
    assert any(expected in f.detail and f.fix for f in found)


def test_teams_settings_must_be_coherent(settings_factory: Callable[..., Settings]) -> None:
    assert statuses(check_teams(settings_factory())) == ["warn"]
    ok = settings_factory(MicrosoftAppId=GUID, MicrosoftAppPassword="pw")
    assert statuses(check_teams(ok)) == ["ok"]
    single = check_teams(settings_factory(MicrosoftAppId=GUID, MicrosoftAppPassword="pw", MicrosoftAppType="SingleTenant"))
    assert any("MicrosoftAppTenantId" in f.detail for f in single)
    bad = check_teams(settings_factory(MicrosoftAppId="not-a-guid"))
    assert {f.detail for f in bad} >= {"MicrosoftAppId is missing or not a GUID", "MicrosoftAppPassword is missing"}


def test_database_must_be_migrated(pg_url: str, settings_factory: Callable[..., Settings]) -> None:
    cfg = settings_factory(DATABASE_URL=pg_url)
    assert "no cxbot tables" in check_database(cfg)[0].detail
    migrate(cfg.db_url)
    assert statuses(check_database(cfg)) == ["ok"]


def test_unreachable_database_is_reported(settings_factory: Callable[..., Settings]) -> None:
    found = check_database(settings_factory(DATABASE_URL="postgresql://postgres:hunter2@127.0.0.1:1/x"))
    assert statuses(found) == ["fail"]
    assert "hunter2" not in found[0].detail


def test_chroma_must_be_reachable_and_indexed(
    settings_factory: Callable[..., Settings], sample_index: Settings, tmp_path: Path,
) -> None:
    closed = free_port()
    down = check_chroma(settings_factory(CHROMA_URL=f"http://127.0.0.1:{closed}"))
    assert statuses(down) == ["fail"] and "chroma run" in down[0].fix
    empty = check_chroma(settings_factory())
    assert "cxbot ingest" in empty[0].fix
    shutil.copytree(sample_index.data_dir / "chroma", tmp_path / "data" / "chroma", dirs_exist_ok=True)
    assert statuses(check_chroma(settings_factory())) == ["ok"]
    # An index from before the word bridge: answers work, the doctor says how to get the bridge.
    from bot.search.store import KnowledgeStore

    store = KnowledgeStore(settings_factory())
    store.drop_words(sorted(store.word_ids()))
    older = check_chroma(settings_factory())
    assert statuses(older) == ["ok", "warn"] and "cxbot ingest" in older[1].fix


def test_embedder_loads(settings: Settings) -> None:
    assert statuses(check_embedder(settings)) == ["ok"]


def test_doctor_command_prints_fixes_never_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CXBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-SECRET-VALUE-123456")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "topsecretsigningvalue")
    monkeypatch.setenv("MicrosoftAppPassword", "TEAMS-PASSWORD-VALUE")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "fix:" in result.output and "not a bot token" in result.output
    for secret in ("SECRET-VALUE", "topsecretsigningvalue", "TEAMS-PASSWORD-VALUE"):
        assert secret not in result.output
