"""Generations of an index directory: which one is in service, checking it, opening it, swapping it.

Layout of an index directory::

    CURRENT            name of the generation in service (replaced atomically)
    .lock              flock'ed by the running build; the kernel releases it if the build dies
    gen-<ns>-<pid>/    one generation: Whoosh files, docs.sqlite, CODE, MANIFEST

Searching needs only this module (never ``index.build``): what is in service, whether it is intact, and
opening it. Building uses it to clone, finish and swap generations.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import sys
import time
from functools import cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.searching import Searcher

from index.errors import N_, DamagedIndexError, IndexError_, NoIndexError
from index.store import STORE_NAME, Store

CURRENT_NAME = "CURRENT"
#: Every file of a generation with its size, written last: a missing or truncated file is caught at open.
MANIFEST_NAME = "MANIFEST"
#: The fingerprint of the code that built the generation (a different one means a full rebuild).
CODE_NAME = "CODE"
GENERATION_PREFIX = "gen-"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


#: Modules that only read a built index or format what it returns: a change to them (a faster search, a
#: better snippet) needs no rebuild, which at 735,300 articles is an hour. A build never imports them
#: (tests/test_build.py runs a build and checks), so the fingerprint still covers all it runs.
READ_ONLY_MODULES = frozenset({
    "index.search", "index.kwic", "index.snippets", "index.scan", "index.ranking", "index.sets",
    "archive.cite", "archive.csl", "archive.export", "archive.styles", "archive.formats",
})


#: The libraries whose version shapes what a build writes: folding (OpenCC), words (jieba's dictionary,
#: rjieba's cutting), the file format (Whoosh), repairs (pypinyin), saved pages (trafilatura and what it
#: reads with). Our requirements pin them; a different version installed means different words or text.
SHAPING_LIBRARIES = ("opencc", "jieba", "rjieba", "whoosh-reloaded", "pypinyin", "trafilatura", "htmldate",
                     "lxml", "w3lib", "charset-normalizer")


def library_versions() -> dict[str, str]:
    """The installed version of each of :data:`SHAPING_LIBRARIES` (``?`` when it cannot be told), read off
    the names of the installed distributions' ``.dist-info`` folders: ``importlib.metadata`` would cost a
    cold command 50 ms."""
    listings: dict[str, list[str]] = {}
    versions = {}
    for name in SHAPING_LIBRARIES:
        prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
        version = "?"
        for folder in sys.path:
            if not folder or not os.path.isdir(folder):
                continue
            if folder not in listings:
                try:
                    listings[folder] = os.listdir(folder)
                except OSError:
                    listings[folder] = []
            found = [entry for entry in listings[folder] if entry.lower().startswith(prefix)
                     and entry.endswith(".dist-info") and "-" not in entry[len(prefix):-len(".dist-info")]]
            if found:
                version = found[0][len(prefix):-len(".dist-info")]
                break
        versions[name] = version
    return versions


@cache
def code_version() -> str:
    """Fingerprint of the code, data and libraries that shape the index (``archive/`` and ``index/`` but
    :data:`READ_ONLY_MODULES`, the variant table, :func:`library_versions`); a change means a full rebuild,
    and an index built by other code is not served."""
    h = hashlib.sha256()
    h.update(json.dumps(library_versions(), sort_keys=True).encode())
    for rel in sorted(["archive", "index"]):
        for path in sorted([*(_PACKAGE_ROOT / rel).glob("*.py"), *(_PACKAGE_ROOT / rel).glob("*.json")]):
            if f"{rel}.{path.stem}" in READ_ONLY_MODULES and path.suffix == ".py":
                continue
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def damaged_index(gen: Path, problem: str) -> DamagedIndexError:
    """The error for a generation that cannot be trusted: what is wrong, and what to do."""
    return DamagedIndexError(N_("the index in %(dir)s is damaged (%(problem)s); rebuild it with `make index` "
                                "(or `archive build`)"), dir=str(gen), problem=problem)


def current_generation(index_dir: Path) -> Path | None:
    """The generation in service, or None if no build has completed."""
    try:
        name = (index_dir / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if name and gen.is_dir() else None


def current_stamp(index_dir: Path) -> tuple[int, int] | None:
    """Changes whenever a build swaps ``CURRENT`` (its mtime and inode); None without an index."""
    try:
        st = (index_dir / CURRENT_NAME).stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_ino)


def write_manifest(gen: Path) -> None:
    """Record the name and size of every file the generation holds (after the build wrote them all)."""
    sizes = {p.name: p.stat().st_size for p in sorted(gen.iterdir())
             if p.is_file() and p.name != MANIFEST_NAME and not p.name.endswith("WRITELOCK")}
    with open(gen / MANIFEST_NAME, "w", encoding="utf-8") as fh:
        json.dump(sizes, fh, indent=0)
        fh.flush()
        os.fsync(fh.fileno())


def verify_generation(gen: Path) -> None:
    """Raise :class:`DamagedIndexError` if a file of ``gen`` is missing or not the size the build wrote."""
    try:
        sizes = json.loads((gen / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise damaged_index(gen, f"{MANIFEST_NAME} is missing: it was never finished, "
                                 "or built by an older version") from exc
    except (OSError, ValueError) as exc:
        raise damaged_index(gen, f"{MANIFEST_NAME} cannot be read: {exc}") from exc
    for name, size in sizes.items():
        try:
            actual = (gen / name).stat().st_size
        except FileNotFoundError as exc:
            raise damaged_index(gen, f"{name} is missing") from exc
        if actual != size:
            raise damaged_index(gen, f"{name} has {actual:,} bytes, the build wrote {size:,}")


def open_current(index_dir: Path) -> tuple[Path, Searcher, Store]:
    """The generation in service, verified, with a BM25F searcher and its document store open.

    Raises :class:`NoIndexError` when nothing was ever built, :class:`DamagedIndexError` when a file is
    missing, truncated or unreadable: a damaged index is refused rather than answered from.
    """
    gen = current_generation(index_dir)
    if gen is None:
        raise NoIndexError(N_("no index in %(dir)s: build one with `archive build` (or `make index`)"),
                           dir=str(index_dir))
    verify_generation(gen)
    if generation_code(gen) != code_version():
        # Other code may clean, fold or segment differently: its answers could be wrong, not just stale.
        raise IndexError_(f"the index in {gen} was built by another version of the archive; rebuild it "
                          "with `make index` (or `archive build`)")
    searcher = None
    try:
        searcher = whoosh_index.open_dir(str(gen)).searcher(weighting=scoring.BM25F())
        return gen, searcher, Store(gen / STORE_NAME)
    except (OSError, EOFError, ValueError, KeyError, sqlite3.DatabaseError, whoosh_index.IndexError) as exc:
        if searcher is not None:  # a damaged index is opened again at every request: leak nothing
            searcher.close()
        raise damaged_index(gen, f"it cannot be read: {type(exc).__name__}: {exc}") from exc


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def finish_generation(gen: Path, code: str) -> None:
    """Seal a fully written generation: its code fingerprint, its manifest, all on disk."""
    (gen / CODE_NAME).write_text(code + "\n")
    write_manifest(gen)
    _fsync_dir(gen)


def generation_code(gen: Path) -> str | None:
    """The code fingerprint ``gen`` was built with, if it recorded one."""
    try:
        return (gen / CODE_NAME).read_text().strip()
    except FileNotFoundError:
        return None


#: The generations this index directory's builds created, one name a line: the only ones a build removes.
RECORD_NAME = "GENERATIONS"


def new_generation(index_dir: Path) -> Path:
    """A fresh, unique generation path (not yet created), recorded as the index's own before it is made."""
    gen = index_dir / f"{GENERATION_PREFIX}{time.time_ns()}-{os.getpid()}"
    with open(index_dir / RECORD_NAME, "a", encoding="utf-8") as fh:
        fh.write(gen.name + "\n")
    return gen


def clone_generation(src: Path, dst: Path) -> None:
    """Whoosh segment files are immutable: hard links are a safe, instant copy. SQLite is copied."""
    dst.mkdir()
    for path in src.iterdir():
        if path.name == STORE_NAME:
            shutil.copy2(path, dst / path.name)
        elif path.is_file() and not path.name.endswith(("WRITELOCK", ".lock")):
            try:
                os.link(path, dst / path.name)
            except OSError:
                shutil.copy2(path, dst / path.name)


def swap_current(index_dir: Path, gen: Path) -> None:
    """Put ``gen`` in service atomically: readers see the old generation or the new one, never neither."""
    tmp = index_dir / (CURRENT_NAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(gen.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT_NAME)
    _fsync_dir(index_dir)


def remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Remove the generations this index recorded (:data:`RECORD_NAME`), but those named in ``keep``.

    A folder the index did not create is never touched, whatever its name (a source folder ``gen-2019/``).
    """
    # Callers keep the generation just replaced: a server may still be answering from it.
    record = index_dir / RECORD_NAME
    try:
        ours = record.read_text(encoding="utf-8").split()
    except FileNotFoundError:  # built before builds kept a record: ours by their exact name and CODE file
        ours = [p.name for p in index_dir.glob(GENERATION_PREFIX + "*")
                if re.fullmatch(r"gen-\d+-\d+", p.name) and (p / CODE_NAME).is_file()]
    for name in ours:
        if name not in keep and name.startswith(GENERATION_PREFIX) and "/" not in name:
            shutil.rmtree(index_dir / name, ignore_errors=True)
    tmp = record.with_suffix(".tmp")
    tmp.write_text("".join(f"{name}\n" for name in ours if name in keep), encoding="utf-8")
    os.replace(tmp, record)
