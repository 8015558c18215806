"""Build the index: read sources, then write a new generation and swap it in atomically.

A build never touches the generation in service: it writes a new one (starting
from hard links to the current one's immutable Whoosh segments when only some
documents changed) and only then points ``CURRENT`` at it (``index.generation``).
A build that fails or is killed at any moment leaves ``CURRENT`` and its
generation as they were.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from whoosh import index as whoosh_index

from archive.catalog import load_catalog
from archive.errors import ArchiveError, SourceError
from archive.loading import BAD_NAME, CATALOG_NAME, find_sources, load_seed
from archive.model import Document, is_one_line, shown_name
from archive.wording import counted
from index.analysis import WordsStr, add_variants, fold_text
from index.dictionary import FREQS_NAME, WORDS_NAME, Dictionary, write_dictionary
from index.errors import DamagedIndexError, IndexError_
from index.generation import (
    clone_generation,
    code_version,
    current_generation,
    finish_generation,
    generation_code,
    new_generation,
    remove_old_generations,
    swap_current,
    verify_generation,
)
from index.mapped import LINE_SEP, SPOOL_NAME, Spool, write_mapped
from index.schema import build_schema, sort_keys
from index.store import STORE_NAME, StoreWriter, count_paragraphs, printed_lines_for_words, read_sources
from index.tables import meta_entry, write_tables
from index.writing import Codec, ParallelWriter, segment_writer

LOCK_NAME = ".lock"


class BuildError(ArchiveError):
    """The build was refused; the previous index stays in service."""


@dataclass
class BuildReport:
    documents: int = 0
    paragraphs: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    seconds: float = 0.0
    generation: str | None = None
    up_to_date: bool = False
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.up_to_date:
            return (f"index up to date: {counted(self.documents, 'document')} unchanged, nothing re-indexed "
                    f"({self.seconds:.1f} s)")
        return (f"indexed {counted(self.documents, 'document')}, {counted(self.paragraphs, 'paragraph')} "
                f"({self.added} added, {self.updated} updated, {self.removed} removed) in {self.seconds:.1f} s")


@contextlib.contextmanager
def build_lock(index_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Exclusive lock for one build at a time; a second build waits and says so."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"another build is running in {index_dir}; waiting for it to finish…")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


Progress = Callable[[list, str], Iterable]


@dataclass(frozen=True, slots=True)
class Source:
    """One article file as found, before any cleaning."""

    root: Path
    path: Path
    id: str
    #: The path below ``root``, with ``/``: what documents record as their source.
    source: str
    #: Changes whenever the cleaned document could: the file's bytes, its place or its catalog entry.
    fingerprint: str
    #: SHA-256 of the raw bytes, and the stat signature they were read under ("" when not to be trusted).
    digest: str
    stat: str


#: A file modified this close to being read may change again within the file system's clock tick
#: without its stat signature changing ("racy git"); its signature is not recorded, so it is hashed again.
RACY_SECONDS = 2.0


def _stat_signature(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def scan_sources(sources: Iterable[Path], known: dict[str, tuple[str, str, str]] | None = None,
                 progress: Progress | None = None, warnings: list[str] | None = None
                 ) -> tuple[list[Source], dict[Path, dict], list[str]]:
    """Every article file under ``sources`` with its fingerprint, the catalogs, and the errors found.

    ``known`` maps an id to the (source path, stat signature, SHA-256) recorded by the previous
    build: a file whose path and signature are unchanged is not read again, as git does with its
    index. Other files are read and hashed; none is cleaned here.
    """
    sources = list(sources)
    known = known or {}
    catalogs = {src: load_catalog(src / CATALOG_NAME) for src in sources}
    pairs = [(src, p) for src in sources for p in find_sources([src], warnings)]
    found: list[Source] = []
    errors: list[str] = []
    seen: dict[str, Path] = {}
    now = time.time()
    prefix = {src: len(str(src)) + 1 for src in sources}
    for src, path in (progress(pairs, "reading") if progress else pairs):
        doc_id = path.stem
        if not is_one_line(doc_id):  # before its name is hashed: a name that is not UTF-8 cannot be
            errors.append(f"{shown_name(str(path))}: {BAD_NAME}")
            continue
        if doc_id in seen:
            errors.append(f"{path}: id {doc_id} already used by {seen[doc_id]}")
            continue
        seen[doc_id] = path
        name = str(path)
        rel = name[prefix[src]:].replace(os.sep, "/")  # find_sources gives paths under src, as given
        try:
            st = os.stat(name)
            signature = _stat_signature(st)
            previous = known.get(doc_id)
            if previous and previous[:2] == (rel, signature):
                digest = previous[2]
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if now - max(st.st_mtime, st.st_ctime) < RACY_SECONDS:
                    signature = ""
        except OSError as exc:
            errors.append(f"{path}: cannot be read ({exc.strerror})")
            continue
        entry = catalogs[src].get(doc_id)
        key = f"{rel}\0{digest}\0{json.dumps(entry, ensure_ascii=False, sort_keys=True) if entry else ''}"
        found.append(Source(src, path, doc_id, rel, hashlib.sha256(key.encode()).hexdigest(), digest, signature))
    return found, catalogs, errors


def refusal(errors: list[str]) -> str:
    return "build refused, the index in service is unchanged:\n  " + "\n  ".join(errors)


def _index_document(writer, doc: Document, lines: list[str]) -> None:
    """``lines``: :func:`index.store.printed_lines_for_words` of ``doc`` (title, subtitle, byline, paragraphs,
    captions)."""
    writer.add_document(
        id=doc.id,
        title=WordsStr(LINE_SEP.join(lines[:2])),  # the subtitle counts as the headline
        body=WordsStr(LINE_SEP.join(lines[2:])),  # byline, paragraphs, captions; a word never runs across lines
        authors=",".join(fold_text(a.name) for a in doc.authors),
        year=doc.year,
        place=doc.place,
        **sort_keys(doc.id, doc.title, doc.year),
    )


#: Below this many changed documents one process indexes them; above, every core does (Whoosh's MpWriter).
PARALLEL_THRESHOLD = 500
#: Memory for each Whoosh writer's posting pool before it spills sorted runs to disk.
POOL_MB = 192
#: Whoosh's compound segment file (one ``.seg`` per segment) is off: a reader maps it, then copies each
#: file inside it into a ``BytesIO`` of its own, so that every search process held a private copy of the
#: word index (103 MB at 73,530 articles, 10× that at 735,300). Plain files are read where they lie.
COMPOUND = False


#: Postings per block of a word's postings (Whoosh's default is 128). The ranking decodes a common word's
#: postings a block at a time, and most of a block's cost is the block, not its postings: 进行's 28,850
#: were ranked in 8.3 ms in blocks of 128, 6.5 ms in blocks of 512 (73,530 articles). A few documents
#: scored against a common word decode a bigger block each, a fraction of a millisecond more.
POSTINGS_BLOCK = 512


def _codec(blocklimit: int | None = None) -> Codec:
    """Whoosh's codec (:class:`index.writing.Codec`) with blocks of ``blocklimit`` postings (by default
    :data:`POSTINGS_BLOCK`) and without its
    postings' length statistics (the shortest and longest document of each block and word). Writing them
    looked up each posting's document length in the length column again: a sixth of a build's time in
    Whoosh. Only Whoosh's own top-k pruning reads them, as a bound on the best score a block can hold; with
    none recorded the bound is the score of a document of length 0, still a bound (BM25F's score falls with
    length). Our ranking reads the length column itself."""
    codec = Codec(blocklimit=blocklimit or POSTINGS_BLOCK)
    codec.length_stats = False  # an instance attribute: pickled with the segments, read back by a stock Whoosh
    return codec


@contextlib.contextmanager
def _writer(ix, changed: int) -> Iterator:
    """The Whoosh writer for ``changed`` documents: one process for a few, every core for many."""
    procs = os.cpu_count() or 1
    if changed < PARALLEL_THRESHOLD or procs < 2:
        yield segment_writer(ix, limitmb=POOL_MB, compound=COMPOUND, codec=_codec())
        return
    global _parallel_parent
    _install_fork_hook()
    _parallel_parent = os.getpid()  # the workers Whoosh forks from now on die with this process
    try:
        # multisegment: each process writes its own segment, nothing is merged (a merge rewrites every posting).
        yield ParallelWriter(ix, procs=procs, multisegment=True, limitmb=POOL_MB, batchsize=50, compound=COMPOUND,
                             codec=_codec())
    finally:
        _parallel_parent = None


#: A segment holding at least this share of the archive's documents is large: it is never merged with the
#: small ones (that would rewrite most of the index for a build of a few articles).
LARGE_SHARE = 0.25
#: How many small segments a generation may hold before a build merges them into its own.
MAX_SMALL_SEGMENTS = 6


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy (``commit(mergetype=…)``): keep the segments a search visits in turn bounded.

    Each incremental build adds a segment. Once there are :data:`MAX_SMALL_SEGMENTS` small ones (under
    :data:`LARGE_SHARE` of the documents) they are merged into the build's own segment, and so is any
    segment more than half deleted (its postings would be read and thrown away). Large segments stay: at
    most ``1 / LARGE_SHARE`` of them, since each held that share when it was made. Whoosh's own
    ``MERGE_SMALL`` waits on a Fibonacci rule that can end by merging the whole archive in one build.
    Returns the segments kept as they are."""
    from whoosh.reading import SegmentReader

    total = sum(seg.doc_count_all() for seg in segments) or 1
    small = [seg for seg in segments if seg.doc_count_all() < LARGE_SHARE * total]
    mostly_deleted = [seg for seg in segments if seg not in small and seg.deleted_count() * 2 > seg.doc_count_all()]
    merged = (small if len(small) >= MAX_SMALL_SEGMENTS else []) + mostly_deleted
    for seg in merged:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg not in merged]


def _cancel(writer) -> None:
    """Cancel a writer. MpWriter.cancel only marks its forked workers cancelled in this process's copy of
    them; they would wait for work forever, and this process for them at exit: end them."""
    try:
        writer.cancel()
    finally:
        for task in getattr(writer, "tasks", ()):
            if task.is_alive():
                task.terminate()
            task.join(timeout=10)


#: The process running a parallel build, while it runs; a build killed with SIGKILL must not leave
#: Whoosh's forked workers waiting forever for work.
_parallel_parent: int | None = None


def _on_fork_in_child() -> None:
    parent = _parallel_parent
    if parent is None:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux); elsewhere there is no prctl
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


@cache
def _install_fork_hook() -> None:
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_on_fork_in_child)


def _many_files(sources: list[Path]) -> bool:
    """Whether the sources' folders hold :data:`PARALLEL_THRESHOLD` entries or more (their first level)."""
    seen = 0
    for src in sources:
        try:
            with os.scandir(src) as entries:
                seen += sum(1 for _ in itertools.islice(entries, PARALLEL_THRESHOLD))
        except OSError:
            continue  # scanning names what it cannot read
    return seen >= PARALLEL_THRESHOLD


#: Where a fresh build's own process writes jieba's dictionary, in the index directory (then moved into the
#: generation). One left by a build that was killed is removed by the next.
_DICTIONARY_SCRATCH = ".dictionary-"


class _DictionaryWriter:
    """Writes jieba's dictionary into a fresh generation (:func:`index.dictionary.write_dictionary`). With
    ``background``, a process of its own (``python -m index.dictionary``: a program, not a fork of the build
    and its threads) writes it into the index directory meanwhile, and :meth:`write` moves its files in;
    whatever goes wrong with that process, the dictionary is read here instead."""

    def __init__(self, index_dir: Path, background: bool) -> None:
        self._scratch: Path | None = None
        self._process: subprocess.Popen | None = None
        for old in index_dir.glob(_DICTIONARY_SCRATCH + "*"):
            shutil.rmtree(old, ignore_errors=True)
        if background:
            try:
                self._scratch = Path(tempfile.mkdtemp(prefix=_DICTIONARY_SCRATCH, dir=index_dir))
                self._process = subprocess.Popen([sys.executable, "-m", "index.dictionary", str(self._scratch)],
                                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL)
            except OSError:
                self.close()

    def write(self, gen: Path) -> None:
        """Put the dictionary into ``gen``."""
        if self._process is not None and self._scratch is not None:
            try:
                done = self._process.wait(timeout=120) == 0
            except subprocess.TimeoutExpired:
                done = False
            files = [self._scratch / name for name in (WORDS_NAME, FREQS_NAME)]
            if done and all(f.is_file() for f in files):
                try:
                    Dictionary(self._scratch)  # whole and readable, or read here
                    for f in files:
                        os.replace(f, gen / f.name)
                    return
                except (OSError, ValueError):
                    pass
        write_dictionary(gen)

    def close(self) -> None:
        """Stop the process if it still runs (an interrupted build) and remove what it wrote."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        self._process = self._scratch = None


def _refuse_overlap(sources: list[Path], index_dir: Path) -> None:
    """An index directory inside a source folder (or a source inside the index directory) is refused: a
    build would read its own files as articles, and clean-up could reach the sources."""
    ix = Path(os.path.realpath(index_dir))
    for src in sources:
        s = Path(os.path.realpath(src))
        if ix == s or s in ix.parents or ix in s.parents:
            raise BuildError(f"the index directory {index_dir} and the source folder {src} overlap; keep the "
                             "index outside the sources (the default is instance/index)")


def build_index(sources: Iterable[Path], index_dir: Path, progress: Progress | None = None,
                on_wait: Callable[[str], None] | None = None) -> BuildReport:
    """(Re)build the index in ``index_dir`` from ``sources``; only changed files are cleaned and indexed.

    Every unreadable file is named in one :class:`BuildError` and nothing changes in service.
    """
    started = time.perf_counter()
    sources = list(sources)
    _refuse_overlap(sources, index_dir)
    with build_lock(index_dir, on_wait):
        version = code_version()
        current = current_generation(index_dir)
        warnings: list[str] = []
        recorded: dict[str, tuple[str, str, str, str]] = {}  # id → (fingerprint, source, stat, sha256)
        if current and generation_code(current) == version:
            try:
                verify_generation(current)
                recorded = read_sources(current / STORE_NAME)
            except (DamagedIndexError, sqlite3.DatabaseError) as exc:
                # Never clone damage into the next generation: build everything again.
                warnings.append(f"{exc}; building it again from the sources")
                recorded = {}
        previous = {i: r[0] for i, r in recorded.items()}
        # A fresh generation needs jieba's dictionary (0.2 s); an incremental build links it from the one it
        # clones. For a folder of many articles it is read by a process of its own while the sources are
        # scanned, which leaves a core idle (a thread would wait on the interpreter; indexing uses both cores).
        dictionary = None if previous else _DictionaryWriter(index_dir, background=_many_files(sources))
        try:
            found, catalogs, errors = scan_sources(sources, {i: r[1:] for i, r in recorded.items()}, progress, warnings)
            if errors:
                raise BuildError(refusal(errors))
            if not found:
                warnings.append(f"no article (*.txt, *.md, *.html, *.htm) in {', '.join(map(str, sources))}: "
                                "the index holds none")
            wanted = {s.id: s.fingerprint for s in found}
            report = BuildReport(documents=len(found), warnings=warnings)
            if current and previous == wanted:
                report.up_to_date = True
                report.generation = current.name
                report.paragraphs = count_paragraphs(current / STORE_NAME)
                report.seconds = time.perf_counter() - started
                return report

            changed = [s for s in found if previous.get(s.id) != s.fingerprint]
            removed = sorted(set(previous) - set(wanted))
            report.added = sum(1 for s in changed if s.id not in previous)
            report.updated = len(changed) - report.added
            report.removed = len(removed) if previous else 0

            gen = new_generation(index_dir)
            try:
                if previous:
                    clone_generation(current, gen)
                    ix = whoosh_index.open_dir(str(gen))
                else:
                    gen.mkdir()
                    ix = whoosh_index.create_in(str(gen), build_schema())
                store = StoreWriter(gen / STORE_NAME)
                spool = Spool(gen / SPOOL_NAME)
                with _writer(ix, len(changed)) as writer:
                    try:
                        replaced = removed + [s.id for s in changed if s.id in previous]
                        store.remove(replaced)
                        for doc_id in replaced:
                            writer.delete_by_term("id", doc_id)
                        for src in (progress(changed, "indexing") if progress else changed):
                            try:
                                doc = load_seed(src.path, src.root, catalogs[src.root])
                            except SourceError as exc:
                                errors.append(f"{src.path}: {exc.reason}")
                                continue
                            lines = printed_lines_for_words(doc)  # each line folded once, for words and phrases
                            _index_document(writer, doc, lines)
                            store.add(doc, src)
                            spool.add(doc.id, LINE_SEP.join(map(add_variants, lines)),
                                      meta_entry(doc.year, doc.title_supplied, doc.place, doc.author_names))
                        if errors:
                            raise BuildError(refusal(errors))
                        writer.commit(mergetype=merge_small_segments)
                    except BaseException:
                        _cancel(writer)
                        store.cancel()
                        spool.discard()
                        raise
                store.commit()
                # The docnums are known now: the phrase scans' mapped files, in docnum order.
                with ix.reader() as reader:
                    live = set(reader.all_doc_ids())
                    # An index of no segment (the sources hold no article) has no id column to read.
                    ids = ([i if n in live else None for n, i in enumerate(reader.column_reader("id"))]
                           if reader.doc_count_all() else [])
                del live
                write_mapped(gen, ids, spool, current if previous else None)
                del ids
                write_tables(gen)
                if dictionary:
                    dictionary.write(gen)
                elif not Dictionary.exists(gen):  # cloned from a generation made before it
                    write_dictionary(gen)
                ix.close()
                finish_generation(gen, version)
            except BaseException:
                shutil.rmtree(gen, ignore_errors=True)
                raise
            if not (gen / STORE_NAME).exists():
                raise IndexError_(f"build wrote no document store in {gen}")
            swap_current(index_dir, gen)
            remove_old_generations(index_dir, {gen.name} | ({current.name} if current else set()))
            report.generation = gen.name
            report.paragraphs = count_paragraphs(gen / STORE_NAME)
            report.seconds = time.perf_counter() - started
            return report
        finally:
            if dictionary:
                dictionary.close()
