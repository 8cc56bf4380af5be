"""The Gaps page over real HTTP, signed in: groups with their sources and escalation state, the CSV
export, "Addressed" (a CSRF-protected form), bad input refused with a 4xx, and no one's id anywhere."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from dash_helpers import ask_link, client, link_in, serve, sign_in
from testenv import ROOT

from bot.db.engine import Database
from bot.expert.models import OPEN, Escalation
from bot.knowledge import Knowledge
from bot.settings import Settings
from testkit.gapsdata import log_question

ASKER = "U0ASKER9ID"
WORDINGS = ["How fast must we acknowledge a customer complaint?", "how quickly do we have to confirm a complaint"]


def seed(db: Database) -> list[str]:
    now = datetime.now(UTC)
    ids = [log_question(db, q, now - timedelta(days=n + 1), user_hash=f"hash-{ASKER}", conversation=f"slack:D{ASKER}")
           for n, q in enumerate(WORDINGS)]
    ids.append(log_question(db, "Who covers the hotline over Christmas?", now - timedelta(days=3)))
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Escalation), {
            "question_id": ids[0], "platform": "slack", "collection": "default", "question": WORDINGS[0],
            "asker_id": ASKER, "asker_name": "Asker Name", "conversation": f"D{ASKER}", "kind": "dm",
            "thread": None, "team": None, "private": False, "message_id": None, "expert_channel": "C0EXPERTS",
            "expert_thread": "1.2", "status": OPEN, "created_at": now})
    return ids


def no_ids(text: str, ids: list[str]) -> None:
    for secret in [ASKER, "Asker Name", "hash-", "C0EXPERTS", *ids]:
        assert secret not in text, secret


async def test_the_gaps_page_groups_exports_and_marks_addressed(settings: Settings) -> None:
    settings = settings.model_copy(update={"llm": "none"})
    Knowledge(settings).indexer().run([ROOT / "knowledge"])
    async with serve(settings) as served, client() as http:
        ids = seed(served.services.db)
        await sign_in(http, link_in(await ask_link(served.services, private=True)))

        async with http.get(served.base + "/dashboard/gaps") as resp:
            assert resp.status == 200
            page = await resp.text()
        assert "2</strong> questions" in page and "Who covers the hotline over Christmas?" in page
        assert "escalated, waiting for an expert (1 of 2 questions)" in page
        assert "complaint-handling-playbook.md" in page  # the closest source of the complaint group
        no_ids(page, ids)

        async with http.get(served.base + "/dashboard/gaps.csv?weeks=4") as resp:
            assert resp.status == 200 and resp.content_type == "text/csv"
            assert "attachment" in resp.headers["Content-Disposition"]
            csv_text = await resp.text()
        assert "How fast must we acknowledge" in csv_text or "how quickly do we have" in csv_text
        no_ids(csv_text, ids)

        key = re.search(r'name="group" value="([0-9a-f]+)"', page)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert key and csrf
        form = {"group": key.group(1), "weeks": "8"}
        async with http.post(served.base + "/dashboard/gaps/addressed", data=form, allow_redirects=False) as resp:
            assert resp.status == 403  # no CSRF token
        async with http.post(served.base + "/dashboard/gaps/addressed", data={**form, "csrf": csrf.group(1)},
                             allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"].startswith("/dashboard/gaps?weeks=8")
        async with http.get(served.base + resp.headers["Location"]) as resp:
            assert "waiting for the next ingest" in await resp.text()
        async with http.post(served.base + "/dashboard/gaps/addressed", allow_redirects=False,
                             data={"group": uuid.uuid4().hex, "weeks": "8", "csrf": csrf.group(1)}) as resp:
            assert resp.status == 409

        for bad in ("abc", "0", "53", "-1", "1e3", "²", "9" * 400):
            for path in ("/dashboard/gaps", "/dashboard/gaps.csv"):
                async with http.get(served.base + path, params={"weeks": bad}) as resp:
                    assert resp.status == 400, (path, bad)
