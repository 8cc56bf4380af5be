"""A bridge between the index's languages, word by word, through the embedding space.

Keywords stop working across languages: an English question shares almost no words with the German
article that answers it. The multilingual embedder places a word near its translation, though
("member" next to "Mitglied", "concepts" next to "Konzepten"), so each word of the index is
embedded once at ingest, and a question's words are mapped to the closest words of the other
language. Only close matches count: below the threshold single-word vectors mostly pair words that
merely look alike.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

from bot.embed.base import Vectors
from bot.search.glossary import Glossary
from bot.text import STOP, words

# Cosine (e5-small, both words embedded as queries) at which two words of different languages are taken as a
# translation. Measured on the shared corpus: "Mitglied"→"member" (0.95) and "projects"→"Projekte" (0.96)
# pass; "Urlaub"→"url" (0.88) and "Beirat"→"bias" (0.88) do not, nor, just below, "Quartal"→"quarterly"
# (0.92): a missed translation costs less than a wrong one. Calibrated for e5: other embedders' cosines between
# translations run lower, so with them the bridge mostly stays silent rather than guessing.
THRESHOLD = 0.93
# Words kept per language, most widespread first: bounds the embedding work on large indexes.
MAX_WORDS = 30_000
ASKED_KEPT = 4096
# Question words the index does not know are embedded at question time; at most this many.
MAX_UNKNOWN = 5
_SHAPE = re.compile(r"^[^\W\d_]{3,}(?:-[^\W\d_]+)*$")


def content_words(text: str) -> list[str]:
    """The words of `text` the bridge translates (no stop words, numbers or fragments), each once."""
    return [w for w in dict.fromkeys(words(text)) if w not in STOP and _SHAPE.match(w)]


# A word at least this frequent in everyday English or German (wordfreq's Zipf scale: 5 is once in 100,000 words;
# "fast", "tomorrow", "zwei", "Stunden") is one any index may lack without the question being off its topic.
EVERYDAY_ZIPF = 5.0


def everyday(word: str) -> bool:
    """Is `word` common in everyday English or German (`EVERYDAY_ZIPF`)?"""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "en"), zipf_frequency(word, "de")) >= EVERYDAY_ZIPF


def word_id(lang: str, word: str) -> str:
    return f"{lang}:{word}"


def vocabulary(texts: Iterable[str], langs: Iterable[str], limit: int = MAX_WORDS) -> set[str]:
    """The content words of the index as ids ("de:auswirkungen"), the most widespread per language."""
    df: dict[str, Counter[str]] = {}
    for text, lang in zip(texts, langs, strict=True):
        seen = {w for w in words(text) if w not in STOP and len(w) <= 40 and _SHAPE.match(w)}
        df.setdefault(lang, Counter()).update(seen)
    return {word_id(lang, w) for lang, counts in df.items() for w, _ in counts.most_common(limit)}


class Lexicon:
    """The index's words with their vectors, grouped by language."""

    def __init__(self, ids: list[str], vectors: Vectors, embed: Callable[[list[str]], Vectors]) -> None:
        self._embed = embed
        self._words: dict[str, list[str]] = {}
        rows: dict[str, list[int]] = {}
        for i, wid in enumerate(ids):
            lang, _, word = wid.partition(":")
            self._words.setdefault(lang, []).append(word)
            rows.setdefault(lang, []).append(i)
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1) if ids else np.zeros((0, 0))
        self._vectors = {lang: matrix[idx] for lang, idx in rows.items()}
        self._known: dict[str, Vectors] = {}
        for lang, ws in self._words.items():
            for word, vec in zip(ws, self._vectors[lang], strict=True):
                self._known.setdefault(word, vec)
        self._asked: dict[str, Vectors] = {}
        self._lock = threading.Lock()
        self._members = {lang: set(ws) for lang, ws in self._words.items()}
        # per target language, a dictionary's translations into its words (`bot.search.glossary`), where installed
        self.glossaries: dict[str, Glossary] = {}
        self._centroids = {lang: m.mean(axis=0).astype(np.float32) for lang, m in self._vectors.items() if len(m)}

    def languages(self) -> set[str]:
        return set(self._words)

    def levels(self, qvec: Vectors) -> dict[str, float]:
        """A question's mean similarity to the index's words of each language (one product per language).

        e5 rates a question closer to everything written in its own language. Measured on the index's
        words, that level is the language's and hardly the topic's: the mean over a language's answer units
        is mostly what its documents are about (a German question about a trend article was 0.049 closer to
        the German units than to the English ones, one about a playbook 0.025; to the words, 0.013 and 0.012).
        """
        q = np.asarray(qvec, dtype=np.float32)
        return {lang: float(c @ q) for lang, c in self._centroids.items() if c.shape[0] == q.shape[0]}

    def translatable(self, candidates: list[str], target: str, threshold: float = THRESHOLD) -> set[str]:
        """Those of `candidates` (words of a question) that have a translation among the `target` language's
        words, judged from the vectors already at hand (the index's words, and the question words `bridge` has
        embedded): nothing is embedded here, so a word `bridge` left out counts as untranslated."""
        if target not in self._vectors or not len(self._vectors[target]):
            return set()
        glossary = self.glossaries.get(target)
        listed = {w for w in candidates if glossary and glossary.lookup(w)}  # a dictionary's translations count too
        with self._lock:
            have = {w: self._known[w] if w in self._known else self._asked[w] for w in candidates
                    if w in self._known or w in self._asked}
        if not have:
            return listed
        sims = np.stack(list(have.values())) @ self._vectors[target].T
        return listed | {w for w, best in zip(have, sims.max(axis=1), strict=True) if best >= threshold}

    def bridge(self, text: str, target: str, threshold: float = THRESHOLD) -> list[str]:
        """Words of the `target` language that translate the text's words (those target lacks): their
        neighbours in the embedding space, then what the target's glossary (`bot.search.glossary`) gives."""
        if target not in self._vectors or not len(self._vectors[target]):
            return []
        lacking = [w for w in content_words(text) if w not in self._members[target]]
        out = self._neighbours(lacking, target, threshold)
        glossary = self.glossaries.get(target)
        if glossary:
            for w in lacking:
                if glossary.everyday or not everyday(w):
                    out.extend(glossary.lookup(w))
        return list(dict.fromkeys(out))

    def _neighbours(self, todo: list[str], target: str, threshold: float) -> list[str]:
        """The target's words closest to `todo` (question words the target lacks), where close enough."""
        if not todo:
            return []
        with self._lock:
            asked = {w: self._asked[w] for w in todo if w in self._asked}
        unknown = [w for w in todo if w not in self._known and w not in asked]
        if len(unknown) > MAX_UNKNOWN:  # each costs an embedding (~6 ms): the longest words say most
            unknown = sorted(unknown, key=len, reverse=True)[:MAX_UNKNOWN]
            todo = [w for w in todo if w in self._known or w in asked or w in unknown]
            if not todo:
                return []
        if unknown:
            asked.update(zip(unknown, self._embed(unknown), strict=True))
            with self._lock:
                if len(self._asked) > ASKED_KEPT:  # question words only: keep that memory bounded
                    self._asked.clear()
                self._asked.update(asked)
        vecs = np.stack([self._known[w] if w in self._known else asked[w] for w in todo])
        sims = vecs @ self._vectors[target].T
        best = sims.argmax(axis=1)
        out: list[str] = []
        for row, col in enumerate(best):
            if sims[row, col] >= threshold:
                out.append(self._words[target][int(col)])
        return out
