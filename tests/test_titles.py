"""Documents without a title of their own are cited by a readable one; paths never climb out of the folder."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console

from bot.ask.answer import Answer, Source, shown_path
from bot.ask.cards import answer_card
from bot.console.adapter import ConsolePort
from bot.core.model import Conversation
from bot.ingest import titles
from bot.ingest.loaders import load
from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.slack.blocks import render

HASHED = "004_e95ca14b17e34005.txt"
ARTICLE = (  # no title line: the first block is a paragraph of several lines
    "Beim Beschwerdemanagement arbeiten viele Unternehmen seit Jahren daran, Kunden schneller zu antworten.\n"
    "Die Studie zeigt, dass jede Beschwerde binnen vier Stunden bestätigt werden sollte.\n\n"
    "Rückrufe an enttäuschte Kunden erfolgen innerhalb von zwei Werktagen durch die Teamleitung, "
    "damit niemand auf eine Antwort warten muss und die Ursache geklärt wird.\n"
)


def test_a_name_of_ids_is_no_title_and_the_first_sentence_stands_in() -> None:
    assert not titles.is_words("004_e95ca14b17e34005")
    assert not titles.is_words("3f2a9c1e-77b0-4d1c-9e0a-5b7c2d1e8f00")
    assert not titles.is_words("20231104")
    assert titles.is_words("complaint-handling-playbook") and titles.is_words("report_2024")
    doc = load(Path(HASHED), ARTICLE.encode())
    assert doc.title == "004 e95ca14b17e34005"  # what is embedded stays as it was
    assert titles.readable_title(doc) == "Beim Beschwerdemanagement arbeiten viele Unternehmen seit Jahren daran…"
    headed = load(Path("8ad7aa3d.md"), b"## Refunds and credits\n\nWe refund within five business days of a request.\n")
    assert titles.readable_title(headed) == "Refunds and credits"
    named = load(Path("refund-policy.md"), b"We refund within five business days of a request.\n")
    assert titles.readable_title(named) == named.title == "Refund policy"


def test_a_dateline_is_no_title_and_a_title_line_is_one() -> None:
    assert titles.is_dateline("17. Mai 22") and titles.is_dateline("May 17, 2022") and titles.is_dateline("2022-05-17")
    assert not titles.is_dateline("Report 2024") and not titles.is_dateline("Willkommen")
    dated = load(Path("002_b9c0c9c89ddf8fe3.txt"), (
        b"17. Mai 22\nWillkommen in der CX-Organisation\nPerspektiven auf die Gestaltung von Customer Experience\n"
        b"Der Kunde steht im Mittelpunkt, sagen viele. Die Erfahrungen decken sich nicht immer damit.\n"))
    assert titles.readable_title(dated) == "Willkommen in der CX-Organisation"
    # a first line that is a sentence is no title line: the first sentence stands in, shortened
    doc = load(Path(HASHED), ARTICLE.encode())
    assert titles.readable_title(doc).startswith("Beim Beschwerdemanagement")


def test_shown_paths_stay_inside_the_knowledge_folder() -> None:
    assert shown_path("trends/004_x.txt") == "trends/004_x.txt"
    assert shown_path("./trends/004_x.txt") == "trends/004_x.txt"
    assert shown_path("../shared/corpus/trends/004_x.txt") == "004_x.txt"
    assert shown_path("/srv/knowledge/a.md") == "a.md"
    assert shown_path("C:\\kb\\a.md") == "a.md"


@pytest.fixture
def hashed_kb(settings: Settings, tmp_path: Path) -> Settings:
    kb = tmp_path / "kb" / "trends"
    kb.mkdir(parents=True)
    (kb / HASHED).write_text(ARTICLE, encoding="utf-8")
    Knowledge(settings).indexer().run([tmp_path / "kb"])
    return settings


def test_a_hash_named_text_is_cited_by_a_readable_title_on_slack_and_in_the_console(hashed_kb: Settings) -> None:
    answer = Knowledge(hashed_kb).ask.answer("Wie schnell muss eine Beschwerde bestätigt werden?")
    assert answer.sources, answer
    src = answer.sources[0]
    assert src.title == "Beim Beschwerdemanagement arbeiten viele Unternehmen seit Jahren daran…"
    assert src.path == f"kb/trends/{HASHED}" and src.where == src.path
    card = answer_card(answer, "q1")
    slack = render(card)
    sources = "\n".join(e["text"] for b in slack.blocks if b["type"] == "context" for e in b["elements"])
    assert f"[1] {src.title}" in sources and f"— kb/trends/{HASHED}" in sources
    assert "e95ca14b17e34005 —" not in sources and "004 e95ca14b17e34005" not in slack.text
    buf = io.StringIO()
    port = ConsolePort(Console(file=buf, width=200))
    asyncio.run(port.post(Conversation("console", "c"), card))
    shown = buf.getvalue()
    assert "Beim Beschwerdemanagement arbeiten viele Unternehmen seit Jahren daran…" in shown
    assert "004 e95ca14b17e34005" not in shown and "../" not in shown


def test_a_citation_never_shows_a_path_out_of_its_folder() -> None:
    answer = Answer("q", "text [1]", True, [Source("../shared/corpus/trends/a.txt", "A", "B", 0.9)])
    lines = render(answer_card(answer, "q1")).text
    assert "[1] A › B — a.txt" in lines and "../" not in lines


def test_an_index_without_readable_titles_is_upgraded_without_embedding(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.ingest import indexer

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / HASHED).write_text(ARTICLE, encoding="utf-8")
    (kb / "refunds.md").write_text("# Refunds\n\nWe refund within five business days.\n", encoding="utf-8")
    monkeypatch.setattr(indexer.doc_titles, "VERSION", 0)  # an index written before readable titles
    monkeypatch.setattr(indexer.doc_titles, "readable_title", lambda doc: doc.title)
    Knowledge(settings).indexer().run([kb])
    _, _, metas = Knowledge(settings).store.all_chunks()
    assert {m.shown_title for m in metas} == {"004 e95ca14b17e34005", "Refunds"}
    monkeypatch.undo()

    k = Knowledge(settings)
    upgraded = k.indexer().run([kb])
    assert (upgraded.updated, upgraded.unchanged) == (2, 0)
    assert k.embedder.computed == 0  # type: ignore[attr-defined]
    _, _, metas = k.store.all_chunks()
    assert {m.shown_title for m in metas} == {"Beim Beschwerdemanagement arbeiten viele Unternehmen seit Jahren daran…",
                                             "Refunds"}
    assert {m.title for m in metas} == {"004 e95ca14b17e34005", "Refunds"}  # what was embedded: unchanged
    again = Knowledge(settings).indexer().run([kb])
    assert (again.updated, again.unchanged) == (0, 2)
