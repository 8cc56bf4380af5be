"""The Slack adapter: bolt app on the shared aiohttp server, Block Kit rendering, the Slack chat port."""
