"""The package's seams, read from its imports: what may import what.

- Only the platform adapters import a platform SDK.
- Features (and every other part) never import a platform package: they talk to the core's chat
  port and model. Only the composition points (`bot/app.py`, `bot/cli.py`, `bot/web/`) know the platforms.
- `bot/core` imports nothing of `bot` outside itself but `bot/i18n` (the bot's words), a leaf that
  imports nothing of `bot` outside itself.
- Platform packages never import each other.
- Nothing in `bot/` imports a test double (`testkit`, `tests`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
SDKS = ("slack_bolt", "slack_sdk", "botbuilder")
SDK_USERS = {"slack", "teams"}
PLATFORMS = {"slack", "teams", "console"}
COMPOSITION = {"app", "cli", "__main__", "web"}
TEST_DOUBLES = {"testkit", "tests"}


def imports() -> Iterator[tuple[str, str, str]]:
    """(top-level part of bot/, file relative to bot/, imported module) for every import in bot/."""
    for path in sorted(BOT.rglob("*.py")):
        rel = path.relative_to(BOT)
        part = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                assert node.level == 0, f"{rel}: relative import of {node.module}"
                names = [node.module]
            else:
                continue
            for name in names:
                yield part, str(rel), name


def bot_part(module: str) -> str | None:
    """`bot.slack.port` -> "slack"; None for modules outside `bot`."""
    parts = module.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 else None


def test_the_import_rules_can_see_every_part() -> None:
    seen = {(part, bot_part(module)) for part, _, module in imports()}
    assert ("slack", "core") in seen and ("ask", "core") in seen and ("app", "ask") in seen
    assert {"ask", "pulse", "digest", "trust", "core", "slack", "teams", "console"} <= {p for p, _ in seen}


def test_only_adapters_import_platform_sdks() -> None:
    offenders = [f"{rel}: {m}" for part, rel, m in imports() if part not in SDK_USERS and m.split(".")[0] in SDKS]
    assert offenders == []


def test_features_never_import_a_platform_package() -> None:
    offenders = [f"{rel}: {m}" for part, rel, m in imports()
                 if part not in PLATFORMS | COMPOSITION and bot_part(m) in PLATFORMS]
    assert offenders == []


def test_the_core_imports_nothing_of_bot_outside_itself() -> None:
    offenders = [f"{rel}: {m}" for part, rel, m in imports()
                 if part == "core" and m.split(".")[0] == "bot" and bot_part(m) not in ("core", "i18n")]
    assert offenders == []


def test_i18n_is_a_leaf() -> None:
    offenders = [f"{rel}: {m}" for part, rel, m in imports()
                 if part == "i18n" and m.split(".")[0] == "bot" and bot_part(m) != "i18n"]
    assert offenders == []


def test_platform_packages_never_import_each_other() -> None:
    offenders = [f"{rel}: {m}" for part, rel, m in imports()
                 if part in PLATFORMS and bot_part(m) in PLATFORMS - {part}]
    assert offenders == []


def test_nothing_in_bot_imports_a_test_double() -> None:
    offenders = [f"{rel}: {m}" for _, rel, m in imports() if m.split(".")[0] in TEST_DOUBLES]
    assert offenders == []
    assert not (BOT / "slack" / "fake_api.py").exists()
