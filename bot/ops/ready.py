"""`GET /readyz`: is this replica able to answer? Database, Chroma and embedder, checked live.

200 with every check "ok", or 503 naming the failing parts, e.g.
`{"status": "unavailable", "failing": ["chroma"], "checks": {"chroma": "ConnectError: ..."}}`.
While the process is shutting down it answers 503 `shutting down`, so load balancers stop sending.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy import text

from bot.ops import metrics

if TYPE_CHECKING:
    from bot.app import Services

CHECK_TIMEOUT = 2.0


def describe(exc: BaseException) -> str:
    """A short, secret-free description of why a check failed."""
    first = (str(exc).strip().splitlines() or [""])[0]
    if "@" in first and "://" in first:  # a URL with credentials: keep only the class name
        first = ""
    return f"{type(exc).__name__}: {first[:200]}".rstrip(": ")


def check_database(services: Services) -> None:
    with services.db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def check_chroma(services: Services) -> None:
    services.knowledge.store.client.heartbeat()


def check_embedder(services: Services) -> None:
    vec = services.knowledge.embedder.query("ready")
    if len(vec) != services.knowledge.embedder.dim:
        raise RuntimeError("embedder returned a vector of the wrong size")


CHECKS: dict[str, Callable[[Services], None]] = {
    "database": check_database,
    "chroma": check_chroma,
    "embedder": check_embedder,
}


async def _run(name: str, check: Callable[[Services], None], services: Services) -> tuple[str, str]:
    try:
        await asyncio.wait_for(asyncio.to_thread(check, services), CHECK_TIMEOUT)
    except TimeoutError:
        return name, f"timed out after {CHECK_TIMEOUT:g} s"
    except Exception as exc:
        return name, describe(exc)
    return name, "ok"


async def readiness(services: Services) -> dict[str, Any]:
    """Run every check concurrently; the report `/readyz` and `cxbot doctor` show."""
    results = dict(await asyncio.gather(*(_run(n, c, services) for n, c in CHECKS.items())))
    failing = [n for n, r in results.items() if r != "ok"]
    return {"status": "unavailable" if failing else "ready", "failing": failing, "checks": results}


def readyz_view(services: Services, stopping: Callable[[], bool]) -> Callable[[web.Request], Any]:
    async def readyz(_request: web.Request) -> web.Response:
        """`GET /readyz`: 200 when database, Chroma and embedder answer; 503 naming what fails."""
        if stopping():
            metrics.READY.set(0)
            return web.json_response(
                {"status": "unavailable", "failing": ["shutting down"], "checks": {}}, status=503
            )
        report = await readiness(services)
        metrics.READY.set(0 if report["failing"] else 1)
        return web.json_response(report, status=503 if report["failing"] else 200)

    return readyz
