"""Whoosh's segment writer, made cheaper for a build of many articles, the files it writes unchanged.

At 7,353 articles each of a build's two Whoosh processes spent 4.7 s writing its segment once every document
had arrived, both cores busy and nothing else left to do: 1.5 s sorting a million postings as tuples, and
2.5 s writing them one Python call each. Both are done here at lower cost, with the same result:

- :class:`SortedPool` sorts the postings on their term's bytes, then on their field, which CPython compares
  with ``memcmp``. Both sorts are stable and the postings of one term arrive in document order, so the
  order is the tuples' own.
- :class:`FieldWriter` writes each term's postings as Whoosh's W3 codec does, block by block, without a call
  per posting. Whoosh's own code still writes anything else (a posting list with length statistics).

A test builds the same articles with stock Whoosh and with these, and compares the segment files byte for
byte. Whoosh-Reloaded is pinned (``setup.cfg``): these lean on its W3 codec's block format.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from itertools import groupby, islice
from operator import itemgetter, sub

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3TermInfo
from whoosh.compat import dumps
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

_term = itemgetter(0, 1)
_field = itemgetter(0)
_term_bytes = itemgetter(1)
_docnum = itemgetter(2)
_weight = itemgetter(3)
_value = itemgetter(4)
_NO_LENGTH = length_to_byte(None)  # what a block without length statistics records as its lengths
_ZERO_LENGTH = length_to_byte(0)


def sort_postings(postings: list[tuple]) -> list[tuple]:
    """Sort, in place, a pool's ``(field, term bytes, docnum, weight, value)`` tuples as ``sorted`` would,
    given that no two share field, term and document, and that the postings of one term were added in
    document order (Whoosh adds a document's, or a merged segment's, with numbers above all before; a field
    with a separate spelling field breaks the first: :func:`use_sorted_pool` refuses it). Returns ``postings``.

    Two stable sorts, on the term's bytes then on the field: keys CPython compares with ``memcmp`` (and by
    identity), each an object the posting holds (a key made per posting took 70 MB in each process)."""
    postings.sort(key=_term_bytes)
    postings.sort(key=_field)
    return postings


class SortedPool(PostingPool):
    """Whoosh's posting pool, sorted by :func:`sort_postings`: in memory, and for every run it writes when
    it outgrows its memory (a large build), which Whoosh then merges as it always does."""

    def save(self) -> None:
        if self.current:
            path, f = self._new_run()
            self._write_run(f, sort_postings(self.current))
            self._add_run(path)
            self.current = []
        self.currentsize = 0

    def items(self, maxfiles: int = 128):
        if not self.runs:
            return sort_postings(self.current)
        return super().items(maxfiles)


def use_sorted_pool(writer: SegmentWriter) -> None:
    """Give a writer that holds no posting yet a :class:`SortedPool` of the same memory limit."""
    pool = writer.pool
    if pool.current or pool.runs:
        raise ValueError("the writer's pool already holds postings")
    if any(field.separate_spelling() for _, field in writer.schema.items()):
        # Whoosh adds a spelling field's words with document 0 each time: ordered by their value then.
        raise ValueError("a schema with a separate spelling field needs Whoosh's own posting pool")
    writer.pool = SortedPool(pool.tempstore, pool.segment, limitmb=pool.limit / (1024 * 1024))


class FieldWriter(W3FieldWriter):
    """The W3 codec's term and posting writer; :meth:`add_postings` writes a whole term at a time."""

    def add_postings(self, schema, lengths, items) -> None:
        codec = self._codec
        if lengths is not None or codec._inlinelimit > 1:
            # Length statistics, or postings inlined in the term index: Whoosh's own way.
            super().add_postings(schema, lengths, items)
            return
        blocklimit, level = codec._blocklimit, codec._compression
        postfile = self._postfile
        offset = postfile.tell()
        add_term = self._tindex.add
        lastfield = lastterm = fieldid = None
        fixedsize = 0
        for (fieldname, term), group in groupby(items, key=_term):
            if fieldname != lastfield:
                if lastfield is not None:
                    if fieldname < lastfield:
                        raise OutOfOrderError(f"Field {lastfield!r} .. {fieldname!r}")
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                fixedsize = self._format.fixed_value_size()
                fieldid = pack_ushort(self._fieldid)
                lastfield = fieldname
            elif term < lastterm:
                raise OutOfOrderError(f"Term {fieldname}:{lastterm!r} .. {fieldname}:{term!r}")
            lastterm = term
            data, info = term_postings(group, blocklimit, level, fixedsize)
            info.set_extent(offset, len(data))
            postfile.write(data)
            offset += len(data)
            add_term(fieldid + term, info.to_bytes())
        if lastfield is not None:
            self.finish_field()


def term_postings(postings: Iterator[tuple], blocklimit: int, level: int,
                  fixedsize: int | None) -> tuple[bytes, W3TermInfo]:
    """What Whoosh's ``W3PostingsWriter`` writes for one term's postings (``add_posting`` for each, then
    ``finish_postings``), and the term's info but for where it lies. The postings are read a block at a
    time, as Whoosh reads them (a word of every document holds 367,000 postings a process at 735,300
    articles). Whoosh's mark of a spelling word, document -1, is refused by the unsigned array."""
    info = W3TermInfo()
    out = [WHOOSH3_HEADER_MAGIC]
    block = list(islice(postings, blocklimit))
    while block:
        following = list(islice(postings, blocklimit))
        ids = array("I", map(_docnum, block))
        raw = list(map(_weight, block))
        weights = array("f", raw)  # the block keeps 32-bit weights, its statistics the weights given
        top = max(raw)
        maxweight = top if top > 0 else 0
        info._weight += sum(weights)
        info._df += len(ids)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = ids[0]
        info._maxid = ids[-1]
        count = len(ids)
        if weights.count(1.0) == count:
            mini_weights = None
        elif weights.count(weights[0]) == count:
            mini_weights = weights[0]
        else:
            mini_weights = tuple(weights)
        if fixedsize == 0:
            mini_values = None
        else:
            values = [v for v in map(_value, block) if v]
            mini_values = tuple(values) if fixedsize is None or fixedsize < 0 else b"".join(values)
        data = dumps(((ids[0], *map(sub, ids[1:], ids[:-1])), mini_weights, mini_values), 2)
        if level:
            data = zlib.compress(data, level)
        head = dumps((count, ids[-1], maxweight, level, _NO_LENGTH, _ZERO_LENGTH), 2)
        size = len(head) + len(data)
        out += (pack_int(size if following else -size), head, data)  # the last block's size is negative
        block = following
    return b"".join(out), info


class Codec(W3Codec):
    """Whoosh's W3 codec, writing with :class:`FieldWriter`; pickled (with each segment, in the index's
    table of contents) as the stock codec it writes for, so that any Whoosh reads the index."""

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)

    def __reduce_ex__(self, protocol):
        return W3Codec, (self._blocklimit, self._compression, self._inlinelimit), self.__dict__


class _SubWriterTask(SubWriterTask):
    """Whoosh's indexing process, its writer given a :class:`SortedPool` as soon as it is made."""

    @property
    def writer(self) -> SegmentWriter | None:
        return self.__dict__.get("_writer")

    @writer.setter
    def writer(self, writer: SegmentWriter) -> None:
        # SubWriterTask.run makes its SegmentWriter and stores it here before it indexes anything.
        use_sorted_pool(writer)
        self.__dict__["_writer"] = writer


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer, each process (and this one) writing with :class:`SortedPool`."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        try:
            use_sorted_pool(self)
        except ValueError:
            self.cancel()  # its lock
            raise

    def _new_task(self):
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


def segment_writer(ix, **kwargs) -> SegmentWriter:
    """``ix.writer(**kwargs)`` with :class:`SortedPool` (one process)."""
    writer = SegmentWriter(ix, **kwargs)
    try:
        use_sorted_pool(writer)
    except ValueError:
        writer.cancel()  # its lock
        raise
    return writer
