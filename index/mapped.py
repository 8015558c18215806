"""Files of a generation that every search process maps read-only instead of loading: the folded text that
phrases are scanned in, the titles, the ids. Mapped, they live once in the page cache, shared by every
worker and every command, and a process is ready as soon as the files are open (issue 16).

A texts file ``NAME.bin`` holds one entry per Whoosh docnum, each followed by a NUL (a deleted docnum's
entry is empty), in UTF-8; ``NAME.idx`` holds the entries' starts as little-endian int64, one more than
there are entries (the last is the file's length). Entries hold no NUL (folded text has no control
characters but the ``\\n`` between lines), so a match never runs from one document into the next.
"""

from __future__ import annotations

import mmap
import os
import sys
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

#: What ends each entry.
ENTRY_END = b"\x00"
#: What separates the lines (title, subtitle, byline, paragraphs) of a folded document's entry.
LINE_SEP = "\n"
#: The texts files of a generation: scanned by phrases (the printed lines), by title: (the titles), and
#: the docnums' ids.
FOLDED, TITLES, IDS, META = "folded", "titles", "ids", "meta"
#: Where a build keeps its documents' folded text until it writes the texts files (then removes it).
SPOOL_NAME = "spool.tmp"


def map_file(path: Path) -> mmap.mmap | bytes:
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        # An empty file cannot be mapped (an index of no documents): its contents are b"".
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""


class Texts:
    """One texts file, mapped: entry ``k`` is the text of docnum ``k``."""

    def __init__(self, gen: Path, name: str) -> None:
        self._data = map_file(gen / f"{name}.bin")
        index = map_file(gen / f"{name}.idx")
        self.buffer = memoryview(self._data)
        # int64 starts, read in place: a memoryview of the mapping, never a list in the process's memory.
        self.starts = memoryview(index).cast("q") if index else memoryview(array("q", [0]))
        if sys.byteorder != "little":  # pragma: no cover - every platform we run on is little-endian
            raise OSError("the index's mapped files are little-endian")
        if len(self.starts) < 1 or self.starts[-1] != len(self.buffer):
            raise ValueError(f"{name}.idx does not match {name}.bin")

    def __len__(self) -> int:
        return len(self.starts) - 1

    def raw(self, k: int) -> bytes:
        """Entry ``k``, as bytes (a copy of that entry only)."""
        return self.entry(k).tobytes()

    def text(self, k: int) -> str:
        return self.raw(k).decode("utf-8")

    def entry(self, k: int) -> memoryview:
        """Entry ``k`` in place (no copy)."""
        return self.buffer[self.starts[k]:self.starts[k + 1] - 1]

    def __iter__(self) -> Iterator[str]:
        for k in range(len(self)):
            yield self.text(k)


class _TextsWriter:
    """Writes one texts file, entry by entry, under temporary names; :meth:`close` renames them into place,
    so a generation never holds half a file."""

    def __init__(self, gen: Path, name: str) -> None:
        self.gen, self.name = gen, name
        self.starts = array("q", [0])
        self._out = open(gen / f"{name}.bin.tmp", "wb")

    def add(self, entry: bytes | memoryview) -> None:
        self._out.write(entry)
        self._out.write(ENTRY_END)
        self.starts.append(self.starts[-1] + len(entry) + 1)

    def close(self) -> int:
        """Finish the file; returns how many entries it holds."""
        gen, name, starts = self.gen, self.name, self.starts
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        if sys.byteorder != "little":  # pragma: no cover
            starts.byteswap()
        with open(gen / f"{name}.idx.tmp", "wb") as out:
            starts.tofile(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(gen / f"{name}.bin.tmp", gen / f"{name}.bin")
        os.replace(gen / f"{name}.idx.tmp", gen / f"{name}.idx")
        return len(starts) - 1


def write_texts(gen: Path, name: str, entries: Iterable[bytes | memoryview]) -> int:
    """Write the texts file ``name`` in ``gen`` (entries in docnum order); returns how many were written."""
    writer = _TextsWriter(gen, name)
    for entry in entries:
        writer.add(entry)
    return writer.close()


class _ReadTexts:
    """A texts file read entry by entry with ``pread``, not mapped: a build copying a whole generation's text
    would otherwise have every page of it counted in its own memory (its resident and proportional set)."""

    def __init__(self, gen: Path, name: str) -> None:
        self._file = open(gen / f"{name}.bin", "rb")
        with open(gen / f"{name}.idx", "rb") as fh:
            self._starts = array("q", fh.read())
        if sys.byteorder != "little":  # pragma: no cover
            self._starts.byteswap()

    def __len__(self) -> int:
        return len(self._starts) - 1

    def entry(self, k: int) -> bytes:
        start = self._starts[k]
        return os.pread(self._file.fileno(), self._starts[k + 1] - 1 - start, start)

    def close(self) -> None:
        self._file.close()


class Spool:
    """The folded text of each document one build indexes, kept in a file of the new generation until the
    build knows its docnum (after Whoosh's commit): a build of the whole archive keeps none of it in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out = open(path, "wb")
        self._at: dict[str, tuple[int, int, int]] = {}  # id → (start, folded length, meta length)
        self._position = 0
        self._in: BinaryIO | None = None

    def add(self, doc_id: str, folded: str, meta: str) -> None:
        """``folded``: the document's folded printed lines; ``meta``: :func:`meta_entry`."""
        data, info = folded.encode("utf-8"), meta.encode("utf-8")
        self._out.write(data)
        self._out.write(info)
        self._at[doc_id] = (self._position, len(data), len(info))
        self._position += len(data) + len(info)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._at

    def done(self) -> None:
        """Every document is in: open the file to read the entries back (by ``pread``, not mapped, as
        :class:`_ReadTexts`)."""
        self._out.close()
        self._in = open(self.path, "rb")

    def entry(self, doc_id: str, name: str) -> bytes:
        """The document's entry of the texts file ``name`` (FOLDED or META)."""
        assert self._in is not None, "Spool.done() first"
        start, folded, meta = self._at[doc_id]
        if name == META:
            start, folded = start + folded, meta
        return os.pread(self._in.fileno(), folded, start)

    def discard(self) -> None:
        self._out.close()
        if self._in is not None:
            self._in.close()
        self.path.unlink(missing_ok=True)


def write_mapped(gen: Path, ids: list[str | None], spool: Spool, previous: Path | None = None) -> None:
    """Write the mapped files of ``gen`` for the docnums' ``ids`` (None: deleted): a document of this build
    from the ``spool``, any other from the ``previous`` generation's files (copied, not folded again)."""
    spool.done()
    old_at: dict[str, int] = {}
    if previous is not None:
        old_ids = _ReadTexts(previous, IDS)
        old_at = {old_ids.entry(k).decode("utf-8"): k for k in range(len(old_ids))}
        old_at.pop("", None)  # deleted docnums
        old_ids.close()

    def entries(name: str) -> Iterator[bytes]:
        old = _ReadTexts(previous, name) if previous is not None else None
        try:
            for doc_id in ids:
                if doc_id is None:
                    yield b""
                elif doc_id in spool:
                    yield spool.entry(doc_id, name)
                else:
                    assert old is not None, f"{doc_id} is neither new nor in the previous generation"
                    yield old.entry(old_at[doc_id])
        finally:
            if old is not None:
                old.close()

    folded, titles = _TextsWriter(gen, FOLDED), _TextsWriter(gen, TITLES)
    for entry in entries(FOLDED):
        folded.add(entry)
        titles.add(entry.partition(LINE_SEP.encode())[0])  # a document's first line is its title
    folded.close()
    titles.close()
    write_texts(gen, META, entries(META))
    write_texts(gen, IDS, ((doc_id or "").encode("utf-8") for doc_id in ids))
    spool.discard()
