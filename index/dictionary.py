"""The jieba dictionary a generation was built with, as two mapped arrays in it, so that a cold command cuts
its query into the index's words without building jieba's whole dictionary (~0.1 s of a 0.3 s command).

A query is cut by the dictionary words found in it (:func:`archive.segmenter.segment_with`): looked up
here by a binary search over the sorted words, for every piece of the query up to the longest word.

Files: ``dictionary-words.npy`` (the words, sorted, fixed-width unicode), ``dictionary-freqs.npy`` (int64,
the same order). Written with every fresh generation; an incremental build links them from the last.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from archive.segmenter import dictionary_pieces, read_jieba_dictionary, segment_with

WORDS_NAME = "dictionary-words.npy"
FREQS_NAME = "dictionary-freqs.npy"


def read_dictionary() -> tuple[np.ndarray, np.ndarray]:
    """jieba's dictionary (words, frequencies), sorted by word, as jieba-rs reads it: a word listed twice
    keeps its last frequency and counts once in the total (``B超`` is listed twice). A fresh build waits for
    this (0.2 s): :func:`archive.segmenter.read_jieba_dictionary`."""
    dictionary = read_jieba_dictionary()
    return dictionary.words, dictionary.freqs


def write_dictionary(gen: Path) -> None:
    """Write jieba's dictionary (:func:`read_dictionary`) into ``gen``."""
    words, freqs = read_dictionary()
    np.save(gen / WORDS_NAME, words, allow_pickle=False)
    np.save(gen / FREQS_NAME, freqs, allow_pickle=False)


class Dictionary:
    """A generation's dictionary, mapped read-only; :meth:`segment` cuts a text with it."""

    def __init__(self, gen: Path) -> None:
        self._words = np.load(gen / WORDS_NAME, mmap_mode="r", allow_pickle=False)
        self._freqs = np.load(gen / FREQS_NAME, mmap_mode="r", allow_pickle=False)
        if self._words.shape != self._freqs.shape or self._words.dtype.kind != "U":
            raise ValueError(f"{gen / WORDS_NAME} and {gen / FREQS_NAME} do not make one dictionary")
        self._total = int(self._freqs.sum())

    @staticmethod
    def exists(gen: Path) -> bool:
        """Whether ``gen`` holds a dictionary (generations built before it do not)."""
        return (gen / WORDS_NAME).is_file() and (gen / FREQS_NAME).is_file()

    def found_in(self, text: str) -> list[tuple[str, int]]:
        """The dictionary words that occur in ``text``, each once, with their frequencies."""
        return [(piece, freq) for piece, freq in dictionary_pieces(self._words, self._freqs, text).items()
                if freq is not None]

    def segment(self, text: str) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` of ``text``: what :func:`archive.segmenter.segment` gives."""
        return segment_with(text, self.found_in(text), self._total)


def main(argv: list[str] | None = None) -> int:
    """``python -m index.dictionary DIR``: write jieba's dictionary into DIR (a fresh build's own process)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m index.dictionary DIR", file=sys.stderr)
        return 2
    write_dictionary(Path(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
