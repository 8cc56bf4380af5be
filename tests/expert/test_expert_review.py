"""Verified entries past their review date are flagged to the collection's owners, once (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from expert_kit import EXPERTS_SLACK, OWNER, OWNER_GROUP, QUESTION, REPLY, expert_knowledge

from bot.app import Services, build_services
from bot.core.model import Card, Mentions, card_text
from bot.expert import entries
from bot.expert.models import VerifiedEntry
from bot.expert.store import ExpertStore
from testkit.ports import RecordingPort


@pytest.fixture(params=["sqlite", "postgresql"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'r.db'}"
    s = build_services(expert_knowledge(tmp_path, DATABASE_URL=db))
    yield s
    s.close()


def saved_entry(services: Services, days_ago: int, review_days: int = 30) -> VerifiedEntry:
    saved = datetime.now(UTC) - timedelta(days=days_ago)
    entry = VerifiedEntry(reply_id=None, platform="slack", collection="playbooks", path="pending:1", question=QUESTION,
                          author="Ana Example", saved_at=saved, review_at=saved + timedelta(days=review_days))
    store = ExpertStore(services.db)
    assert store.add_verified(entry) is not None
    folder = services.settings.knowledge_dir / "playbooks"
    path = entries.write(folder, entry.id, QUESTION, REPLY, "Ana Example", saved.date(), entry.review_at.date())
    store.set_path(entry.id, path.relative_to(services.settings.knowledge_dir.resolve()).as_posix())
    return entry


async def review(services: Services) -> None:
    [ticker] = [t for t in services.scheduler.tickers if t.name == "expert-review"]
    await ticker.job()


async def test_an_entry_past_its_review_date_is_flagged_to_its_owners_once(services: Services) -> None:
    port = RecordingPort()
    services.ports["slack"] = port
    saved_entry(services, days_ago=40)
    saved_entry(services, days_ago=5)  # not due yet

    await review(services)
    await review(services)  # every replica runs the ticker: still one flag

    [(verb, where, card)] = port.sent
    assert verb == "post" and where.id == EXPERTS_SLACK and isinstance(card, Card)
    [tags] = [b for b in card.blocks if isinstance(b, Mentions)]
    assert {m.id for m in tags.who} == {OWNER, OWNER_GROUP}
    assert QUESTION in card_text(card) and "Ana Example" in card_text(card)


async def test_a_review_date_moved_in_the_file_is_respected(services: Services) -> None:
    port = RecordingPort()
    services.ports["slack"] = port
    entry = saved_entry(services, days_ago=40)
    file = services.settings.knowledge_dir / ExpertStore(services.db).verified()[0].path
    later = (datetime.now(UTC) + timedelta(days=60)).date()
    file.write_text(file.read_text(encoding="utf-8").replace(f"review: {entry.review_at.date()}", f"review: {later}"),
                    encoding="utf-8")

    await review(services)

    assert port.sent == []
    assert ExpertStore(services.db).verified()[0].review_at.date() == later


def test_forget_deletes_the_escalations_a_person_asked_for(services: Services) -> None:
    from bot.core.model import Conversation, User
    from bot.expert.store import Asked
    from bot.trust.privacy import forget

    store = ExpertStore(services.db)
    asked = Asked("q1", QUESTION, User("slack", "WFORGET1", "Fay"), Conversation("slack", "C1"), False, "1.1")
    esc = store.claim(asked, "playbooks", EXPERTS_SLACK, datetime.now(UTC))
    assert esc is not None
    store.posted(esc.id, "9.9")
    assert store.add_reply(esc, "9.10", User("slack", OWNER, "Ana"), REPLY, datetime.now(UTC)) is not None

    done = forget(services.settings, services.db, "slack:WFORGET1")

    assert done.escalations == 1 and store.by_question("q1") is None


async def test_odd_button_values_get_a_clear_reply_not_an_error(services: Services) -> None:
    from bot.core.model import Conversation, Inbound, InboundKind, Text, User

    port = RecordingPort()
    where, who = Conversation("slack", "C1", thread="1.1"), User("slack", "U1")
    for action, value in (("expert:save", "²"), ("expert:save", "9" * 40), ("expert:save", ""),
                          ("expert:ask", "x" * 5000 + "|" + "y" * 5000), ("expert:ask", "|")):
        await services.router.dispatch(Inbound(InboundKind.ACTION, where, who, action=action, value=value), port)

    replies = [out for verb, _where, out in port.sent if verb == "reply"]
    assert len(replies) == 5 and all(isinstance(r, Text) and "no longer available" in r.text for r in replies)


def test_a_question_is_claimed_once_and_again_only_after_a_failed_or_abandoned_post(services: Services) -> None:
    from bot.core.model import Conversation, User
    from bot.expert.store import Asked

    store = ExpertStore(services.db)
    asked = Asked("q2", QUESTION, User("slack", "U1"), Conversation("slack", "C1"), False, None)
    now = datetime.now(UTC)
    first = store.claim(asked, "playbooks", EXPERTS_SLACK, now)
    assert first is not None and store.claim(asked, "playbooks", EXPERTS_SLACK, now) is None
    assert store.claim(asked, "playbooks", EXPERTS_SLACK, now + timedelta(minutes=6)) is not None  # poster died
    store.posted(first.id, None)  # the post failed: the next click tries again
    assert store.claim(asked, "playbooks", EXPERTS_SLACK, now) is not None
    store.posted(first.id, "9.9")
    assert store.claim(asked, "playbooks", EXPERTS_SLACK, now + timedelta(days=1)) is None
