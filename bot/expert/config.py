"""Who answers for a collection: its expert channel per platform, its owners, and its review period.

Read from the collections file (`knowledge/collections.yaml`, `CXBOT_COLLECTIONS`), next to each
collection's `folder` and `audience` (see docs/experts.md):

    collections:
      handbook:
        folder: handbook
        audience: everyone
        expert_channel:                 # or one id: a Slack channel id, or a Teams "19:…" channel id
          slack: C0EXPERTS
          teams: "19:abc@thread.tacv2"
        owners:
          slack_users: [U0ANA]
          slack_groups: [S0PLAYBOOK]    # user groups, tagged as <!subteam^…>
          teams_users: [{id: aad-object-id, name: Ana Example}]
        review_days: 180                # verified answers are flagged for review after this many days
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.model import Mention, User

log = logging.getLogger(__name__)

OWNER_KEYS = ("slack_users", "slack_groups", "teams_users")
DEFAULT_REVIEW_DAYS = 180


class ExpertsError(ValueError):
    """The expert keys of the collections file are malformed; the message says where."""


@dataclass(frozen=True)
class Experts:
    """One collection's experts: where to ask them (per platform), whom to tag, when answers go stale."""

    collection: str
    folder: Path | None
    channels: dict[str, str] = field(default_factory=dict)
    owners: dict[str, tuple[Mention, ...]] = field(default_factory=dict)
    review_days: int = DEFAULT_REVIEW_DAYS

    def channel(self, platform: str) -> str | None:
        return self.channels.get(platform)

    def tags(self, platform: str) -> tuple[Mention, ...]:
        """The owners to tag on one platform: people first, then groups."""
        if platform == "slack":
            return self.owners.get("slack_users", ()) + self.owners.get("slack_groups", ())
        return self.owners.get(f"{platform}_users", ())

    def owns(self, user: User) -> bool:
        """True for an owner: listed by id, or (Slack) a member of a listed user group."""
        ids = {m.id for m in self.owners.get(f"{user.platform}_users", ())}
        groups = {m.id for m in self.owners.get(f"{user.platform}_groups", ())}
        return user.id in ids or any(g in groups for g in user.groups)


def _channels(name: str, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if isinstance(raw, str):
        raw = {"teams" if raw.startswith("19:") else "slack": raw}
    if not isinstance(raw, dict) or not all(k in ("slack", "teams") and isinstance(v, str) for k, v in raw.items()):
        raise ExpertsError(f"collection {name!r}: expert_channel must be a channel id or a mapping of slack/teams ids")
    return {k: v.strip() for k, v in raw.items() if v.strip()}


def _mention(name: str, key: str, raw: Any) -> Mention:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return Mention(raw["id"].strip(), str(raw.get("name") or ""), group=key.endswith("_groups"))
    if isinstance(raw, str | int) and str(raw).strip():
        return Mention(str(raw).strip(), group=key.endswith("_groups"))
    raise ExpertsError(f"collection {name!r}: owners {key} holds {raw!r}; use an id or {{id: …, name: …}}")


def _owners(name: str, raw: Any) -> dict[str, tuple[Mention, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - set(OWNER_KEYS):
        raise ExpertsError(f"collection {name!r}: owners must be a mapping with keys {list(OWNER_KEYS)}")
    out: dict[str, tuple[Mention, ...]] = {}
    for key, values in raw.items():
        if not isinstance(values, list):
            raise ExpertsError(f"collection {name!r}: owners {key} must be a list")
        out[key] = tuple(_mention(name, key, v) for v in values)
    return out


def load_experts(root: Path, file: Path | None = None) -> dict[str, Experts]:
    """Every collection's experts (collections without expert keys get none); a missing file means none."""
    root = root.resolve()
    path = file or root / "collections.yaml"
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ExpertsError(f"{path}: not valid YAML ({exc})") from exc
    raw = data.get("collections") if isinstance(data, dict) else None
    out: dict[str, Experts] = {}
    for name, spec in (raw or {}).items() if isinstance(raw, dict) else ():
        if not isinstance(spec, dict) or not isinstance(spec.get("folder"), str):
            continue  # the collections loader reports these
        days = spec.get("review_days", DEFAULT_REVIEW_DAYS)
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise ExpertsError(f"collection {name!r}: review_days must be a whole number of days (>= 1)")
        out[str(name)] = Experts(str(name), (root / spec["folder"]).resolve(), _channels(name, spec.get("expert_channel")),
                                 _owners(name, spec.get("owners")), days)
    return out
