"""What a search needs to know of every document besides its text, as mapped arrays indexed by docnum: the
year, whether the title is supplied, the facet keys (place, author), and the ids in order for finding a
document's docnum. Written once per build (:func:`write_tables`, from the generation's ``meta`` texts),
mapped read-only by every search process: nothing here is a Python object per document.

Files: ``years.bin`` (int16; 0 for no year), ``flags.bin`` (uint8; :data:`SUPPLIED`, :data:`LIVE`),
``NAME.idx``/``NAME.val`` for each facet (int64 starts per docnum; int32 key numbers), ``facets.json`` (each
facet's keys with their labels, the spelling most documents print), ``order.bin`` (int32: the live
docnums sorted by id).
"""

from __future__ import annotations

import json
import os
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.mapped import IDS, META, Texts, map_file

#: What separates the fields of a document's meta entry.
FIELD_SEP = "\x1f"
SUPPLIED, LIVE = 1, 2
FACETS = ("place", "author")


def meta_entry(year: int | None, title_supplied: bool, place: str | None, authors: Sequence[str]) -> str:
    """A document's entry in the ``meta`` texts file: year, 1 if the title is supplied, place, authors."""
    def clean(text: str) -> str:  # a separator inside a value would shift the fields after it
        return text.replace(FIELD_SEP, " ").replace("\x00", " ")
    return FIELD_SEP.join([str(year or ""), "1" if title_supplied else "0", clean(place or ""),
                           *map(clean, authors)])


def _write(path: Path, values: array) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        values.tofile(out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def write_tables(gen: Path) -> None:
    """Write the tables of ``gen`` from its ``meta`` and ``ids`` texts files."""
    from index.query import field_key

    meta, ids = Texts(gen, META), Texts(gen, IDS)
    years, flags = array("h"), array("B")
    keys: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    spellings: dict[str, list[Counter]] = {name: [] for name in FACETS}
    starts = {name: array("q", [0]) for name in FACETS}
    values = {name: array("i") for name in FACETS}
    folded: dict[str, str] = {}  # each spelling folded once
    for k in range(len(meta)):
        fields = meta.text(k).split(FIELD_SEP) if ids.entry(k) else []
        years.append(int(fields[0]) if fields and fields[0] else 0)
        flags.append((LIVE | (SUPPLIED if fields[1] == "1" else 0)) if fields else 0)
        for name, shown in (("place", fields[2:3]), ("author", fields[3:])):
            seen: list[int] = []
            for spelling in shown:
                if not spelling:
                    continue
                key = folded.get(spelling)
                if key is None:
                    key = folded[spelling] = field_key(spelling)
                number = keys[name].setdefault(key, len(keys[name]))
                if number == len(spellings[name]):
                    spellings[name].append(Counter())
                spellings[name][number][spelling] += 1
                if number not in seen:
                    seen.append(number)
            values[name].extend(seen)
            starts[name].append(len(values[name]))
    _write(gen / "years.bin", years)
    _write(gen / "flags.bin", flags)
    for name in FACETS:
        _write(gen / f"{name}.idx", starts[name])
        _write(gen / f"{name}.val", values[name])
    labels = {name: [[key, spellings[name][n].most_common(1)[0][0]] for key, n in keys[name].items()]
              for name in FACETS}
    tmp = gen / "facets.json.tmp"
    tmp.write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, gen / "facets.json")
    live = [k for k in range(len(ids)) if ids.entry(k)]
    live.sort(key=ids.raw)
    _write(gen / "order.bin", array("i", live))


def _view(gen: Path, name: str, code: str) -> memoryview:
    data = map_file(gen / name)
    return memoryview(data).cast(code) if data else memoryview(array(code))


class Tables:
    """The tables of one generation, mapped."""

    def __init__(self, gen: Path, ids: Texts) -> None:
        self._ids = ids
        self.years = _view(gen, "years.bin", "h")
        self.flags = _view(gen, "flags.bin", "B")
        self.order = _view(gen, "order.bin", "i")
        self._starts = {name: _view(gen, f"{name}.idx", "q") for name in FACETS}
        self._values = {name: _view(gen, f"{name}.val", "i") for name in FACETS}
        labels = json.loads((gen / "facets.json").read_text(encoding="utf-8"))
        #: Per facet: key number → key; key → label.
        self.keys = {name: [key for key, _ in labels[name]] for name in FACETS}
        self.labels = {name: dict(map(tuple, labels[name])) for name in FACETS}
        self._numbers = {name: {key: n for n, key in enumerate(self.keys[name])} for name in FACETS}
        n = len(ids)
        if not (len(self.years) == len(self.flags) == n and all(len(s) == n + 1 for s in self._starts.values())
                and all(len(self._values[f]) == self._starts[f][-1] for f in FACETS)):
            raise ValueError("the tables do not match the ids")
        #: How many documents are live (not deleted).
        self.live = len(self.order)

    def docnum(self, doc_id: str) -> int | None:
        """The docnum of ``doc_id``, or None (a binary search of the ids in order)."""
        target = doc_id.encode("utf-8")
        k = bisect_left(self.order, target, key=lambda n: self._ids.raw(n))
        return self.order[k] if k < len(self.order) and self._ids.raw(self.order[k]) == target else None

    def doc_id(self, docnum: int) -> str:
        return self._ids.text(docnum)

    def is_live(self, docnum: int) -> bool:
        return bool(self.flags[docnum] & LIVE)

    def year(self, docnum: int) -> int | None:
        return self.years[docnum] or None

    def supplied(self, docnum: int) -> bool:
        return bool(self.flags[docnum] & SUPPLIED)

    def facet_numbers(self, name: str, docnum: int) -> memoryview:
        starts = self._starts[name]
        return self._values[name][starts[docnum]:starts[docnum + 1]]

    def count_facet(self, name: str, docnums: np.ndarray) -> Counter[int]:
        """How many of ``docnums`` hold each key number of facet ``name``: each document's key numbers are a
        slice of the facet's values (distinct within a document), gathered and counted by numpy (a loop over
        the 200,000 documents of a common word took milliseconds per facet)."""
        starts, values = np.asarray(self._starts[name]), np.asarray(self._values[name])
        if not len(values) or not len(docnums):  # a collection without places (or authors): nothing to count
            return Counter()
        first = starts[docnums]
        sizes = starts[docnums + 1] - first
        if not sizes.any():
            return Counter()
        # The positions of every value of every document: each document's first, plus 0 … size-1.
        at = np.repeat(first - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        numbers = np.bincount(values[at])
        held = np.flatnonzero(numbers)
        return Counter(dict(zip(held.tolist(), numbers[held].tolist(), strict=True)))

    def label(self, name: str, number: int) -> str:
        """What facet ``name``'s key number ``number`` is shown as."""
        return self.labels[name][self.keys[name][number]]

    def with_key(self, name: str, key: str) -> set[int]:
        """The docnums whose facet ``name`` holds ``key``."""
        number = self._numbers[name].get(key)
        if number is None:
            return set()
        starts, values = self._starts[name], self._values[name]
        return {bisect_right(starts, i) - 1 for i, v in enumerate(values) if v == number}

