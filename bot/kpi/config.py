"""The KPI configuration file (`knowledge/kpis.yaml`): where each dataset lives, its columns, thresholds.

```yaml
surveys:                       # one row per survey answer
  source: {type: csv, path: "{data_dir}/demo/surveys.csv"}
  columns: {date: responded_at, survey: survey, score: score, segment: segment}
tickets:                       # one row per support ticket
  source: {type: sql, url: "postgresql+psycopg://…", query: "select * from tickets"}
accounts:                      # one row per customer account (for churn)
  source: {type: http, url: "https://…/accounts.json", records: data}
thresholds:
  nps: {min: 30}
  first_response_hours: {max: 4}
```
`{data_dir}` is replaced by `CXBOT_DATA_DIR`. Column names default to the role names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.i18n import N_, Translator, translator
from bot.kpi.sources import CsvSource, HttpJsonSource, Source, SqlSource

ROLES: dict[str, tuple[str, ...]] = {
    "surveys": ("date", "survey", "score", "segment"),
    "tickets": ("created", "first_response", "resolved", "contacts", "segment"),
    "accounts": ("started", "churned"),
}


class ConfigError(ValueError):
    """The configuration file is missing or wrong; the message says where."""


@dataclass(frozen=True)
class Threshold:
    min: float | None = None
    max: float | None = None

    def breached(self, value: float, t: Translator | None = None) -> str | None:
        """`below the threshold of 30` (or above, in `t`'s language) when the value is outside the bound."""
        t = t or translator()
        if self.min is not None and value < self.min:
            return t.gettext(N_("below the threshold of {bound}")).format(bound=t.number(self.min, 6))
        if self.max is not None and value > self.max:
            return t.gettext(N_("above the threshold of {bound}")).format(bound=t.number(self.max, 6))
        return None


@dataclass
class Dataset:
    name: str
    source: Source
    columns: dict[str, str]


@dataclass
class KpiConfig:
    datasets: dict[str, Dataset] = field(default_factory=dict)
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    path: Path | None = None


def _source(where: str, spec: Any, data_dir: Path, base: Path) -> Source:
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}.source: expected a mapping with `type`")
    kind = spec.get("type", "csv")

    def need(key: str) -> str:
        value = spec.get(key)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}.source: `{key}` is required for type {kind}")
        return value.replace("{data_dir}", str(data_dir.resolve()))

    if kind == "csv":
        path = Path(need("path"))
        return CsvSource(path if path.is_absolute() else base / path, delimiter=str(spec.get("delimiter", ",")))
    if kind == "sql":
        return SqlSource(need("url"), need("query"))
    if kind == "http":
        headers = spec.get("headers") or {}
        return HttpJsonSource(need("url"), records=str(spec.get("records", "")),
                              headers={str(k): str(v) for k, v in headers.items()})
    raise ConfigError(f"{where}.source.type: {kind!r} is not one of csv, sql, http")


def parse_config(raw: Any, data_dir: Path, base: Path = Path(".")) -> KpiConfig:
    """Validate a loaded YAML document into a KpiConfig (ConfigError names the bad key)."""
    from bot.kpi.metrics import METRICS

    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping with surveys / tickets / accounts / thresholds")
    cfg = KpiConfig()
    for name, roles in ROLES.items():
        spec = raw.get(name)
        if spec is None:
            continue
        if not isinstance(spec, dict):
            raise ConfigError(f"{name}: expected a mapping with `source` and `columns`")
        columns = {role: role for role in roles}
        given = spec.get("columns") or {}
        unknown = set(given) - set(roles)
        if unknown:
            raise ConfigError(f"{name}.columns: unknown role {', '.join(sorted(unknown))} (known: {', '.join(roles)})")
        columns.update({str(k): str(v) for k, v in given.items()})
        cfg.datasets[name] = Dataset(name, _source(name, spec.get("source"), data_dir, base), columns)
    for metric, bound in (raw.get("thresholds") or {}).items():
        if metric not in METRICS:
            raise ConfigError(f"thresholds.{metric}: unknown metric (known: {', '.join(METRICS)})")
        if not isinstance(bound, dict) or not set(bound) <= {"min", "max"}:
            raise ConfigError(f"thresholds.{metric}: expected {{min: N}} and/or {{max: N}}")
        cfg.thresholds[metric] = Threshold(min=bound.get("min"), max=bound.get("max"))
    return cfg


def load_config(path: Path, data_dir: Path) -> KpiConfig:
    """Read and validate the KPI configuration file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    cfg = parse_config(raw, data_dir, path.parent)
    cfg.path = path
    return cfg
