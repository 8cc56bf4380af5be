"""`cxbot pulse export ID --csv` and `cxbot pulse templates`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pulse_helpers import CHANNEL
from typer.testing import CliRunner

from bot.app import Services
from bot.cli import app
from bot.pulse.service import PulseService
from bot.pulse.votes import Vote


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, services: Services) -> None:
    s = services.settings
    monkeypatch.setenv("CXBOT_DATA_DIR", str(s.data_dir))
    monkeypatch.setenv("CXBOT_KNOWLEDGE_DIR", str(s.knowledge_dir))
    if s.database_url:
        monkeypatch.setenv("DATABASE_URL", s.database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)


def test_export_writes_aggregates_only_with_the_anonymity_floor(env: None, pulses: PulseService) -> None:
    template = pulses.templates()[0]["customer-centricity"]
    p = pulses.store.create(template, "en", CHANNEL, closes_at=datetime.now(UTC) + timedelta(hours=1), creator_hash="x")
    for n, score in enumerate([5, 4, 4]):
        pulses.store.vote(Vote(p.id, 0, score), f"voter-{n}")
    pulses.store.vote(Vote(p.id, 1, 2), "voter-0")
    assert CliRunner().invoke(app, ["pulse", "export", str(p.id), "--csv"]).exit_code == 1  # still open
    assert pulses.store.claim_close(p.id, due_only=False)
    result = CliRunner().invoke(app, ["pulse", "export", str(p.id), "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert rows[0]["mean"] == "4.33" and rows[0]["score_4"] == "2" and rows[0]["responses"] == "3"
    assert rows[1]["responses"] == "1" and rows[1]["mean"] == "" and rows[1]["score_2"] == ""
    assert "voter" not in result.stdout and "hash" not in result.stdout


def test_export_of_an_unknown_pulse_says_so(env: None) -> None:
    result = CliRunner().invoke(app, ["pulse", "export", "999", "--csv"])
    assert result.exit_code == 1 and "No pulse #999" in result.output


def test_templates_command_reports_bad_files(env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CliRunner().invoke(app, ["pulse", "templates"]).exit_code == 0
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: {en: Bad}\n")
    monkeypatch.setenv("CXBOT_PULSE_TEMPLATES", str(tmp_path))
    result = CliRunner().invoke(app, ["pulse", "templates"])
    assert result.exit_code == 1 and "bad.yaml: statements" in result.output
