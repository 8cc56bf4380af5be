"""`sources.yaml`: where the knowledge lives, read and validated once; every error names its line.

    sources:
      - name: handbook
        kind: git
        url: https://github.com/example/handbook.git
        branch: main
        every: 1h                 # absent: synced only on demand (`cxbot sources sync`)
        collection: handbook      # a collection of collections.yaml (default: `default`)

The file sits in `CXBOT_KNOWLEDGE_DIR` (or where `CXBOT_SOURCES_FILE` points). Without it the
knowledge dir is the one source, a folder named `knowledge`, as before sources existed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.settings import Settings
from bot.sources import yamllines
from bot.sources.kinds import KINDS, FolderSettings, KindSettings
from bot.trust.collections import DEFAULT

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
COMMON = ("name", "kind", "every", "collection")
SECRET_KEYS = re.compile(r"^(token|password|secret|client_secret|api_key|api_token|pat)$")
EVERY = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MIN_EVERY = timedelta(minutes=1)


class SourcesError(ValueError):
    """The sources file is malformed; the message names the file and line of each problem."""


@dataclass(frozen=True)
class SourceSpec:
    """One configured source."""

    name: str
    kind: str
    settings: KindSettings
    every: timedelta | None = None
    collection: str = DEFAULT
    line: int = 0
    base: Path = Path(".")  # relative paths in the settings are read from here


def sources_file(settings: Settings) -> Path:
    return settings.sources_file or settings.knowledge_dir / "sources.yaml"


def parse_every(text: str) -> timedelta:
    match = EVERY.match(text)
    if not match:
        raise ValueError(f"every {text!r}: write a number and a unit, e.g. 30m, 1h, 1d")
    every = timedelta(seconds=int(match.group(1)) * UNIT[match.group(2)])
    if every < MIN_EVERY:
        raise ValueError(f"every {text!r}: at least 1m between syncs")
    return every


def default_sources(settings: Settings) -> list[SourceSpec]:
    """No sources file: the knowledge dir is one folder source."""
    folder = FolderSettings(path=str(settings.knowledge_dir))
    return [SourceSpec("knowledge", "folder", folder, base=Path("."))]


def load_sources(settings: Settings) -> list[SourceSpec]:
    """The configured sources; `SourcesError` naming every problem and its line."""
    path = sources_file(settings)
    if not path.exists():
        if settings.sources_file is not None:
            raise SourcesError(f"{path}: no such file (CXBOT_SOURCES_FILE)")
        return default_sources(settings)
    try:
        data, lines = yamllines.load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise SourcesError(f"{where}: not valid YAML ({exc.problem or exc})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: not valid YAML ({exc})") from None
    return parse(data, lines, path)


def parse(data: Any, lines: dict[yamllines.Path, int], path: Path) -> list[SourceSpec]:
    raw = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise SourcesError(f"{path}:{yamllines.line_of(lines, ('sources',))}: expected a top-level "
                           "'sources:' list of sources")
    errors: list[str] = []
    specs: list[SourceSpec] = []
    names: set[str] = set()
    for i, entry in enumerate(raw):
        def fail(msg: str, *key: str | int, i: int = i) -> None:
            errors.append(f"{path}:{yamllines.line_of(lines, ('sources', i, *key))}: {msg}")

        if not isinstance(entry, dict):
            fail("each source is a mapping with at least name and kind")
            continue
        name, kind = entry.get("name"), entry.get("kind")
        label = f"source {name!r}" if isinstance(name, str) else f"source #{i + 1}"
        if not isinstance(name, str) or not NAME.match(name):
            fail(f"{label}: name must be letters, digits, '.', '_' or '-' (at most 64)", "name")
        elif name in names:
            fail(f"{label}: the name is used twice", "name")
        else:
            names.add(name)
        if kind not in KINDS:
            fail(f"{label}: kind must be one of {', '.join(KINDS)}", "kind")
            continue
        every = None
        if entry.get("every") is not None:
            try:
                every = parse_every(str(entry["every"]))
            except ValueError as exc:
                fail(f"{label}: {exc}", "every")
        collection = entry.get("collection", DEFAULT)
        if not isinstance(collection, str) or not NAME.match(collection):
            fail(f"{label}: collection must be a collection name", "collection")
        rest = {k: v for k, v in entry.items() if k not in COMMON}
        for key in rest:
            if isinstance(key, str) and SECRET_KEYS.match(key):
                fail(f"{label}: secrets are not written in this file; name the environment variable "
                     f"that holds it instead (e.g. {key}_env: MY_{key.upper()})", key)
        if any(isinstance(k, str) and SECRET_KEYS.match(k) for k in rest):
            continue
        try:
            settings = KINDS[kind].model_validate(rest)
        except ValidationError as exc:
            for err in exc.errors(include_input=False):
                key = err["loc"][0] if err["loc"] else ""
                if err["type"] == "extra_forbidden":
                    known = ", ".join(KINDS[kind].model_fields)
                    fail(f"{label}: unknown setting {key!r} for kind {kind} (known: {known})", key)
                else:
                    where = ".".join(str(p) for p in err["loc"])
                    fail(f"{label}: {where}: {err['msg']}", *err["loc"])
            continue
        if isinstance(name, str) and NAME.match(name) and isinstance(collection, str):
            specs.append(SourceSpec(name, kind, settings, every, collection,
                                    yamllines.line_of(lines, ("sources", i)), path.parent))
    if errors:
        raise SourcesError("\n".join(errors))
    return specs


def scopes(specs: list[SourceSpec]) -> tuple[tuple[str, str], ...]:
    """Index key prefixes of the sources that put their documents in a collection other than `default`."""
    out: list[tuple[str, str]] = []
    for spec in specs:
        if spec.collection == DEFAULT:
            continue
        if isinstance(spec.settings, FolderSettings):
            out.append((str((spec.base / spec.settings.path).resolve()) + os.sep, spec.collection))
        else:
            out.append((f"source:{spec.name}/", spec.collection))
    return tuple(out)
