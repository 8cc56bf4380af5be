"""The app manifest asks for what the adapter uses, and points every URL at the one route."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yaml"


def test_manifest_subscribes_to_the_handled_events_with_the_needed_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings, features = manifest["settings"], manifest["features"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.im", "app_home_opened", "assistant_thread_started", "assistant_thread_context_changed",
        "message.channels", "message.groups", "message.mpim"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "channels:history", "groups:history",
            "mpim:history", "usergroups:read", "files:write", "users:read", "assistant:write", "reactions:write"} <= scopes
    assert features["assistant_view"]["assistant_description"]
    [command] = features["slash_commands"]
    assert command["command"] == "/cx"
    urls = {settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"], command["url"]}
    assert urls == {"https://YOUR-HOST/slack/events"}
    assert settings["interactivity"]["is_enabled"] and features["app_home"]["home_tab_enabled"]
