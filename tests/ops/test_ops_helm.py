"""The Helm chart rendered by a real `helm` and validated against the Kubernetes schemas.

`helm` comes from `.ci/get-helm` (.cxbot/tools/helm), $HELM or PATH; without it these tests skip,
except under CI=true where they fail. Schemas: the `kubernetes-validate` package, strict (unknown
fields are errors), for the oldest and newest Kubernetes versions it ships.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm"
OPERATIONS = ROOT / "docs" / "operations.md"
HASH_KEY = "9f" * 32


def _helm() -> str:
    for found in (os.environ.get("HELM"), shutil.which("helm"), str(ROOT / ".cxbot" / "tools" / "helm")):
        if found and Path(found).is_file():
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("no helm binary under CI: run .ci/get-helm first")
    pytest.skip("no helm binary (run .ci/get-helm)")


def _versions() -> list[str]:
    folder = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    found = sorted(tuple(int(p) for p in m.groups()) for d in folder.iterdir()
                    if (m := re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local", d.name)))
    return [".".join(map(str, found[0])), ".".join(map(str, found[-1]))]


def documented_sets() -> list[str]:
    """The `--set` values of the `helm install` example in docs/operations.md, placeholders filled in."""
    text = OPERATIONS.read_text()
    block = text[text.index("helm install cxbot deploy/helm"):]
    block = block[: block.index("```")]
    filled = {"$(openssl rand -hex 32)": HASH_KEY, "xoxb-...": "xoxb-1-2-abc", "...@": "secret@",
              "SLACK_SIGNING_SECRET=...": "SLACK_SIGNING_SECRET=" + "ab" * 16}
    for placeholder, value in filled.items():
        block = block.replace(placeholder, value)
    return re.findall(r"--set (\S+)", block)


def render(*sets: str) -> list[dict[str, Any]]:
    args = [a for s in sets for a in ("--set", s)]
    done = subprocess.run([_helm(), "template", "cxbot", str(CHART), *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def assert_valid(docs: list[dict[str, Any]]) -> None:
    for version in _versions():
        for doc in docs:
            kubernetes_validate.validate(doc, version, strict=True)


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in docs}


def test_the_documented_install_renders_valid_kubernetes_objects() -> None:
    sets = documented_sets()
    assert any(s.startswith("secret.values.DATABASE_URL=") for s in sets), sets
    docs = render(*sets)
    assert_valid(docs)
    kinds = by_kind(docs)
    assert set(kinds) == {"Secret", "Service", "Deployment", "HorizontalPodAutoscaler", "Ingress"}
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "registry.example.com/cxbot:0.1.0"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["CHROMA_URL"] == "http://chroma.chroma:8000" and env["CXBOT_EMBED_THREADS"] == "1"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert "replicas" not in kinds["Deployment"]["spec"]  # the autoscaler owns the count
    secret = kinds["Secret"]["stringData"]
    assert secret["CXBOT_HASH_KEY"] == HASH_KEY and "MicrosoftAppId" not in secret  # empty values left out
    assert [p["path"] for p in kinds["Ingress"]["spec"]["rules"][0]["http"]["paths"]] == ["/slack/events", "/api/messages"]


def test_existing_secret_fixed_replicas_and_no_ingress_render_valid_objects() -> None:
    docs = render("secret.existingSecret=cxbot-secrets", "autoscaling.enabled=false", "replicaCount=3",
                  "ingress.enabled=false", "ingress.tls.enabled=false", "imagePullSecrets[0].name=registry",
                  "nodeSelector.disk=ssd", "tolerations[0].key=dedicated", "tolerations[0].operator=Exists")
    assert_valid(docs)
    kinds = by_kind(docs)
    assert set(kinds) == {"Service", "Deployment"}
    spec = kinds["Deployment"]["spec"]
    assert spec["replicas"] == 3
    assert spec["template"]["spec"]["containers"][0]["envFrom"] == [{"secretRef": {"name": "cxbot-secrets"}}]


def test_the_chart_refuses_to_render_without_a_database_url() -> None:
    done = subprocess.run([_helm(), "template", "cxbot", str(CHART), "--set", f"secret.values.CXBOT_HASH_KEY={HASH_KEY}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "secret.values.DATABASE_URL is required" in done.stderr


def test_helm_lint_strict_passes() -> None:
    done = subprocess.run([_helm(), "lint", "--strict", str(CHART), "--set", "secret.values.DATABASE_URL=postgresql://x",
                           "--set", f"secret.values.CXBOT_HASH_KEY={HASH_KEY}"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validator_rejects_what_a_cluster_would() -> None:
    docs = render(*documented_sets())
    deployment = by_kind(docs)["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, _versions()[-1], strict=True)
