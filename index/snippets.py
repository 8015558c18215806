"""Snippets: the sentences around matches, as text with the matched spans (the web marks them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.analysis import Folded, fold

MAX_PASSAGES = 3
MAX_SENTENCE = 160
_SENTENCE_RE = re.compile(r"[^。！？；…!?;]+(?:[。！？；…!?;]+[”’」』）)\"']*)?|[。！？；…!?;]+")


Span = tuple[int, int]


@dataclass(frozen=True)
class Passage:
    """A sentence (or a window of one) of paragraph ``paragraph``; ``spans`` are the matches in ``text``."""

    paragraph: int
    text: str
    spans: list[Span] = field(default_factory=list)


def _occurrences(folded: Folded, needles: list[str]) -> list[tuple[str, int, int]]:
    """Every occurrence of each folded needle as ``(needle, start, end)`` in *original* offsets."""
    found: list[tuple[str, int, int]] = []
    for needle in dict.fromkeys(needles):
        if not needle:
            continue
        i = folded.text.find(needle)
        while i != -1:
            found.append((needle, *folded.original_span(i, i + len(needle))))
            i = folded.text.find(needle, i + 1)
    return found


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def match_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Where the folded ``needles`` occur in ``text``, as merged spans of the *original* text."""
    return _merge([(a, b) for _, a, b in _occurrences(fold(text), needles)])


def split_marked(text: str, spans: list[Span]) -> list[tuple[str, bool]]:
    """``text`` cut into its pieces, each with whether a span marks it (overlaps and stray spans tolerated).

    What the web turns into ``<mark>`` and the command line into colour.
    """
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        pieces += [(text[pos:start], False), (text[start:end], True)]
        pos = end
    pieces.append((text[pos:], False))
    return [(piece, marked) for piece, marked in pieces if piece]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, cut after Chinese (and ASCII) sentence ends, closing quotes kept."""
    return [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(text)] or [(0, len(text))]


def _trim(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int, str, str]:
    """Window a long sentence around its first match; returns bounds and ellipses."""
    if end - start <= MAX_SENTENCE:
        return start, end, "", ""
    first = spans[0][0]
    a = max(start, first - MAX_SENTENCE // 3)
    b = min(end, a + MAX_SENTENCE)
    a = max(start, b - MAX_SENTENCE)
    return a, b, "…" if a > start else "", "…" if b < end else ""


def make_passages(paragraphs: tuple[str, ...], needles: list[str], primary: list[str],
                  limit: int = MAX_PASSAGES, folded: Sequence[str] | None = None) -> list[Passage]:
    """Up to ``limit`` sentences holding matches, best first.

    A sentence's worth is how many different needles it holds, then whether it holds a
    ``primary`` needle (a phrase or a whole query run), then how early it comes.
    ``folded``, the paragraphs already folded (as stored), lets paragraphs without a match be
    skipped without folding them again with offsets.
    """
    primary_set = set(primary)
    candidates = []
    for n, par in enumerate(paragraphs, start=1):
        if folded is not None and not any(nd in folded[n - 1] for nd in needles if nd):
            continue
        # One fold per paragraph: the occurrences say both where to mark and which needles a sentence holds.
        occurrences = _occurrences(fold(par), needles)
        if not occurrences:
            continue
        spans = _merge([(a, b) for _, a, b in occurrences])
        for s_start, s_end in sentences(par):
            inside = [(a, b) for a, b in spans if a < s_end and b > s_start]
            if not inside:
                continue
            held = {nd for nd, a, b in occurrences if a >= s_start and b <= s_end}
            candidates.append(((-len(held), not held & primary_set, n, s_start), n, s_start, s_end, inside))
    # Best first: the first passage is the one a reader should see (and the hit's link goes to).
    chosen = sorted(candidates)[:limit]
    passages = []
    for _, n, s_start, s_end, inside in chosen:
        par = paragraphs[n - 1]
        a, b, pre, post = _trim(par, s_start, s_end, inside)
        local = [(max(x, a) - a, min(y, b) - a) for x, y in inside if x < b and y > a]
        text = par[a:b].strip()
        shift = len(pre) - (len(par[a:b]) - len(par[a:b].lstrip()))  # the ellipsis added, the blanks cut
        passages.append(Passage(n, pre + text + post, [(x + shift, y + shift) for x, y in local]))
    return passages


def lead_passage(paragraphs: tuple[str, ...]) -> list[Passage]:
    """For a hit matched only by title or metadata: the first sentence, unmarked."""
    if not paragraphs:
        return []
    a, b = sentences(paragraphs[0])[0]
    a, b, _, post = _trim(paragraphs[0], a, b, [(a, a)])
    return [Passage(1, paragraphs[0][a:b].strip() + post)]
