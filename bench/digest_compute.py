"""Digest computation at scale: 1,000,000 ticket rows + 200,000 survey rows from CSV.

    .venv/bin/python bench/digest_compute.py

Times loading + per-week KPIs + digest building (the trend chart separately) and reports peak RSS.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.digest.build import build  # noqa: E402
from bot.digest.chart import trend_png  # noqa: E402
from bot.kpi.compute import compute, load_tables  # noqa: E402
from bot.kpi.config import load_config  # noqa: E402
from bot.kpi.demo import DemoSize, generate  # noqa: E402
from bot.kpi.weeks import parse_label  # noqa: E402

WEEK = parse_label("2026-W47")


def make_data(data: Path) -> None:
    """Write the CSVs (in a child process, so the generator's memory is not counted)."""
    paths = generate(data / "demo", WEEK, DemoSize(weeks=52, tickets_per_week=19_231,
                                                   surveys_per_week=200_000 // 52 + 1, accounts=20_000))
    rows = {k: sum(1 for _ in p.open()) - 1 for k, p in paths.items()}
    print(f"generated {rows}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        make_data(Path(sys.argv[2]))
        return
    data = Path(tempfile.mkdtemp(prefix="cxbot-bench-"))
    subprocess.run([sys.executable, __file__, "--generate", str(data)], check=True)
    cfg = load_config(ROOT / "knowledge" / "kpis.yaml", data)
    t, cpu = time.perf_counter(), time.process_time()
    tables = load_tables(cfg)
    t_load = time.perf_counter() - t
    report = compute(tables, WEEK - 11, WEEK)
    digest = build(report, cfg.thresholds)
    png = trend_png(report, cfg.thresholds)
    t_total, cpu_total = time.perf_counter() - t, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load {t_load:.2f} s; load + KPIs + digest + chart {t_total:.2f} s wall, {cpu_total:.2f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); chart {len(png)} bytes")
    print(f"peak RSS {rss:.0f} MB; bad rows: {[b.summary() for b in report.bad.values()]}")
    print(f"sentences: {digest.sentences}")
    ok = t_total < 5 and rss < 1024
    print("PASS" if ok else "FAIL", f"{t_total:.2f} s < 5 s, {rss:.0f} MB < 1024 MB")


if __name__ == "__main__":
    main()
