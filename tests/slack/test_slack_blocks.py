"""Neutral cards as Block Kit that Slack accepts: limits kept, Markdown converted."""

from __future__ import annotations

from bot.core.model import Actions, Button, Card, Context, Divider, Fields, Image, Section, Text
from bot.slack.blocks import MAX_BLOCKS, MAX_TEXT, TRIMMED, mrkdwn, render


def test_light_markdown_becomes_mrkdwn() -> None:
    text = "**Bold** and _it_ see [Playbook › Steps](https://x.example/a?b=1&c=2)\n- one\n# Title"
    out = mrkdwn(text)
    assert out.startswith("*Bold* and _it_ see <https://x.example/a?b=1&c=2|Playbook › Steps>")
    assert "\n• one\n*Title*" in out


def test_angle_brackets_and_ampersands_are_escaped_outside_links() -> None:
    assert mrkdwn("a < b & c > d <!channel>") == "a &lt; b &amp; c &gt; d &lt;!channel&gt;"


def test_long_section_is_split_into_sections_under_the_text_limit() -> None:
    para = ("Acknowledge every complaint within one business day. " * 40).strip()
    text = "\n\n".join([para] * 5)
    rendered = render(Card(title="", blocks=(Section(text),), fallback=text))
    sections = [b for b in rendered.blocks if b["type"] == "section"]
    assert len(sections) >= 4
    assert all(len(s["text"]["text"]) <= MAX_TEXT for s in sections)
    assert "".join(s["text"]["text"] for s in sections).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    assert len(rendered.text) <= 3000


def test_too_many_blocks_are_trimmed_with_a_note_keeping_sources_and_buttons() -> None:
    parts = [Section(f"part {n}") for n in range(80)]
    blocks = (*parts, Context("Sources:\n[1] Playbook"), Actions((Button("👍", "feedback:up", "q1"),)))
    rendered = render(Card(title="Long", blocks=blocks))
    assert len(rendered.blocks) == MAX_BLOCKS
    assert rendered.blocks[-1]["type"] == "actions"
    assert "Sources" in rendered.blocks[-2]["elements"][0]["text"]
    assert rendered.blocks[-3]["elements"][0]["text"] == TRIMMED
    assert rendered.blocks[0]["type"] == "header"


def test_buttons_fields_divider_and_url_image() -> None:
    card = Card(title="Pulse", blocks=(
        Fields((("Responses", "12"), ("Score", "**4.2**"))),
        Divider(),
        Image(alt="chart", url="https://x.example/c.png", title="Chart"),
        Actions((Button("Open", "open", url="https://x.example"), Button("Go", "go:1", "v", style="primary"))),
    ))
    rendered = render(card)
    kinds = [b["type"] for b in rendered.blocks]
    assert kinds == ["header", "section", "divider", "image", "actions"]
    assert rendered.blocks[1]["fields"][1]["text"] == "*Score*\n*4.2*"
    assert rendered.blocks[3]["image_url"] == "https://x.example/c.png"
    go = rendered.blocks[4]["elements"][1]
    assert (go["action_id"], go["value"], go["style"]) == ("go:1", "v", "primary")
    assert "url" in rendered.blocks[4]["elements"][0]


def test_image_bytes_are_returned_for_upload_not_inlined() -> None:
    png = Image(alt="trend", data=b"\x89PNG...")
    rendered = render(Card(title="Digest", blocks=(Section("Weekly"), png)))
    assert rendered.uploads == [png]
    assert all(b["type"] != "image" for b in rendered.blocks)


def test_plain_text_is_a_section_and_its_fallback() -> None:
    rendered = render(Text("Hello **there**"))
    assert rendered.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello *there*"}}]
    assert rendered.text == "Hello *there*"
