"""Exactly-once digests: N replicas on one PostgreSQL, an accelerated clock, random SIGKILLs.

    .venv/bin/python bench/digest_exactly_once.py [--subs 20] [--weeks 52] [--replicas 3]

Counts `chat.postMessage` calls at the fake Slack Web API (testkit/slack_api.py) per channel and
digest week: every (subscription, week) must arrive exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from topology import PG_ADMIN, create_database, drop_database  # noqa: E402

from bot.core.model import Conversation  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.digest.store import DigestStore  # noqa: E402
from bot.digest.when import Slot  # noqa: E402
from bot.kpi.demo import DemoSize, generate  # noqa: E402
from bot.kpi.weeks import label, week_of  # noqa: E402
from bot.settings import Settings  # noqa: E402
from testkit.slack_api import FakeSlackAPI  # noqa: E402

PG = PG_ADMIN
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
START = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)  # Sunday of 2026-W01: the first digests are due in W02
TITLE = re.compile(r"CX digest · week (\d{4}-W\d{2})")


async def run(subs: int = 20, weeks: int = 52, replicas: int = 3, week_seconds: float = 3.0,
              kills: int = 4, admin_url: str = PG, seed: int = 1, warmup: float = 30.0, log=print) -> dict[str, object]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    url = create_database("cxbot_digest", admin_url)
    data = Path(tempfile.mkdtemp(prefix="cxbot-eo-"))
    fake = FakeSlackAPI()
    await fake.start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        settings = Settings(_env_file=None, CXBOT_DATA_DIR=data, DATABASE_URL=url)  # type: ignore[call-arg]
        db = Database(settings).migrate()  # once, before the replicas start
        store = DigestStore(db)
        for i in range(subs):
            slot = Slot(i % 5, 8 * 60 + (i * 37) % 240, ZONES[i % len(ZONES)])
            store.subscribe(Conversation("slack", f"C{i:04d}"), slot, "bench", START)
        db.dispose()
        generate(data / "demo", week_of(START) + weeks, DemoSize(tickets_per_week=200, surveys_per_week=150))
        speed = 7 * 86400 / week_seconds
        epoch = time.time() + warmup  # business time starts once the replicas are surely up
        until = START + timedelta(weeks=weeks)
        env = {**os.environ, "DATABASE_URL": url, "CXBOT_DATA_DIR": str(data), "SLACK_BOT_TOKEN": "xoxb-bench",
               "SLACK_API_URL": fake.url, "CXBOT_CLOCK": f"{START.isoformat()}@{epoch}@{speed}@{until.isoformat()}",
               "CXBOT_DIGEST_TICK": str(week_seconds / 20), "CXBOT_DIGEST_LEASE": str(week_seconds * 1.5),
               "CXBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "LOG_LEVEL": "WARNING"}
        env.pop("SLACK_SIGNING_SECRET", None)
        env.pop("SLACK_APP_TOKEN", None)

        def spawn(n: int) -> subprocess.Popen[bytes]:
            return subprocess.Popen([sys.executable, str(ROOT / "bench" / "digest_replica.py")], cwd=ROOT,
                                    env={**env, "PORT": str(18500 + n + rng.randrange(0, 400) * 5)},
                                    stdout=subprocess.DEVNULL, stderr=open(data / f"replica{n}.log", "ab"))

        procs = [spawn(n) for n in range(replicas)]
        await asyncio.sleep(max(0.0, epoch - time.time()))
        t0 = time.time()
        end_real = epoch + weeks * week_seconds
        kill_times = sorted(rng.uniform(epoch + 1, end_real - 1) for _ in range(kills))
        killed = []
        for at in kill_times:
            await asyncio.sleep(max(0.0, at - time.time()))
            n = rng.randrange(replicas)
            procs[n].send_signal(signal.SIGKILL)
            procs[n].wait()
            killed.append((round(at - epoch, 1), n))
            await asyncio.sleep(rng.uniform(0.5, 2.0))
            procs[n] = spawn(n)
        expected = {(f"C{i:04d}", label(week_of(START) + w)) for i in range(subs) for w in range(1, weeks + 1)}
        deadline = end_real + 60
        while time.time() < deadline:
            got = {k for k in _posted(fake)}
            if expected <= got:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(week_seconds)  # let stragglers (duplicates) show up
        counts = Counter(_posted(fake))
        engine = sa.create_engine(url)
        with engine.connect() as c:
            rows = dict(c.execute(sa.text("SELECT status, count(*) FROM digest_deliveries GROUP BY status")).all())
            retried = c.execute(sa.text("SELECT count(*) FROM digest_deliveries WHERE attempts > 1")).scalar()
        engine.dispose()
        result = {
            "expected": len(expected), "delivered": len(set(counts) & expected),
            "duplicates": sum(n - 1 for n in counts.values() if n > 1),
            "missing": len(expected - set(counts)), "unexpected": len(set(counts) - expected),
            "posts": sum(counts.values()), "rows": rows, "retried_rows": retried, "kills": killed, "seconds": round(time.time() - t0, 1),
        }
        log(result)
        return result
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        await fake.stop()
        drop_database(url, admin_url)


def _posted(fake: FakeSlackAPI) -> list[tuple[str, str]]:
    out = []
    for call in list(fake.calls):
        if call.method == "chat.postMessage" and (m := TITLE.search(str(call.args.get("text", "")))):
            # the digest posted in week W reports week W-1: count it under its delivery week
            year, num = m.group(1).split("-W")
            monday = datetime.fromisocalendar(int(year), int(num), 1) + timedelta(days=7)
            out.append((str(call.args.get("channel")), label(week_of(monday))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--subs", type=int, default=20)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--week-seconds", type=float, default=8.0)
    ap.add_argument("--kills", type=int, default=4)
    args = ap.parse_args()
    r = asyncio.run(run(args.subs, args.weeks, args.replicas, args.week_seconds, args.kills))
    ok = r["duplicates"] == 0 and r["missing"] == 0 and r["unexpected"] == 0
    print("PASS" if ok else "FAIL", f"{r['delivered']}/{r['expected']} delivered, {r['duplicates']} duplicates, "
          f"{r['missing']} missing, {len(r['kills'])} SIGKILLs {r['kills']}, {r['seconds']} s")  # type: ignore[arg-type]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
