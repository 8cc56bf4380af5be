"""Sources (CSV, SQL, HTTP JSON) behind one interface, and bad rows counted by reason."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from aiohttp import web

from bot.kpi.compute import compute, load_tables
from bot.kpi.config import ConfigError, load_config, parse_config
from bot.kpi.load import load_surveys
from bot.kpi.sources import CsvSource, HttpJsonSource, SourceError, SqlSource
from bot.kpi.weeks import label, parse_label, week_of_times

SURVEYS = """responded_at,survey,score,segment
2026-11-16T10:00:00,nps,10,SMB
2026-11-16 11:00:00,nps,0,Enterprise
2026-11-17T09:00:00Z,csat,5,SMB
2026-11-18,ces,6,SMB
yesterday,nps,9,SMB
2026-11-18T10:00:00,nps,11,SMB
2026-11-18T10:00:00,csat,great,SMB
2026-11-18T10:00:00,mood,3,SMB
2026-02-30T10:00:00,nps,3,SMB
2026-11-19T10:00:00,nps
"""


def write_config(tmp_path: Path, surveys: str) -> Path:
    (tmp_path / "s.csv").write_text(surveys, encoding="utf-8")
    cfg = tmp_path / "kpis.yaml"
    cfg.write_text("surveys:\n  source: {type: csv, path: s.csv}\n"
                   "  columns: {date: responded_at}\nthresholds:\n  nps: {min: 30}\n", encoding="utf-8")
    return cfg


def test_csv_bad_rows_are_counted_by_reason(tmp_path: Path) -> None:
    cfg = load_config(write_config(tmp_path, SURVEYS), tmp_path)
    table = load_surveys(cfg.datasets["surveys"])
    assert len(table.cols["score"]) == 4
    assert table.bad.total == 10
    assert dict(table.bad.reasons) == {
        "unreadable or missing date": 2, "score out of range": 1, "unreadable or missing score": 1,
        "unknown survey type": 1, "malformed line": 1,
    }
    assert "6 of 10 rows skipped" in table.bad.summary()


def test_fast_and_slow_csv_paths_agree(tmp_path: Path) -> None:
    good = "".join(line + "\n" for line in SURVEYS.splitlines()[:5])
    fast = load_surveys(load_config(write_config(tmp_path, good), tmp_path).datasets["surveys"])
    slow = load_surveys(load_config(write_config(tmp_path, good.replace("SMB", "SMB·")), tmp_path).datasets["surveys"])
    assert np.array_equal(fast.cols["week"], slow.cols["week"])
    assert np.array_equal(fast.cols["score"], slow.cols["score"])
    assert label(int(fast.cols["week"][0])) == "2026-W47"


def test_week_labels_round_trip() -> None:
    assert label(parse_label("2026-W01")) == "2026-W01"
    assert label(int(week_of_times(np.array(["2026-01-01T00:00:00"], "datetime64[s]"))[0])) == "2026-W01"
    with pytest.raises(ValueError, match="ISO week"):
        parse_label("2026-13")


def test_sql_source_reads_named_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("create table s (responded_at text, survey text, score int, segment text)"))
        c.execute(sa.text("insert into s values ('2026-11-16T10:00:00','nps',10,'SMB'), ('2026-11-16','nps',3,'SMB')"))
    engine.dispose()
    chunks = list(SqlSource(url, "select * from s").read(["responded_at", "score"]))
    assert [list(ch.columns["score"]) for ch in chunks] == [[10, 3]]
    with pytest.raises(SourceError, match="no column"):
        list(SqlSource(url, "select score from s").read(["responded_at"]))


@pytest.fixture
def json_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering survey records."""
    records = {"data": [{"responded_at": "2026-11-16T10:00:00", "survey": "nps", "score": 9, "segment": "SMB"},
                        {"responded_at": "2026-11-16T11:00:00", "survey": "nps", "score": "x", "segment": "SMB"},
                        "not a record"]}
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_get("/surveys", lambda _r: web.json_response(records))
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def test_http_json_source_with_bad_records(json_server: str, tmp_path: Path) -> None:
    raw = {"surveys": {"source": {"type": "http", "url": f"{json_server}/surveys", "records": "data"},
                       "columns": {"date": "responded_at"}}}
    cfg = parse_config(raw, tmp_path)
    table = load_surveys(cfg.datasets["surveys"])
    assert list(table.cols["score"]) == [9.0]
    assert dict(table.bad.reasons) == {"malformed line": 1, "unreadable or missing score": 1}
    with pytest.raises(SourceError):
        list(HttpJsonSource(f"{json_server}/missing").read(["x"]))


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"thresholds\.wow: unknown metric"):
        parse_config({"thresholds": {"wow": {"min": 1}}}, tmp_path)
    with pytest.raises(ConfigError, match=r"surveys\.source\.type"):
        parse_config({"surveys": {"source": {"type": "ftp"}}}, tmp_path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml", tmp_path)


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    cfg = parse_config({"tickets": {"source": {"type": "csv", "path": "none.csv"}}}, tmp_path, tmp_path)
    tables = load_tables(cfg)
    report = compute(tables, 100, 111)
    assert "cannot open" in report.errors["tickets"]
    assert isinstance(cfg.datasets["tickets"].source, CsvSource)
