"""A year of dashboard data for tests and benches: closed pulses with anonymous votes, digests as sent,
KPI demo files, asked questions and a source's sync state with skipped files.

Every person is a keyed hash as the product stores them; `LEAKY_IDS` are the platform ids that appear
only inside text people wrote (a mention), so a page that shows one has leaked it.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.ask.store import AskedQuestion
from bot.db.engine import Database
from bot.digest.store import SENT, Delivery, Subscription
from bot.expert.models import VerifiedEntry
from bot.kpi.demo import generate
from bot.kpi.weeks import label, week_of
from bot.pulse.models import CLOSED, Pulse, PulseVote
from bot.settings import Settings
from bot.sources.state import OK, SourceSync

LEAKY_IDS = ("U0LEAKY001", "W0LEAKY002", "29:1leakyTeamsUserId-abc")
STATEMENTS = ["We put the customer first in decisions.", "I know what our customers need.",
              "Customer feedback changes how we work."]
QUESTIONS = ["How fast must we answer a complaint?", "Who approves a goodwill refund?",
             "What is our NPS target this year?", "Where is the escalation matrix?",
             f"Ask <@{LEAKY_IDS[0]}> about the refund policy?", "Wie schnell antworten wir auf Beschwerden?"]


@dataclass(frozen=True)
class Seeded:
    pulses: int
    votes: int
    digests: int
    questions: int
    channels: tuple[str, ...]


def seed(settings: Settings, db: Database, now: datetime, *, weeks: int = 52, channels: int = 3,
         voters: int = 12, questions_per_week: int = 40, k: int = 3, rng_seed: int = 7) -> Seeded:
    """Fill the database (and the data dir's KPI demo files) with `weeks` weeks of everything."""
    rng = random.Random(rng_seed)
    chans = tuple(f"C0DASH{n:04d}" for n in range(channels))
    votes = pulses = digests = 0
    generate(settings.data_dir / "demo", week_of(now) - 1)
    with db.session() as s, s.begin():
        for c in chans:
            sub = Subscription(platform="slack", conversation_id=c, conversation_kind="channel", team="T1",
                               conversation_key=f"slack:{c}", weekday=0, minute=540, timezone="UTC", active=True,
                               since=now - timedelta(weeks=weeks + 1), created_by="h" * 16)
            s.add(sub)
            s.flush()
            for w in range(weeks):
                closed = now - timedelta(weeks=weeks - w, hours=rng.randint(0, 48))
                people = k - 1 if w % 9 == 4 else rng.randint(k, voters)  # now and then below the floor
                pulse = Pulse(platform="slack", conversation_id=c, conversation_kind="channel", team="T1",
                              conversation_key=f"slack:{c}", template="customer-centricity", lang="en",
                              title="Customer centricity", statements_json=json.dumps(STATEMENTS),
                              n_statements=len(STATEMENTS), scale_min=1, scale_max=5, status=CLOSED,
                              created_at=closed - timedelta(days=3), closes_at=closed, closed_at=closed,
                              creator_hash="c" * 64)
                s.add(pulse)
                s.flush()
                pulses += 1
                for _p in range(people):
                    voter = uuid.uuid4().hex
                    for i in range(len(STATEMENTS)):
                        s.add(PulseVote(pulse_id=pulse.id, statement=i, voter_hash=voter,
                                        score=max(1, min(5, round(rng.gauss(3.2 + i * 0.3 + w / 60, 1)))),
                                        voted_at=closed - timedelta(hours=1)))
                        votes += 1
                week = week_of(now) - (weeks - w)
                s.add(Delivery(subscription_id=sub.id, week=label(week), due_at=closed, status=SENT, attempts=1,
                               sent_at=closed, message_id=f"{w}.{c}",
                               sent_text=f"CX digest {label(week - 1)}\nNPS 31 (−2)\nKnowledge gaps:\n"
                                         f"- Ask <@{LEAKY_IDS[0]}> about refunds (unanswered)"))
                digests += 1
        asked = 0
        for w in range(weeks):
            for _q in range(questions_per_week):
                s.add(AskedQuestion(id=uuid.uuid4().hex, asked_at=now - timedelta(weeks=weeks - w, minutes=asked),
                                    platform="slack", conversation=f"slack:{rng.choice(chans)}",
                                    user_hash=uuid.uuid4().hex, question=rng.choice(QUESTIONS),
                                    answered=rng.random() > 0.3, top_source=None,
                                    feedback=-1 if rng.random() < 0.1 else None))
                asked += 1
        s.merge(SourceSync(name="team-wiki", claims=1, status=OK, documents=42, finished_at=now, ok_at=now,
                           summary=json.dumps({"added": 3, "skipped": [
                               {"path": "team-wiki/Scans/contract.pdf", "reason": "no text layer (scanned PDF)"},
                               {"path": "team-wiki/huge.docx", "reason": "larger than 20000000 bytes"}]})))
        s.add(VerifiedEntry(platform="slack", collection="default", path="verified/refund-approval.md",
                            question="Who approves a goodwill refund above 500 euros?", author="Vera Expert",
                            saved_at=now - timedelta(days=200), review_at=now - timedelta(days=20)))
        s.add(VerifiedEntry(platform="teams", collection="default", path="verified/teams-author.md",
                            question="Which form do we use for a chargeback?", author=LEAKY_IDS[2],
                            saved_at=now - timedelta(days=100), review_at=now - timedelta(days=1)))
    return Seeded(pulses, votes, digests, asked, chans)
