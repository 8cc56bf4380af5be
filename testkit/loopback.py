"""Run an aiohttp application on 127.0.0.1 in a background thread, for code under test that is synchronous."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web


@contextmanager
def serving(app: web.Application, ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve `app` on a free loopback port; yields its base URL (no trailing slash)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    ready = threading.Event()
    box: dict[str, int] = {}
    failed: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
            loop.run_until_complete(site.start())
            box["port"] = int(runner.addresses[0][1])
        except BaseException as exc:  # surfaced in the caller's thread
            failed.append(exc)
        ready.set()
        if not failed:
            loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True, name="loopback-server")
    thread.start()
    ready.wait(30)
    if failed or "port" not in box:
        raise RuntimeError("loopback server did not start") from (failed[0] if failed else None)
    scheme = "https" if ssl_context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{box['port']}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
