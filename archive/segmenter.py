"""jieba's words, for cleaning (does a word run across a paragraph break?) and for the index.

Dictionary mode only (no HMM): HMM new-word guessing depends on context, so the same characters could be
cut differently in a query and in an article; the dictionary alone is stable. ``rjieba`` (jieba-rs) gives
jieba's words about 20× faster (checked on the seeds by the tests and on 8.9 M characters by
``python -m bench segmenter``); jieba itself stays the reference and the fallback. Either loads its
dictionary once per process, on first use. A cold command cuts its query without either
(:func:`segment_with`): building a whole dictionary is a third of its time.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba
    import numpy as np

_jieba_lock = threading.Lock()
#: rjieba's compiled module initialises once per process: its package and :func:`_jieba_class` take turns.
_rjieba_lock = threading.Lock()


@cache
def _jieba() -> jieba.Tokenizer:
    """jieba's dictionary, loaded once per process: the reference segmenter and the fallback."""
    import jieba  # only when used: importing it costs ~80 ms that a build or a server does not need

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba.dt


def segment_jieba(text: str) -> list[tuple[str, int, int]]:
    """jieba (Python) words of ``text`` as ``(word, start, end)``, dictionary only."""
    return list(_jieba().tokenize(text, mode="default", HMM=False))


@cache
def _rjieba():
    """jieba-rs (its dictionary is built when the module is imported: ~0.1 s), or None without it."""
    try:
        with _rjieba_lock:
            import rjieba
    except ImportError:  # pragma: no cover - rjieba ships wheels for our platforms; jieba is the fallback
        return None
    return rjieba


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba words of ``text`` as ``(word, start, end)``; dictionary only (no HMM). jieba-rs gives the same
    words as jieba (verified on the seeds in the tests, on 8.9 M characters by bench); loaded on first use,
    so that a command that needs no words (an exact phrase) never loads a dictionary."""
    rjieba = _rjieba()
    return rjieba.tokenize(text, hmm=False) if rjieba else segment_jieba(text)


def dictionary_loaded() -> bool:
    """Whether this process has built a whole dictionary already (a server's worker has; a cold command not)."""
    return _rjieba.cache_info().currsize > 0 or _jieba.cache_info().currsize > 0


#: Holds the rest of the total frequency in a dictionary of a few words. Noncharacters, which no text is
#: made of; a text that holds them anyway is cut with the whole dictionary.
_REST = "\ufdd0\ufdef"


def segment_with(text: str, found: Iterable[tuple[str, int]], total: int) -> list[tuple[str, int, int]]:
    """:func:`segment`, given only the dictionary words found in ``text`` (with their frequencies) and the
    dictionary's total frequency.

    jieba cuts a text (dictionary mode) by the route of highest probability through the dictionary words
    found in it, each scored by its frequency over the total; no other word takes part. So a dictionary of
    those words, plus one word out of the text's reach that holds the rest of the total, cuts the text as
    the whole dictionary does (tests compare the two on real articles) and is made in microseconds, where
    the whole one takes ~0.1 s: what a cold command saves on its query (:mod:`index.dictionary`).
    """
    jieba_class = _jieba_class()
    if jieba_class is None or _REST in text:
        return segment(text)
    jieba = jieba_class.empty()
    rest = total
    for word, freq in found:
        jieba.add_word(word, freq, None)
        rest -= freq
    jieba.add_word(_REST, max(rest, 1), None)
    return jieba.tokenize(text, hmm=False)


@cache
def _jieba_class():
    """rjieba's ``Jieba`` class, or None without rjieba.

    rjieba's package builds its whole default dictionary when imported. While it is not imported, the class
    is taken from its compiled module alone, registered under the module's own name: importing the package
    later finds it there (a PyO3 module can be initialised once per process).
    """
    with _rjieba_lock:
        if "rjieba" in sys.modules:
            return sys.modules["rjieba"].Jieba
        compiled = sys.modules.get("rjieba.rjieba")
        if compiled is None:
            spec = importlib.util.find_spec("rjieba")
            if spec is None or not spec.submodule_search_locations:
                return None
            folder = Path(spec.submodule_search_locations[0])
            path = next((folder / f"rjieba{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES
                         if (folder / f"rjieba{suffix}").is_file()), None)
            if path is None:  # pragma: no cover - rjieba laid out otherwise: the whole dictionary then
                return None
            loaded = importlib.util.spec_from_file_location("rjieba.rjieba", path)
            compiled = importlib.util.module_from_spec(loaded)
            sys.modules["rjieba.rjieba"] = compiled
            loaded.loader.exec_module(compiled)
    return compiled.Jieba


def cut(text: str) -> list[str]:
    """Just the words of :func:`segment`: what the index counts."""
    rjieba = _rjieba()
    return rjieba.cut(text, hmm=False) if rjieba else [w for w, _, _ in segment_jieba(text)]


@dataclass(frozen=True)
class JiebaDictionary:
    """jieba's ``dict.txt`` as arrays: each word once, sorted (a word listed twice keeps its last line, as
    jieba and jieba-rs both do), with its frequency."""

    words: np.ndarray
    freqs: np.ndarray
    #: jieba's own total frequency, every line counted (jieba-rs counts a word listed twice once: B超).
    lines_total: int

    def entries_in(self, text: str) -> dict[str, int]:
        """jieba's prefix dictionary (``Tokenizer.FREQ``) on the pieces of ``text``: each piece that is a word
        → its frequency, each piece that only begins a word → 0. jieba looks up nothing else when it cuts
        ``text``."""
        return {piece: freq or 0 for piece, freq in dictionary_pieces(self.words, self.freqs, text).items()}


def dictionary_pieces(words: np.ndarray, freqs: np.ndarray, text: str) -> dict[str, int | None]:
    """The pieces of ``text`` a dictionary knows, in order: a word → its frequency, a piece that only begins a
    word → None. ``words``: sorted, fixed-width unicode (no longer piece is a word or begins one); ``freqs``:
    theirs. A binary search per piece (:class:`JiebaDictionary`, and a generation's mapped arrays)."""
    import numpy as np

    longest = words.dtype.itemsize // 4
    pieces = sorted({text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + longest) + 1)})
    if not pieces or not len(words):
        return {}
    at = np.minimum(np.searchsorted(words, np.array(pieces, dtype=words.dtype)), len(words) - 1).tolist()
    found: dict[str, int | None] = {}
    for piece, k in zip(pieces, at, strict=True):
        word = str(words[k])  # a Python string: numpy's drop trailing NULs ("中\0" reads as "中")
        if word == piece:
            found[piece] = int(freqs[k])
        elif word.startswith(piece):  # the first word at or after the piece: one begins with it if this does
            found[piece] = None
    return found


def read_jieba_dictionary() -> JiebaDictionary:
    """jieba's ``dict.txt`` (:class:`JiebaDictionary`), read without importing jieba or building its prefix
    dictionary: 0.2 s, with arrays. jieba-rs carries the same file compressed inside itself, where it cannot be
    read."""
    import numpy as np

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - jieba is a dependency
        raise ImportError("jieba is not installed")
    text = (Path(spec.submodule_search_locations[0]) / "dict.txt").read_text(encoding="utf-8")
    fields = text.split()
    if len(fields) == 3 * (text.count("\n") + (not text.endswith("\n"))):  # each line "word freq tag"
        words, freqs = fields[0::3], fields[1::3]
    else:
        rows = [line.split()[:2] for line in text.splitlines() if line.strip()]
        words, freqs = [word for word, _ in rows], [freq for _, freq in rows]
    listed = np.array(words, dtype=str)
    order = np.argsort(listed, kind="stable")  # of a word listed twice, the last last
    sorted_words = listed[order]
    listed_freqs = np.fromiter(map(int, freqs), np.int64, count=len(freqs))
    codes = sorted_words.view(np.uint32).reshape(len(sorted_words), -1)
    last = np.ones(len(sorted_words), dtype=bool)
    last[:-1] = (codes[1:] != codes[:-1]).any(axis=1)
    return JiebaDictionary(sorted_words[last], listed_freqs[order][last], int(listed_freqs.sum()))
