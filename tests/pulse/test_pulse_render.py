"""The pulse cards render within each platform's limits (Block Kit, Adaptive Cards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pulse_helpers import CHANNEL

from bot.pulse import cards
from bot.pulse.results import compute
from bot.pulse.service import PulseService
from bot.slack.blocks import render
from bot.teams.adaptive import adaptive_card


def test_the_vote_card_fits_slack_and_every_button_is_addressable(pulses: PulseService) -> None:
    template = pulses.templates()[0]["customer-centricity"]
    pulse = pulses.store.create(template, "de", CHANNEL, closes_at=datetime.now(UTC) + timedelta(days=3), creator_hash="x")
    card = pulses.card(pulse, 12, template)
    blocks = render(card).blocks
    assert len(blocks) <= 50
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 6
    for row in actions:
        ids = [e["action_id"] for e in row["elements"]]
        assert len(set(ids)) == len(ids) == 5  # Slack wants action ids unique within a block
    assert actions[3]["elements"][0]["value"] == f"{pulse.id}:3:1"


def test_the_vote_card_and_the_results_render_as_adaptive_cards(pulses: PulseService) -> None:
    template = pulses.templates()[0]["customer-centricity"]
    pulse = pulses.store.create(template, "en", CHANNEL, closes_at=datetime.now(UTC) + timedelta(days=3), creator_hash="x")
    vote_card = adaptive_card(pulses.card(pulse, 0, template))
    text = str(vote_card)
    assert text.count(f"'value': '{pulse.id}:") == 30
    results = compute(pulse_id=pulse.id, title=pulse.title, statements=pulse.statements, scale=(1, 5),
                      tally={0: {4: 3, 5: 1}}, participation=4, k=3)
    assert "not enough responses" in str(adaptive_card(cards.results_card(results, "en")))
