"""The digest: deltas, arrows, sentences for notable moves, breaches, chart, gaps, commands, preview."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from bot.app import build_services
from bot.ask.store import QuestionLog
from bot.core.model import Card, Conversation, Fields, Image, Inbound, InboundKind, Text, User
from bot.digest.build import build
from bot.digest.card import digest_card, digest_markdown
from bot.kpi.compute import Driver, KpiReport
from bot.kpi.config import Threshold
from bot.kpi.demo import generate
from bot.kpi.metrics import METRICS
from bot.kpi.weeks import parse_label
from bot.settings import Settings
from testkit.ports import RecordingPort

W47 = parse_label("2026-W47")


def report(nps: list[float]) -> KpiReport:
    weeks = list(range(W47 - len(nps) + 1, W47 + 1))
    r = KpiReport(weeks=weeks, values={k: np.full(len(weeks), np.nan) for k in METRICS})
    r.values["nps"] = np.array(nps)
    r.drivers["nps"] = Driver("detractors", "Enterprise", 14)
    return r


def test_notable_drop_gets_a_plain_sentence_with_driver_and_breach() -> None:
    d = build(report([40, 41, 39, 42, 38, 40, 37, 31]), {"nps": Threshold(min=35)})
    (line,) = d.lines
    assert line.value == 31 and line.wow == -6 and line.arrow == "↓"
    assert line.vs_avg4 == 31 - (42 + 38 + 40 + 37) / 4
    assert d.sentences == ["NPS fell 6 points to 31, the lowest in 8 weeks ⚠; detractors rose mainly in Enterprise (+14)."]
    assert d.breaches == ["NPS is 31, below the threshold of 35."]


def test_small_moves_get_no_sentence() -> None:
    d = build(report([40, 41, 39, 42, 38, 40, 37, 39]), {})
    assert d.sentences == [] and d.lines[0].arrow == "↑" and not d.breaches


def write_demo(settings: Settings) -> None:
    generate(settings.data_dir / "demo", W47)


def test_preview_writes_markdown_and_png(settings_factory, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import app

    data = tmp_path / "d"
    monkeypatch.setenv("CXBOT_DATA_DIR", str(data))
    monkeypatch.setenv("CXBOT_KNOWLEDGE_DIR", str(Path(__file__).resolve().parents[2] / "knowledge"))
    runner = CliRunner()
    assert runner.invoke(app, ["demo-data"]).exit_code == 0
    result = runner.invoke(app, ["digest", "preview", "--week", "2026-W30", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / "digest-2026-W30.md").read_text(encoding="utf-8")
    assert "| NPS" in md and "![KPI trend](trend-2026-W30.png)" in md and "Data quality:" in md
    assert (tmp_path / "out" / "trend-2026-W30.png").read_bytes()[:4] == b"\x89PNG"
    bad = runner.invoke(app, ["digest", "preview", "--week", "2026-13", "--out", str(tmp_path / "out")])
    assert bad.exit_code == 2 and "ISO week" in bad.output


async def test_commands_subscribe_now_unsubscribe(settings: Settings) -> None:
    write_demo(settings)
    services = build_services(settings)
    QuestionLog(services.db).record(platform="slack", conversation="slack:C1", user_hash="h",
                                    question="How do we refund in Brazil?", answered=False, top_source=None)
    QuestionLog(services.db).record(platform="slack", conversation="slack:D5", user_hash="h",
                                    question="Is my manager allowed to see my pulse vote?", answered=False,
                                    top_source=None)
    conv = Conversation("slack", "C1")
    port = RecordingPort()

    async def say(text: str) -> Text | Card:
        await services.router.dispatch(Inbound(InboundKind.COMMAND, conv, User("slack", "U1"), text=text), port)
        return port.pop()  # type: ignore[return-value]

    out = await say("digest subscribe friday 16:30 Europe/Berlin")
    assert isinstance(out, Text) and "Fridays at 16:30 (Europe/Berlin)" in out.text
    assert "unknown time zone" in (await say("digest subscribe Mars/Base")).text  # type: ignore[union-attr]
    week_now = datetime.now(UTC).isocalendar()
    card = await say(f"digest now {week_now.year}-W{week_now.week:02d}")
    assert isinstance(card, Card) and card.title.startswith("CX digest · week")
    shown = "\n".join(b.text for b in card.blocks if hasattr(b, "text"))
    assert "How do we refund in Brazil? (unanswered)" in shown
    assert "manager" not in shown  # a DM's question never reaches a channel's digest
    assert "Unsubscribed" in (await say("digest unsubscribe")).text  # type: ignore[union-attr]
    assert "no digest subscription" in (await say("digest unsubscribe")).text  # type: ignore[union-attr]
    services.close()


def test_card_has_fields_and_chart(settings: Settings) -> None:
    d = build(report([40, 41, 39, 42, 38, 40, 37, 31]), {})
    d.chart = b"\x89PNG..."
    card = digest_card(d)
    assert any(isinstance(b, Fields) for b in card.blocks)
    assert any(isinstance(b, Image) and b.data for b in card.blocks)
    assert "NPS fell 6 points" in card.fallback
    assert "| NPS | 31 ↓ | -6 pts |" in digest_markdown(d, None)
