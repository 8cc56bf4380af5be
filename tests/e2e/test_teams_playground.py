"""Teams end to end: `cxbot serve` driven through Microsoft 365 Agents Playground (see drive_teams.py).

Runs `../shared/tools/teams-playground/run`, which needs root (it makes a loopback-only network
namespace with `unshare -n`), `node`, `npm` and `curl`. The playground's npm package
(`@microsoft/m365agentsplayground@0.2.28`) is installed into `.playground/` on first use; the test is
skipped, with the reason, when any of that is missing or the install fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT.parent / "shared" / "tools" / "teams-playground" / "run"
PLAYGROUND_DIR = ROOT / ".playground"
PACKAGE = "@microsoft/m365agentsplayground@0.2.28"
LOCALE_PROXY_PORT = 3977  # tests/e2e/locale_proxy.py, between the playground and the bot
PLAYGROUND_USER_AAD = "00000000-0000-0000-0000-0000000000020"  # the playground's fixed current user
CLI = PLAYGROUND_DIR / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
# settings a developer's shell may hold that must not reach the bot under test
FOREIGN_ENV = ("SLACK_", "Microsoft", "CXBOT_", "DATABASE_URL", "CHROMA_URL", "OPENAI_", "PORT", "HOST")


def ensure_playground() -> None:
    """Skip (with the reason) unless the playground can run here; install its npm package if needed."""
    if not RUN.exists():
        pytest.skip(f"teams-playground tool not found at {RUN}")
    if os.geteuid() != 0:
        pytest.skip("teams-playground needs root (unshare -n for a loopback-only network namespace)")
    missing = [tool for tool in ("node", "npm", "curl", "unshare") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"teams-playground needs {', '.join(missing)} on PATH")
    if CLI.exists():
        return
    PLAYGROUND_DIR.mkdir(exist_ok=True)
    result = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", PACKAGE],
        cwd=PLAYGROUND_DIR, capture_output=True, text=True, timeout=600, check=False,
    )
    if result.returncode != 0 or not CLI.exists():
        pytest.skip(f"npm install {PACKAGE} failed (registry unreachable?): {result.stderr.strip()[-500:]}")


# The sample knowledge as one collection whose experts sit in the playground's team channel ("team-id"),
# with the playground user as owner: the driver's expert step escalates there and saves the reply.
EXPERTS = f"""
collections:
  samples:
    folder: .
    audience: everyone
    expert_channel: {{teams: team-id}}
    owners:
      teams_users: [{{id: "{PLAYGROUND_USER_AAD}", name: Playground User}}]
"""


def expert_index(tmp_path: Path) -> Settings:
    """A writable copy of the sample knowledge with the experts file, indexed (Save as answer writes into it)."""
    from testenv import make_settings

    from bot.knowledge import Knowledge

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "collections.yaml").write_text(EXPERTS, encoding="utf-8")
    cfg = make_settings(tmp_path / "data", CXBOT_KNOWLEDGE_DIR=knowledge)
    Knowledge(cfg).indexer().run([knowledge])
    return cfg


@pytest.mark.slow
def test_teams_playground_end_to_end(tmp_path: Path) -> None:
    ensure_playground()
    sample_index = expert_index(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV)}
    env.update(
        CXBOT_DATA_DIR=str(sample_index.data_dir),
        CXBOT_KNOWLEDGE_DIR=str(sample_index.knowledge_dir),
        CXBOT_EMBED_CACHE=str(sample_index.embed_cache),
        DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.db'}",
        PLAYGROUND_DIR=str(PLAYGROUND_DIR),
        PLAYGROUND_LOG=str(tmp_path / "playground.log"),
        LOG_LEVEL="WARNING",
        CXBOT_EVANGELISTS=PLAYGROUND_USER_AAD,  # may start pulses (the driver's pulse step)
        CXBOT_PULSE_REFRESH_SECONDS="0.2",
        # the playground always sends locale en-US: the driver's locale proxy sets de-DE for its German step
        BOT_URL=f"http://127.0.0.1:{LOCALE_PROXY_PORT}/api/messages",
        LOCALE_PROXY_PORT=str(LOCALE_PROXY_PORT),
    )
    command = [str(RUN), sys.executable, "-m", "bot", "serve", "--",
               sys.executable, str(ROOT / "tests" / "e2e" / "drive_teams.py")]

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)

    print(result.stdout)  # the driver's step report (pytest -s shows it)
    assert result.returncode == 0, f"driver failed:\n{result.stdout}\n{result.stderr[-4000:]}"
    assert "all steps passed" in result.stdout
    assert "ok  pulse start" in result.stdout, result.stdout
    assert "ok  personal chat streams" in result.stdout and "ok  channel thread follow-up" in result.stdout
    assert "ok  Save as answer" in result.stdout, result.stdout
    assert "ok  de-DE -> German help and a German answer card" in result.stdout, result.stdout
