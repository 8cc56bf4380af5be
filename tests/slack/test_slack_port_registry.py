from __future__ import annotations

from collections.abc import Callable

from bot.app import build_services
from bot.settings import Settings
from bot.slack.port import SlackPort
from bot.web.app import build_app


def test_mounting_slack_registers_its_port_for_unprompted_posts(settings_factory: Callable[..., Settings]) -> None:
    cfg = settings_factory(SLACK_BOT_TOKEN="xoxb-1-test", SLACK_SIGNING_SECRET="secret",
                           SLACK_API_URL="http://127.0.0.1:9/api/")
    services = build_services(cfg)
    try:
        build_app(services)
        assert isinstance(services.ports["slack"], SlackPort)
    finally:
        services.close()
