"""`cxbot doctor` says what chat messages leave out: which KPI source or pulse template fails, and why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.ops.content_checks import check_kpi, check_pulse_templates
from bot.settings import Settings

COLUMNS = "columns: {date: responded_at, survey: survey, score: score, segment: segment}"


def kpis(tmp: Path, source: str) -> Path:
    path = tmp / "kpis.yaml"
    path.write_text(f"surveys:\n  source: {source}\n  {COLUMNS}\n", encoding="utf-8")
    return path


def test_a_missing_csv_is_named_with_its_path_and_a_fix(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "surveys.csv"
    [finding] = check_kpi(settings_factory(CXBOT_KPI_CONFIG=kpis(tmp_path, f'{{type: csv, path: "{missing}"}}')))

    assert finding.status == "warn"
    assert "surveys (CSV) not available" in finding.detail and str(missing) in finding.detail
    assert "cxbot demo-data" in finding.fix


def test_a_readable_csv_is_ok(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("responded_at,survey,score,segment\n2026-01-05,nps,9,SMB\n", encoding="utf-8")
    [finding] = check_kpi(settings_factory(CXBOT_KPI_CONFIG=kpis(tmp_path, f'{{type: csv, path: "{tmp_path / "s.csv"}"}}')))

    assert finding.status == "ok"


def test_an_http_source_down_is_shown_without_its_credentials(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    url = "http://admin:hunter2@127.0.0.1:9/kpis?token=hunter2"
    [finding] = check_kpi(settings_factory(CXBOT_KPI_CONFIG=kpis(tmp_path, f'{{type: http, url: "{url}"}}')))

    assert finding.status == "warn" and "127.0.0.1:9/kpis" in finding.detail
    assert "hunter2" not in finding.detail + finding.fix


def test_an_invalid_config_fails(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    path = tmp_path / "kpis.yaml"
    path.write_text("surveys: [unclosed", encoding="utf-8")

    [finding] = check_kpi(settings_factory(CXBOT_KPI_CONFIG=path))

    assert finding.status == "fail" and "not valid YAML" in finding.detail


def test_broken_pulse_templates_are_named(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: [unclosed", encoding="utf-8")

    found = check_pulse_templates(settings_factory(CXBOT_PULSE_TEMPLATES=tmp_path))

    assert [f.status for f in found] == ["warn"] and "broken.yaml" in found[0].detail


def test_the_shipped_templates_are_ok(settings: Settings) -> None:
    assert [f.status for f in check_pulse_templates(settings)] == ["ok"]
