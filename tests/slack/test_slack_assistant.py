"""The assistant panel, from fixtures of its events over signed HTTP through the real bolt app."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from native_kit import ASKER, own
from slack_testkit import Slack

from bot.ask.store import AskedQuestion

THREAD = "1726133698.626339"


def asked(slack: Slack, question: str, askers: int, answered: bool = True,
          source: str = "complaint-handling-playbook.md") -> None:
    """`askers` different people asked `question` before."""
    with slack.services.db.session() as s, s.begin():
        for n in range(askers):
            s.add(AskedQuestion(id=f"{abs(hash(question)) % 10**9:09d}{n:03d}", asked_at=datetime.now(UTC),
                                platform="slack", conversation="slack:C999", user_hash=f"user{n}",
                                question=question, answered=answered, top_source=source))


async def test_a_new_assistant_thread_gets_the_most_asked_questions_then_the_collections(slack: Slack) -> None:
    asked(slack, "Who owns a complaint until it is handed over?", askers=3)
    asked(slack, "When is a complaint closed?", askers=2)
    asked(slack, "What is our secret merger plan?", askers=1)  # asked once: never suggested to others
    asked(slack, "Why is the sky blue?", askers=4, answered=False)  # not answered: never suggested
    asked(slack, "Which leadership memo covers bonuses?", askers=5, source="leadership/memo.md")  # not visible

    assert (await slack.event(own("events_assistant_thread_started.json"))).status == 200
    [call] = await slack.fake.wait_for("assistant.threads.setSuggestedPrompts")

    assert call.args["channel_id"] == "D111" and call.args["thread_ts"] == THREAD
    prompts = call.args["prompts"]
    prompts = json.loads(prompts) if isinstance(prompts, str) else prompts
    messages = [p["message"] for p in prompts]
    assert messages[:2] == ["Who owns a complaint until it is handed over?", "When is a complaint closed?"]
    assert {"What does Complaint handling playbook say?",
            "What does Leitfaden: Kundenfeedback auswerten say?"} <= set(messages)
    assert len(prompts) == 4 and all(p["title"] for p in prompts)
    assert slack.fake.called("chat.postMessage") == []


async def test_a_question_in_the_assistant_thread_shows_a_status_then_the_answer_card_in_the_thread(
        slack: Slack) -> None:
    assert (await slack.event(own("events_message_im_assistant_thread.json"))).status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    [status] = slack.fake.called("assistant.threads.setStatus")

    assert (status.args["channel_id"], status.args["thread_ts"]) == ("D111", THREAD)
    assert status.args["status"] == "Looking it up…"
    assert status.at <= post.at
    assert (post.args["channel"], post.args["thread_ts"]) == ("D111", THREAD)
    blocks = json.dumps(post.args["blocks"])
    assert "four business hours" in blocks and "Sources" in blocks and "feedback:up" in blocks


async def test_a_follow_up_in_the_assistant_thread_reads_the_thread_as_history(slack: Slack) -> None:
    slack.fake.add_thread_message("D111", THREAD, ASKER, "How fast must we acknowledge a customer complaint?",
                                  "1726133699.000001")
    slack.fake.add_thread_message("D111", THREAD, "W111", "Within four business hours.", "1726133699.000002")
    body = own("events_message_im_assistant_thread.json")
    body["event"]["text"] = "And who owns it until it is handed over?"
    await slack.event(body)
    [post] = await slack.fake.wait_for("chat.postMessage")

    [replies] = slack.fake.called("conversations.replies")
    assert (replies.args["channel"], replies.args["ts"]) == ("D111", THREAD)
    assert post.args["thread_ts"] == THREAD and "owns it" in json.dumps(post.args["blocks"])


async def test_the_status_failing_does_not_stop_the_answer(slack: Slack) -> None:
    slack.fake.fail("assistant.threads.setStatus", "missing_scope")
    await slack.event(own("events_message_im_assistant_thread.json"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == THREAD


async def test_context_changes_and_thread_renames_are_acknowledged_and_change_nothing(slack: Slack) -> None:
    for name in ("events_assistant_thread_context_changed.json", "events_message_im_assistant_thread_changed.json"):
        assert (await slack.event(own(name))).status == 200
    await slack.settle()
    methods = {c.method for c in slack.fake.calls} - {"auth.test"}
    assert methods == set()


async def test_a_retried_assistant_message_is_answered_once(slack: Slack) -> None:
    body = own("events_message_im_assistant_thread.json")
    await slack.event(body)
    await slack.event(body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    await slack.fake.wait_for("chat.postMessage")
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 1
    assert len(slack.fake.called("assistant.threads.setStatus")) == 1


async def test_a_german_speaker_gets_the_prompts_and_the_status_in_german(slack: Slack) -> None:
    slack.fake.locales[ASKER] = "de-DE"
    await slack.event(own("events_assistant_thread_started.json"))
    [prompts] = await slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    await slack.event(own("events_message_im_assistant_thread.json"))
    await slack.fake.wait_for("chat.postMessage")

    assert prompts.args["title"] == "Frag zum Beispiel"
    listed = prompts.args["prompts"]
    listed = json.loads(listed) if isinstance(listed, str) else listed
    assert "Was steht in Complaint handling playbook?" in [p["message"] for p in listed]
    [status] = slack.fake.called("assistant.threads.setStatus")
    assert status.args["status"] == "Ich schlage nach…"
