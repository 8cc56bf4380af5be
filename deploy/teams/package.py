"""Builds the Teams app package (manifest.json + icons, zipped) to upload in Teams or the admin center.

    MicrosoftAppId=<bot app id> python deploy/teams/package.py [--out deploy/teams/build/cxbot-teams.zip]

Fills the manifest's `{{PLACEHOLDERS}}` from the environment: `MicrosoftAppId` (required; also the
Teams app id unless `TEAMS_APP_ID` is set), `APP_VERSION` (1.0.0), `DEVELOPER_NAME`, `WEBSITE_URL`,
`PRIVACY_URL`, `TERMS_URL` (https URLs of your organisation). Stops with a clear message when a value is
missing or not valid. Icons are drawn by `make_icons.py` if they are not there yet.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DEFAULTS = {
    "APP_VERSION": "1.0.0",
    "DEVELOPER_NAME": "cxbot",
    "WEBSITE_URL": "https://example.com/cxbot",
    "PRIVACY_URL": "https://example.com/cxbot/privacy",
    "TERMS_URL": "https://example.com/cxbot/terms",
}


def values(env: dict[str, str]) -> dict[str, str]:
    """The placeholder values, or SystemExit naming what is wrong."""
    app_id = env.get("MicrosoftAppId", "").strip()
    if not GUID.match(app_id):
        raise SystemExit("MicrosoftAppId must be set to the bot's Microsoft app id (a GUID)")
    found = {key: env.get(key, "").strip() or default for key, default in DEFAULTS.items()}
    found["MICROSOFT_APP_ID"] = app_id
    found["TEAMS_APP_ID"] = env.get("TEAMS_APP_ID", "").strip() or app_id
    if not GUID.match(found["TEAMS_APP_ID"]):
        raise SystemExit("TEAMS_APP_ID must be a GUID")
    if not re.match(r"^\d+\.\d+\.\d+$", found["APP_VERSION"]):
        raise SystemExit("APP_VERSION must look like 1.2.3")
    for key in ("WEBSITE_URL", "PRIVACY_URL", "TERMS_URL"):
        if not found[key].startswith("https://"):
            raise SystemExit(f"{key} must be an https:// URL")
    return found


def manifest(env: dict[str, str]) -> str:
    """manifest.json with every placeholder filled (JSON-escaped)."""
    filled = values(env)
    text = (HERE / "manifest.json").read_text(encoding="utf-8")
    text = re.sub(r"\{\{(\w+)\}\}", lambda m: json.dumps(filled[m.group(1)])[1:-1], text)
    json.loads(text)  # still valid JSON
    return text


def build(out: Path, env: dict[str, str]) -> Path:
    text = manifest(env)
    if not (HERE / "color.png").exists() or not (HERE / "outline.png").exists():
        sys.path.insert(0, str(HERE))
        import make_icons

        make_icons.main()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", text)
        z.write(HERE / "color.png", "color.png")
        z.write(HERE / "outline.png", "outline.png")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="Build the Teams app package.")
    ap.add_argument("--out", type=Path, default=HERE / "build" / "cxbot-teams.zip")
    args = ap.parse_args()
    path = build(args.out, dict(os.environ))
    sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
