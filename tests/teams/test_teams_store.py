"""Conversation references: upsert keyed by conversation id, welcome claimed once, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.db.engine import Database
from bot.settings import Settings
from bot.teams.store import ConversationStore

REF = {"conversation": {"id": "19:abc@thread.skype"}, "serviceUrl": "https://smba.example/"}


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, settings_factory: Callable[..., Settings]) -> ConversationStore:
    if request.param == "postgres":
        settings = settings_factory(DATABASE_URL=request.getfixturevalue("pg_url"))
    else:
        settings = settings_factory()
    db = Database(settings).migrate()
    request.addfinalizer(db.dispose)
    return ConversationStore(db)


def test_save_upserts_by_conversation_id(store: ConversationStore) -> None:
    store.save("19:abc@thread.skype", REF, kind="channel", tenant_id="t1", team_id="team1")
    store.save("19:abc@thread.skype", {**REF, "serviceUrl": "https://smba.example/emea/"}, kind="channel")
    store.save("a:dm", {"conversation": {"id": "a:dm"}}, kind="dm")

    stored = store.get("19:abc@thread.skype")

    assert stored is not None
    assert stored.reference["serviceUrl"] == "https://smba.example/emea/"
    assert stored.kind == "channel" and stored.installed
    assert [c.id for c in store.all()] == ["a:dm", "19:abc@thread.skype"]
    assert store.get("19:missing") is None


def test_welcome_is_claimed_once_per_installation(store: ConversationStore) -> None:
    store.save("a:dm", REF, kind="dm")

    first, second = store.claim_welcome("a:dm"), store.claim_welcome("a:dm")
    store.uninstalled("a:dm")
    uninstalled = store.get("a:dm")
    store.save("a:dm", REF, kind="dm")

    assert (first, second) == (True, False)
    assert uninstalled is not None and not uninstalled.installed
    assert store.all() != [] and store.claim_welcome("a:dm") is True
    assert store.claim_welcome("a:unknown") is False


def test_uninstalled_conversations_are_left_out_of_the_list(store: ConversationStore) -> None:
    store.save("a:one", REF, kind="dm")
    store.save("a:two", REF, kind="dm")
    store.uninstalled("a:one")

    assert [c.id for c in store.all()] == ["a:two"]
    assert {c.id for c in store.all(installed_only=False)} == {"a:one", "a:two"}
