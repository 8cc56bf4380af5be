"""/healthz, /readyz and /metrics on a real aiohttp server on 127.0.0.1, with real dependencies."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Services, build_services
from bot.core.model import Conversation, Inbound, InboundKind, User
from bot.db.engine import make_engine
from bot.settings import Settings
from bot.web.app import build_app
from testkit.net import free_port
from testkit.ports import RecordingPort


@pytest.fixture
def indexed(sample_index: Settings, tmp_path: Path, settings_factory: Callable[..., Settings]) -> Settings:
    """A private copy of the sample index (embedded Chroma) with its own SQLite database."""
    shutil.copytree(sample_index.data_dir / "chroma", tmp_path / "data" / "chroma")
    return settings_factory()


async def serve(settings: Settings) -> AsyncIterator[tuple[TestClient[Any, Any], Services]]:
    services = build_services(settings)
    client: TestClient[Any, Any] = TestClient(TestServer(build_app(services), host="127.0.0.1"))
    await client.start_server()
    try:
        yield client, services
    finally:
        await client.close()


@pytest.fixture
async def running(indexed: Settings) -> AsyncIterator[tuple[TestClient[Any, Any], Services]]:
    async for pair in serve(indexed):
        yield pair


def question(text: str, platform: str = "console") -> Inbound:
    return Inbound(
        kind=InboundKind.MESSAGE, conversation=Conversation(platform, "C1"),  # type: ignore[arg-type]
        user=User(platform, "U-secret-person"), text=text,  # type: ignore[arg-type]
    )


async def test_healthz_answers_and_echoes_a_request_id(running: tuple[TestClient[Any, Any], Services]) -> None:
    client, _ = running
    resp = await client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert resp.status == 200
    assert resp.headers["X-Request-Id"] == "abc-123"
    fresh = await client.get("/healthz", headers={"X-Request-Id": "bad id <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["X-Request-Id"])


async def test_readyz_is_ready_when_database_chroma_and_embedder_answer(
    running: tuple[TestClient[Any, Any], Services],
) -> None:
    client, _ = running
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["checks"] == {"database": "ok", "chroma": "ok", "embedder": "ok"}


async def test_readyz_names_chroma_when_the_server_is_down(settings_factory: Callable[..., Settings]) -> None:
    cfg = settings_factory(CHROMA_URL=f"http://127.0.0.1:{free_port()}")
    async for client, _ in serve(cfg):
        started = time.monotonic()
        resp = await client.get("/readyz")
        body = await resp.json()
        assert resp.status == 503
        assert body["failing"] == ["chroma"]
        assert time.monotonic() - started < 2.5


async def test_readyz_names_the_database_when_it_is_unreachable(
    running: tuple[TestClient[Any, Any], Services],
) -> None:
    client, services = running
    services.db.engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 503
    assert body["failing"] == ["database"]
    assert "OperationalError" in body["checks"]["database"]


async def test_readyz_says_shutting_down_once_draining(running: tuple[TestClient[Any, Any], Services]) -> None:
    client, services = running
    services.inflight.stopping = True
    resp = await client.get("/readyz")
    assert resp.status == 503
    assert (await resp.json())["failing"] == ["shutting down"]


async def test_metrics_count_requests_answers_and_latency(running: tuple[TestClient[Any, Any], Services]) -> None:
    client, services = running

    def sample(text: str, name: str, labels: str = "") -> float:
        m = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.M)
        return float(m.group(1)) if m else 0.0

    before = await (await client.get("/metrics")).text()
    port = RecordingPort()
    await services.router.dispatch(question("How fast must we acknowledge a complaint?", "teams"), port)
    await services.router.dispatch(question("What is the capital of Mongolia's moon base?", "teams"), port)
    resp = await client.get("/metrics")
    after = await resp.text()
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    label = '{kind="message",platform="teams"}'
    assert sample(after, "cxbot_requests_total", label) - sample(before, "cxbot_requests_total", label) == 2
    assert sample(after, "cxbot_answer_seconds_count") - sample(before, "cxbot_answer_seconds_count") == 2
    assert sample(after, "cxbot_retrieval_seconds_count") - sample(before, "cxbot_retrieval_seconds_count") == 2
    assert sample(after, "cxbot_abstentions_total") - sample(before, "cxbot_abstentions_total") == 1
    for name in ("cxbot_ack_seconds", "cxbot_feedback_total", "cxbot_pulse_votes_total", "cxbot_digests_total"):
        assert f"# HELP {name.removesuffix('_total')}" in after
