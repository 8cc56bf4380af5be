"""Digest subscriptions and deliveries in the database.

A delivery row is unique per (subscription, ISO week). Replicas create it with an insert that
ignores conflicts, then *claim* it with a compare-and-set update (status, lease, attempt number), so
only one replica at a time holds it; the attempt number fences late writers whose lease expired.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.model import Conversation
from bot.db.base import Base
from bot.db.engine import Database
from bot.digest.when import Slot
from bot.schedule.clock import utc

PENDING, SENDING, SENT, CANCELLED = "pending", "sending", "sent", "cancelled"


class Subscription(Base):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(255))
    conversation_kind: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(255), nullable=True)
    conversation_key: Mapped[str] = mapped_column(String(300), unique=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    minute: Mapped[int] = mapped_column(SmallInteger)
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # None: CXBOT_LANGUAGE (digest_0003)

    @property
    def slot(self) -> Slot:
        return Slot(self.weekday, self.minute, self.timezone)

    @property
    def conversation(self) -> Conversation:
        return Conversation(self.platform, self.conversation_id, self.conversation_kind,  # type: ignore[arg-type]
                            None, self.team)


class Delivery(Base):
    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "week", name="uq_digest_deliveries_subscription_week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("digest_subscriptions.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_text: Mapped[str | None] = mapped_column(Text, nullable=True)  # the digest as posted (dashboard)
    # where a retry starts looking for an earlier post (digest_0004; NULL on older rows)
    first_claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DigestStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def subscribe(self, conv: Conversation, slot: Slot, by: str, now: datetime,
                  language: str | None = None) -> Subscription:
        """Create or change the conversation's subscription (one per conversation), posted in `language`."""
        with self.db.session() as s, s.begin():
            sub = s.scalars(select(Subscription).where(Subscription.conversation_key == conv.key())).first()
            if sub is None:
                sub = Subscription(platform=conv.platform, conversation_id=conv.id, conversation_kind=conv.kind,
                                   team=conv.team, conversation_key=conv.key(), created_by=by)
                s.add(sub)
            sub.weekday, sub.minute, sub.timezone = slot.weekday, slot.minute, slot.timezone
            sub.active, sub.since, sub.language = True, now, language
            return sub

    def unsubscribe(self, conv: Conversation) -> bool:
        with self.db.session() as s, s.begin():
            result = s.execute(update(Subscription).where(
                Subscription.conversation_key == conv.key(), Subscription.active.is_(True)).values(active=False))
            return bool(getattr(result, "rowcount", 0))

    def get(self, sub_id: int) -> Subscription | None:
        with self.db.session() as s:
            return s.get(Subscription, sub_id)

    def active(self) -> list[Subscription]:
        with self.db.session() as s:
            return list(s.scalars(select(Subscription).where(Subscription.active.is_(True))))

    def ensure_due(self, now: datetime) -> int:
        """Create this week's delivery row for every subscription whose slot has passed (idempotent).

        A slot missed while every replica was down is still due until its local week ends; a week
        that ended without a row is skipped, and so is a slot before the subscription was made.
        """
        rows = []
        for sub in self.active():
            week, due, end = sub.slot.due(now)
            if due <= now < end and due >= utc(sub.since):
                rows.append({"subscription_id": sub.id, "week": week, "due_at": due, "status": PENDING,
                             "attempts": 0})
        if not rows:
            return 0
        dialect = postgresql if self.db.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(Delivery).values(rows).on_conflict_do_nothing(
            index_elements=["subscription_id", "week"])
        with self.db.session() as s, s.begin():
            return int(getattr(s.execute(stmt), "rowcount", 0) or 0)

    def claim(self, owner: str, now: datetime, lease: float) -> Delivery | None:
        """Take one ready delivery (pending and not backing off, or with an expired lease), or None."""
        ready = or_(
            and_(Delivery.status == PENDING, or_(Delivery.retry_at.is_(None), Delivery.retry_at <= now)),
            and_(Delivery.status == SENDING, Delivery.lease_until < now),
        )
        with self.db.session() as s:
            ids = list(s.scalars(select(Delivery.id).where(ready).order_by(func.random()).limit(5)))
        for did in ids:
            with self.db.session() as s, s.begin():
                result = s.execute(update(Delivery).where(Delivery.id == did, ready).values(
                    status=SENDING, owner=owner, lease_until=now + timedelta(seconds=lease),
                    attempts=Delivery.attempts + 1,
                    first_claimed_at=func.coalesce(Delivery.first_claimed_at, now)))
                if getattr(result, "rowcount", 0) == 1:
                    return s.get(Delivery, did)
        return None

    def _finish(self, d: Delivery, **values: object) -> bool:
        with self.db.session() as s, s.begin():
            result = s.execute(update(Delivery).where(
                Delivery.id == d.id, Delivery.owner == d.owner, Delivery.attempts == d.attempts,
                Delivery.status == SENDING).values(**values))
            return getattr(result, "rowcount", 0) == 1

    def mark_sent(self, d: Delivery, now: datetime, message_id: str | None, text: str | None = None) -> bool:
        """Record success and what was posted; False if this claim was no longer ours (another replica took it over)."""
        return self._finish(d, status=SENT, sent_at=now, message_id=message_id, lease_until=None, sent_text=text)

    def mark_failed(self, d: Delivery, retry_at: datetime, error: str) -> bool:
        return self._finish(d, status=PENDING, retry_at=retry_at, last_error=error[:2000], lease_until=None)

    def cancel(self, d: Delivery, why: str) -> bool:
        return self._finish(d, status=CANCELLED, last_error=why)

    def deliveries(self) -> list[Delivery]:
        with self.db.session() as s:
            return list(s.scalars(select(Delivery).order_by(Delivery.id)))
