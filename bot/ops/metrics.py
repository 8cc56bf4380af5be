"""Prometheus metrics: one registry, and the counters and histograms features call.

Features import what they need and call it directly, e.g.
`metrics.REQUESTS.labels("slack", "message").inc()` or `with metrics.ACK_SECONDS.labels("slack").time(): ...`.
Retrieval and answers are observed instead: `ops.serving.install` adds `searched` and `answered` to their hooks.
`GET /metrics` renders the registry in the Prometheus text format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_SLOW = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)

REQUESTS = Counter(
    "cxbot_requests", "Inbound events handled, by platform and kind (message, command, action).",
    ["platform", "kind"], registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "cxbot_ack_seconds", "Time from receiving a platform request to acknowledging it.",
    ["platform"], buckets=_FAST, registry=REGISTRY,
)
RETRIEVAL_SECONDS = Histogram(
    "cxbot_retrieval_seconds", "Time to retrieve passages for a question (embedding + search).",
    buckets=_FAST, registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "cxbot_answer_seconds", "Time to answer a question, retrieval and writing included.",
    buckets=_SLOW, registry=REGISTRY,
)
ANSWERS = Counter(
    "cxbot_answers", "Questions handled, by outcome (answered, abstained, unavailable).",
    ["outcome"], registry=REGISTRY,
)
ABSTENTIONS = Counter(
    "cxbot_abstentions", "Questions the knowledge did not cover (the bot declined to guess).",
    registry=REGISTRY,
)
FEEDBACK = Counter(
    "cxbot_feedback", "Feedback clicks on answers, by value (up, down).", ["value"], registry=REGISTRY,
)
VOTES = Counter("cxbot_pulse_votes", "Votes recorded in pulse checks.", registry=REGISTRY)
DIGESTS = Counter(
    "cxbot_digests", "Digests delivered, by outcome (sent, failed).", ["outcome"], registry=REGISTRY,
)
INFLIGHT = Gauge("cxbot_inflight", "Inbound events being handled right now.", registry=REGISTRY)
HTTP_REQUESTS = Counter(
    "cxbot_http_requests", "HTTP requests served, by route and status code.",
    ["route", "status"], registry=REGISTRY,
)
READY = Gauge("cxbot_ready", "1 when /readyz last found every dependency reachable.", registry=REGISTRY)


if TYPE_CHECKING:
    from bot.ask.feature import Answered
    from bot.search.retriever import Searched


def searched(event: Searched) -> None:
    """Time one retrieval (observer of `Knowledge.searched`)."""
    RETRIEVAL_SECONDS.observe(event.seconds)


def answered(event: Answered) -> None:
    """Count one question by outcome and time its answer (observer of `AskFeature.answered`)."""
    if event.seconds is not None:
        ANSWER_SECONDS.observe(event.seconds)
    ANSWERS.labels(event.outcome).inc()
    if event.outcome == "abstained":
        ABSTENTIONS.inc()


def vote() -> None:
    """Count one pulse vote (call after it is stored)."""
    VOTES.inc()


def digest(sent: bool) -> None:
    """Count one digest delivery attempt."""
    DIGESTS.labels("sent" if sent else "failed").inc()


def feedback(positive: bool) -> None:
    """Count one feedback click."""
    FEEDBACK.labels("up" if positive else "down").inc()


async def metrics_view(_request: web.Request) -> web.Response:
    """`GET /metrics`: the Prometheus text exposition of every cxbot metric."""
    body = generate_latest(REGISTRY)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

