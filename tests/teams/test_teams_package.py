"""The Teams app package: manifest filled in, icons of the sizes Teams requires, clear errors."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "teams"
APP_ID = "11111111-2222-3333-4444-555555555555"


def run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "package.py"), "--out", str(tmp_path / "app.zip")],
        env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, check=False,
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_package_has_filled_manifest_commands_and_icons(tmp_path: Path) -> None:
    result = run(tmp_path, MicrosoftAppId=APP_ID)

    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
        assert png_size(z.read("color.png")) == (192, 192)
        assert png_size(z.read("outline.png")) == (32, 32)
    assert "{{" not in json.dumps(manifest)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    commands = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert commands == ["help", "ask", "pulse", "digest"]
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "MicrosoftAppId must be set"),
        ({"MicrosoftAppId": "not-a-guid"}, "MicrosoftAppId must be set"),
        ({"MicrosoftAppId": APP_ID, "WEBSITE_URL": "http://insecure"}, "WEBSITE_URL must be an https:// URL"),
        ({"MicrosoftAppId": APP_ID, "APP_VERSION": "one"}, "APP_VERSION must look like"),
    ],
)
def test_missing_or_bad_values_stop_with_a_clear_message(tmp_path: Path, env: dict[str, str], message: str) -> None:
    result = run(tmp_path, **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "app.zip").exists()
