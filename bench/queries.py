"""The 60 benchmark queries, chosen reproducibly from the corpus (seeded), in four classes.

- ``word``: the 20 Han words (2+ characters) found in the most documents: ``中国``-like, thousands of hits.
- ``phrase``: 20 quoted runs of 3–6 Han characters that start inside one jieba word and end inside
  another, so a word index cannot answer them from whole words (``"国的发"``).
- ``rare``: 10 Han words (2+ characters) found in exactly two documents.
- ``and``: 10 pairs of words that occur together in some document, each in 20–500 documents: ``区块链 监管``.

They are chosen from the one-copy corpus; the ten-copy corpus is asked the same ones.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass

from archive.script import HAN
from index.analysis import segment

KINDS = ("word", "phrase", "rare", "and")
_HAN = re.compile(f"^[{HAN}]+$")


@dataclass(frozen=True)
class Query:
    kind: str
    terms: tuple[str, ...]

    @property
    def text(self) -> str:
        """The query as our search box takes it."""
        if self.kind == "phrase":
            return f'"{self.terms[0]}"'
        return " ".join(self.terms)


def _words(text: str) -> list[str]:
    return [w for w, _, _ in segment(text) if len(w) >= 2 and _HAN.match(w)]


def choose_queries(folded_bodies: list[str], seed: int = 5) -> list[Query]:
    """Pick the queries from the folded body text of every document (in a fixed order)."""
    rng = random.Random(seed)
    doc_words = [set(_words(body)) for body in folded_bodies]
    df = Counter(w for words in doc_words for w in words)
    queries = [Query("word", (w,)) for w, _ in df.most_common(20)]
    queries += [Query("phrase", (p,)) for p in _boundary_phrases(folded_bodies, rng, 20)]
    rare = sorted(w for w, n in df.items() if n == 2)
    queries += [Query("rare", (w,)) for w in rng.sample(rare, 10)]
    pairs: list[Query] = []
    while len(pairs) < 10:
        mid = sorted(w for w in rng.choice(doc_words) if 20 <= df[w] <= 500)
        if len(mid) >= 2:
            a, b = rng.sample(mid, 2)
            if Query("and", (a, b)) not in pairs:
                pairs.append(Query("and", (a, b)))
    return queries + pairs


def _boundary_phrases(bodies: list[str], rng: random.Random, n: int) -> list[str]:
    """Runs that begin in the middle of a multi-character jieba word and end in the middle of another."""
    found: list[str] = []
    while len(found) < n:
        body = rng.choice(bodies)
        tokens = segment(body)
        if len(tokens) < 4:
            continue
        k = rng.randrange(0, len(tokens) - 2)
        first = tokens[k]
        for last in tokens[k + 1:k + 4]:
            if len(first[0]) < 2 or len(last[0]) < 2:
                continue
            start = rng.randrange(first[1] + 1, first[2])
            end = rng.randrange(last[1] + 1, last[2])
            phrase = body[start:end]
            if 3 <= len(phrase) <= 6 and _HAN.match(phrase) and phrase not in found:
                found.append(phrase)
                break
    return found
