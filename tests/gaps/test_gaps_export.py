"""The CSV export: one row per group with what the page shows, and nothing that identifies anyone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.db.engine import Database
from bot.embed.base import make_embedder
from bot.gaps.export import HEADER, to_csv
from bot.gaps.model import Group, Source
from bot.gaps.service import GapsService
from bot.settings import Settings
from testkit.gapsdata import log_question


def test_the_csv_has_the_groups_and_no_user_or_question_ids(settings: Settings) -> None:
    db = Database(settings).migrate()
    try:
        now = datetime.now(UTC)
        ids = [log_question(db, q, now - timedelta(days=1), user_hash=f"hash-of-U0{n}ALICE",
                            conversation=f"slack:C0SECRET{n}")
               for n, q in enumerate(["When do loyalty points expire?", "how long are loyalty points valid",
                                      "Who covers the hotline over Christmas?"])]
        e5 = make_embedder(settings)
        groups = GapsService(db, lambda: e5).groups(4, now)
        text = to_csv(groups)
    finally:
        db.dispose()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER and len(rows) == 1 + len(groups) == 3
    assert {r[HEADER.index("question")] for r in rows[1:]} >= {"Who covers the hotline over Christmas?"}
    assert rows[1][HEADER.index("questions")] == "2" and rows[1][HEADER.index("escalation")] == "not escalated"
    for secret in [*ids, "hash-of-U0", "ALICE", "C0SECRET", "slack:"]:
        assert secret not in text


def test_a_question_typed_as_a_formula_stays_text() -> None:
    group = Group(key="k", question_ids=["q"], count=1, unanswered=1, thumbs_down=0, weeks=[("2026-11-23", 1)],
                  examples=["=HYPERLINK(\"http://evil\")", "@SUM(A1)"], sources=[Source("-Refunds", "r.md")])
    [_, row] = list(csv.reader(io.StringIO(to_csv([group]))))
    assert row[HEADER.index("question")] == "'=HYPERLINK(\"http://evil\")"
    assert row[HEADER.index("other_wordings")] == "'@SUM(A1)"
    assert row[HEADER.index("closest_sources")] == "'-Refunds"
