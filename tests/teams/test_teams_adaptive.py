"""Neutral cards rendered as Adaptive Cards 1.5."""

from __future__ import annotations

import base64

from bot.ask.answer import Answer, Source
from bot.ask.cards import answer_card
from bot.core.model import Actions, Button, Card, Context, Divider, Fields, Image, Section, Text
from bot.teams.adaptive import MAX_INLINE_IMAGE, adaptive_card, fallback_text, without_actions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_answer_card_has_text_sources_and_execute_feedback() -> None:
    answer = Answer("q?", "Acknowledge within 24 hours. [1]", True,
                    [Source("complaints.md", "Complaint playbook", "Timing", 0.9)])

    card = adaptive_card(answer_card(answer, "qid1"))

    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    texts = [e["text"] for e in card["body"] if e["type"] == "TextBlock"]
    assert texts[0] == "Acknowledge within 24 hours. [1]"
    assert "[1] Complaint playbook › Timing — complaints.md" in texts[1]
    [actions] = [e for e in card["body"] if e["type"] == "ActionSet"]
    up, down = actions["actions"]
    assert up == {"type": "Action.Execute", "title": "👍 Helpful", "verb": "feedback:up",
                  "data": {"action": "feedback:up", "value": "qid1"}}
    assert down["verb"] == "feedback:down"
    assert "Acknowledge within 24 hours" in card["fallbackText"]
    assert all(e.get("wrap") for e in card["body"] if e["type"] == "TextBlock")


def test_fields_images_links_styles_and_dividers() -> None:
    card = Card(title="Weekly digest", blocks=(
        Fields((("NPS", "41"), ("CSAT", "4.2"))),
        Divider(),
        Image(alt="NPS trend", data=PNG, title="Trend"),
        Actions((Button("Open", "open", url="https://example.com/x"), Button("Close", "pulse:close", "p1", style="danger"))),
    ))

    body = adaptive_card(card)["body"]

    assert body[0]["text"] == "Weekly digest" and body[0]["weight"] == "Bolder"
    assert body[1] == {"type": "FactSet", "facts": [{"title": "NPS", "value": "41"}, {"title": "CSAT", "value": "4.2"}]}
    assert body[2]["separator"] is True
    image = body[2]["items"][1]
    assert image["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert image["altText"] == "NPS trend"
    link, close = body[3]["actions"]
    assert link == {"type": "Action.OpenUrl", "title": "Open", "url": "https://example.com/x"}
    assert close["style"] == "destructive"


def test_oversized_image_falls_back_to_alt_text() -> None:
    body = adaptive_card(Card(title="", blocks=(Image(alt="big chart", data=b"x" * (MAX_INLINE_IMAGE + 1)),)))["body"]

    assert body == [{"type": "TextBlock", "text": "[image: big chart]", "wrap": True, "isSubtle": True}]


def test_line_breaks_become_paragraphs_but_lists_stay_lists() -> None:
    body = adaptive_card(Text("Here:\n- one\n- two\nDone"))["body"]

    assert body[0]["text"] == "Here:\n\n- one\n- two\n\nDone"


def test_plain_text_fallback_and_card_after_a_click() -> None:
    card = Card(title="T", blocks=(Section("x"), Context("small"), Actions((Button("b", "a"),))))
    rendered = adaptive_card(card)

    after = without_actions(rendered, "Thanks!")

    assert fallback_text(card) == "T\nx\nsmall\n[b]"
    assert fallback_text(Text("hi")) == "hi"
    assert [e["type"] for e in after["body"]] == ["TextBlock", "TextBlock", "TextBlock", "TextBlock"]
    assert after["body"][-1]["text"] == "Thanks!"
