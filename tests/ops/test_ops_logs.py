"""JSON logs: one object per line with the request id; no message text at INFO; user ids hashed."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from bot.app import build_services
from bot.core.model import Conversation, Inbound, InboundKind, User
from bot.ops.inflight import Inflight
from bot.ops.logs import REQUEST_ID, JsonFormatter
from bot.settings import Settings
from testkit.ports import RecordingPort


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, self.format(record)))


def test_a_record_is_one_json_object_with_request_id_and_fields() -> None:
    token = REQUEST_ID.set("req-42")
    try:
        record = logging.LogRecord("cxbot.x", logging.INFO, __file__, 1, "answered %s", ("ok",), None)
        record.user_hash = "ab12"
        doc = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert doc["msg"] == "answered ok"
    assert doc["request_id"] == "req-42"
    assert doc["user_hash"] == "ab12"
    assert doc["level"] == "INFO"


async def test_asking_logs_no_question_text_and_no_raw_user_id_at_info(
    sample_index: Settings, tmp_path: Path, settings_factory: Callable[..., Settings],
) -> None:
    shutil.copytree(sample_index.data_dir / "chroma", tmp_path / "data" / "chroma")
    services = build_services(settings_factory())
    services.router.use(Inflight().middleware)
    capture = Capture()
    root = logging.getLogger()
    old = root.level
    root.addHandler(capture)
    root.setLevel(logging.INFO)
    try:
        inbound = Inbound(
            kind=InboundKind.MESSAGE, conversation=Conversation("slack", "C9"),
            user=User("slack", "U0PRIVATE77"), text="How fast must we acknowledge a complaint zebra?",
        )
        await services.router.dispatch(inbound, RecordingPort())
    finally:
        root.removeHandler(capture)
        root.setLevel(old)
        services.close()
    info = [line for level, line in capture.lines if level >= logging.INFO]
    assert all("zebra" not in line and "U0PRIVATE77" not in line for line in info)
