"""Test support shared by tests/, bench/ and fuzz/ (kept out of the shipped `bot` package).

- `slack_api`: a fake Slack Web API on loopback that records every call;
- `slack_signing`: signed Slack request headers;
- `teams_connector`: a fake Bot Connector API (Teams' `serviceUrl`) that records what the bot sends;
- `openai_api`: a fake OpenAI-compatible chat server;
- `bot_framework_auth`: a Bot Framework token issuer on loopback (OpenID metadata, JWKS, signed tokens);
- `ports`: `RecordingPort`, a chat port that keeps everything it was asked to send.

tests/ find it through pytest's `pythonpath`; bench and fuzz scripts put the repository root on
`sys.path` before importing it. Nothing in `bot/` imports it (tests/test_core_imports.py checks).
"""
