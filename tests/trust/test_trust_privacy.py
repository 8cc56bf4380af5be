"""Privacy: question retention, `cxbot forget`, and no raw user ids or sub-floor results anywhere."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy
import trust_kit  # noqa: F401 - puts the Slack test kit on the path
from pydantic import SecretStr
from slack_testkit import QUESTION, Slack, fixture, mention, running_slack, slack_settings, slash
from typer.testing import CliRunner

from bot.app import Services, build_services
from bot.ask.store import AskedQuestion, QuestionLog
from bot.cli import app
from bot.core.model import Conversation, Inbound, InboundKind, User
from bot.core.privacy import hash_user
from bot.pulse.cards import NOT_ENOUGH
from bot.pulse.models import PulseVote
from bot.settings import Settings
from bot.trust.privacy import forget, parse_user, purge_questions
from testkit.ports import RecordingPort
from testkit.slack_api import FakeSlackAPI

RAW = re.compile(r"WRAW\d{5}|WRAWEVA")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "postgresql":
        return {"DATABASE_URL": request.getfixturevalue("pg_url")}
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'trust.db'}"}


@pytest.fixture
def services(settings_factory: Callable[..., Settings], db_env: dict[str, str]) -> AsyncIterator[Services]:
    s = build_services(settings_factory(CXBOT_EVANGELISTS="U_EVA", CXBOT_PULSE_CHART="false",
                                        CXBOT_PULSE_REFRESH_SECONDS="0", **db_env))
    yield s  # type: ignore[misc]
    s.close()


def record(services: Services, user: str, when: datetime, platform: str = "slack") -> str:
    qid = QuestionLog(services.db).record(
        platform=platform, conversation=f"{platform}:C1", question="q", answered=False, top_source=None,
        user_hash=hash_user(services.settings.hash_key.get_secret_value(), platform, user))
    with services.db.session() as s, s.begin():
        s.execute(sqlalchemy.update(AskedQuestion).where(AskedQuestion.id == qid).values(asked_at=when))
    return qid


def test_questions_expire_after_the_retention_period_via_the_scheduler(services: Services) -> None:
    now = datetime.now(UTC)
    old, recent = record(services, "U1", now - timedelta(days=91)), record(services, "U1", now - timedelta(days=89))
    assert "question-retention" in [t.name for t in services.scheduler.tickers]
    asyncio.run(services.scheduler.run_all_once())
    log = QuestionLog(services.db)
    assert log.get(old) is None and log.get(recent) is not None
    short = services.settings.model_copy(update={"question_retention_days": 7})
    assert purge_questions(short, services.db) == 1


def test_parse_user_accepts_qualified_and_plain_ids() -> None:
    assert parse_user("slack:U1") == [("slack", "U1")]
    assert parse_user("teams:29:abc") == [("teams", "29:abc")]
    assert [p for p, _ in parse_user("U1")] == ["slack", "teams", "console"]
    for bad in ("", "  ", "a b", "x" * 300):
        with pytest.raises(ValueError):
            parse_user(bad)


async def test_forget_deletes_one_persons_questions_and_pulse_votes(services: Services) -> None:
    port = RecordingPort()
    services.ports["slack"] = port
    conv = Conversation("slack", "C100", "channel", team="T1")
    await services.router.dispatch(Inbound(InboundKind.COMMAND, conv, User("slack", "U_EVA"), text="pulse start",
                                           private=True), port)
    pid = int(next(o for k, _, o in port.sent if k == "post").meta["pulse_id"])  # type: ignore[union-attr]
    for who in ("U_GONE", "U_STAYS"):
        await services.router.dispatch(Inbound(InboundKind.ACTION, conv, User("slack", who), action="pulse_vote:0:4",
                                               value=f"{pid}:0:4", message_id="1"), port)
        record(services, who, datetime.now(UTC))
    await services.features.pulse.drain()
    key = services.settings.hash_key.get_secret_value()
    for who in ("U_GONE", "U_STAYS"):
        services.features.ask.history.remember(replace(conv, thread="1.0"), hash_user(key, "slack", who), "Q?", "A.")
    done = forget(services.settings, services.db, "slack:U_GONE")
    assert (done.questions, done.votes, done.thread_exchanges) == (1, 1, 1)
    assert len(services.features.ask.history.history(replace(conv, thread="1.0"))) == 1
    with services.db.session() as s:
        assert s.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(PulseVote)) == 1
        assert s.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(AskedQuestion)) == 1
    assert forget(services.settings, services.db, "U_GONE").questions == 0


def test_forget_cli(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    record(services, "U9", datetime.now(UTC))
    monkeypatch.setenv("CXBOT_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", services.settings.db_url)
    result = CliRunner().invoke(app, ["forget", "slack:U9"])
    assert result.exit_code == 0 and "Deleted 1 questions" in result.output
    bad = CliRunner().invoke(app, ["forget", "a b"])
    assert bad.exit_code == 2 and "user id like" in bad.output


# ------------------------------------------------------------------ nothing leaks


def clicked(user: str, action_id: str, value: str, channel: str = "C111") -> str:
    body = fixture("interactivity_block_actions.json")
    body["user"]["id"] = user
    body["actions"][0].update(action_id=action_id, value=value)
    body["container"].update(is_ephemeral=False, channel_id=channel)
    body["channel"]["id"] = channel
    return "payload=" + urllib.parse.quote(json.dumps(body))


def as_user(form: str, user: str) -> str:
    return form.replace("user_id=W111", f"user_id={user}")


@pytest.fixture
async def slack(sample_index: Settings, tmp_path: Path, db_env: dict[str, str]) -> AsyncIterator[Slack]:
    fake = FakeSlackAPI()
    await fake.start()
    settings = slack_settings(sample_index, tmp_path, fake.url).model_copy(update={
        "database_url": db_env["DATABASE_URL"], "evangelists": "WRAWEVA", "pulse_chart": False,
        "pulse_refresh_seconds": 0.0, "hash_key": SecretStr("a-real-looking-hash-key-for-tests-0123"),
    })
    async with running_slack(settings, fake) as slack:
        yield slack
    await fake.stop()


def every_row(services: Services) -> str:
    """Every value of every table, as text."""
    out: list[str] = []
    with services.db.engine.connect() as conn:
        for name in sqlalchemy.inspect(conn).get_table_names():
            for row in conn.execute(sqlalchemy.text(f'SELECT * FROM "{name}"')):
                out.append(f"{name}: " + " | ".join(map(str, row)))
    return "\n".join(out)


# Raw ids some tables must keep, and why (everything else must hold none):
ALLOWED_RAW = {
    "ask_shareable_answers",  # asker of a private answer, kept 1 day for "Share", deleted by `cxbot forget`
}


async def test_no_raw_user_id_and_no_sub_floor_result_in_any_table_or_endpoint(slack: Slack) -> None:
    await slack.event(mention(event_id="EvLeak1") | {"event": {**mention()["event"], "user": "WRAW00001"}})
    dm = fixture("events_message_im.json")
    dm["event"].update(user="WRAW00002", text=QUESTION)
    await slack.event(dm)
    await slack.form(as_user(slash(QUESTION), "WRAW00003"))
    await slack.form(as_user(slash("pulse start"), "WRAWEVA"))
    [card] = [c for c in await slack.fake.wait_for("chat.postMessage", 3) if "pulse_vote" in json.dumps(c.args)]
    pid = re.search(r'"value": "(\d+):0:1"', json.dumps(card.args)).group(1)  # type: ignore[union-attr]
    for voter in ("WRAW00004", "WRAW00005"):  # two voters: below the anonymity floor of 3
        await slack.form(clicked(voter, "pulse_vote:0:5", f"{pid}:0:5"))
    await slack.settle()
    await slack.services.features.pulse.drain()
    await slack.form(as_user(slash(f"pulse close {pid}"), "WRAWEVA"))
    await slack.event({"type": "event_callback", "event_id": "EvHome", "team_id": "T111",
                       "event": {"type": "app_home_opened", "user": "WRAW00004", "tab": "home"}})
    await slack.fake.wait_for("views.publish")
    await slack.settle()

    rows = every_row(slack.services)
    leaked = [line for line in rows.splitlines() if RAW.search(line) and line.split(":")[0] not in ALLOWED_RAW]
    assert leaked == []
    assert "WRAW00004" not in rows and "WRAW00005" not in rows  # votes: hashed per pulse
    for path in ("/healthz", "/readyz", "/metrics"):
        async with slack.http.get(slack.url(path)) as resp:
            body = await resp.text()
            assert resp.status < 500 and not RAW.search(body), path
    home = json.dumps([c.args["view"] for c in slack.fake.called("views.publish")])
    assert not RAW.search(home)
    # The results card is posted, and below the floor it shows the anonymity note instead of any figure.
    results = [json.dumps(c.args, ensure_ascii=False) for c in slack.fake.called("chat.postMessage")
               if "Results:" in json.dumps(c.args, ensure_ascii=False) and f"#{pid}" in json.dumps(c.args)]
    assert len(results) == 1, "the pulse's results card was not posted"
    assert "2 took part" in results[0] and NOT_ENOUGH in results[0]
    assert not re.search(r"\bmean\b|5\.0|`5`", results[0]), results[0]  # no mean, no distribution bars
    assert "5.0" not in home
    env = {"CXBOT_DATA_DIR": str(slack.services.settings.data_dir),
           "DATABASE_URL": slack.services.settings.db_url, "CXBOT_ANONYMITY_K": "3"}
    export = await asyncio.to_thread(CliRunner().invoke, app, ["pulse", "export", pid, "--csv"], env=env)
    assert export.exit_code == 0, export.output
    assert not RAW.search(export.output)
    exported = list(csv.DictReader(io.StringIO(export.output)))
    assert exported and all(r["mean"] == "" and r["score_5"] == "" for r in exported), export.output
