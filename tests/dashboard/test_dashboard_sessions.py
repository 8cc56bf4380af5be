"""Sign-in links and sessions in the database: single use, expiry, sign-out, hashes only (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.dashboard.sessions import Sessions, Who, token_hash
from bot.db.engine import Database
from bot.settings import Settings

WHO = Who("h" * 64, "slack", "Ana")


@pytest.fixture
def sessions(db: Database) -> Sessions:
    return Sessions(db, "test-key")


def test_a_link_opens_one_session_and_then_is_spent(sessions: Sessions) -> None:
    token = sessions.issue_link(WHO)

    assert sessions.link_usable(token)
    session = sessions.redeem(token)
    assert session is not None and sessions.who(session) == WHO
    assert not sessions.link_usable(token)
    assert sessions.redeem(token) is None


def test_an_expired_link_and_an_expired_session_are_refused(sessions: Sessions) -> None:
    past = datetime.now(UTC) - timedelta(minutes=11)
    token = sessions.issue_link(WHO, now=past)
    assert sessions.redeem(token) is None

    session = sessions.redeem(sessions.issue_link(WHO), now=datetime.now(UTC) - timedelta(hours=8, seconds=1))
    assert session is not None
    assert sessions.who(session) is None


def test_signing_out_ends_the_session_everywhere(sessions: Sessions) -> None:
    session = sessions.redeem(sessions.issue_link(WHO))
    assert session is not None
    other_replica = Sessions(sessions.db, "test-key")

    assert sessions.end(session)
    assert other_replica.who(session) is None


def test_only_hashes_of_tokens_are_stored(sessions: Sessions) -> None:
    token = sessions.issue_link(WHO)
    session = sessions.redeem(token)
    assert session is not None
    with sessions.db.engine.connect() as conn:
        stored = [str(v) for t in ("dashboard_links", "dashboard_sessions")
                  for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row]
    assert token_hash(token) in stored and token_hash(session) in stored
    assert not any(token in v or session in v for v in stored)


def test_the_csrf_token_belongs_to_its_session(sessions: Sessions) -> None:
    one, two = sessions.redeem(sessions.issue_link(WHO)), sessions.redeem(sessions.issue_link(WHO))
    assert one and two
    assert sessions.csrf_ok(one, sessions.csrf(one))
    assert not sessions.csrf_ok(one, sessions.csrf(two))
    assert not sessions.csrf_ok(one, "")


def test_forgetting_a_person_signs_them_out(sessions: Sessions, settings_factory: Callable[..., Settings]) -> None:
    from bot.dashboard.feature import user_hash
    from bot.trust.privacy import forget

    settings = settings_factory()
    ana = Who(user_hash(settings, "slack", "U0ANA00001"), "slack", "Ana")
    session = sessions.redeem(Sessions(sessions.db, "test-key").issue_link(ana))
    waiting = sessions.issue_link(ana)
    other = sessions.redeem(sessions.issue_link(WHO))
    assert session and other

    done = forget(settings, sessions.db, "U0ANA00001")

    assert done.dashboard == 3  # the used link, the session, the waiting link
    assert sessions.who(session) is None and not sessions.link_usable(waiting)
    assert sessions.who(other) == WHO
