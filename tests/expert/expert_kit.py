"""Shared parts of the expert tests: a knowledge dir whose playbooks have an expert channel and owners."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for sub in ("slack", "teams"):
    if str(HERE.parent / sub) not in sys.path:
        sys.path.append(str(HERE.parent / sub))

from testenv import ROOT, make_settings  # noqa: E402

from bot.settings import Settings  # noqa: E402

EXPERTS_SLACK = "C0EXPERTS"
EXPERTS_TEAMS = "19:experts0001@thread.tacv2"
OWNER = "U0ANA"
OWNER_GROUP = "S0PLAYBOOK"
OWNER_TEAMS = "aad-ana-0001"
QUESTION = "Can agents take their headsets home after their shift?"
REWORDED = "Are support agents allowed to bring their headset home at the end of the day?"
REPLY = ("Yes. Agents may take their headsets home after a shift, but they must bring them back for the next "
         "shift and report any damage to the IT service desk.")

COLLECTIONS = f"""
collections:
  playbooks:
    folder: playbooks
    audience: everyone
    expert_channel:
      slack: {EXPERTS_SLACK}
      teams: "{EXPERTS_TEAMS}"
    owners:
      slack_users: [{OWNER}]
      slack_groups: [{OWNER_GROUP}]
      teams_users: [{{id: {OWNER_TEAMS}, name: Ana Example}}]
    review_days: 30
"""


def expert_knowledge(tmp: Path, **values: Any) -> Settings:
    """The sample playbooks in a `playbooks` collection with experts, indexed into a data dir of their own."""
    from bot.knowledge import Knowledge

    knowledge = tmp / "knowledge"
    (knowledge / "playbooks").mkdir(parents=True)
    for name in ("complaint-handling-playbook.md", "kundenfeedback-leitfaden.md"):
        shutil.copy(ROOT / "knowledge" / name, knowledge / "playbooks" / name)
    (knowledge / "collections.yaml").write_text(COLLECTIONS, encoding="utf-8")
    settings = make_settings(tmp / "data", CXBOT_KNOWLEDGE_DIR=knowledge, **values)
    Knowledge(settings).indexer().run([knowledge])
    return settings


def blocks_text(args: dict[str, Any]) -> str:
    return json.dumps(args.get("blocks", []), ensure_ascii=False) + str(args.get("text", ""))


def button_value(args: dict[str, Any], action_id: str) -> str:
    for block in args.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action_id} button in {blocks_text(args)[:500]}")
