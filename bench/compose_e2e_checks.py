"""What bench/compose_e2e.py checks against a running compose project, each printing its figures."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import dataclass

import aiohttp
from compose_stack import Stack
from slack_harness import FIXTURES, signed

from testkit.slack_api import Call, FakeSlackAPI

READYZ = ("import sys, urllib.request, urllib.error\n"
          "try:\n    r = urllib.request.urlopen('http://127.0.0.1:3978/readyz', timeout=5)\n"
          "except urllib.error.HTTPError as e:\n    r = e\n"
          "print(r.status, r.read().decode())")
IP_FREEBIND = getattr(socket, "IP_FREEBIND", 15)
UNAVAILABLE = "temporarily unavailable"


FIGURES: list[str] = []


def figure(line: str) -> None:
    """Print a measured figure and keep it for the summary at the end."""
    FIGURES.append(line)
    print(f"  {line}", flush=True)


class Failed(Exception):
    """A check did not pass."""


@dataclass(frozen=True)
class Event:
    event_id: str
    ts: str
    body: str


@dataclass(frozen=True)
class Sent:
    event: Event
    request_id: str
    ack_ms: float
    answer_ms: float
    text: str


def mention(n: int, question: str) -> Event:
    body = json.loads((FIXTURES / "events_app_mention.json").read_text())
    ts = f"{int(time.time())}.{n:06d}"
    event_id = f"EvComposeE2E{time.time_ns()}{n}"
    body["event_id"] = event_id
    body["event"].update(text=f"<@W111> {question}", ts=ts, event_ts=ts, client_msg_id=f"compose-{event_id}")
    return Event(event_id, ts, json.dumps(body))


class HostFake:
    """The fake Slack Web API on the host, on the compose network's gateway (bound before the bridge exists)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.api: FakeSlackAPI | None = None

    async def bind(self, gateway: str) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)  # the gateway address appears with the first container
        sock.bind((gateway, self.port))
        self.api = FakeSlackAPI()
        await self.api.start(host=gateway, sock=sock)
        print(f"  fake Slack Web API: {self.api.url} (the bots reach it as host.containers.internal:{self.port})")

    async def stop(self) -> None:
        if self.api is not None:
            await self.api.stop()
            self.api = None

    def posts(self, ts: str) -> list[Call]:
        assert self.api is not None
        return [c for c in self.api.called("chat.postMessage") if c.args.get("thread_ts") == ts]


class Checks:
    def __init__(self, stack: Stack, http: aiohttp.ClientSession, proxy: str, fake: HostFake, secret: str) -> None:
        self.stack, self.http, self.proxy, self.fake, self.secret = stack, http, proxy, fake, secret

    async def wait_ready(self, since: float, timeout: float = 180) -> None:
        """Poll /readyz through the proxy until one replica answers 200 (`since`: when `up` started)."""
        start = since
        last = "no answer"
        while time.monotonic() - start < timeout:
            try:
                async with self.http.get(self.proxy + "/readyz") as resp:
                    last = f"{resp.status} {await resp.text()}"
                    if resp.status == 200:
                        figure(f"/readyz through the proxy 200 {time.monotonic() - start:.1f} s after up")
                        return
            except aiohttp.ClientError as exc:
                last = type(exc).__name__
            await asyncio.sleep(0.5)
        raise Failed(f"/readyz through the proxy not 200 within {timeout:.0f} s (last: {last})")

    async def replicas_ready(self, since: float | None = None, timeout: float = 180) -> None:
        """Poll /readyz inside each replica until it answers 200 (`since`: when `up` started)."""
        replicas = self.stack.containers("bot")
        if len(replicas) != 2:
            raise Failed(f"expected 2 bot replicas, found {replicas}")
        start = time.monotonic()
        for name in replicas:
            while True:
                done = await asyncio.to_thread(self.stack.exec, name, "python", "-c", READYZ)
                if done.stdout.startswith("200 "):
                    break
                if time.monotonic() - start > timeout:
                    raise Failed(f"{name} /readyz: {done.stdout.strip()} {done.stderr.strip()[-300:]}")
                await asyncio.sleep(0.5)
            after = f" {time.monotonic() - since:.1f} s after up" if since is not None else ""
            print(f"  {name} /readyz:{after} {done.stdout.strip()[:160]}")
        if since is not None:
            figure(f"both replicas' /readyz 200 {time.monotonic() - since:.1f} s after up")

    def ingest(self) -> str:
        out = self.stack.run("run", "-T", "--rm", "bot", "ingest", timeout=900).stdout.strip().splitlines()
        return out[-1] if out else "(no output)"

    async def ask(self, event: Event, timeout: float = 60) -> Sent:
        assert self.fake.api is not None
        sent = time.time()
        headers = {"Content-Type": "application/json", **signed(event.body, secret=self.secret)}
        async with self.http.post(self.proxy + "/slack/events", data=event.body.encode(), headers=headers) as resp:
            await resp.read()
            ack_ms, status = (time.time() - sent) * 1000, resp.status
            request_id = resp.headers.get("X-Request-Id", "")
        if status != 200:
            raise Failed(f"event {event.event_id}: proxy answered {status}")
        deadline = time.monotonic() + timeout
        while not self.fake.posts(event.ts):
            if time.monotonic() > deadline:
                raise Failed(f"event {event.event_id}: no chat.postMessage in its thread within {timeout:.0f} s")
            await asyncio.sleep(0.02)
        post = self.fake.posts(event.ts)[0]
        text = str(post.args.get("text", ""))
        if not text or UNAVAILABLE in text:
            raise Failed(f"event {event.event_id}: answered {text[:200]!r}")
        answer_ms = (post.at - sent) * 1000
        print(f"  {event.event_id[-8:]}: ack {status} in {ack_ms:.0f} ms, chat.postMessage after {answer_ms:.0f} ms "
              f"(channel {post.args.get('channel')}, thread {event.ts}): {text[:70]!r}")
        return Sent(event, request_id, ack_ms, answer_ms, text)

    def spread(self, sent: list[Sent]) -> None:
        """Which replica took each event (its log names the request id that nginx gave it)."""
        logs = {name: self.stack.logs(name) for name in self.stack.containers("bot")}
        took = {name: sum(1 for s in sent if s.request_id and s.request_id in log) for name, log in logs.items()}
        figure(f"{len(sent)} events, per replica {sorted(took.values())}: ack max {max(s.ack_ms for s in sent):.0f} ms, "
               f"event -> chat.postMessage max {max(s.answer_ms for s in sent):.0f} ms")
        if sum(took.values()) != len(sent) or min(took.values()) == 0:
            raise Failed(f"expected the {len(sent)} events spread over both replicas, found {took}")

    def stored(self) -> dict[str, str]:
        """Rows in the database and chunks in Chroma, read from inside the stack."""
        postgres = self.stack.containers("postgres")[0]
        found = {}
        for table in ("asked_questions", "seen_events"):
            done = self.stack.exec(postgres, "psql", "-U", "cxbot", "-d", "cxbot", "-tAc", f"select count(*) from {table}")
            found[table] = done.stdout.strip() or done.stderr.strip()[-200:]
        doctor = self.stack.exec(self.stack.containers("bot")[0], "cxbot", "doctor", "--json")
        chroma = [f for f in json.loads(doctor.stdout or "[]") if f.get("check") == "chroma" and f.get("status") == "ok"]
        found["chroma"] = chroma[0].get("detail", "") if chroma else doctor.stderr.strip()[-200:]
        return found

    def volumes_kept(self) -> None:
        volumes = self.stack.volumes()
        print(f"  volumes after down: {volumes}")
        if len(volumes) < 2:
            raise Failed(f"expected the chroma and postgres volumes to survive `down`, found {volumes}")

    async def deduplicated(self, event: Event, wait: float = 5) -> None:
        """The same event again after the restart: acknowledged, not answered twice (seen in PostgreSQL)."""
        headers = {"Content-Type": "application/json", **signed(event.body, secret=self.secret)}
        async with self.http.post(self.proxy + "/slack/events", data=event.body.encode(), headers=headers) as resp:
            status = resp.status
        await asyncio.sleep(wait)
        posts = self.fake.posts(event.ts)
        print(f"  {event.event_id[-8:]} sent again: ack {status}, chat.postMessage in {wait:.0f} s: {len(posts)}")
        if status != 200 or posts:
            raise Failed(f"a repeated event after down/up was answered again ({len(posts)} posts, ack {status})")
