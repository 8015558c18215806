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
offset, as jieba's own ``ChineseAnalyzer`` does), so phrase positions are
consecutive.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import jieba
from whoosh.analysis import Composable, Filter, Token, Tokenizer

from archive.script import is_han, to_simplified

_fold_cache: dict[str, str] = {}
_fold_lock = threading.Lock()


def fold_char(ch: str) -> str:
    """Fold one character: NFKC, casefold, then OpenCC t2s on each resulting character."""
    folded = _fold_cache.get(ch)
    if folded is None:
        parts = unicodedata.normalize("NFKC", ch).casefold()
        folded = "".join(to_simplified(c) if is_han(c) else c for c in parts)
        with _fold_lock:
            _fold_cache[ch] = folded
    return folded


@dataclass(frozen=True)
class Folded:
    """Folded text plus ``origin[i]`` = offset in the original of folded character ``i``.

    ``origin`` has one extra entry, the original's length, so a folded span
    ``[a, b)`` maps to the original span ``[origin[a], origin_end(b))``.
    """

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering folded ``[start, end)``."""
        if end <= start:
            return self.origin[start], self.origin[start]
        # Every folded character comes from exactly one original code point.
        return self.origin[start], self.origin[end - 1] + 1


_SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


_SPACE_RUN = re.compile(r"\s{2,}")
_SPACES = frozenset(" \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u2028\u2029\u202f\u205f\u3000") - {" "}


def fold(text: str) -> Folded:
    """Fold ``text`` for indexing or querying, keeping the offset map.

    White space between Han characters is removed; any other run of white space becomes one space.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        chars.append(f)
        origin.extend([i] * len(f))
    folded = "".join(chars)
    if _SPACE_BETWEEN_HAN.search(folded) or _SPACE_RUN.search(folded):
        keep = [True] * len(folded)
        for m in _SPACE_BETWEEN_HAN.finditer(folded):
            for j in range(m.start(), m.end()):
                keep[j] = False
        for m in _SPACE_RUN.finditer(folded):
            for j in range(m.start() + 1, m.end()):
                keep[j] = False
        folded = "".join(c if c not in _SPACES else " " for c, k in zip(folded, keep, strict=True) if k)
        origin = [o for o, k in zip(origin, keep, strict=True) if k]
    origin.append(len(text))
    return Folded(folded, tuple(origin))


def fold_text(text: str) -> str:
    """Just the folded string (queries, phrase matching)."""
    return fold(text).text


# --- jieba -------------------------------------------------------------------

_jieba_lock = threading.Lock()


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba's dictionary, loaded once per process."""
    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba.dt


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba words of already-folded ``text`` as ``(word, start, end)``; dictionary only (no HMM).

    HMM new-word guessing depends on context, so the same characters could be
    cut differently in a query and in an article; the dictionary alone is stable.
    """
    return list(_tokenizer().tokenize(text, mode="default", HMM=False))


def is_punctuation_or_space(word: str) -> bool:
    return all(unicodedata.category(c)[0] in "PZSC" for c in word)


class JiebaTokenizer(Tokenizer):
    """Folds the value, cuts it with jieba, yields tokens with offsets into the *original* value.

    ``pos`` is the ordinal of the token in the value (0, 1, 2, …).
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        for n, (word, start, end) in enumerate(segment(folded.text)):
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
    """Renumbers ``pos`` 0, 1, 2, … over the tokens that survive, so phrases stay consecutive."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        n = None
        for t in tokens:
            if t.positions:
                n = t.pos if n is None else n + 1
                t.pos = n
            yield t


def word_analyzer() -> Composable:
    """The word field's analyzer: folded jieba words, punctuation dropped, ordinal positions."""
    return JiebaTokenizer() | DropPunctuationFilter() | OrdinalPositionFilter()


def query_words(text: str) -> list[str]:
    """The words a keyword query requires: the same analysis as the indexed text."""
    return [t.text for t in word_analyzer()(text)]
