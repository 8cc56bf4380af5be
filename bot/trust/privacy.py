"""Retention and forgetting: questions expire, and one person's data can be deleted on request.

What is stored about a person, and how it is found again from their id:
- `asked_questions.user_hash`: HMAC of (platform, user id) -> deleted by hash;
- `pulse_votes.voter_hash`: HMAC of (platform, user id, "pulse-vote:<pulse id>"), a different key per
  pulse so votes cannot be linked across pulses -> recomputed for every pulse and deleted;
- `ask_shareable_answers.user_id`: the asker of a private answer kept for a day so it can be
  shared -> deleted by platform and user id;
- `dashboard_links.user_hash`, `dashboard_sessions.user_hash`: HMAC of (platform, user id, "dashboard")
  -> deleted by hash (the person is signed out of the dashboard);
- `ask_thread_exchanges.user_hash`: the asker of a question answered in a thread, kept for follow-ups
  there -> deleted by hash.
Pulse and schedule `creator_hash` are kept: they identify nobody and own running schedules.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from bot.ask.exchanges import ThreadHistory
from bot.ask.shareable import ShareableAnswers
from bot.ask.store import QuestionLog
from bot.core.privacy import hash_user
from bot.dashboard.feature import ADMIN
from bot.dashboard.feature import user_hash as dashboard_hash
from bot.dashboard.sessions import Sessions
from bot.db.engine import Database
from bot.expert.store import ExpertStore
from bot.pulse.models import Pulse, PulseVote
from bot.settings import Settings

log = logging.getLogger(__name__)

PLATFORMS = ("slack", "teams", "console")


@dataclass
class Forgotten:
    questions: int = 0
    votes: int = 0
    private_answers: int = 0
    escalations: int = 0
    dashboard: int = 0  # sign-in links and sessions
    thread_exchanges: int = 0


def parse_user(user: str) -> list[tuple[str, str]]:
    """`slack:U123` -> [("slack", "U123")]; a plain id -> that id on every platform."""
    user = user.strip()
    platform, sep, rest = user.partition(":")
    if sep and platform in PLATFORMS and rest.strip():
        return [(platform, rest.strip())]
    if not user or len(user) > 255 or any(ch.isspace() for ch in user):
        raise ValueError("give a user id like U0123ABC, slack:U0123ABC or teams:<aad object id>")
    return [(p, user) for p in PLATFORMS]


def forget(settings: Settings, db: Database, user: str) -> Forgotten:
    """Delete everything stored about one person (questions, pulse votes, shareable private answers,
    the questions they passed to experts and the replies they wrote as an expert)."""
    key = settings.hash_key.get_secret_value()
    done = Forgotten()
    log_, shareable, threads = QuestionLog(db), ShareableAnswers(db), ThreadHistory(db)
    for platform, uid in parse_user(user):
        done.questions += log_.forget(hash_user(key, platform, uid))
        done.thread_exchanges += threads.forget(hash_user(key, platform, uid))
        done.private_answers += shareable.forget(platform, uid)
        done.escalations += ExpertStore(db).forget(platform, uid)
        with db.session() as s, s.begin():
            pulse_ids = list(s.scalars(select(Pulse.id)))
            for pid in pulse_ids:
                voter = hash_user(key, platform, uid, f"pulse-vote:{pid}")
                result = s.execute(delete(PulseVote).where(PulseVote.pulse_id == pid, PulseVote.voter_hash == voter))
                done.votes += int(getattr(result, "rowcount", 0))
    ids = parse_user(user)
    hashes = [dashboard_hash(settings, p, uid) for p, uid in [*ids, (ADMIN, user.strip())]]
    done.dashboard = Sessions(db, key).forget(hashes)
    log.info("forgot a person", extra={"dashboard": done.dashboard, "questions": done.questions, "votes": done.votes,
                                       "private_answers": done.private_answers, "escalations": done.escalations,
                                       "thread_exchanges": done.thread_exchanges})
    return done


def purge_questions(settings: Settings, db: Database, now: datetime | None = None) -> int:
    """Delete questions older than `CXBOT_QUESTION_RETENTION_DAYS` (idempotent: safe on every replica)."""
    before = (now or datetime.now(UTC)) - timedelta(days=settings.question_retention_days)
    removed = QuestionLog(db).purge(before)
    if removed:
        log.info("expired asked questions deleted", extra={"count": removed})
    return removed
