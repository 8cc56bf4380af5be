"""Real HTTP servers on 127.0.0.1 that speak what the product calls: OpenAI's API, and Ollama's.

`FakeOpenAI` serves `/v1/chat/completions` and `/v1/embeddings` as OpenAI documents them. Embeddings
are deterministic: a hashed bag of words, so texts sharing words are near each other and the same text
always gets the same vector. `FakeOllama` serves what Ollama documents for its OpenAI-compatible
endpoint (`OLLAMA_BASE_URL` + `/v1`): only pulled models answer, the API key is ignored, unknown
request fields are ignored (and recorded, so a test can check that we send none), plus `/api/version`
and `/api/tags` of its native API.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIM = 256
Reply = tuple[int, dict[str, Any]]


def embed(text: str, dim: int = DIM) -> list[float]:
    """A text's deterministic vector: each word adds ±1 at a hashed position (never all zeros)."""
    vec = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()) or [text]:
        h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "big")
        vec[h % dim] += 1.0 if (h >> 32) & 1 else -1.0
    if not any(vec):
        vec[0] = 1.0
    return vec


def error(status: int, message: str, kind: str) -> Reply:
    return status, {"error": {"message": message, "type": kind, "param": None, "code": None}}


class FakeOpenAI:
    """Replies with `self.reply` (or `self.answer(request)` when set) and records every request body."""

    prefix = "/v1"

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []  # chat completions
        self.embedding_requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.reply = "Acknowledge within four business hours [1]."
        self.answer: Callable[[dict[str, Any]], str] | None = None
        self.model_name = "fake"
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, payload: dict[str, Any]) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                with fake.lock:
                    fake.paths.append(f"GET {self.path}")
                self._send(*fake.get(self.path))

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake.lock:
                    fake.paths.append(f"POST {self.path}")
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(*error(400, "invalid JSON", "invalid_request_error"))
                    return
                self._send(*fake.post(self.path, body if isinstance(body, dict) else {}))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.root + self.prefix

    def get(self, path: str) -> Reply:
        return error(404, f"no route GET {path}", "invalid_request_error")

    def post(self, path: str, body: dict[str, Any]) -> Reply:
        if path == f"{self.prefix}/chat/completions":
            return self.chat(body)
        if path == f"{self.prefix}/embeddings":
            return self.embeddings(body)
        return error(404, f"no route POST {path}", "invalid_request_error")

    def chat(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append(body)
        content = self.answer(body) if self.answer is not None else self.reply
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": 0,
            "model": body.get("model", self.model_name),
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def embeddings(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.embedding_requests.append(body)
        given = body.get("input")
        texts = [given] if isinstance(given, str) else given
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t for t in texts):
            return error(400, "input must be a non-empty string or a list of non-empty strings",
                         "invalid_request_error")
        fmt = body.get("encoding_format", "float")
        if fmt not in ("float", "base64"):
            return error(400, f"encoding_format must be float or base64, not {fmt!r}", "invalid_request_error")
        data = []
        for i, text in enumerate(texts):
            vec = embed(text)
            value: Any = vec if fmt == "float" else base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
            data.append({"object": "embedding", "index": i, "embedding": value})
        tokens = sum(len(t.split()) for t in texts)
        return 200, {"object": "list", "data": data, "model": body.get("model", self.model_name),
                     "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


# What Ollama documents for its /v1/chat/completions (docs.ollama.com/api/openai-compatibility).
OLLAMA_CHAT_FIELDS = {
    "model", "messages", "frequency_penalty", "presence_penalty", "response_format", "seed", "stop", "stream",
    "stream_options", "temperature", "top_p", "max_tokens", "tools", "reasoning_effort", "reasoning",
    "tool_choice", "logprobs", "top_logprobs",
}


class FakeOllama(FakeOpenAI):
    """Ollama's server as the product reaches it: `OLLAMA_BASE_URL` is `self.root`."""

    def __init__(self, models: tuple[str, ...] = ("llama3.2:latest",)) -> None:
        super().__init__()
        self.models = set(models)
        self.ignored_fields: list[str] = []

    def _pulled(self, name: object) -> bool:
        name = str(name)
        return name in self.models or f"{name}:latest" in self.models

    def get(self, path: str) -> Reply:
        if path == "/api/version":
            return 200, {"version": "0.12.3"}
        if path == "/api/tags":
            return 200, {"models": [{"name": m, "model": m} for m in sorted(self.models)]}
        if path == "/v1/models":
            return 200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "library"} for m in sorted(self.models)]}
        return 404, {"error": "404 page not found"}

    def chat(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.ignored_fields += sorted(set(body) - OLLAMA_CHAT_FIELDS)
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return error(400, "[] is too short - 'messages'", "invalid_request_error")
        for m in body["messages"]:
            if not isinstance(m, dict) or not isinstance(m.get("content"), (str, list)):
                return error(400, "invalid message content type", "invalid_request_error")
        if body.get("stream"):
            return error(400, "this fake answers non-streaming requests only", "invalid_request_error")
        if not self._pulled(body.get("model")):
            return error(404, f'model "{body.get("model")}" not found, try pulling it first', "not_found_error")
        status, reply = super().chat(body)
        reply["system_fingerprint"] = "fp_ollama"
        return status, reply

    def embeddings(self, body: dict[str, Any]) -> Reply:
        if not self._pulled(body.get("model")):
            return error(404, f'model "{body.get("model")}" not found, try pulling it first', "not_found_error")
        return super().embeddings(body)


@contextmanager
def serving(fake: FakeOpenAI | None = None) -> Iterator[FakeOpenAI]:
    """A running fake (a new `FakeOpenAI` unless one is given) for the duration of the block."""
    fake = fake or FakeOpenAI()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
