"""One `cxbot serve`-equivalent replica for the exactly-once bench and test.

It builds the services and web app exactly like `cxbot serve` (same tickers, same start-up catch-up)
and registers the real Slack ChatPort (pointed at SLACK_API_URL) in `services.ports`.
Configuration comes from the environment (DATABASE_URL, CXBOT_CLOCK, CXBOT_DIGEST_TICK, ...).
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app import build_services
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.port import SlackPort
from bot.web.app import build_app


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(process)d %(levelname)s %(name)s %(message)s")
    cfg = Settings()
    services = build_services(cfg)
    token = cfg.slack_bot_token.get_secret_value() if cfg.slack_bot_token else "xoxb-bench"
    services.ports["slack"] = SlackPort(make_client(token, cfg.slack_api_url))
    web.run_app(build_app(services), host="127.0.0.1", port=cfg.port, print=None)


if __name__ == "__main__":
    main()
