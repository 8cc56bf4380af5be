"""HTML tables (in Markdown pages and in HTML exports) are read as rows with their column names."""

from __future__ import annotations

from pathlib import Path

from bot.ingest.loaders import load
from bot.ingest.units import HEADING, ROW, Unit, clean, units

ROADMAP = """# Services

## Roadmap

Our offerings as of this year:

<table>
  <tr>
   <td><strong>Offering</strong>
   </td>
   <td><strong>Availability</strong>
   </td>
  </tr>
  <tr>
   <td>Paid Training
   </td>
   <td>Next year
   </td>
  </tr>
  <tr>
    <td>Premium | Support</td><td>Available</td>
  </tr>
</table>

<strong>Overview</strong> - Implementation help for self-hosted deployments.<br>Ask <ce-owner> first.
"""


def _units(path: Path) -> list[Unit]:
    doc = load(path, path.read_bytes())
    return units([(s.heading, s.structured) for s in doc.sections])


def test_a_markdown_page_with_an_html_table_yields_rows_with_their_header(tmp_path: Path) -> None:
    p = tmp_path / "services.md"
    p.write_text(ROADMAP, encoding="utf-8")
    cut = _units(p)
    rows = [u for u in cut if u.kind == ROW]
    assert [u.text for u in rows] == ["Offering: Paid Training · Availability: Next year",
                                      "Offering: Premium / Support · Availability: Available"]
    assert cut[rows[0].parent].kind == HEADING and cut[rows[0].parent].text == "Offering | Availability"
    assert not any("<td" in u.text or u.text == "Paid Training" for u in cut)


def test_inline_html_formatting_is_dropped_but_placeholders_stay(tmp_path: Path) -> None:
    p = tmp_path / "services.md"
    p.write_text(ROADMAP, encoding="utf-8")
    texts = [u.text for u in _units(p)]
    assert any(t.startswith("Overview - Implementation help") for t in texts)
    assert not any("<strong>" in t or "<br>" in t for t in texts)
    assert any("<ce-owner>" in t for t in texts)
    assert clean("<em>very</em> <a href='https://x.example'>important</a>") == "very important"


def test_an_html_export_reads_a_data_table_by_rows(tmp_path: Path) -> None:
    p = tmp_path / "prices.html"
    p.write_text(
        "<html><head><title>Plans</title></head><body><h2>Plans</h2><p>What each plan costs:</p>"
        "<table><thead><tr><th>Plan</th><th>Price</th></tr></thead>"
        "<tbody><tr><td><p>Team</p></td><td>19 EUR</td></tr><tr><td>Enterprise</td><td>on request</td></tr></tbody>"
        "</table><p>Prices are per seat.</p></body></html>", encoding="utf-8")
    cut = _units(p)
    assert [u.text for u in cut if u.kind == ROW] == ["Plan: Team · Price: 19 EUR", "Plan: Enterprise · Price: on request"]
    assert [u.text for u in cut if u.text in ("Team", "19 EUR")] == []  # no cell on its own
    assert any(u.text == "Prices are per seat." for u in cut)


def test_a_layout_table_is_read_by_its_blocks_and_the_data_table_inside_by_rows(tmp_path: Path) -> None:
    p = tmp_path / "layout.html"
    p.write_text(
        "<html><body><h2>Contacts</h2><table><tr><td><p>Write to the support desk.</p>"
        "<table><tr><th>Team</th><th>Channel</th></tr><tr><td>Billing</td><td>#billing</td></tr></table>"
        "</td></tr></table></body></html>", encoding="utf-8")
    cut = _units(p)
    assert [u.text for u in cut] == ["Write to the support desk.", "Team | Channel", "Team: Billing · Channel: #billing"]
