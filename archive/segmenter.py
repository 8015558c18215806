"""jieba's words, for cleaning (does a word run across a paragraph break?) and for the index.

Dictionary mode only (no HMM): HMM new-word guessing depends on context, so the same characters could be
cut differently in a query and in an article; the dictionary alone is stable. ``rjieba`` (jieba-rs) gives
jieba's words about 20× faster (checked on the seeds by the tests and on 8.9 M characters by
``python -m bench segmenter``); jieba itself stays the reference and the fallback. Either loads its
dictionary once per process, on first use.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

_jieba_lock = threading.Lock()


@cache
def _jieba() -> jieba.Tokenizer:
    """jieba's dictionary, loaded once per process: the reference segmenter and the fallback."""
    import jieba  # only when used: importing it costs ~80 ms that a build or a server does not need

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba.dt


def jieba_tokenizer() -> jieba.Tokenizer:
    """jieba's own tokenizer, its dictionary loaded (once per process): for its part-of-speech tagger."""
    return _jieba()


def segment_jieba(text: str) -> list[tuple[str, int, int]]:
    """jieba (Python) words of ``text`` as ``(word, start, end)``, dictionary only."""
    return list(_jieba().tokenize(text, mode="default", HMM=False))


@cache
def _rjieba():
    """jieba-rs (its dictionary is built when the module is imported: ~0.1 s), or None without it."""
    try:
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


def cut(text: str) -> list[str]:
    """Just the words of :func:`segment`: what the index counts."""
    rjieba = _rjieba()
    return rjieba.cut(text, hmm=False) if rjieba else [w for w, _, _ in segment_jieba(text)]
