"""Bench: many people voting on one pulse at once, through `cxbot serve`'s Slack endpoint.

1. Starts a fake Slack Web API (in this process) and `cxbot serve` (a subprocess) on SQLite or PostgreSQL.
2. An evangelist starts a 5-statement pulse with a signed `/cx pulse start` slash command.
3. VOTERS people click a score on every statement, all concurrently (signed block_actions payloads,
   shuffled). Timed until every vote is in the database: votes/s.
4. Counts the votes back from the database (exactly once each, the scores cast) and closes the pulse
   with `/cx pulse close`: the posted means must equal the means of the votes cast.
5. Starts a short pulse, stops the server, lets the close time pass, starts the server again and
   measures how long until the results are posted.

    .venv/bin/python bench/pulse_votes.py --db sqlite
    .venv/bin/python bench/pulse_votes.py --db postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.net import free_port  # noqa: E402
from testkit.serve import Serve  # noqa: E402
from testkit.slack_api import FakeSlackAPI  # noqa: E402
from testkit.slack_signing import slack_headers  # noqa: E402
from testkit.stats import percentile  # noqa: E402

SECRET = "bench-signing-secret"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "cxbot_bench_pulse"
EVANGELIST = "UEVANGELIST"
TEMPLATE = "bench-five"
TEAMS_EVANGELIST = "aad-bench-evangelist"


def signed(body: str) -> dict[str, str]:
    return {**slack_headers(body, SECRET), "Content-Type": "application/x-www-form-urlencoded"}


def slash_body(command_text: str, user: str, channel: str) -> str:
    return urllib.parse.urlencode({
        "token": "x", "team_id": "T111", "team_domain": "bench", "channel_id": channel, "channel_name": "bench",
        "user_id": user, "user_name": user.lower(), "command": "/cx", "text": command_text,
        "response_url": "http://127.0.0.1:9/hook", "trigger_id": "1.2.3", "api_app_id": "A111",
    })


def click_body(pulse_id: int, statement: int, score: int, user: str, channel: str, ts: str) -> str:
    payload = {
        "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": "T111"},
        "api_app_id": "A111", "token": "x", "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "team": {"id": "T111", "domain": "bench"}, "channel": {"id": channel, "name": "bench"},
        "message": {"type": "message", "ts": ts, "text": "pulse"},
        "response_url": "http://127.0.0.1:9/hook",
        "actions": [{"action_id": f"pulse_vote:{statement}:{score}", "block_id": f"b{statement}", "type": "button",
                     "value": f"{pulse_id}:{statement}:{score}", "action_ts": str(time.time()),
                     "text": {"type": "plain_text", "text": str(score)}}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def write_template(folder: Path) -> None:
    default = yaml.safe_load((ROOT / "knowledge" / "pulses" / "customer-centricity.yaml").read_text())
    default["id"] = TEMPLATE
    default["statements"] = default["statements"][:5]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{TEMPLATE}.yaml").write_text(yaml.safe_dump(default, allow_unicode=True))


def database(kind: str, data_dir: Path) -> str | None:
    if kind == "sqlite":
        return None
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_DB}"))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"


class Server:
    """`cxbot serve` as a subprocess (`testkit.serve.Serve`), its output in `serve.log` of its data dir."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        argv = None
        if env.get("BENCH_PROFILE"):
            argv = [sys.executable, "-m", "cProfile", "-o", f"{env['BENCH_PROFILE']}.{time.time():.0f}", "-m", "bot", "serve"]
        self.serve = Serve(env, Path(env["CXBOT_DATA_DIR"]) / "serve.log", port=port, argv=argv)
        self.url = self.serve.url

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        return self.serve.proc

    async def start(self, session: aiohttp.ClientSession) -> float:
        """Spawn and wait for /healthz; returns the seconds it took."""
        t0 = time.perf_counter()
        self.serve.start()
        await self.serve.wait_healthy_async(120)
        return time.perf_counter() - t0

    def cpu(self) -> float:
        """CPU seconds the server process has used so far."""
        return self.serve.cpu()

    def stop(self) -> None:
        self.serve.stop(40)


async def post(session: aiohttp.ClientSession, url: str, body: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    async with session.post(url + "/slack/events", data=body.encode(), headers=signed(body)) as r:
        await r.read()
        return r.status, time.perf_counter() - t0


async def wait_post(fake: FakeSlackAPI, channel: str, needle: str, after: int, timeout: float = 60) -> tuple[Any, float]:
    """The first chat.postMessage into `channel` (after call index `after`) whose args contain `needle`."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        for call in fake.calls[after:]:
            if call.method == "chat.postMessage" and call.args.get("channel") == channel and needle in json.dumps(call.args, ensure_ascii=False):
                return call, call.at
        await asyncio.sleep(0.05)
    raise TimeoutError(f"no message with {needle!r} in {channel}")


async def start_pulse(session: aiohttp.ClientSession, server: Server, fake: FakeSlackAPI, channel: str,
                      duration: str) -> int:
    mark = len(fake.calls)
    status, _ = await post(session, server.url, slash_body(f"pulse start {TEMPLATE} for {duration} in <#{channel}|bench>",
                                                           EVANGELIST, channel))
    assert status == 200, status
    call, _ = await wait_post(fake, channel, "pulse_vote", mark)
    pulse_id = int(re.search(r'"value": "(\d+):0:1"', json.dumps(call.args)).group(1))  # type: ignore[union-attr]
    return pulse_id


def message_id(db_url: str, pulse_id: int) -> str:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        ts = conn.execute(text("SELECT message_id FROM pulses WHERE id = :p"), {"p": pulse_id}).scalar()
    engine.dispose()
    return str(ts)


def count_votes(db_url: str, pulse_id: int) -> tuple[int, Counter[tuple[int, int]], int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT statement, score, voter_hash FROM pulse_votes WHERE pulse_id = :p"),
                            {"p": pulse_id}).all()
    engine.dispose()
    return len(rows), Counter((int(r[0]), int(r[1])) for r in rows), len({r[2] for r in rows})


async def vote_storm(session: aiohttp.ClientSession, server: Server, db_url: str, pulse_id: int, ts: str, channel: str,
                     voters: int, statements: int, concurrency: int) -> dict[str, Any]:
    rng = random.Random(7)
    cast = {(f"U{n:06d}", st): rng.randint(1, 5) for n in range(voters) for st in range(statements)}
    bodies = [click_body(pulse_id, st, score, user, channel, ts) for (user, st), score in cast.items()]
    rng.shuffle(bodies)
    sem = asyncio.Semaphore(concurrency)
    statuses: Counter[int] = Counter()
    latencies: list[float] = []

    async def one(body: str) -> None:
        async with sem:
            status, took = await post(session, server.url, body)
            statuses[status] += 1
            latencies.append(took)

    cpu_server, cpu_bench = server.cpu(), time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(*(one(b) for b in bodies))
    t_acked = time.perf_counter() - t0
    stored = 0
    while time.perf_counter() - t0 < 300:
        stored = await asyncio.to_thread(lambda: count_votes(db_url, pulse_id)[0])
        if stored >= len(cast):
            break
        await asyncio.sleep(0.1)
    t_stored = time.perf_counter() - t0
    cpu_server, cpu_bench = server.cpu() - cpu_server, time.process_time() - cpu_bench
    rows, counts, people = await asyncio.to_thread(count_votes, db_url, pulse_id)
    expected = Counter((st, score) for (_, st), score in cast.items())
    latencies.sort()
    return {
        "votes": len(cast), "http": dict(statuses), "acked_s": round(t_acked, 2), "stored_s": round(t_stored, 2),
        "votes_per_s": round(len(cast) / t_stored, 1), "ack_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "ack_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "server_cpu_s": round(cpu_server, 1), "bench_cpu_s": round(cpu_bench, 1), "rows": rows, "voters_in_db": people, "exactly_once": rows == len(cast) and counts == expected,
        "cast": cast,
    }


def expected_means(cast: dict[tuple[str, int], int], statements: int) -> list[str]:
    return [f"{round(statistics.fmean(s for (_, st), s in cast.items() if st == i), 2):.2f}" for i in range(statements)]


class Connector:
    """A fake Teams Bot Connector (`serviceUrl`) recording what the bot sends."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.calls.append((time.time(), await request.text()))
        return web.json_response({"id": f"msg-{len(self.calls)}"}, status=201)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/v3/conversations/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def wait(self, needle: str, after: int, timeout: float = 60) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            for at, body in self.calls[after:]:
                if needle in body:
                    return at
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no Teams message with {needle!r}")


def teams_message(text_: str, service_url: str) -> dict[str, Any]:
    return {
        "type": "message", "id": str(int(time.time() * 1000)), "channelId": "msteams", "serviceUrl": service_url,
        "text": text_, "textFormat": "plain", "timestamp": "2026-01-01T00:00:00Z", "locale": "en-US",
        "from": {"id": "29:bench", "name": "Bench Evangelist", "aadObjectId": TEAMS_EVANGELIST},
        "conversation": {"conversationType": "personal", "tenantId": "t1", "id": "a:bench-personal"},
        "recipient": {"id": "28:cxbot", "name": "cxbot"}, "channelData": {"tenant": {"id": "t1"}},
    }


async def restart(session: aiohttp.ClientSession, server: Server, fake: FakeSlackAPI, teams: Connector) -> dict[str, Any]:
    """Pulses (Slack and Teams) whose close time passes while the server is stopped: results after the next start."""
    out: dict[str, Any] = {}
    await start_pulse(session, server, fake, "C0DOWN", "10s")
    mark = len(teams.calls)
    async with session.post(server.url + "/api/messages", json=teams_message(f"pulse start {TEMPLATE} for 10s", teams.url)) as r:
        assert r.status in (200, 201), r.status
    await teams.wait("pulse_vote", mark)
    server.stop()
    await asyncio.sleep(12)
    mark_slack, mark_teams = len(fake.calls), len(teams.calls)
    t_spawn = time.time()
    out["restart_healthz_s"] = round(await server.start(session), 2)
    for name, waiter in (("slack", wait_post(fake, "C0DOWN", "Results", mark_slack)),
                         ("teams", teams.wait("Results", mark_teams))):
        try:
            result = await waiter
            at = result[1] if isinstance(result, tuple) else result
            out[f"restart_results_{name}_s"] = round(at - t_spawn, 2)
        except TimeoutError as exc:
            out[f"restart_results_{name}_s"] = f"not within 60 s ({exc})"
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    write_template(tmp / "templates")
    db = database(args.db, tmp)
    fake = FakeSlackAPI()
    api = await fake.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXBOT_", "SLACK_", "DATABASE_URL"))}
    env.update({
        "CXBOT_DATA_DIR": str(tmp), "CXBOT_PULSE_TEMPLATES": str(tmp / "templates"), "PORT": str(port),
        "HOST": "127.0.0.1", "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api,
        "CXBOT_EVANGELISTS": f"{EVANGELIST},{TEAMS_EVANGELIST}", "LOG_LEVEL": "WARNING", "SLACK_WORKERS": str(args.workers),
        "CXBOT_PULSE_TICK_SECONDS": "5",
    })
    if db:
        env["DATABASE_URL"] = db
    db_url = db or f"sqlite:///{tmp / 'cxbot.db'}"
    teams = Connector()
    await teams.start()
    server = Server(env, port)
    out: dict[str, Any] = {"db": args.db}
    conn = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=conn) as session:
        try:
            out["startup_s"] = round(await server.start(session), 2)
            pulse_id = await start_pulse(session, server, fake, "C0BENCH", "30m")
            ts = message_id(db_url, pulse_id)
            storm = await vote_storm(session, server, db_url, pulse_id, ts, "C0BENCH", args.voters, 5, args.concurrency)
            cast = storm.pop("cast")
            out.update(storm)
            mark = len(fake.calls)
            await post(session, server.url, slash_body("pulse close", EVANGELIST, "C0BENCH"))
            call, _ = await wait_post(fake, "C0BENCH", "Results", mark)
            posted = re.findall(r"mean (\d\.\d\d) · (\d+) responses", json.dumps(call.args, ensure_ascii=False))
            out["results_match"] = [m for m, _ in posted] == expected_means(cast, 5) and all(
                int(n) == args.voters for _, n in posted)
            out.update(await restart(session, server, fake, teams))
        finally:
            server.stop()
            await fake.stop()
            await teams.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=64, help="SLACK_WORKERS of the server")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    for k, v in result.items():
        print(f"{k:>24}: {v}")
    print(json.dumps(result), file=sys.stderr)


if __name__ == "__main__":
    main()
