"""Scale-out: two `cxbot serve` replicas, one `chroma run` server, one PostgreSQL database, on loopback.

Ingest through one replica, ask through the other; vote in one pulse through both; stop Chroma (a
clear "temporarily unavailable" reply within 2 s, /readyz 503, recovery); SIGTERM a replica with an
answer in flight (it is delivered); SIGKILL a replica with requests in flight (callers retry on the
other, nothing lost).
Questions arrive over the Teams edge (`POST /api/messages`), replies go to a fake Bot Connector.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from topology import (
    ROOT,
    Chroma,
    Connector,
    Replica,
    SlackAPI,
    activity,
    create_database,
    cxbot_env,
    drop_database,
    execute,
    http,
    ingest,
    signed_post,
    slack_event,
    texts,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

QUESTION = "How fast must we acknowledge a customer complaint?"
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
EVANGELIST = "29:evangelist-1"  # Teams users are known by their aadObjectId (uuid5 of this, see activity())


@dataclass
class Topology:
    chroma: Chroma
    a: Replica
    b: Replica
    connector: Connector
    slack: SlackAPI
    database_url: str
    tmp: Path

    def env(self, name: str) -> dict[str, str]:
        return cxbot_env(
            self.tmp / name, self.chroma.url, self.database_url,
            CXBOT_EVANGELISTS=str(uuid.uuid5(uuid.NAMESPACE_URL, EVANGELIST)), CXBOT_ANONYMITY_K="2",
            CXBOT_PULSE_REFRESH_SECONDS="0", CXBOT_LOG_JSON="true",
            SLACK_BOT_TOKEN="xoxb-scale-out-test", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=self.slack.url,
        )

    def rows(self, sql: str) -> int:
        engine = sqlalchemy.create_engine(self.database_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            n = int(conn.execute(sqlalchemy.text(sql)).scalar_one())
        engine.dispose()
        return n


@pytest.fixture(scope="module")
def topo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    from testenv import require_pg

    require_pg()
    tmp = tmp_path_factory.mktemp("scaleout")
    chroma = Chroma(tmp / "chroma", tmp / "chroma.log")
    chroma.start_and_wait()
    connector = Connector()
    connector.start()
    slack = SlackAPI()
    url = create_database()
    topo = Topology(chroma, None, None, connector, slack, url, tmp)  # type: ignore[arg-type]
    topo.a = Replica("replica-a", topo.env("a"), tmp / "a.log")
    topo.b = Replica("replica-b", topo.env("b"), tmp / "b.log")
    try:
        topo.a.start()
        topo.b.start()  # at the same moment: both migrate the same empty database
        topo.a.wait_healthy()
        topo.b.wait_healthy()
        yield topo
    finally:
        for proc in (topo.a, topo.b, chroma):
            proc.stop(10)
        connector.stop()
        slack.stop()
        drop_database(url)


def ask(replica: Replica, connector: Connector, text: str, user: str = "29:user-1", **kw: Any) -> list[str]:
    """Ask over /api/messages with expectReplies; the texts of the reply cards."""
    status, body = http("POST", f"{replica.url}/api/messages",
                        activity(connector.url, text, user=user, expect_replies=True, **kw), timeout=30)
    assert status == 200, body
    return [t for reply in body["activities"] if reply.get("type") == "message" for t in texts(reply)]


def test_both_replicas_start_together_and_are_ready(topo: Topology) -> None:
    for replica in (topo.a, topo.b):  # as a readiness probe does: until it passes (the model loads first)
        wait_until(f"{replica.name} ready", lambda r=replica: http("GET", f"{r.url}/readyz")[0] == 200, 30)


def test_ingest_through_one_replica_then_ask_through_the_other(topo: Topology) -> None:
    summary = ingest(topo.env("a"), topo.tmp, [ROOT / "knowledge"])
    assert summary["chunks"] > 0

    from_b = ask(topo.b, topo.connector, QUESTION)
    from_a = ask(topo.a, topo.connector, QUESTION)

    assert from_b == from_a
    assert any("acknowledg" in t.lower() for t in from_b), from_b
    assert http("GET", f"{topo.b.url}/readyz")[0] == 200
    assert topo.rows("SELECT count(*) FROM asked_questions") == 2
    _, metrics = http("GET", f"{topo.b.url}/metrics")
    assert 'cxbot_requests_total{kind="message",platform="teams"} 1.0' in metrics
    assert 'cxbot_ack_seconds_count{platform="teams"} 1.0' in metrics
    assert 'cxbot_answers_total{outcome="answered"} 1.0' in metrics
    log = topo.b.log.read_text()  # JSON lines at INFO: no question text, no raw user id
    assert '"request_id"' in log and QUESTION not in log
    assert "user-1" not in log and str(uuid.uuid5(uuid.NAMESPACE_URL, "29:user-1")) not in log


def test_slack_through_one_replica_answers_like_teams_through_the_other(topo: Topology) -> None:
    channel = "D-scale-out"
    status = signed_post(f"{topo.a.url}/slack/events", slack_event(QUESTION, channel), SIGNING_SECRET)
    assert status == 200
    wait_until("slack answer", lambda: any(p.get("blocks") for p in topo.slack.posts(channel)), 20, log=topo.a.log)
    slack_text = " ".join(str(p.get("text", "")) for p in topo.slack.posts(channel))
    teams = ask(topo.b, topo.connector, QUESTION)
    assert "acknowledg" in slack_text.lower()
    assert teams[0].split()[:8] == slack_text.split()[:8], (teams[0][:200], slack_text[:200])


def _vote_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and str(data.get("action", "")).startswith("pulse_vote"):
                found.append(data)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    return found


def test_votes_through_both_replicas_count_in_one_pulse(topo: Topology) -> None:
    channel = "19:pulse-channel@thread.skype"
    before = len(topo.connector.messages(channel))
    status, _ = http("POST", f"{topo.a.url}/api/messages",
                     activity(topo.connector.url, "pulse start", user=EVANGELIST, conversation=channel, channel=True))
    assert status == 200
    wait_until("pulse card", lambda: any(_vote_buttons(m) for m in topo.connector.messages(channel)[before:]), 20,
               log=topo.a.log)
    card = next(m for m in topo.connector.messages(channel)[before:] if _vote_buttons(m))
    button = _vote_buttons(card)[0]

    voters = [(topo.a, "29:voter-1"), (topo.b, "29:voter-2"), (topo.b, "29:voter-1"), (topo.a, "29:voter-3")]
    for replica, user in voters:
        status, body = http("POST", f"{replica.url}/api/messages",
                            execute(topo.connector.url, button, user=user, conversation=channel, channel=True))
        assert status == 200, body

    wait_until("votes stored", lambda: topo.rows("SELECT count(*) FROM pulse_votes") == 3, 10)
    assert topo.rows("SELECT count(*) FROM pulses") == 1
    assert topo.rows("SELECT count(DISTINCT voter_hash) FROM pulse_votes") == 3

    before = len(topo.connector.messages(channel))
    status, _ = http("POST", f"{topo.b.url}/api/messages",
                     activity(topo.connector.url, "pulse close", user=EVANGELIST, conversation=channel, channel=True))
    assert status == 200

    def results() -> list[str]:
        return [t for m in topo.connector.messages(channel)[before:] for t in texts(m) if "3 took part" in t]

    wait_until("results", lambda: results(), 20, log=topo.b.log)
    assert topo.rows("SELECT count(*) FROM pulses WHERE status <> 'open'") == 1


def test_chroma_down_means_a_clear_reply_within_2s_and_503_then_recovery(topo: Topology) -> None:
    topo.chroma.stop(10)
    try:
        started = time.monotonic()
        # A question no replica has answered yet: an answer still in the cache may rightly be served
        # without Chroma (the index version is looked up at most once a second).
        reply = ask(topo.b, topo.connector, "Who signs off a goodwill refund above the usual limit?")
        elapsed = time.monotonic() - started
        assert any("temporarily unavailable" in t for t in reply), reply
        assert elapsed < 2.0, f"took {elapsed:.2f} s"
        status, body = http("GET", f"{topo.b.url}/readyz")
        assert status == 503 and body["failing"] == ["chroma"], body
    finally:
        topo.chroma.start_and_wait()
    wait_until("readyz after chroma returned", lambda: http("GET", f"{topo.b.url}/readyz")[0] == 200, 15)
    assert any("acknowledg" in t.lower() for t in ask(topo.b, topo.connector, QUESTION))


def test_sigterm_delivers_the_answer_in_flight_and_exits_cleanly(topo: Topology) -> None:
    conversation = "a:sigterm-conv"
    topo.connector.delay = 1.0  # the connector answers slowly: the reply is still in flight at SIGTERM
    try:
        status, _ = http("POST", f"{topo.a.url}/api/messages",
                         activity(topo.connector.url, QUESTION, conversation=conversation))
        assert status == 200
        topo.a.signal(signal.SIGTERM)
        assert topo.a.proc is not None and topo.a.proc.wait(30) == 0
    finally:
        topo.connector.delay = 0.0
    answers = [m for m in topo.connector.messages(conversation) if m.get("attachments")]
    assert len(answers) == 1
    assert any("acknowledg" in t.lower() for t in texts(answers[0]))
    topo.a = Replica("replica-a", topo.env("a"), topo.tmp / "a.log")
    topo.a.start()
    topo.a.wait_healthy()


def _metric(replica: Replica, name: str) -> float:
    _, text = http("GET", f"{replica.url}/metrics", timeout=5)
    return sum(float(line.split()[-1]) for line in str(text).splitlines() if line.startswith(name + " "))


def _refused(exc: BaseException) -> bool:
    """A connection that never reached the replica (it was already dead), not one it dropped."""
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, ConnectionRefusedError)


def test_killing_a_replica_with_requests_in_flight_loses_nothing(topo: Topology) -> None:
    """SIGKILL replica A while it is answering; callers retry on B, as a load balancer and Slack do."""
    questions = [f"{QUESTION} (kill case {n})" for n in range(16)]
    cut: list[int] = []  # requests that were on A when it died
    stop_sending_to_a = threading.Event()

    def send(n: int) -> bool:
        first = topo.a if n % 2 == 0 and not stop_sending_to_a.is_set() else topo.b
        for replica in (first, topo.b, topo.b):  # a failed delivery is sent again, to a live replica
            try:
                status, body = http("POST", f"{replica.url}/api/messages", activity(
                    topo.connector.url, questions[n], user=f"29:u{n}", expect_replies=True), timeout=30)
            except (OSError, HTTPException) as exc:  # the replica is gone
                if not _refused(exc):  # it died under this request
                    cut.append(n)
                continue
            if status != 200:
                continue
            return any("acknowledg" in t.lower() for r in body["activities"] for t in texts(r))
        return False

    with ThreadPoolExecutor(max_workers=4) as pool:  # four callers at once: A always has work in flight
        results = pool.map(send, range(len(questions)))
        wait_until("replica A answering", lambda: _metric(topo.a, "cxbot_inflight") >= 1, 30, log=topo.a.log)
        topo.a.kill()  # SIGKILL: no goodbye, no drain
        stop_sending_to_a.set()  # the load balancer takes the dead replica out
        answered = list(results)

    assert cut, "the kill hit no request in flight: the test proved nothing"
    assert all(answered), [q for q, ok in zip(questions, answered, strict=True) if not ok]
    recorded = topo.rows("SELECT count(DISTINCT question) FROM asked_questions WHERE question LIKE '%(kill case %'")
    assert recorded == len(questions)
    assert http("GET", f"{topo.b.url}/readyz")[0] == 200
