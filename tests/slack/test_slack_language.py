"""The asker's Slack locale picks cxbot's language: `users.info` with `include_locale`, once per person,
through the real bolt app and the fake Web API. English stays the default."""

from __future__ import annotations

import json

from slack_testkit import QUESTION, Slack, fixture, mention, slash


async def test_a_de_de_user_gets_german_labels_and_buttons(slack: Slack) -> None:
    slack.fake.locales["W222"] = "de-DE"
    await slack.event(mention())
    [post] = await slack.fake.wait_for("chat.postMessage")
    shown = json.dumps(post.args["blocks"], ensure_ascii=False)
    assert "Quellen:" in shown and "👍 Hilfreich" in shown and "👎 Nicht hilfreich" in shown
    assert "Helpful" not in shown and "Sources" not in shown
    [info] = slack.fake.called("users.info")
    assert info.args["user"] == "W222" and str(info.args["include_locale"]).lower() in ("true", "1")
    await slack.event(mention(event_id="Ev222", ts="1595926231.000100"))
    await slack.fake.wait_for("chat.postMessage", 2)
    assert len(slack.fake.called("users.info")) == 1  # cached per person


async def test_an_en_us_user_keeps_english(slack: Slack) -> None:
    await slack.event(mention())
    [post] = await slack.fake.wait_for("chat.postMessage")
    shown = json.dumps(post.args["blocks"], ensure_ascii=False)
    assert "Sources:" in shown and "👍 Helpful" in shown


async def test_german_help_and_german_app_home_with_english_command_words(slack: Slack) -> None:
    slack.fake.locales.update({"W111": "de-DE", "W222": "de-AT"})
    await slack.form(slash("help"))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert eph.args["text"].startswith("Das kann ich:") and "`ask &lt;Frage&gt;`" in eph.args["text"]
    body = fixture("events_app_mention.json")
    body.update(event_id="EvHome", event={"type": "app_home_opened", "user": "W222", "channel": "D111",
                                          "tab": "home", "event_ts": "1.2"})
    await slack.event(body)
    [publish] = await slack.fake.wait_for("views.publish")
    view = json.dumps(publish.args["view"]["blocks"], ensure_ascii=False)
    assert "Frag mich alles zu unseren CX-Playbooks" in view and "/cx ask &lt;Frage&gt;" in view
    assert "*Befehle*" in view


async def test_a_failing_users_info_answers_in_the_default_language(slack: Slack) -> None:
    slack.fake.fail("users.info")
    await slack.form(slash(QUESTION))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert "👍 Helpful" in json.dumps(eph.args.get("blocks"), ensure_ascii=False)
