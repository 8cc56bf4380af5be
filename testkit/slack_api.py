"""A fake Slack Web API on loopback that records every call (tests, benches, local runs).

Point the bot at it with `SLACK_API_URL=http://127.0.0.1:PORT/api/`. It answers the methods cxbot
uses, keeps posted thread replies so `conversations.replies` sees them and channel messages (with
their message `metadata`) so `conversations.history` does, keeps the reactions on each message
(`reactions`), answers 429 with `Retry-After` on demand (`rate_limit`), and can hold a method's
answer back after it took effect (`delay`: a response lost in a slow network). Run alone: `python -m testkit.slack_api --port 8099`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

JSON_FIELDS = ("blocks", "view", "files", "attachments", "metadata")
Args = dict[str, Any]


@dataclass
class Call:
    """One recorded Web API call."""

    method: str
    args: Args
    token: str | None
    at: float = field(default_factory=time.time)
    status: int = 200
    result: Args = field(default_factory=dict)  # what the fake answered (a post's `ts`)


class FakeSlackAPI:
    """Start with `await fake.start()`; `fake.url` is the base URL for the bot's client."""

    def __init__(self, bot_user_id: str = "W111", bot_id: str = "B111", team_id: str = "T111") -> None:
        self.bot_user_id, self.bot_id, self.team_id = bot_user_id, bot_id, team_id
        self.calls: list[Call] = []
        self.threads: dict[tuple[str, str], list[Args]] = {}
        self.history: dict[str, list[Args]] = {}  # channel -> top-level messages, oldest first
        self._delays: dict[str, list[float]] = {}
        self.usergroups: list[Args] = []
        self.locales: dict[str, str] = {}  # user id -> Slack locale ("de-DE"); others are "en-US"
        self.uploads: dict[str, bytes] = {}
        self._limits: dict[str, list[int]] = {}
        self.errors: dict[str, str] = {}
        self._ts = itertools.count(1)
        self._last_us = 0
        self.reactions: dict[tuple[str, str], set[str]] = {}  # (channel, ts) -> reaction names on it now
        self.socket_acks: list[Args] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._methods: dict[str, Callable[[Args], Awaitable[Args]]] = {
            "auth.test": self._auth_test, "chat.postMessage": self._post, "chat.postEphemeral": self._ephemeral,
            "chat.update": self._update, "views.publish": self._view, "conversations.replies": self._replies,
            "conversations.history": self._history,
            "usergroups.list": self._usergroups, "users.info": self._user,
            "files.getUploadURLExternal": self._upload_url, "apps.connections.open": self._connections_open, "files.completeUploadExternal": self._complete,
            "chat.getPermalink": self._permalink,
            "reactions.add": self._react, "reactions.remove": self._unreact,
            "assistant.threads.setStatus": self._ok, "assistant.threads.setSuggestedPrompts": self._ok,
            "assistant.threads.setTitle": self._ok,
        }

    # ------------------------------------------------------------------ control
    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and `Retry-After: retry_after`."""
        self._limits[method] = [times, retry_after]

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` at once but answer each only after `seconds`."""
        self._delays[method] = [times, seconds]

    def fail(self, method: str, error: str = "missing_scope") -> None:
        """Answer every call of `method` with `{"ok": false, "error": error}`."""
        self.errors[method] = error

    def add_thread_message(self, channel: str, thread_ts: str, user: str, text: str, ts: str) -> None:
        self.threads.setdefault((channel, thread_ts), []).append({"user": user, "text": text, "ts": ts,
                                                                   "thread_ts": thread_ts, "type": "message"})

    def hook_url(self, path: str = "T111/1/abc") -> str:
        """A response_url served by this fake."""
        return self.url.replace("/api/", f"/hooks/{path}")

    def called(self, method: str) -> list[Call]:
        """Successful calls of one method, in order."""
        return [c for c in self.calls if c.method == method and c.status == 200]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        """Wait until `method` was called successfully `count` times."""
        deadline = time.monotonic() + timeout
        while len(self.called(method)) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{method}: {len(self.called(method))} of {count} calls")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.2))
        return self.called(method)

    async def start(self, host: str = "127.0.0.1", port: int = 0, sock: socket.socket | None = None) -> str:
        """Serve on `host:port`, or on a socket the caller bound (`url` then names `host` and its port)."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/hooks/{path:.*}", self._response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site: web.BaseSite = web.SockSite(self._runner, sock) if sock else web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.url = f"http://{host}:{bound[1]}/api/"
        return self.url

    async def socket_send(self, payload: Args, kind: str = "events_api", envelope_id: str = "env-1") -> None:
        """Deliver a Socket Mode envelope to every connected client (waits for one to connect)."""
        deadline = time.monotonic() + 15
        while not self._sockets and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for ws in self._sockets:
            await ws.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                "accepts_response_payload": kind != "events_api", "retry_attempt": 0})

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ HTTP
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        auth = request.headers.get("Authorization", "")
        call = Call(method, args, auth.removeprefix("Bearer ") or args.get("token"))
        self.calls.append(call)
        limit = self._limits.get(method)
        if limit and limit[0] > 0:
            limit[0] -= 1
            call.status = 429
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(limit[1])})
        handler = self._methods.get(method)
        if method in self.errors:
            body: Args = {"ok": False, "error": self.errors[method]}
        else:
            body = await handler(args) if handler else {"ok": False, "error": "unknown_method"}
        call.result = body
        self._changed.set()
        held = self._delays.get(method)
        if held and held[0] > 0:
            held[0] -= 1
            await asyncio.sleep(held[1])
        return web.json_response(body)

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        self.calls.append(Call("upload", {"file_id": request.match_info["file_id"]}, None))
        self._changed.set()
        return web.Response(text="OK - uploaded")

    async def _response_url(self, request: web.Request) -> web.Response:
        """A `response_url` (slash commands, clicks): recorded as method "response_url"."""
        self.calls.append(Call("response_url", await _read_args(request), None))
        self._changed.set()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A111"}})
        try:
            async for msg in ws:
                if msg.type == web.WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(msg.data))
                    self._changed.set()
        finally:
            self._sockets.remove(ws)
        return ws

    # ------------------------------------------------------------------ methods
    def _next_ts(self) -> str:
        """As Slack's: the post's time in microseconds, unique and increasing within the channel."""
        self._last_us = max(self._last_us + 1, int(time.time() * 1_000_000))
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    async def _auth_test(self, _args: Args) -> Args:
        return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "cxbot",
                "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id}

    async def _post(self, args: Args) -> Args:
        ts = self._next_ts()
        message = {"type": "message", "text": args.get("text", ""), "ts": ts, "user": self.bot_user_id,
                   "bot_id": self.bot_id, "blocks": args.get("blocks", [])}
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
            self.threads.setdefault((str(args.get("channel")), str(args["thread_ts"])), []).append(message)
        else:
            self.history.setdefault(str(args.get("channel")), []).append(message)
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}

    async def _permalink(self, args: Args) -> Args:
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        return {"ok": True, "channel": channel,
                "permalink": f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"}

    async def _ephemeral(self, _args: Args) -> Args:
        return {"ok": True, "message_ts": self._next_ts()}

    async def _update(self, args: Args) -> Args:
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text", "")}

    async def _view(self, args: Args) -> Args:
        return {"ok": True, "view": {"id": "V111", **(args.get("view") or {})}}

    async def _replies(self, args: Args) -> Args:
        key = (str(args.get("channel")), str(args.get("ts")))
        keep = _flag(args.get("include_all_metadata"))
        messages = [m if keep else {k: v for k, v in m.items() if k != "metadata"} for m in self.threads.get(key, [])]
        return {"ok": True, "messages": messages, "has_more": False}

    async def _history(self, args: Args) -> Args:
        """Newest first, `oldest`/`latest` exclusive unless `inclusive`, pages of `limit` with a cursor.

        As Slack: a message's `metadata` only with `include_all_metadata`, and `not_in_channel` for a
        channel the bot never posted to is not modelled (every channel is readable).
        """
        inclusive = _flag(args.get("inclusive"))
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or time.time() + 1)
        with_metadata = _flag(args.get("include_all_metadata"))

        def within(m: Args) -> bool:
            ts = float(m["ts"])
            return (oldest <= ts <= latest) if inclusive else (oldest < ts < latest)

        found = [m for m in reversed(self.history.get(str(args.get("channel")), [])) if within(m)]
        start = int(str(args.get("cursor") or "").removeprefix("next:") or 0)
        limit = max(1, min(999, int(args.get("limit") or 100)))
        page = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                for m in found[start:start + limit]]
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more, "pin_count": 0,
                "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""}}

    async def _usergroups(self, _args: Args) -> Args:
        return {"ok": True, "usergroups": self.usergroups}

    async def _user(self, args: Args) -> Args:
        uid = str(args.get("user", ""))
        user: Args = {"id": uid, "name": uid.lower(), "real_name": f"User {uid}",
                      "profile": {"display_name": uid.lower()}}
        if str(args.get("include_locale", "")).lower() in ("true", "1"):  # as Slack: the locale only when asked
            user["locale"] = self.locales.get(uid, "en-US")
        return {"ok": True, "user": user}

    async def _ok(self, _args: Args) -> Args:
        return {"ok": True}

    async def _react(self, args: Args) -> Args:
        names = self.reactions.setdefault((str(args.get("channel")), str(args.get("timestamp"))), set())
        if args.get("name") in names:
            return {"ok": False, "error": "already_reacted"}
        names.add(str(args.get("name")))
        return {"ok": True}

    async def _unreact(self, args: Args) -> Args:
        names = self.reactions.get((str(args.get("channel")), str(args.get("timestamp"))), set())
        if args.get("name") not in names:
            return {"ok": False, "error": "no_reaction"}
        names.discard(str(args.get("name")))
        return {"ok": True}

    async def _connections_open(self, _args: Args) -> Args:
        return {"ok": True, "url": self.url.replace("http://", "ws://").replace("/api/", "/link")}

    async def _upload_url(self, _args: Args) -> Args:
        file_id = f"F{next(self._ts):08d}"
        return {"ok": True, "file_id": file_id, "upload_url": self.url.replace("/api/", f"/upload/{file_id}")}

    async def _complete(self, args: Args) -> Args:
        files = [{"id": f.get("id"), "title": f.get("title")} for f in args.get("files") or []]
        return {"ok": True, "files": files}


def _flag(value: object) -> bool:
    return str(value).lower() in ("1", "true")


async def _read_args(request: web.Request) -> Args:
    args: Args = dict(request.query)
    if request.content_type == "application/json":
        try:
            data = await request.json()
        except ValueError:
            data = {}
        args.update(data if isinstance(data, dict) else {})
    elif request.can_read_body:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def main() -> None:
    """Run the fake on a fixed port and log every call."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8099)
    port = parser.parse_args().port
    logging.basicConfig(level=logging.INFO)

    async def run() -> None:
        fake = FakeSlackAPI()
        log.info("fake Slack Web API at %s", await fake.start(port=port))
        seen = 0
        while True:
            await asyncio.sleep(0.5)
            for call in fake.calls[seen:]:
                log.info("%s %s", call.method, json.dumps(call.args)[:300])
            seen = len(fake.calls)

    asyncio.run(run())


if __name__ == "__main__":
    main()
