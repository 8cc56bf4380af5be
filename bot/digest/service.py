"""Making digests: KPIs for a week (cached per week and data version), the chart, gaps, and the
sections other features contribute (`bot.core.digest.DigestSection`: the latest pulse)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot.ask.store import QuestionLog
from bot.core.digest import DigestSection
from bot.digest.build import Digest, build
from bot.digest.chart import trend_png
from bot.i18n import DEFAULT_LANGUAGE, N_, translator
from bot.kpi.compute import KpiReport, Tables, compute, load_tables
from bot.kpi.config import KpiConfig, Threshold, load_config
from bot.kpi.sources import CsvSource
from bot.kpi.weeks import week_start_utc
from bot.settings import Settings

log = logging.getLogger(__name__)

WINDOW = 12  # weeks of history behind each digest (trend chart, "lowest in N weeks")
MAX_GAPS = 8
UNANSWERED = N_("unanswered")


class DigestService:
    """Builds the digest of a week; safe to call from several threads."""

    def __init__(self, settings: Settings, gaps: QuestionLog | None = None,
                 sections: Sequence[DigestSection] = ()) -> None:
        self.settings = settings
        self.gaps = gaps
        self.sections = sections
        self._lock = threading.Lock()
        self._tables: tuple[tuple[float, ...], KpiConfig, Tables] | None = None
        self._digests: OrderedDict[tuple[int, tuple[float, ...], str], Digest] = OrderedDict()

    @property
    def config_path(self) -> Path:
        return self.settings.kpi_config or self.settings.knowledge_dir / "kpis.yaml"

    def _version(self, cfg: KpiConfig | None) -> tuple[float, ...]:
        paths = [self.config_path]
        if cfg:
            paths += [ds.source.path for ds in cfg.datasets.values() if isinstance(ds.source, CsvSource)]
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)

    def _load(self) -> tuple[tuple[float, ...], KpiConfig, Tables]:
        cached = self._tables
        if cached and self._version(cached[1]) == cached[0]:
            return cached
        cfg = load_config(self.config_path, self.settings.data_dir)
        version = self._version(cfg)
        self._tables = (version, cfg, load_tables(cfg))
        return self._tables

    def kpis(self, week: int, language: str = DEFAULT_LANGUAGE) -> Digest:
        """The KPI part of a week's digest in `language` (shared by every channel; cached)."""
        with self._lock:
            version, cfg, tables = self._load()
            key = (week, version, language)
            if key in self._digests:
                return self._digests[key]
            report = compute(tables, week - WINDOW + 1, week)
            digest = build(report, cfg.thresholds, language)
            digest.chart = trend_png(report, cfg.thresholds, WINDOW, digest.t) if digest.lines else None
            self._digests[key] = digest
            while len(self._digests) > 8:
                self._digests.popitem(last=False)
            return digest

    def history(self, last_week: int, weeks: int = 52) -> tuple[KpiReport, dict[str, Threshold]]:
        """Every KPI for the `weeks` weeks up to `last_week`, with the configured thresholds (the dashboard)."""
        with self._lock:
            _version, cfg, tables = self._load()
        return compute(tables, last_week - weeks + 1, last_week), dict(cfg.thresholds)

    def digest(self, week: int, conversation_key: str | None = None, language: str | None = None) -> Digest:
        """The full digest of `week` for a channel: KPIs, contributed sections, the week's knowledge gaps.

        Worded in `language` (a subscription's or an asker's); default: CXBOT_LANGUAGE.
        """
        base = self.kpis(week, translator(language or self.settings.language).language)
        t = base.t
        out = Digest(week=base.week, lines=base.lines, sentences=base.sentences, breaches=base.breaches,
                     footer=base.footer, chart=base.chart, language=base.language)
        if self.gaps is not None:
            since = week_start_utc(week)
            # A channel's digest lists only questions asked in that channel: never DMs or other
            # (possibly restricted) conversations. The local preview (no channel) shows them all.
            rows = self.gaps.gaps(since, since + timedelta(days=7), conversation=conversation_key)
            seen: dict[str, str] = {}
            for r in rows:
                why = "👎" if r.feedback == -1 else t.gettext(UNANSWERED)
                seen.setdefault(" ".join(r.question.split())[:160], why)
            out.gaps = [f"{q} ({why})" for q, why in list(seen.items())[:MAX_GAPS]]
            out.gaps_more = max(0, len(seen) - MAX_GAPS)
        for section in self.sections:
            if not conversation_key:
                break
            try:
                text = section.summary(conversation_key, out.language)
            except Exception:
                log.exception("digest section failed", extra={"section": section.title})
                continue
            if text:
                out.sections.append((section.title, text))
        return out
