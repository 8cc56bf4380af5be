"""Knowledge collections: folders under the knowledge dir, each with an audience.

Configured in one file (`knowledge/collections.yaml` by default, `CXBOT_COLLECTIONS` to move it):

    collections:
      leadership:
        folder: leadership            # relative to the knowledge dir
        audience:
          slack_channels: [C0LEADS]   # answers in these channels may use it
          slack_groups: [S0MANAGERS]  # DMs of members of these user groups may use it
          slack_users: [U0CEO]
          teams_teams: [19:team-id]   # any channel of these teams
          teams_channels: [19:channel-id@thread.tacv2]
          teams_users: [aad-object-id]
      handbook:
        folder: handbook
        audience: everyone

Files outside every configured folder belong to the `default` collection, whose audience is everyone.
A chunk is visible only if its stored collection is the one its path maps to under the current
configuration, so a folder made private is hidden at once, even before the next ingest re-tags it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT = "default"
KEYS = ("slack_channels", "slack_groups", "slack_users", "teams_teams", "teams_channels", "teams_users")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class CollectionsError(ValueError):
    """The collections file is malformed; the message says where."""


@dataclass(frozen=True)
class Audience:
    """Who may see a collection: everyone, or the listed ids per platform."""

    everyone: bool = False
    ids: dict[str, frozenset[str]] = field(default_factory=dict)

    def has(self, key: str, *values: str | None) -> bool:
        allowed = self.ids.get(key, frozenset())
        return any(v in allowed for v in values if v)


EVERYONE = Audience(everyone=True)


@dataclass(frozen=True)
class Collection:
    name: str
    folder: Path | None
    audience: Audience


def _audience(name: str, raw: Any) -> Audience:
    if raw in (None, "everyone"):
        return EVERYONE if raw == "everyone" else Audience()
    if not isinstance(raw, dict):
        raise CollectionsError(f"collection {name!r}: audience must be 'everyone' or a mapping of id lists")
    unknown = set(raw) - set(KEYS)
    if unknown:
        raise CollectionsError(f"collection {name!r}: unknown audience keys {sorted(unknown)}; use {list(KEYS)}")
    ids: dict[str, frozenset[str]] = {}
    for key, values in raw.items():
        if values is None:
            continue
        if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
            raise CollectionsError(f"collection {name!r}: audience {key} must be a list of ids")
        ids[key] = frozenset(str(v).strip() for v in values if str(v).strip())
    return Audience(ids=ids)


@dataclass(frozen=True)
class Collections:
    """The configured collections, and which of them a path or a principal belongs to."""

    root: Path
    items: tuple[Collection, ...] = ()
    # (key prefix, collection) of knowledge sources (`bot.sources`): a source's documents are its collection's
    scopes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def load(cls, root: Path, file: Path | None = None) -> Collections:
        """Read the collections file (a missing file means: everything is `default`)."""
        root = root.resolve()
        path = file or root / "collections.yaml"
        if not path.exists():
            return cls(root)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CollectionsError(f"{path}: not valid YAML ({exc})") from exc
        raw = data.get("collections") if isinstance(data, dict) else None
        if not isinstance(raw, dict):
            raise CollectionsError(f"{path}: expected a top-level 'collections:' mapping")
        items = [Collection(DEFAULT, None, EVERYONE)]
        for name, spec in raw.items():
            if not isinstance(name, str) or not NAME.match(name) or name == DEFAULT:
                raise CollectionsError(f"{path}: bad collection name {name!r}")
            if not isinstance(spec, dict) or not isinstance(spec.get("folder"), str):
                raise CollectionsError(f"{path}: collection {name!r} needs a 'folder'")
            folder = (root / spec["folder"]).resolve()
            if folder != root and root not in folder.parents:
                raise CollectionsError(f"{path}: folder of {name!r} is outside the knowledge dir")
            items.append(Collection(name, folder, _audience(name, spec.get("audience"))))
        return cls(root, tuple(items))

    @property
    def names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.items) | {DEFAULT}

    def with_scopes(self, scopes: tuple[tuple[str, str], ...]) -> Collections:
        """The same collections, with the documents under each key prefix given to a collection."""
        return Collections(self.root, self.items, scopes)

    def of_path(self, path: str | Path) -> str:
        """The collection a document belongs to: the deepest configured folder (or source) containing it."""
        key = str(path)
        best, depth = DEFAULT, -1
        for prefix, name in self.scopes:
            if (key.startswith(prefix) or key == prefix.rstrip(os.sep)) and len(prefix) > depth:
                best, depth = name, len(prefix)
        if key.startswith("source:"):
            return best
        p = os.path.abspath(key)
        for c in self.items:
            if c.folder is None:
                continue
            f = str(c.folder)
            if (p == f or p.startswith(f.rstrip(os.sep) + os.sep)) and len(f) > depth:
                best, depth = c.name, len(f)
        return best

    def public(self) -> frozenset[str]:
        """Collections everyone may see."""
        return frozenset(c.name for c in self.items if c.audience.everyone) | {DEFAULT}

    def visible(self, **principals: tuple[str | None, ...]) -> frozenset[str]:
        """Public collections plus those whose audience lists one of the principals (`key=(ids...)`)."""
        out = set(self.public())
        for c in self.items:
            if any(c.audience.has(key, *values) for key, values in principals.items()):
                out.add(c.name)
        return frozenset(out)
