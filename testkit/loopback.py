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
    box: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
            loop.run_until_complete(site.start())
            box["port"] = runner.addresses[0][1]
        except BaseException as exc:  # surfaced in the caller's thread
            box["error"] = exc
        ready.set()
        if "error" not in box:
            loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True, name="loopback-server")
    thread.start()
    ready.wait(30)
    if "error" in box:
        raise RuntimeError("loopback server did not start") from box["error"]  # type: ignore[arg-type]
    scheme = "https" if ssl_context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{box['port']}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
