"""Which language a reply is in: the asker's, else `CXBOT_LANGUAGE`; the console follows the latter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testenv import ROOT

from bot.core.model import Conversation, Inbound, InboundKind, Text, User
from bot.core.router import Router
from testkit.ports import RecordingPort

CONV = Conversation("console", "c1", "dm")
USER = User("console", "u1")


async def help_in(router: Router, language: str | None) -> str:
    port = RecordingPort()
    await router.dispatch(Inbound(InboundKind.MESSAGE, CONV, USER, text="help", language=language), port)
    out = port.pop()
    assert isinstance(out, Text)
    return out.text


async def test_the_askers_language_wins_over_the_default_per_message() -> None:
    router = Router(language="en")
    german, english, unknown = await help_in(router, "de"), await help_in(router, "en"), await help_in(router, "fr")
    assert german.startswith("Das kann ich:") and "`help` — Zeigt, was cxbot kann." in german
    assert english.startswith("Here is what I can do:")
    assert unknown.startswith("Here is what I can do:")
    assert (await help_in(Router(language="de"), None)).startswith("Das kann ich:")


def test_cxbot_chat_help_in_german_and_english_command_words_still_work(tmp_path: Path) -> None:
    env = {**os.environ, "CXBOT_LANGUAGE": "de", "CXBOT_DATA_DIR": str(tmp_path / "data"),
           "CXBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "chat", "help"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Das kann ich:" in done.stdout
    assert "Stell der Wissensbasis eine Frage" in done.stdout
    assert "ask <Frage>" in done.stdout
