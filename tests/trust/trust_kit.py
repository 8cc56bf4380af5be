"""Shared parts of the trust tests: a knowledge dir with a public and a restricted collection."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for sub in ("slack", "teams"):
    if str(HERE.parent / sub) not in sys.path:
        sys.path.append(str(HERE.parent / sub))

LEAD_CHANNEL_SLACK = "CLEAD0001"
LEAD_GROUP_SLACK = "SLEAD0001"
LEAD_CHANNEL_TEAMS = "19:lead0001@thread.tacv2"
LEAD_USER_TEAMS = "aad-lead-0001"
SECRET_QUESTION = "Where do the agents of Project Falcon move to?"
SECRET_WORDS = ("Leipzig", "Falcon", "falcon.md", "2.1 million", "leadership")
PUBLIC_QUESTION = "How many days do customers have to return a product?"

COLLECTIONS = f"""
collections:
  leadership:
    folder: leadership
    audience:
      slack_channels: [{LEAD_CHANNEL_SLACK}]
      slack_groups: [{LEAD_GROUP_SLACK}]
      teams_channels: ["{LEAD_CHANNEL_TEAMS}"]
      teams_users: [{LEAD_USER_TEAMS}]
  handbook:
    folder: public
    audience: everyone
"""

PUBLIC_DOC = """# Returns policy

Customers can return any product within 30 days of delivery for a full refund.
The refund is paid to the original payment method within five business days.
"""

SECRET_DOC = """# Project Falcon

Project Falcon merges the Berlin and Munich support hubs in March.
All 40 agents of Project Falcon move to the new Leipzig site.
The severance budget for Project Falcon is 2.1 million euros.
"""


def write_knowledge(root: Path) -> Path:
    """A knowledge dir: `public/returns.md` (everyone), `leadership/falcon.md` (restricted)."""
    (root / "public").mkdir(parents=True, exist_ok=True)
    (root / "leadership").mkdir(parents=True, exist_ok=True)
    (root / "collections.yaml").write_text(COLLECTIONS, encoding="utf-8")
    (root / "public" / "returns.md").write_text(PUBLIC_DOC, encoding="utf-8")
    (root / "leadership" / "falcon.md").write_text(SECRET_DOC, encoding="utf-8")
    return root


def leaks(text: str) -> list[str]:
    """The restricted words found in something the bot sent."""
    return [w for w in SECRET_WORDS if w.lower() in text.lower()]


def scoped_settings(tmp: Path) -> object:
    """Settings whose knowledge dir is `write_knowledge(tmp / "knowledge")`, indexed."""
    from testenv import make_settings

    from bot.knowledge import Knowledge

    root = write_knowledge(tmp / "knowledge")
    settings = make_settings(tmp / "data", CXBOT_KNOWLEDGE_DIR=root)
    Knowledge(settings).indexer().run([root])
    return settings
