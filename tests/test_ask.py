from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.text import sentences


def test_sentences_keep_dates_and_abbreviations_whole() -> None:
    assert sentences("Am Mittwoch, dem 16. März bin ich da. Danach z.B. nicht.") == [
        "Am Mittwoch, dem 16. März bin ich da.", "Danach z.B. nicht."]


def test_answer_cites_the_playbook_that_covers_the_question(sample_index: Settings) -> None:
    answer = Knowledge(sample_index).ask.answer("How quickly must a complaint be acknowledged?")
    assert answer.answered
    assert answer.sources[0].path.endswith("complaint-handling-playbook.md")
    assert "four business hours" in answer.text and "[1]" in answer.text


def test_an_english_question_finds_the_german_guide(sample_index: Settings) -> None:
    answer = Knowledge(sample_index).ask.answer("How soon are NPS detractors called back personally?")
    assert answer.sources[0].path.endswith("kundenfeedback-leitfaden.md")
    assert "zwei Werktagen" in answer.text


def test_off_topic_questions_are_declined_plainly(sample_index: Settings) -> None:
    answer = Knowledge(sample_index).ask.answer("What is the capital of France?")
    assert not answer.answered
    assert answer.sources == []
    assert "couldn't find" in answer.text and "won't guess" in answer.text


def test_off_topic_german_question_is_declined_in_german(sample_index: Settings) -> None:
    answer = Knowledge(sample_index).ask.answer("Wie hoch ist der Zuschuss für das Mittagessen in der Kantine?")
    assert not answer.answered and "keine Antwort" in answer.text


def test_cli_ask_json_and_batch_formats(sample_index: Settings, tmp_path: object) -> None:
    env = {**os.environ, "CXBOT_DATA_DIR": str(sample_index.data_dir),
           "CXBOT_EMBED_CACHE": str(sample_index.embed_cache)}
    one = subprocess.run([sys.executable, "-m", "bot", "ask", "How quickly is a complaint acknowledged?", "--json"],
                         env=env, capture_output=True, text=True, check=True)
    data = json.loads(one.stdout)
    assert set(data) == {"answer", "answered", "sources"}
    assert set(data["sources"][0]) == {"path", "title", "section", "score"}
    batch = sample_index.data_dir / "q.jsonl"
    batch.write_text('{"id": "q1", "question": "Who owns a complaint?"}\nnot json\n{"id": "q2", "question": "Capital of France?"}\n')
    run = subprocess.run([sys.executable, "-m", "bot", "ask", "--batch", str(batch)],
                         env=env, capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2"]
    assert set(rows[0]) == {"id", "answer", "answered", "sources"}
    assert isinstance(rows[0]["sources"][0], str)
    assert "not a {id, question}" in run.stderr


def test_the_retriever_hands_out_the_chunks_next_to_a_passage(sample_index: Settings) -> None:
    retriever = Knowledge(sample_index).ask.retriever
    best = retriever.search("How quickly must a complaint be acknowledged?")[0]
    around = retriever.neighbours([best])
    chunk = int(best.meta.chunk)
    assert around and all(p.doc == best.doc for p in around)
    assert {int(p.meta.chunk) for p in around} <= {chunk - 1, chunk + 1}
    assert best.id not in {p.id for p in around}


def test_a_heading_line_is_not_glued_to_the_sentence_under_it() -> None:
    assert sentences("First response\nAcknowledge every complaint within four hours. Name the owner.") == [
        "First response", "Acknowledge every complaint within four hours.", "Name the owner."]


def test_ask_json_gives_a_link_where_the_document_has_one() -> None:
    from bot.ask.answer import Answer, Source

    answer = Answer("q", "text", True, [
        Source("web/handbook.md", "Handbook", "Refunds", 0.91, "https://intranet.example/handbook#refunds"),
        Source("playbooks/a.md", "A", "", 0.8),
    ])
    first, second = answer.as_json()["sources"]  # type: ignore[misc]
    assert first["url"] == "https://intranet.example/handbook#refunds"
    assert "url" not in second and set(second) == {"path", "title", "section", "score"}
