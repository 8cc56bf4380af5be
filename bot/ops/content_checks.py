"""`cxbot doctor` checks of what digests and pulses read: the KPI sources and the pulse templates.

Chat messages only say that a source is "not available" and point here; these findings say which
file, URL or query failed and why (credentials and query strings left out).
"""

from __future__ import annotations

import re

from bot.ops.checks import Finding
from bot.settings import Settings

_USERINFO = re.compile(r"(?<=//)[^/@\s]+@")
_QUERY = re.compile(r"\?[^\s]*")


def redact(text: str) -> str:
    """`text` without user:password@ in URLs and without query strings (tokens often travel there)."""
    return _QUERY.sub("?…", _USERINFO.sub("", text))


def check_kpi(s: Settings) -> list[Finding]:
    from bot.kpi.config import ConfigError, load_config
    from bot.kpi.sources import SourceError

    path = s.kpi_config or s.knowledge_dir / "kpis.yaml"
    if not path.exists():
        return [Finding("kpi", "warn", f"no KPI configuration at {path}: digests have no KPIs",
                        "write kpis.yaml there (see docs/digest.md) or set CXBOT_KPI_CONFIG")]
    try:
        cfg = load_config(path, s.data_dir)
    except ConfigError as exc:
        return [Finding("kpi", "fail", redact(str(exc)), f"fix {path}; digests cannot be built until then")]
    found: list[Finding] = []
    for name, ds in cfg.datasets.items():
        where = redact(ds.source.describe())
        try:
            next(iter(ds.source.read(list(dict.fromkeys(ds.columns.values())))), None)
        except SourceError as exc:
            found.append(Finding("kpi", "warn", f"{name} ({ds.source.kind()}) not available: {redact(str(exc))}",
                                 f"check {name}.source in {path}, or run `cxbot demo-data` for demo data"))
            continue
        except Exception as exc:  # a source broken in a way the loaders do not name: still a finding
            found.append(Finding("kpi", "warn", f"{name} ({ds.source.kind()}) unreadable: {type(exc).__name__}",
                                 f"check the data behind {where}"))
            continue
        found.append(Finding("kpi", "ok", f"{name}: {where} readable"))
    return found or [Finding("kpi", "warn", f"{path} configures no dataset", "add surveys, tickets or accounts")]


def check_pulse_templates(s: Settings) -> list[Finding]:
    from bot.pulse.templates import load_dir

    folder = s.pulse_templates or s.knowledge_dir / "pulses"
    templates, errors = load_dir(folder)
    found = [Finding("pulse templates", "warn", redact(e), "fix or remove the file (`cxbot pulse templates` lists all)")
             for e in errors]
    if templates:
        found.append(Finding("pulse templates", "ok", f"{len(templates)} usable in {folder}"))
    return found
