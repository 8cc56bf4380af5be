"""The core never imports a platform SDK: only the adapter packages may."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
PLATFORM = ("slack_bolt", "slack_sdk", "botbuilder")
ADAPTERS = {"slack", "teams"}


def test_only_adapters_import_platform_sdks() -> None:
    offenders = []
    for path in BOT.rglob("*.py"):
        rel = path.relative_to(BOT)
        if rel.parts[0] in ADAPTERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{rel}: {n}" for n in names if n.split(".")[0] in PLATFORM]
    assert offenders == []
