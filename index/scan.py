"""Exact phrase matching: a substring scan of every document's folded text, with StringZilla's SIMD search.

The folded texts are joined into one UTF-8 buffer: each document's title and paragraphs separated by
``\\n``, documents separated by NUL. UTF-8 is self-synchronising, so the bytes of a folded needle match
only at character boundaries; a needle holds neither separator (queries are normalised to single spaces
and control characters are dropped), so every match lies inside the title or inside one paragraph. That
is the definition of a phrase match, tested by a plain ``in`` on the same strings.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Collection, Iterable

import stringzilla

from index.errors import N_, QueryTimeout

PARAGRAPH_SEP = "\n"
DOCUMENT_SEP = "\x00"
_CHECK_EVERY = 4096  # matches between two looks at the clock


class Haystack:
    """Documents, each under a key (a Whoosh docnum), as one searchable buffer."""

    def __init__(self, documents: Iterable[tuple[int, str]]) -> None:
        self.keys: list[int] = []
        parts: list[bytes] = []
        for key, text in documents:
            self.keys.append(key)
            parts.append(text.encode("utf-8"))
        self._position = {key: k for k, key in enumerate(self.keys)}
        self.starts = [0]
        for part in parts:
            self.starts.append(self.starts[-1] + len(part) + 1)
        self._bytes = DOCUMENT_SEP.encode().join(parts) + DOCUMENT_SEP.encode()
        self._text = stringzilla.Str(self._bytes)  # a view, not a copy

    def __len__(self) -> int:
        return len(self.keys)

    def text(self, key: int) -> str:
        """The folded text of the document under ``key``, as it was given."""
        k = self._position[key]
        return self._bytes[self.starts[k]:self.starts[k + 1] - 1].decode("utf-8")

    def find(self, needle: str, deadline: float, within: Collection[int] | None = None) -> set[int]:
        """The keys of every document holding ``needle`` (limited to the keys ``within`` when given)."""
        if not needle or PARAGRAPH_SEP in needle or DOCUMENT_SEP in needle:
            raise ValueError(f"not a searchable needle: {needle!r}")
        pattern = needle.encode("utf-8")
        starts, text = self.starts, self._text
        if within is not None and len(within) * 8 < len(self):
            # A few documents: look in each one's own range.
            position = self._position
            return {key for key in within if key in position and
                    text.find(pattern, starts[position[key]], starts[position[key] + 1]) != -1}
        keys = self.keys
        found: set[int] = set()
        i = text.find(pattern)
        while i != -1:
            k = bisect_right(starts, i) - 1
            found.add(keys[k])
            if len(found) % _CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise QueryTimeout(N_("the query ran past its time limit; make it more specific"))
            i = text.find(pattern, starts[k + 1])  # the next document: one match per document is enough
        return found if within is None else found & set(within)
