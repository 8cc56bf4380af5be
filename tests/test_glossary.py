"""The dictionary side of the word bridge: FreeDict's dictd files read into a glossary of the index's words."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.knowledge import Knowledge
from bot.search import glossary
from bot.search.glossary import Glossary
from bot.search.lexicon import Lexicon

SYSTEM = Path("/usr/share/dictd")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _code(n: int) -> str:
    out = ""
    while True:
        out = B64[n % 64] + out
        n //= 64
        if not n:
            return out


def write_dictd(folder: Path, stem: str, entries: list[tuple[str, str]], zipped: bool = True) -> None:
    """A dictd dictionary as FreeDict ships it: entries "headword\\ntranslation line\\n…", and an index of
    headword, offset and length (base64 digits)."""
    body = b""
    index = ["00databaseinfo\tA\tB"]
    for head, text in entries:
        raw = f"{head} /phonetics/\n{text}\n\n".encode()
        index.append(f"{head}\t{_code(len(body))}\t{_code(len(raw))}")
        body += raw
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    if zipped:
        (folder / f"{stem}.dict.dz").write_bytes(gzip.compress(body))
    else:
        (folder / f"{stem}.dict").write_bytes(body)


ENTRIES = [
    ("Urlaubsantrag", "application for leave <n>"),
    ("Warteschlange", "queue <n> [Br.] , line <n> [Am.]"),
    ("Kunde", "customer <n>, punter <n> [Br.]  [coll.]"),
    ("Problem", "problem <n>, issue <n>"),
    ("etw. erledigen", "to get something done"),  # a phrase as headword: no word of a question
    ("Beirat", "   Note: no translation on the first line"),
    ("Umschreibung", "a person who walks a very long way round something"),  # a paraphrase, not a word
    ("Rufbereitschaft", " [adm.] on-call service <n>"),  # a translation under a subject label, indented
]
VOCAB = {"leave", "queue", "line", "customer", "problem", "issue", "done", "walks", "application", "call", "service"}


def test_a_headword_maps_to_the_index_words_of_its_first_translation_line(tmp_path: Path) -> None:
    write_dictd(tmp_path, "freedict-deu-eng", ENTRIES)
    g = Glossary.build(tmp_path / "freedict-deu-eng.index", tmp_path / "freedict-deu-eng.dict.dz", VOCAB)
    assert g.lookup("urlaubsantrag") == ["application", "leave"]  # "for" is a stop word
    assert g.lookup("warteschlange") == ["line", "queue"]  # labels and grammar tags are not words
    assert g.lookup("kunde") == ["customer"]  # "punter" is not in the index
    assert g.lookup("etw. erledigen") == [] and g.lookup("beirat") == [] and g.lookup("umschreibung") == []
    assert g.lookup("rufbereitschaft") == ["call", "service"]  # the label is no word, the line still counts
    # compounds the dictionary lacks: the hyphenated last part, else the longest known head
    assert g.lookup("ticket-warteschlange") == ["line", "queue"]
    assert g.lookup("kundenproblem") == ["issue", "problem"]
    assert g.lookup("unbekannt") == []


def test_the_table_is_cached_per_dictionary_and_vocabulary(tmp_path: Path) -> None:
    source, cache = tmp_path / "dictd", tmp_path / "data"
    write_dictd(source, "freedict-deu-eng", ENTRIES, zipped=False)
    first = glossary.load(source, cache, "de", "en", VOCAB)
    assert first.lookup("kunde") == ["customer"]
    [cached] = cache.glob("glossary-de-en-*.json")
    cached.write_text('{"kunde": ["from-the-cache"]}', encoding="utf-8")
    assert glossary.load(source, cache, "de", "en", VOCAB).lookup("kunde") == ["from-the-cache"]
    # a new vocabulary is a new table, and the old file goes
    second = glossary.load(source, cache, "de", "en", VOCAB - {"customer"})
    assert second.lookup("kunde") == [] and second.lookup("warteschlange") == ["line", "queue"]
    assert not cached.exists() and len(list(cache.glob("glossary-de-en-*.json"))) == 1
    # an unreadable cache file is rebuilt, not an error
    [cached] = cache.glob("glossary-de-en-*.json")
    cached.write_text("{not json", encoding="utf-8")
    assert glossary.load(source, cache, "de", "en", VOCAB - {"customer"}).table == second.table
    cached.write_text('["a list, not a table"]', encoding="utf-8")
    assert glossary.load(source, cache, "de", "en", VOCAB - {"customer"}).table == second.table


def test_without_a_readable_dictionary_the_glossary_is_empty(tmp_path: Path) -> None:
    assert len(glossary.load(None, tmp_path, "de", "en", VOCAB)) == 0
    assert len(glossary.load(tmp_path / "missing", tmp_path, "de", "en", VOCAB)) == 0
    assert len(glossary.load(tmp_path, tmp_path, "en", "fr", VOCAB)) == 0  # no dictionary for the pair
    write_dictd(tmp_path / "broken", "freedict-deu-eng", ENTRIES)
    (tmp_path / "broken" / "freedict-deu-eng.dict.dz").write_bytes(b"not gzip at all")
    assert len(glossary.load(tmp_path / "broken", tmp_path / "c", "de", "en", VOCAB)) == 0
    assert not list((tmp_path / "c").glob("*.json"))  # nothing cached from a broken dictionary


def test_the_bridge_adds_the_glossary_translations_of_words_the_target_lacks(tmp_path: Path) -> None:
    words = ["leave", "queue", "customer"]
    dim = 8
    vectors = np.eye(dim, dtype=np.float32)[: len(words)]

    def far(ws: list[str]) -> np.ndarray:  # question words no index word is close to: only the glossary bridges
        return np.tile(np.eye(dim, dtype=np.float32)[-1], (len(ws), 1))

    lexicon = Lexicon([f"en:{w}" for w in words], vectors, far)
    assert lexicon.bridge("Wo trage ich den Urlaubsantrag ein?", "en") == []
    write_dictd(tmp_path, "freedict-deu-eng", ENTRIES)
    lexicon.glossaries["en"] = glossary.load(tmp_path, None, "de", "en", set(words))
    assert lexicon.bridge("Wo trage ich den Urlaubsantrag ein?", "en") == ["leave"]
    assert lexicon.bridge("Warteschlange, Kunde und queue", "en") == ["queue", "customer"]  # "queue" it has itself
    # and a word the dictionary translates is no unknown word to the abstention signals
    assert lexicon.translatable(["urlaubsantrag", "beirat"], "en") == {"urlaubsantrag"}


@pytest.mark.skipif(not (SYSTEM / "freedict-deu-eng.index").exists(), reason="dict-freedict-deu-eng not installed")
def test_freedicts_german_english_dictionary_translates_what_the_embeddings_miss() -> None:
    g = glossary.load(SYSTEM, None, "de", "en", {"vacation", "leave", "queue", "customer", "exceptions", "url"})
    assert "vacation" in g.lookup("urlaub") and "url" not in g.lookup("urlaub")
    assert "leave" in g.lookup("urlaubsantrag")
    assert "queue" in g.lookup("warteschlange")
    assert "customer" in g.lookup("kunde") and "exceptions" in g.lookup("ausnahmen")
    # a quarter of its entries carry a subject label ("Rufbereitschaft" is "[adm.] on-call service")
    assert "call" in glossary.load(SYSTEM, None, "de", "en", {"call", "service"}).lookup("rufbereitschaft")


def test_ingest_builds_the_table_that_answering_then_reads(settings_factory: Any, tmp_path: Path) -> None:
    dictd, docs = tmp_path / "dictd", tmp_path / "kb"
    write_dictd(dictd, "freedict-deu-eng", ENTRIES)
    docs.mkdir()
    (docs / "leave.md").write_text("# Time off\n\nBook your leave in the HR portal two weeks ahead.\n")
    (docs / "queue.md").write_text("# Busy days\n\nWhen the queue grows, tell the support lead in the team channel.\n")
    settings = settings_factory(CXBOT_DICTIONARY_DIR=dictd)
    Knowledge(settings).ingest([docs])
    [table] = settings.data_dir.glob("glossary-de-en-*.json")
    built = table.stat().st_mtime_ns
    asking = Knowledge(settings).retriever
    asking.refresh(force=True)
    assert asking.bridge("Wo stelle ich den Urlaubsantrag?", "en") == ["leave"]
    assert "queue" in asking.bridge("Die Warteschlange wächst", "en")
    assert list(settings.data_dir.glob("glossary-de-en-*.json")) == [table] and table.stat().st_mtime_ns == built


EN_ENTRIES = [
    ("departments", "Abteilungen <pl>, Bereiche <pl>"),
    ("like", "gleiche <adj>, ähnlich <adj>"),  # an everyday word: every sense is listed, none is looked up
]


def test_english_questions_get_the_german_words_of_the_english_german_dictionary(tmp_path: Path) -> None:
    words = ["abteilungen", "bereiche", "gleiche"]
    dim = 8
    vectors = np.eye(dim, dtype=np.float32)[: len(words)]

    def far(ws: list[str]) -> np.ndarray:
        return np.tile(np.eye(dim, dtype=np.float32)[-1], (len(ws), 1))

    write_dictd(tmp_path, "freedict-eng-deu", EN_ENTRIES)
    lexicon = Lexicon([f"de:{w}" for w in words], vectors, far)
    lexicon.glossaries = glossary.for_index(tmp_path, None, [f"de:{w}" for w in words])
    assert lexicon.bridge("Which departments does it name, like marketing?", "de") == ["abteilungen", "bereiche"]
    # a German question's everyday words are looked up in the German-English one ("Stellen", "melden")
    assert lexicon.glossaries["de"].everyday is False


@pytest.mark.skipif(not (SYSTEM / "freedict-eng-deu.index").exists(), reason="dict-freedict-eng-deu not installed")
def test_freedicts_english_german_dictionary_translates_into_the_articles_words() -> None:
    g = glossary.load(SYSTEM, None, "en", "de", {"abteilungen", "käufer", "verlangsamt", "kooperation"})
    assert "abteilungen" in g.lookup("departments")
    assert "käufer" in g.lookup("buyers") and "kooperation" in g.lookup("cooperation")
