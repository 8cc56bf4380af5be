"""Sign-in links and sessions in the database, so any replica can redeem a link or read a session.

A link is single use: redeeming it is one guarded `UPDATE .. WHERE used_at IS NULL AND expires_at > now`,
which exactly one request wins. Tokens are random (256 bits) and only their SHA-256 is stored. The CSRF
token of a form is a keyed hash of the session's token, so it is tied to the session and needs no row.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update

from bot.dashboard.models import DashboardSession, SignInLink
from bot.db.engine import Database

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)
KEEP = timedelta(days=1)  # used or expired rows are deleted this long after they stop mattering


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Who:
    """The signed-in person as the dashboard knows them: a keyed hash and a display name, no platform id."""

    user_hash: str
    platform: str
    name: str


class Sessions:
    """Reads and guarded writes on `dashboard_links` and `dashboard_sessions` (synchronous)."""

    def __init__(self, db: Database, key: str) -> None:
        self.db = db
        self.key = key.encode()

    def issue_link(self, who: Who, now: datetime | None = None, ttl: timedelta = LINK_TTL) -> str:
        """A new single-use sign-in token for `who` (the caller builds the URL)."""
        now = now or now_utc()
        token = new_token()
        with self.db.session() as s, s.begin():
            s.execute(delete(SignInLink).where(SignInLink.expires_at < now - KEEP))
            s.add(SignInLink(token_hash=token_hash(token), user_hash=who.user_hash, platform=who.platform,
                             name=who.name[:255], created_at=now, expires_at=now + ttl))
        return token

    def link_usable(self, token: str, now: datetime | None = None) -> bool:
        """Whether the link is unused and unexpired (without using it)."""
        now = now or now_utc()
        with self.db.session() as s:
            row = s.get(SignInLink, token_hash(token))
            return row is not None and row.used_at is None and _aware(row.expires_at) > now

    def redeem(self, token: str, now: datetime | None = None, ttl: timedelta = SESSION_TTL) -> str | None:
        """Use the link once and open a session; the session token, or None if the link is used, expired or unknown."""
        now = now or now_utc()
        h = token_hash(token)
        with self.db.session() as s, s.begin():
            won = s.execute(update(SignInLink).where(
                SignInLink.token_hash == h, SignInLink.used_at.is_(None), SignInLink.expires_at > now,
            ).values(used_at=now))
            if getattr(won, "rowcount", 0) != 1:
                return None
            link = s.get(SignInLink, h)
            assert link is not None
            session_token = new_token()
            s.execute(delete(DashboardSession).where(or_(
                DashboardSession.expires_at < now - KEEP, DashboardSession.ended_at < now - KEEP)))
            s.add(DashboardSession(token_hash=token_hash(session_token), user_hash=link.user_hash,
                                   platform=link.platform, name=link.name, created_at=now, expires_at=now + ttl))
        return session_token

    def who(self, session_token: str, now: datetime | None = None) -> Who | None:
        """The person of a live session, or None (unknown, ended or expired)."""
        now = now or now_utc()
        with self.db.session() as s:
            row = s.execute(select(DashboardSession.user_hash, DashboardSession.platform, DashboardSession.name)
                            .where(DashboardSession.token_hash == token_hash(session_token),
                                   DashboardSession.ended_at.is_(None), DashboardSession.expires_at > now)).first()
        return Who(row[0], row[1], row[2]) if row else None

    def end(self, session_token: str, now: datetime | None = None) -> bool:
        """Sign out: the session stops working on every replica at once."""
        now = now or now_utc()
        with self.db.session() as s, s.begin():
            done = s.execute(update(DashboardSession).where(
                DashboardSession.token_hash == token_hash(session_token), DashboardSession.ended_at.is_(None),
            ).values(ended_at=now))
            return getattr(done, "rowcount", 0) == 1

    def forget(self, user_hashes: list[str]) -> int:
        """Delete a person's links and sessions (`cxbot forget`): they are signed out everywhere."""
        with self.db.session() as s, s.begin():
            links = s.execute(delete(SignInLink).where(SignInLink.user_hash.in_(user_hashes)))
            sessions = s.execute(delete(DashboardSession).where(DashboardSession.user_hash.in_(user_hashes)))
            return int(getattr(links, "rowcount", 0)) + int(getattr(sessions, "rowcount", 0))

    def csrf(self, session_token: str) -> str:
        """The CSRF token of the session's forms."""
        return hmac.new(self.key, b"dashboard-csrf\x1f" + session_token.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session_token: str, given: str) -> bool:
        return hmac.compare_digest(self.csrf(session_token).encode(), given.encode("utf-8", "replace"))


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)
