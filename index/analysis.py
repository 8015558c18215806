"""Folding and analyzers. Everything that turns text into index terms lives here.

Folding makes Simplified/Traditional, full/half width and case irrelevant:
NFKC, casefold, OpenCC Traditional→Simplified *character by character*, and
white space between two Han characters removed. Folding per character (not
OpenCC's phrase mode) keeps it compositional: if ``q`` occurs in ``t`` then
``fold(q)`` occurs in ``fold(t)``, which exact phrase search relies on.

:func:`fold` also returns, for each folded character, the offset of the
original character it came from, so highlights map back to the display text.

Analyzers are composed Whoosh-style::

    word_analyzer() = JiebaTokenizer() | DropPunctuationFilter() | OrdinalPositionFilter()

``JiebaTokenizer`` sets ``pos`` to the token's ordinal (not its character
offset, as jieba's own ``ChineseAnalyzer`` does). The index stores no positions
at all (``index.schema``): exact phrases are matched on the stored folded text
(``index.scan``), whatever jieba does with the words around them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, repeat

from whoosh.analysis import Composable, Filter, Token, Tokenizer

from archive.script import HAN, is_han, to_simplified
from archive.segmenter import cut, segment


class _FoldTable(dict):
    """``str.translate`` table that folds each character on first sight, then at C speed.

    It also keeps a pattern of the characters seen so far that fold to more or fewer than one
    character (… → ..., ß → ss), so offset maps are built from those few places only.
    """

    def __init__(self, fold_one: Callable[[str], str]) -> None:
        super().__init__()
        self._fold_one = fold_one
        self._uneven: set[str] = set()
        self.uneven: re.Pattern[str] | None = None
        self.known: set[str] = set()  # the characters in the table, as strings: set arithmetic with a text

    def __missing__(self, code: int) -> str:
        folded = self._fold_one(chr(code))
        if len(folded) != 1:
            with _fold_lock:
                self._uneven.add(chr(code))
                self.uneven = re.compile("[" + "".join(map(re.escape, sorted(self._uneven))) + "]")
        # Bounded: a query may bring any of Unicode's code points. Past the cap a character is folded
        # each time it is seen (correct, only slower); the uneven ones are always remembered above.
        if len(self) < FOLD_TABLE_MAX:
            self.known.add(chr(code))
            self[code] = folded  # a plain dict store is atomic under the GIL: safe across threads
        return folded


_fold_lock = threading.Lock()
#: Characters a fold table remembers: every Han character in use and far more fit (CJK Unified is 21k).
FOLD_TABLE_MAX = 100_000


def fold_char_plain(ch: str) -> str:
    """Fold one character without variants: NFKC, casefold, then OpenCC t2s on each resulting character.

    t2s is applied until nothing changes, because OpenCC chains a few characters
    (薴 → 苧 → 苎): folding must be idempotent, or 苧 in a query would miss 薴 in a text.
    """
    parts = unicodedata.normalize("NFKC", ch).casefold()
    return "".join(_simplest(c) if is_han(c) else c for c in parts)


def fold_char(ch: str) -> str:
    """Fold one character: :func:`fold_char_plain`, then the variant spellings OpenCC's data shows to be
    one word's (瞭 → 了, 覆 → 复, 著 → 着: ``index.variants``)."""
    from index.variants import variants

    table = variants()
    return "".join(table.get(c, c) for c in fold_char_plain(ch))


def _simplest(ch: str) -> str:
    seen = {ch}
    while (nxt := to_simplified(ch)) not in seen:
        seen.add(nxt)
        ch = nxt
    return ch


_FOLD_TABLE = _FoldTable(fold_char)
#: Without the variant table: what jieba cuts. Folding a variant (著 → 着) before cutting would break the
#: dictionary's words (著名 → 着 名); the two foldings differ character for character only, so offsets agree.
_PLAIN_TABLE = _FoldTable(fold_char_plain)
#: A white-space run between two Han characters (removed), or any other run that is not one plain space.
_SPACE_EDIT = re.compile(rf"(?P<han>(?<=[{HAN}])\s+(?=[{HAN}]))|\s{{2,}}|[^\S ]")


@dataclass(frozen=True)
class Folded:
    """Folded text plus ``origin[i]`` = offset in the original of folded character ``i``.

    ``origin`` has one extra entry, the original's length, so a folded span
    ``[a, b)`` maps to the original span ``[origin[a], origin_end(b))``.
    """

    text: str
    origin: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering folded ``[start, end)``."""
        if end <= start:
            return self.origin[start], self.origin[start]
        # Every folded character comes from exactly one original code point.
        return self.origin[start], self.origin[end - 1] + 1


def _space_edits(text: str) -> Iterator[tuple[int, int, str]]:
    """White-space runs to change: removed between two Han characters, else made one space."""
    for m in _SPACE_EDIT.finditer(text):
        yield m.start(), m.end(), "" if m.lastgroup == "han" else " "


def _edit_spaces(text: str) -> str:
    if " " not in text and text.isprintable():
        return text  # no white space: every white space character but the space is unprintable
    return _SPACE_EDIT.sub(lambda m: "" if m.lastgroup == "han" else " ", text)


def fold_text(text: str) -> str:
    """Folded ``text`` for phrase matching, highlighting and the concordance (no offset map)."""
    return _edit_spaces(text.translate(_FOLD_TABLE))


class WordsStr(str):
    """Text already folded for cutting into words (:func:`fold_words`), lines joined by newlines: the build
    folds each printed line once, for the index and (through :func:`add_variants`) for the store."""

    __slots__ = ()


def fold_words(text: str) -> str:
    """``text`` folded as for :func:`fold_text` but without the variant table: what jieba cuts into the words
    of the index and of keyword queries, so that 著名 stays one word."""
    if isinstance(text, WordsStr):
        return text
    return _edit_spaces(text.translate(_PLAIN_TABLE))


@cache
def _variant_translation() -> dict[int, str]:
    from index.variants import variants

    return {ord(v): s for v, s in variants().items()}


def add_variants(words_folded: str) -> str:
    """:func:`fold_text` of a text, from its :func:`fold_words`: the variant table maps Han to Han character
    for character, so white space between Han characters was already removed alike."""
    return words_folded.translate(_variant_translation())


def fold(text: str) -> Folded:
    """Fold ``text`` keeping the map back to the original (highlighting, snippets).

    The same result as :func:`fold_text`; white space between Han characters is removed and
    any other run of white space becomes one space.
    """
    chars = text.translate(_FOLD_TABLE)  # first: it teaches the table any new uneven characters
    origin: Sequence[int] = range(len(text))  # no copy: slicing a range gives a range
    uneven = _FOLD_TABLE.uneven
    places = [m.start() for m in uneven.finditer(text)] if uneven and len(chars) != len(text) else []
    if places:  # NFKC or casefold expanded a character (ß → ss, ㈠ → (一), … → ...): every piece points at it
        pieces: list[Iterable[int]] = []
        last = 0
        for i in places:
            pieces += (range(last, i), repeat(i, len(_FOLD_TABLE[ord(text[i])])))
            last = i + 1
        pieces.append(range(last, len(text)))
        origin = list(chain.from_iterable(pieces))
    edits = list(_space_edits(chars))
    if edits:
        out, kept, last = [], [], 0
        for a, b, replacement in edits:
            out += (chars[last:a], replacement)
            kept.append(origin[last:a + len(replacement)])  # a run made one space keeps its first character
            last = b
        out.append(chars[last:])
        kept.append(origin[last:])
        chars, origin = "".join(out), list(chain.from_iterable(kept))
    if isinstance(origin, range):
        return Folded(chars, range(len(text) + 1))
    origin.append(len(text))
    return Folded(chars, origin)


_WHITE_RUN = re.compile(r"\s+")


@lru_cache(maxsize=16)
def _runs_and(uneven: str) -> re.Pattern[str]:
    """White-space runs, or one of the ``uneven`` characters (a pattern's character class)."""
    return re.compile(rf"(?P<white>\s+)|{uneven}")


def fold_known(text: str, folded: str) -> Folded:
    """:func:`fold` of ``text`` when ``folded = fold_text(text)`` is already known (it is stored): the same result.

    Folded and original differ only where a white-space run was removed or made one space, and where a
    character folded to several (… → ...): ``folded`` shows which runs were kept, the fold table how long
    each such character became, so the offset map is rebuilt from those places alone, without folding the
    text again. If anything does not line up (a character whose folding holds white space, which the
    white-space rules would then see), it falls back to :func:`fold`.
    """
    table = _FOLD_TABLE
    for ch in set(text).difference(table.known):  # a new character teaches the table whether it is uneven
        table[ord(ch)]
    uneven = table.uneven
    places = _runs_and(uneven.pattern) if uneven and uneven.search(text) else _WHITE_RUN
    starts: list[int] = []  # folded position where a stretch that maps one to one begins …
    origins: list[int] = []  # … and the original position it begins at
    at = last = 0  # positions in folded and in text
    for m in places.finditer(text):
        a, b = m.span()
        starts.append(at)
        origins.append(last)
        at += a - last
        if m.lastgroup == "white" or places is _WHITE_RUN:
            if folded.startswith(" ", at):  # the run was kept as one space, its first character
                starts.append(at)
                origins.append(a)
                at += 1
        else:  # one character folded to several (or none): each of them comes from it
            pieces = table[ord(text[a])]
            if not pieces or _WHITE_RUN.search(pieces):
                return fold(text)
            starts += range(at, at + len(pieces))
            origins += repeat(a, len(pieces))
            at += len(pieces)
        last = b
    starts.append(at)
    origins.append(last)
    at += len(text) - last
    if at != len(folded):
        return fold(text)
    return Folded(folded, _Stretches(starts, origins, len(folded), len(text)))


class _Stretches(Sequence[int]):
    """An offset map stored as stretches that map one to one: built per white-space run, not per character."""

    def __init__(self, starts: list[int], origins: list[int], length: int, end: int) -> None:
        self._starts, self._origins, self._length, self._end = starts, origins, length, end

    def __len__(self) -> int:
        return self._length + 1

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i == self._length:
            return self._end
        k = bisect_right(self._starts, i) - 1
        return self._origins[k] + (i - self._starts[k])


# --- jieba: the segmenter lives in archive.segmenter (cleaning needs words too); one dictionary per process.

@lru_cache(maxsize=65536)  # bounded: queries bring words without end
def is_punctuation_or_space(word: str) -> bool:
    """Words made only of punctuation, symbols or white space are not indexed."""
    return all(unicodedata.category(c)[0] in "PZSC" for c in word)


class JiebaTokenizer(Tokenizer):
    """Folds the value, cuts it with jieba, yields tokens with offsets into the *original* value.

    ``pos`` is the ordinal of the token in the value (0, 1, 2, …). ``segmenter`` cuts the folded text: jieba
    with its whole dictionary unless given one that cuts the same (:meth:`index.dictionary.Dictionary.segment`).
    """

    def __init__(self, segmenter: Callable[[str], list[tuple[str, int, int]]] = segment) -> None:
        self.segmenter = segmenter

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)  # for the offsets; the words come from the same text without variants
        words_text = fold_words(value)
        assert len(words_text) == len(folded.text)
        for n, (word, start, end) in enumerate(self.segmenter(words_text)):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + n
            if chars:
                a, b = folded.original_span(start, end)
                t.startchar, t.endchar = start_char + a, start_char + b
            yield t


class CharTokenizer(Tokenizer):
    """One token per folded character (used for the character field and in tests)."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        for n, ch in enumerate(folded.text):
            t.text = ch
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + n
            if chars:
                a, b = folded.original_span(n, n + 1)
                t.startchar, t.endchar = start_char + a, start_char + b
            yield t


class DropPunctuationFilter(Filter):
    """Removes tokens made only of punctuation, symbols or white space."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not is_punctuation_or_space(t.text):
                yield t


class OrdinalPositionFilter(Filter):
    """Renumbers ``pos`` 0, 1, 2, … over the tokens that survive (ordinals, with no gap where punctuation
    was dropped), for whoever asks the analyzer for positions."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        n = None
        for t in tokens:
            if t.positions:
                n = t.pos if n is None else n + 1
                t.pos = n
            yield t


def word_analyzer(segmenter: Callable[[str], list[tuple[str, int, int]]] = segment) -> Composable:
    """The word field's analyzer: folded jieba words, punctuation dropped, ordinal positions (if asked for)."""
    return JiebaTokenizer(segmenter) | DropPunctuationFilter() | OrdinalPositionFilter()


def query_words(text: str, segmenter: Callable[[str], list[tuple[str, int, int]]] = segment) -> list[str]:
    """The words a keyword query requires: the same analysis as the indexed text (``segmenter``: see
    :class:`JiebaTokenizer`)."""
    return [t.text for t in word_analyzer(segmenter)(text)]


def count_words(text: str) -> Counter[str]:
    """How often each word :func:`word_analyzer` yields occurs in ``text``, without Token objects.

    The indexing hot path: punctuation is dropped from the vocabulary by set operations against the
    words already classified, not by a test per word.
    """
    counts = Counter(cut(fold_words(text)))
    for word in counts.keys() - _classified:
        (_punctuation_words if is_punctuation_or_space(word) else _classified).add(word)
    _classified.update(_punctuation_words)
    for word in counts.keys() & _punctuation_words:
        del counts[word]
    return counts


_classified: set[str] = set()  # every word seen by count_words (punctuation or not)
_punctuation_words: set[str] = set()
