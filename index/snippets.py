"""Snippets: the sentences around matches, as text with the matched spans (the web marks them).

The work is bounded by what is shown, not by the size of the document: a paragraph of any length is read
from its start only as far as the ranking needs, each sentence is found around its first match by looking a
bounded distance either way (a 5 MB paragraph is never split into sentences), and the marks of a passage
are looked for inside that passage alone.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import heapify, heappop, heappush

from index.analysis import Folded, fold, fold_known, fold_text
from index.errors import N_, QueryTimeout

MAX_PASSAGES = 3
MAX_SENTENCE = 160
#: Sentences of one document that are ranked: the first this many that hold a match, in reading order.
#: The most that an article of the 7,353-article benchmark corpus has is 1,460 (most have a few dozen); past
#: this a huge document's later sentences are not looked at.
MAX_RANKED_SENTENCES = 2000
#: How far (in characters) from a match a sentence's ends are looked for: farther than the longest sentence
#: of the 7,353-article benchmark corpus (9,866, a list of addresses). A longer one is cut into windows
#: this long, each shown (around its first match, :data:`MAX_SENTENCE`) with ellipses where it was cut.
SENTENCE_WINDOW = 10_000
#: A long paragraph's offset map is built this many characters at a time, only as far as the snippets read
#: (a shorter one at once, from its stored folded text: no folding again). The benchmark corpus's longest
#: paragraph has 33,747.
_CHUNK = 65536

_ENDS = "。！？；…!?;"
_CLOSERS = "”’」』）)\"'"
_ENDS_AND_CLOSERS = frozenset(_ENDS + _CLOSERS)
#: A sentence this close after the end of the previous one is found by reading on from there.
_READ_ON = 512
_SENTENCE_RE = re.compile(r"[^。！？；…!?;]+(?:[。！？；…!?;]+[”’」』）)\"']*)?|[。！？；…!?;]+")
#: Read backwards (on the reversed text): a character that certainly begins a sentence of ``_SENTENCE_RE``'s
#: split, being neither an end nor a closing quote, and following either a sentence end, or closing quotes
#: after ends after ordinary text (the sentence of that text takes the ends and the quotes, and stops).
_SENTENCE_START_BACKWARDS = re.compile(
    rf"[^{_ENDS}{_CLOSERS}](?:[{_ENDS}]|[{_CLOSERS}]+[{_ENDS}]+[^{_ENDS}{_CLOSERS}])")
#: Two characters that are not white space: cutting a text between them does not change how it folds (white
#: space is the only folding that looks at neighbours), so the pieces fold separately to the same text.
_SAFE_CUT = re.compile(r"\S\S")
_WHITE = re.compile(r"\s")
_PLAIN = re.compile(f"[^{_ENDS}{_CLOSERS}]")
_TIMEOUT = N_("the snippets ran past the time limit; ask for fewer hits or make the query more specific")


Span = tuple[int, int]


@dataclass(frozen=True)
class Passage:
    """A sentence (or a window of one) of paragraph ``paragraph``, or of photo caption ``caption`` (then
    ``paragraph`` is None); ``spans`` are the matches in ``text``."""

    paragraph: int | None
    text: str
    spans: list[Span] = field(default_factory=list)
    caption: int | None = None


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


#: Between two quoted sentences that are not next to each other: the Chinese mark of an omission.
OMISSION = "……"


def quoted_sentences(text: str, needles: list[str]) -> str | None:
    """What a citation quotes of paragraph ``text`` for a search: the sentences (as :func:`sentences` cuts
    them) that hold or overlap a match of the folded ``needles``, in order, each whole, those apart joined
    by :data:`OMISSION`. None when nothing in ``text`` matches (the caller quotes the whole paragraph)."""
    spans = match_spans(text, needles)
    if not spans:
        return None
    pieces: list[str] = []
    k, previous = 0, -1  # the next match to look at; the index of the last sentence quoted
    for i, (start, end) in enumerate(sentences(text)):
        while k < len(spans) and spans[k][1] <= start:  # matches that ended before this sentence
            k += 1
        if k == len(spans):
            break
        if spans[k][0] < end:  # the next match starts inside it (or ran into it)
            piece = text[start:end].strip()
            if piece:
                pieces.append(piece if previous in (-1, i - 1) else OMISSION + piece)
                previous = i
    return "".join(pieces)

@dataclass
class Sentence:
    """A sentence of ``sentences(text)`` found around a position, or a window of a longer one.

    ``whole_start``/``whole_end``: whether ``start``/``end`` are the sentence's own ends (else they are where
    the search for them stopped, and the passage shows an ellipsis there).
    """

    start: int
    end: int
    whole_start: bool
    whole_end: bool


def sentence_at(text: str, i: int, floor: int = 0, floor_whole: bool = True,
                window: int = SENTENCE_WINDOW) -> Sentence:
    """The sentence of ``sentences(text)`` that holds ``text[i]``, found by reading at most ``window``
    characters either way (a longer one is cut there, and says so).

    ``floor <= i`` is a place known to begin a sentence (``floor_whole``) or where a window of one ended:
    the sentence is not looked for before it.
    """
    lo = max(floor, i - window)
    m = None
    # Close after a known start (the previous sentence's end, as a paragraph is read), read on from it;
    # else read back for a start: a little, then eight times more, up to lo.
    reach = 0 if floor_whole and i - floor <= _READ_ON else 256
    while reach:
        bottom = max(lo, i - reach)
        # One character before the bottom too: what precedes a sentence's first character shows it.
        m = _SENTENCE_START_BACKWARDS.search(text[max(bottom - 1, 0):i + 1][::-1])
        if m or bottom == lo:
            break
        reach *= 8
    if m:
        start, whole = i - m.start(), True
    elif lo == floor and floor_whole:
        start, whole = floor, True
    else:
        # A guess. An ordinary character (neither an end nor a closing quote) lies inside a sentence, before
        # its ends: reading from there finds that sentence's own end, and the split is exact after it.
        plain = _PLAIN.search(text, lo, i + 1)
        if plain is None:  # i is in a run of ends and quotes longer than the window: nothing to go by
            return Sentence(i, i + 1, False, False)
        start, whole = plain.start(), False
    endpos = min(len(text), i + window)
    while True:  # from a sentence start the split is exact; a few sentences lie between it and i at most
        m = _SENTENCE_RE.match(text, start, endpos)
        if m is None:  # i is past the text's end: an empty sentence there
            return Sentence(start, start, whole, True)
        exact_end = whole or text[start] not in _ENDS_AND_CLOSERS
        if m.end() > i:
            # Ending at the window's edge, it was cut there unless one more character would not lengthen it.
            cut = m.end() == endpos < len(text) and _SENTENCE_RE.match(text, start, endpos + 1).end() > endpos
            return Sentence(start, m.end(), whole, exact_end and not cut)
        start, whole = m.end(), exact_end


class _Alignment:
    """Offsets between a paragraph and its folded text (as stored), built a chunk at a time, only as far
    as they are asked for: a snippet near the start of a 5 MB paragraph folds its first chunk, not all of it."""

    def __init__(self, text: str, folded: str, chunk: int = _CHUNK) -> None:
        self.text, self.folded, self._chunk = text, folded, chunk
        self._ostarts, self._fstarts = [0], [0]  # where each chunk begins, original and folded; then the end
        self._maps: list[Sequence[int] | None] = []  # each chunk's offset map (None: one to one)
        self._drift = 0  # original minus folded offset at the last folded_index answer

    def _extend(self) -> None:
        text, folded = self.text, self.folded
        o0, f0 = self._ostarts[-1], self._fstarts[-1]
        cut = _SAFE_CUT.search(text, o0 + self._chunk - 1) if len(text) - o0 > self._chunk else None
        o1 = cut.start() + 1 if cut else len(text)
        piece = text[o0:o1]
        piece_folded = folded if o0 == 0 and o1 == len(text) else fold_text(piece)
        f1 = f0 + len(piece_folded)
        if not folded.startswith(piece_folded, f0) or (o1 == len(text) and f1 != len(folded)):
            # The pieces did not fold to the stored text (never seen): the whole paragraph, the slow way.
            whole = fold(text)
            self._ostarts, self._fstarts, self._maps = [0, len(text)], [0, len(whole.text)], [whole.origin]
            return
        # No character folds to nothing: as long and without white space, it folded character for character
        # (most Chinese paragraphs do).
        one_to_one = len(piece_folded) == len(piece) and not _WHITE.search(piece)
        self._maps.append(None if one_to_one else fold_known(piece, piece_folded).origin)
        self._ostarts.append(o1)
        self._fstarts.append(f1)

    def origin(self, f: int) -> int:
        """The original offset of folded character ``f`` (the text's length for the folded text's)."""
        while f >= self._fstarts[-1] and self._ostarts[-1] < len(self.text):
            self._extend()
        k = bisect_right(self._fstarts, f) - 1
        if k >= len(self._maps):
            return len(self.text)
        local, offsets = f - self._fstarts[k], self._maps[k]
        return self._ostarts[k] + (local if offsets is None else offsets[local])

    def folded_index(self, o: int) -> int:
        """The first folded character whose original offset is ``o`` or more."""
        while o >= self._ostarts[-1] and self._ostarts[-1] < len(self.text):
            self._extend()
        k = bisect_right(self._ostarts, o) - 1
        if k >= len(self._maps):
            return len(self.folded)
        local, offsets = o - self._ostarts[k], self._maps[k]
        if offsets is None:
            return self._fstarts[k] + local
        # The two texts drift apart only at white space and at characters that fold to several: first try
        # the drift of the last answer (two look-ups, where a search takes a dozen).
        f = local - self._drift
        if not 0 < f < len(offsets) or offsets[f] < local or offsets[f - 1] >= local:
            f = bisect_left(offsets, local)
        self._drift = local - f
        return self._fstarts[k] + f


class _Needles:
    """The folded needles to look for, one-character ones apart: a query of many single characters (166
    of them ORed, say) looks for them all at once, as a character class, and finds the ones a sentence
    holds by a set intersection, instead of doing something for each needle in each sentence."""

    def __init__(self, needles: tuple[str, ...]) -> None:
        self.singles = frozenset(nd for nd in needles if len(nd) == 1)
        self.longer = [nd for nd in needles if len(nd) > 1]
        chars = "".join(sorted(map(re.escape, self.singles)))
        self.single = re.compile(f"[{chars}]") if chars else None
        self.single_runs = re.compile(f"[{chars}]+") if chars else None


@lru_cache(maxsize=64)  # one query's hits share their needles: compiled once, not once per hit
def _needles(needles: tuple[str, ...]) -> _Needles:
    return _Needles(needles)


@dataclass
class _Candidate:
    """A sentence holding (or overlapped by) a match, while the paragraph is read."""

    sentence: Sentence
    fend: int  # where it ends in the folded paragraph (a match starting before that starts inside it)
    held: set[str] = field(default_factory=set)  # the needles that occur wholly inside it
    first: int = -1  # folded start of the first match that overlaps it


def _window(s: Sentence, first: int) -> tuple[int, int, str, str]:
    """Window a long sentence around its first match; returns bounds and ellipses."""
    a, b = s.start, s.end
    if b - a > MAX_SENTENCE:
        a = max(s.start, first - MAX_SENTENCE // 3)
        b = min(s.end, a + MAX_SENTENCE)
        a = max(s.start, b - MAX_SENTENCE)
    return a, b, "…" if a > s.start or not s.whole_start else "", "…" if b < s.end or not s.whole_end else ""


def _marks(align: _Alignment, needles: _Needles, a: int, b: int) -> list[Span]:
    """Every match of ``needles`` that overlaps ``[a, b)`` of the paragraph, clipped to it and merged,
    relative to ``a``: the needles are looked for in that stretch of the folded paragraph only."""
    text, fa, fb = align.folded, align.folded_index(a), align.folded_index(b)
    # (start, end, a run of one-character matches?): runs come from one search of the character class.
    found = [(*m.span(), True) for m in needles.single_runs.finditer(text, fa, fb)] if needles.single_runs else []
    for needle in needles.longer:
        hi = fb + len(needle) - 1  # matches starting in [fa - len + 1, fb) overlap [a, b)
        i = text.find(needle, max(0, fa - len(needle) + 1), hi)
        while i != -1:
            found.append((i, i + len(needle), False))
            i = text.find(needle, i + 1, hi)
    # Matches that share a folded character share an original one: group them, and map a group back as one
    # span when it maps character for character (so a passage dense with matches maps a few groups, not
    # every match); else each match, as match_spans does (white space removed between two matches is not
    # theirs, white space inside one is).
    starts: list[int] = []
    ends: list[int] = []
    groups: list[list[tuple[int, int, bool]]] = []
    for match in sorted(found):
        if ends and match[0] < ends[-1]:
            ends[-1] = max(ends[-1], match[1])
            groups[-1].append(match)
        else:
            starts.append(match[0])
            ends.append(match[1])
            groups.append([match])
    spans = []
    for start, end, group in zip(starts, ends, groups, strict=True):
        x, y = align.origin(start), align.origin(end - 1) + 1
        if y - x == end - start and not _WHITE.search(align.text, x, y):
            spans.append((x, y))
            continue
        for i, j, run in group:
            spans += [(align.origin(k), align.origin(k) + 1) for k in range(i, j)] if run else \
                [(align.origin(i), align.origin(j - 1) + 1)]
    return _merge([(max(x, a) - a, min(y, b) - a) for x, y in spans if x < b and y > a])


_NONE = 1 << 62  # "no further match", past any position


def _read(par: str, align: _Alignment, needles: _Needles, deadline: float | None) -> Iterator[_Candidate]:
    """The sentences of ``par`` that hold or overlap a match, in reading order, each once it is complete.

    Of a needle's matches in one sentence only the first is looked at (and any that run past its end),
    never every match of a long paragraph: the next match of each longer needle waits in a heap, the next
    one-character match is one search of a character class.
    """
    text = align.folded
    heap = [(i, needle) for needle in needles.longer if (i := text.find(needle)) != -1]
    heapify(heap)
    single = needles.single
    m = single.search(text) if single else None
    next_single = m.start() if m else _NONE
    found: list[_Candidate] = []  # the sentences found, in order; those after ``current`` were reached
    current = 0  # by a match running into them

    def add(at: int) -> None:
        """Find the sentence holding original offset ``at`` (after those found already)."""
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(_TIMEOUT)
        s = sentence_at(par, at, found[-1].sentence.end, found[-1].sentence.whole_end) if found else \
            sentence_at(par, at)
        found.append(_Candidate(s, align.folded_index(s.end)))

    fend, held = -1, set()  # the end and needles of found[current], at hand for the loop below
    while heap or next_single != _NONE:
        i = min(heap[0][0], next_single) if heap else next_single
        if i >= fend:  # the match is past the sentence being read: it is complete, and so are any before
            while current < len(found) and i >= found[current].fend:
                yield found[current]
                current += 1
            if current == len(found):
                add(align.origin(i))
            c = found[current]
            fend, held = c.fend, c.held
            if c.first < 0:
                c.first = i
        if next_single < fend:  # this sentence's one-character needles, all at once
            held.update(needles.singles.intersection(text[next_single:fend]))
            m = single.search(text, fend) if single else None
            next_single = m.start() if m else _NONE
            continue
        i, needle = heappop(heap)
        end = i + len(needle)
        if end <= fend:
            held.add(needle)
        else:  # it runs on into the next sentences: they show part of it
            j = current
            while end > found[j].fend:
                j += 1
                if j == len(found):
                    add(found[-1].sentence.end)
                if found[j].first < 0:
                    found[j].first = i
        # The next match that tells something new: one that runs past this sentence's end, or lies beyond.
        i = text.find(needle, max(i + 1, fend - len(needle) + 1))
        if i != -1:
            heappush(heap, (i, needle))
    yield from found[current:]


def _read_all(paragraphs: Sequence[str], folded: Sequence[str], needles: _Needles,
              deadline: float | None) -> Iterator[tuple[int, _Candidate, _Alignment]]:
    """:func:`_read` of each paragraph in turn, with its number."""
    # Not strict: a document without paragraphs still has its (empty) folded body line.
    for n, (par, text) in enumerate(zip(paragraphs, folded, strict=False), start=1):
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(_TIMEOUT)
        align = _Alignment(par, text)
        for c in _read(par, align, needles, deadline):
            yield n, c, align


def _present(needles: _Needles, texts: list[str]) -> set[str]:
    """The needles that occur in some of ``texts``."""
    if len(needles.singles) > 8:  # many: the texts' characters once, not a search for each
        found = set(needles.singles.intersection(set().union(*texts)))
    else:
        found = {nd for nd in needles.singles if any(nd in t for t in texts)}
    return found | {nd for nd in needles.longer if any(nd in t for t in texts)}


def make_passages(paragraphs: tuple[str, ...], needles: list[str], primary: list[str],
                  limit: int = MAX_PASSAGES, folded: Sequence[str] | None = None,
                  deadline: float | None = None) -> list[Passage]:
    """Up to ``limit`` sentences holding matches, best first.

    A sentence's worth is how many different needles it holds, then whether it holds a
    ``primary`` needle (a phrase or a whole query run), then how early it comes.
    ``folded``, the paragraphs already folded (as stored), spares folding them again.
    ``deadline`` (a ``time.monotonic()`` value): past it, :class:`QueryTimeout` is raised.

    The ranking is exact for a document of at most :data:`MAX_RANKED_SENTENCES` sentences with a match,
    each shorter than :data:`SENTENCE_WINDOW`: every article of the benchmark corpus. Beyond that it is
    approximate: a longer sentence is a window of at most ``2 × SENTENCE_WINDOW`` characters around its
    matches (the needles it holds are counted in that window), and the sentences after the first
    :data:`MAX_RANKED_SENTENCES` are not ranked. Reading stops early, and exactly, once ``limit`` sentences
    hold every needle (and a primary one): no later sentence can rank above them.
    """
    folded_pars = list(folded) if folded is not None else [fold_text(par) for par in paragraphs]
    wanted = _needles(tuple(dict.fromkeys(nd for nd in needles if nd)))
    primary_set = set(primary)
    ranked: list[tuple[tuple[int, bool, int, int], int, _Candidate, _Alignment]] = []
    # A sentence that holds every needle some paragraph holds (others matched the title or the byline), and
    # a primary one if any is, is perfect: none after it can rank higher. Which needles the paragraphs hold
    # is asked only of a sentence that holds all those seen so far (with 166 needles, none ever does).
    seen: set[str] = set()
    present: set[str] | None = None
    perfect = 0
    for n, c, align in _read_all(paragraphs, folded_pars, wanted, deadline):
        has_primary = not primary_set.isdisjoint(c.held)
        ranked.append(((-len(c.held), not has_primary, n, c.sentence.start), n, c, align))
        seen |= c.held
        if c.held and len(c.held) == len(seen):
            present = _present(wanted, folded_pars) if present is None else present
            if len(c.held) == len(present) and (has_primary or primary_set.isdisjoint(present)):
                perfect += 1
        if perfect >= limit or len(ranked) >= MAX_RANKED_SENTENCES:
            break
    # Best first: the first passage is the one a reader should see (and the hit's link goes to).
    passages = []
    for _, n, c, align in sorted(ranked, key=lambda r: r[0])[:limit]:
        par = paragraphs[n - 1]
        a, b, pre, post = _window(c.sentence, align.origin(c.first))
        local = _marks(align, wanted, a, b)
        text = par[a:b].strip()
        shift = len(pre) - (len(par[a:b]) - len(par[a:b].lstrip()))  # the ellipsis added, the blanks cut
        passages.append(Passage(n, pre + text + post, [(x + shift, y + shift) for x, y in local]))
    return passages


def lead_passage(paragraphs: tuple[str, ...]) -> list[Passage]:
    """For a hit matched only by title or metadata: the first sentence, unmarked."""
    if not paragraphs:
        return []
    s = sentence_at(paragraphs[0], 0)
    a, b, _, post = _window(s, s.start)
    return [Passage(1, paragraphs[0][a:b].strip() + post)]
