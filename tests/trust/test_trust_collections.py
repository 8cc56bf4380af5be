"""Collections: the config file, folder mapping, audiences, ingest tags and retrieval filtering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from trust_kit import (
    LEAD_CHANNEL_SLACK,
    LEAD_CHANNEL_TEAMS,
    LEAD_GROUP_SLACK,
    LEAD_USER_TEAMS,
    PUBLIC_QUESTION,
    SECRET_QUESTION,
    leaks,
    write_knowledge,
)

from bot.ask.answer import NO_ANSWER
from bot.core.model import Conversation, Inbound, InboundKind, User
from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.slack.translate import readers as slack_readers
from bot.teams.inbound import readers as teams_readers
from bot.trust.audience import allowed_for
from bot.trust.collections import DEFAULT, Collections, CollectionsError


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    from testenv import make_settings

    root = write_knowledge(tmp_path_factory.mktemp("knowledge"))
    k = Knowledge(make_settings(tmp_path_factory.mktemp("data"), CXBOT_KNOWLEDGE_DIR=root))
    k.indexer().run([root])
    return k


def inbound(platform: str, conv: str, kind: str = "channel", user: str = "U1", groups: tuple[str, ...] = (),
            team: str | None = None) -> Inbound:
    """An inbound with its readers filled in by that platform's adapter rules (none on the console)."""
    raw = Inbound(InboundKind.MESSAGE, Conversation(platform, conv, kind, None, team),  # type: ignore[arg-type]
                  User(platform, user, groups=groups), text="q")  # type: ignore[arg-type]
    if platform == "slack":
        return replace(raw, readers=slack_readers(raw))
    if platform == "teams":
        return replace(raw, readers=teams_readers(raw.conversation, raw.user))
    return raw


def test_folders_map_to_collections_and_the_rest_is_default(tmp_path: Path) -> None:
    c = Collections.load(write_knowledge(tmp_path))
    assert c.of_path(tmp_path / "leadership" / "falcon.md") == "leadership"
    assert c.of_path(tmp_path / "public" / "x" / "y.md") == "handbook"
    assert c.of_path(tmp_path / "other.md") == DEFAULT
    assert c.of_path("/elsewhere/corpus/page.md") == DEFAULT
    assert c.public() == {"handbook", DEFAULT}


def test_no_collections_file_means_everything_is_default(tmp_path: Path) -> None:
    c = Collections.load(tmp_path)
    assert c.of_path(tmp_path / "a" / "b.md") == DEFAULT and c.public() == {DEFAULT}


@pytest.mark.parametrize("text, message", [
    ("collections: [1, 2]", "top-level"),
    ("collections:\n  x:\n    audience: everyone\n", "needs a 'folder'"),
    ("collections:\n  x:\n    folder: ../../etc\n", "outside the knowledge dir"),
    ("collections:\n  x:\n    folder: a\n    audience: {slack_rooms: [C1]}\n", "unknown audience keys"),
    ("collections:\n  x:\n    folder: a\n    audience: {slack_channels: C1}\n", "must be a list"),
    ("collections:\n  default:\n    folder: a\n", "bad collection name"),
    ("collections: {x: [", "not valid YAML"),
])
def test_a_malformed_collections_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "collections.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CollectionsError, match=message):
        Collections.load(tmp_path)


def test_a_collection_without_audience_is_visible_to_nobody(tmp_path: Path) -> None:
    (tmp_path / "collections.yaml").write_text("collections:\n  x:\n    folder: x\n", encoding="utf-8")
    c = Collections.load(tmp_path)
    assert "x" not in allowed_for(c, inbound("slack", "C1")) | allowed_for(c, inbound("slack", "D1", "dm"))


@pytest.mark.parametrize("where, sees", [
    (inbound("slack", LEAD_CHANNEL_SLACK), True),
    (inbound("slack", "C0GENERAL", user="U1", groups=(LEAD_GROUP_SLACK,)), False),  # channel rules, not the asker
    (inbound("slack", "D1", "dm", groups=(LEAD_GROUP_SLACK,)), True),
    (inbound("slack", "D1", "dm", groups=("SOTHER",)), False),
    (inbound("slack", LEAD_CHANNEL_SLACK, "dm"), False),  # a DM is about the user, not a channel id
    (inbound("teams", LEAD_CHANNEL_TEAMS, team="19:someteam"), True),
    (inbound("teams", "19:other@thread.tacv2", team="19:someteam"), False),
    (inbound("teams", "a:personal", "dm", user=LEAD_USER_TEAMS), True),
    (inbound("teams", "a:personal", "dm", user="aad-someone-else"), False),
    (inbound("console", "local", "dm"), False),
])
def test_audiences(tmp_path: Path, where: Inbound, sees: bool) -> None:
    allowed = allowed_for(Collections.load(write_knowledge(tmp_path)), where)
    assert ("leadership" in allowed) is sees
    assert {"handbook", DEFAULT} <= allowed


def test_ingest_tags_every_chunk_with_its_collection(scoped: Knowledge) -> None:
    _ids, _texts, metas = scoped.store.all_chunks()
    tags = {Path(str(m.doc)).name: m.collection for m in metas}
    assert tags == {"returns.md": "handbook", "falcon.md": "leadership"}


def test_restricted_knowledge_answers_only_where_its_audience_is(scoped: Knowledge) -> None:
    inside = scoped.ask.answer(SECRET_QUESTION, allowed=frozenset({"leadership", "handbook", DEFAULT}))
    outside = scoped.ask.answer(SECRET_QUESTION)
    unknown = scoped.ask.answer("What is the Zorblax procedure for moon rocks?")
    assert inside.answered and "Leipzig" in inside.text
    assert not outside.answered and outside.sources == [] and leaks(outside.text) == []
    assert outside.text == unknown.text == NO_ANSWER.format(contact=scoped.settings.ask_contact)


def test_public_answers_never_cite_restricted_sources(scoped: Knowledge) -> None:
    answer = scoped.ask.answer(PUBLIC_QUESTION + " Also, Project Falcon Leipzig?")
    assert all("falcon" not in s.path for s in answer.sources)
    assert "Leipzig" not in answer.text
    passages = scoped.retriever.search(SECRET_QUESTION)
    assert passages and all(p.meta.collection != "leadership" for p in passages)


def test_a_folder_made_private_is_hidden_at_once_and_retagged_on_ingest(
    tmp_path: Path, settings_factory: Callable[..., Settings],
) -> None:
    root = write_knowledge(tmp_path / "k")
    (root / "collections.yaml").write_text("collections: {}\n", encoding="utf-8")
    k = Knowledge(settings_factory(CXBOT_KNOWLEDGE_DIR=root))
    k.indexer().run([root])
    assert k.ask.answer(SECRET_QUESTION).answered
    (root / "collections.yaml").write_text("collections:\n  hidden:\n    folder: leadership\n", encoding="utf-8")
    fresh = Knowledge(k.settings)
    assert not fresh.ask.answer(SECRET_QUESTION).answered  # tag and path disagree: nobody sees it
    fresh.indexer().run([root])
    tags = {Path(str(m.doc)).name: m.collection for m in fresh.store.all_chunks()[2]}
    assert tags == {"returns.md": DEFAULT, "falcon.md": "hidden"}
    assert not fresh.ask.answer(SECRET_QUESTION).answered
    assert fresh.ask.answer(SECRET_QUESTION, allowed=frozenset({"hidden", DEFAULT})).answered
