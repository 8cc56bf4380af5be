"""The dashboard's pages over real HTTP with a year of data: figures shown, the anonymity floor, no leak."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dash_helpers import PAGES, ask_link, client, link_in, serve, sign_in

from bot.settings import Settings
from testkit.dashboard_data import LEAKY_IDS

USER_ID = re.compile(r"\b[UW]0[A-Z0-9]{6,}\b|\b29:[\w-]{8,}")


async def test_every_page_and_export_shows_its_figures_and_no_user_id(seeded: Settings) -> None:
    async with serve(seeded) as served, client() as http:
        await sign_in(http, link_in(await ask_link(served.services, private=True)))
        bodies = {}
        for page in (*PAGES, "/dashboard/gaps.csv"):
            async with http.get(served.base + page) as resp:
                assert resp.status == 200, page
                bodies[page] = await resp.text()

    pulses, digests, knowledge = bodies["/dashboard/pulses"], bodies["/dashboard/digests"], bodies["/dashboard/knowledge"]
    assert "Customer centricity" in pulses and pulses.count("<svg") >= 4
    assert "fewer than 3 responses" in pulses  # the weeks below the floor: no figure
    assert "NPS" in digests and "min 30" in digests and "CX digest" in digests
    assert "team-wiki" in knowledge and "no text layer (scanned PDF)" in knowledge
    assert "Who approves a goodwill refund above 500 euros?" in knowledge and "Vera Expert" in knowledge
    for page, body in bodies.items():
        assert not any(uid in body for uid in LEAKY_IDS), page
        assert not USER_ID.search(body), (page, USER_ID.search(body))


async def test_a_pulse_below_the_floor_has_no_point(seeded: Settings) -> None:
    from bot.dashboard.pulses import gather

    async with serve(seeded) as served:
        groups = gather(served.services.db, 3, datetime.now(UTC))
    rows = [r for g in groups for r in g.rows]
    below = [r for r in rows if min(r.responses) < 3]
    assert below and all(m is None for r in below for m in r.means)
    chart = groups[0].participation_chart(3)
    assert all(v is None or v >= 3 for s in chart.series for v in s.values)
    group = groups[0]
    for i, series in enumerate(group.chart().series):  # a chart point exactly where the floor was met
        assert [v is not None for v in series.values] == [r.responses[i] >= 3 for r in group.rows]
