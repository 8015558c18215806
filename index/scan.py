"""Exact phrase matching: a substring scan of every document's folded text, with StringZilla's SIMD search.

The folded texts are one UTF-8 buffer, a file of the index generation mapped read-only
(:mod:`index.mapped`): each document's title and paragraphs separated by ``\\n``, documents separated by
NUL. UTF-8 is self-synchronising, so the bytes of a folded needle match
only at character boundaries; a needle holds neither separator (queries are normalised to single spaces
and control characters are dropped), so every match lies inside the title or inside one paragraph. That
is the definition of a phrase match, tested by a plain ``in`` on the same strings.

A large file is scanned by two processes (issue 16). A common word at 735,300 articles is a scan of 2.4 GB
and a loop of Python over the ≈ 290,000 documents that hold it: two thirds of its time. StringZilla holds
the interpreter while it searches, so a second thread gains nothing (two threads took 128 ms where one took
108); a second process does, and it maps the same file, which the page cache holds once. ``archive serve``
starts a :class:`ScanHelper` in each worker (the ``SCAN_HELPER`` setting): ``python -m index.scan IN OUT``,
which reads requests on the pipe ``IN`` and answers on ``OUT`` (pickled by :mod:`multiprocessing.connection`),
one at a time. A request names the generation and the texts file, so the helper maps what the worker maps;
deadlines are ``time.monotonic()``, one clock for every process of the machine. Anything wrong with the
helper (it died, it cannot open the file) only means the worker scans the rest itself: the same answer,
later. A command run once starts none (starting one costs more than it saves).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
import stringzilla

from index.errors import N_, QueryTimeout
from index.mapped import ENTRY_END, LINE_SEP, Texts
from index.sets import intersect

PARAGRAPH_SEP = LINE_SEP
DOCUMENT_SEP = ENTRY_END.decode()
_CHECK_EVERY = 4096  # matches between two looks at the clock
_END = ENTRY_END


def _pattern(needle: str) -> bytes:
    """The bytes a needle is searched as; a needle holding a separator would match across lines."""
    if not needle or PARAGRAPH_SEP in needle or DOCUMENT_SEP in needle:
        raise ValueError(f"not a searchable needle: {needle!r}")
    return needle.encode("utf-8")


class Haystack:
    """The documents of a texts file (:class:`index.mapped.Texts`), each under its docnum, searched in place:
    the file is mapped, never read into the process. Opened with :meth:`open`, a large one is scanned half
    here and half in the process's scan helper, if it has one (:class:`ScanHelper`)."""

    def __init__(self, texts: Texts, where: tuple[Path, str] | None = None) -> None:
        self._texts = texts
        self._where = where  # the generation and the file's name, for the helper to map it too
        self.starts = texts.starts
        self._starts = np.frombuffer(texts.starts, dtype=np.int64)  # the same mapping, for numpy
        self._text = stringzilla.Str(texts.buffer)  # a view of the mapping, not a copy

    @classmethod
    def open(cls, gen: Path, name: str) -> Haystack:
        """The texts file ``name`` of the generation ``gen``, mapped."""
        return cls(Texts(gen, name), (gen, name))

    def __len__(self) -> int:
        return len(self._texts)

    def text(self, key: int) -> str:
        """The folded text of the document under ``key``, as it was written."""
        return self._texts.text(key)

    def find(self, needle: str, deadline: float, within: np.ndarray | None = None) -> np.ndarray:
        """The keys of every document holding ``needle``, sorted (limited to the sorted keys ``within`` when
        given)."""
        pattern = _pattern(needle)
        starts, text, n = self.starts, self._text, len(self)
        if within is not None and len(within) * 8 < n:
            # A few documents: look in each one's own range.
            return np.array([key for key in within.tolist()
                             if 0 <= key < n and text.find(pattern, starts[key], starts[key + 1]) != -1],
                            dtype=np.int64)
        found = self._shared("find", needle, deadline)
        return found if within is None else intersect(found, within)

    def count_each(self, needle: str, deadline: float) -> tuple[np.ndarray, np.ndarray]:
        """The keys of the documents holding ``needle``, in key order, and how many times each holds it,
        counted as ``str.count`` counts (left to right, not overlapping: in UTF-8 the byte matches are the
        character matches)."""
        return self._shared("count", needle, deadline)

    def _shared(self, mode: str, needle: str, deadline: float) -> Any:
        """``find_range`` or ``count_range`` over every document: the second half of the bytes in the scan
        helper, when there is one and the file is large enough, while this process scans the first."""
        here = self.find_range if mode == "find" else self.count_range
        n, helper = len(self), running_helper()
        if helper is None or self._where is None or self._starts[-1] < max(helper.min_bytes, 1) or n < 2:
            return here(needle, 0, n, deadline)
        # The halves split the bytes, not the documents: the scan's time is the bytes' (and the matches').
        mid = min(max(int(np.searchsorted(self._starts, self._starts[-1] // 2)), 1), n - 1)
        gen, name = self._where
        with helper.part(gen, name, n, mode, needle, mid, n, deadline) as pending:
            if pending is None:
                return here(needle, 0, n, deadline)
            first = here(needle, 0, mid, deadline)
            try:
                second = pending.result(deadline)
            except HelperUnavailable:
                second = here(needle, mid, n, deadline)
        if mode == "find":
            return np.concatenate([first, second])
        return np.concatenate([first[0], second[0]]), np.concatenate([first[1], second[1]])

    def find_range(self, needle: str, lo: int, hi: int, deadline: float) -> np.ndarray:
        """The keys from ``lo`` to ``hi`` (not included) whose documents hold ``needle``, sorted."""
        pattern = _pattern(needle)
        start, end = self.starts[lo], self.starts[hi]
        # One match per document is enough: after one, the search goes on past the document's end (a NUL,
        # found by a byte search). The matches' documents are looked up all at once at the end.
        # The loop runs once per document holding the needle (28,850 of 73,530 for 进行): kept lean.
        find, at = self._text.find, []
        append, left = at.append, _CHECK_EVERY
        i = find(pattern, start, end)
        while i != -1:
            append(i)
            left -= 1
            if not left:
                left = _CHECK_EVERY
                if time.monotonic() > deadline:
                    raise QueryTimeout(N_("the query ran past its time limit; make it more specific"))
            i = find(pattern, find(_END, i) + 1, end)
        return np.searchsorted(self._starts, np.array(at, dtype=np.int64), side="right") - 1

    def count_range(self, needle: str, lo: int, hi: int, deadline: float) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`count_each` of the keys from ``lo`` to ``hi`` (not included)."""
        pattern = _pattern(needle)
        start, end = self.starts[lo], self.starts[hi]
        find, count = self._text.find, self._text.count
        at, counts = [], []
        append_at, append_count, left = at.append, counts.append, _CHECK_EVERY
        i = find(pattern, start, end)
        while i != -1:
            stop = find(_END, i)
            append_at(i)
            append_count(count(pattern, i, stop))
            left -= 1
            if not left:
                left = _CHECK_EVERY
                if time.monotonic() > deadline:
                    raise QueryTimeout(N_("the query ran past its time limit; make it more specific"))
            i = find(pattern, stop + 1, end)
        keys = np.searchsorted(self._starts, np.array(at, dtype=np.int64), side="right") - 1
        return keys, np.array(counts, dtype=np.int64)

    def count(self, key: int, needle: str) -> int:
        """How many times the document under ``key`` holds ``needle`` (as ``str.count`` counts)."""
        return self._text.count(needle.encode("utf-8"), self.starts[key], self.starts[key + 1])


# --- the scan helper: a second process for the second half of a large file ----------------------------

#: A texts file smaller than this is scanned by one process: the round trip to the helper (≈ 0.2 ms) and
#: the two processes' page-table walks cost more than half a scan of it saves (24 MB at 7,353 articles).
SPLIT_BYTES = 64 << 20
#: How many opened texts files the helper keeps (a build swaps in a new generation while the old one may
#: still answer the requests that began on it).
_KEEP_OPEN = 4
_READY = "ready"
#: Seconds between starts of a helper that keeps ending.
_RESTART_AFTER = 60.0


class HelperUnavailable(Exception):
    """The helper cannot answer this request (it died, or failed): the caller scans the part itself."""


class ScanHelper:
    """The parent's end of one helper process; one request at a time (a lock, never waited for: a thread
    that finds it taken scans everything itself)."""

    def __init__(self, min_bytes: int = SPLIT_BYTES) -> None:
        self.min_bytes = min_bytes
        #: Seconds between starts of a helper that keeps ending.
        self.restart_after = _RESTART_AFTER
        #: Requests the helper has answered (for tests and the curious).
        self.answered = 0
        self._lock = threading.Lock()
        self._next = 0
        self._spawn()

    def _spawn(self) -> None:
        self._ready = False
        self._started = time.monotonic()
        read_here, write_there = os.pipe()
        read_there, write_here = os.pipe()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            # A session of its own: a Ctrl-C at the terminal stops the server, which closes the pipe, which
            # ends the helper; it must not print a traceback of its own.
            self._proc = subprocess.Popen([sys.executable, "-m", "index.scan", str(read_there), str(write_there)],
                                          pass_fds=(read_there, write_there), stdin=subprocess.DEVNULL,
                                          env=env, start_new_session=True)
        except BaseException:
            for fd in (read_here, write_here):
                os.close(fd)
            raise
        finally:
            os.close(read_there)
            os.close(write_there)
        self._requests = Connection(write_here, readable=False)
        self._answers = Connection(read_here, writable=False)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether the helper is ready for a request, waiting up to ``timeout`` seconds for it to say so (it
        imports for ≈ 0.1 s). One that has ended (killed, out of memory) is started again, at most once every
        :attr:`restart_after` seconds; until it is, the worker scans alone."""
        if self._proc.poll() is not None:
            if time.monotonic() - self._started < self.restart_after:
                return False
            self._close()
            self._spawn()
        if not self._ready:
            try:
                if self._answers.poll(timeout):
                    self._ready = self._answers.recv() == (_READY,)
            except (EOFError, OSError):
                self._ready = False
        return self._ready and self._proc.poll() is None

    @contextlib.contextmanager
    def part(self, gen: Path, name: str, entries: int, mode: str, needle: str, lo: int, hi: int,
             deadline: float) -> Iterator[_Pending | None]:
        """Ask the helper to run ``mode`` (``find`` or ``count``) for ``needle`` over the entries ``lo`` to
        ``hi`` of ``gen``'s texts file ``name`` (of ``entries`` entries); yields what to collect the answer
        with, or None when the helper is busy with another thread's request or not ready."""
        if not self._lock.acquire(blocking=False):
            yield None
            return
        try:
            if not self.ready():
                yield None
                return
            self._next += 1
            try:
                self._requests.send((self._next, str(gen), name, entries, mode, needle, lo, hi, deadline))
            except OSError:
                self._ready = False
                yield None
                return
            yield _Pending(self, self._next)
        finally:
            self._lock.release()

    def _collect(self, rid: int, deadline: float) -> Any:
        while True:
            try:
                if not self._answers.poll(max(0.0, deadline - time.monotonic())):
                    # The helper goes on until its own look at the same deadline; its late answer is dropped
                    # by the next request, which skips answers that are not its own.
                    raise QueryTimeout(N_("the query ran past its time limit; make it more specific"))
                answer = self._answers.recv()
            except (EOFError, OSError) as exc:
                self._ready = False
                raise HelperUnavailable("the scan helper has ended") from exc
            if answer[0] != rid:
                continue
            _, status, value = answer
            if status == "ok":
                self.answered += 1
                return value
            if status == "timeout":
                raise QueryTimeout(N_("the query ran past its time limit; make it more specific"))
            raise HelperUnavailable(value)

    def close(self) -> None:
        """End the helper: closing its pipe ends its loop."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        for conn in (self._requests, self._answers):
            conn.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


class _Pending:
    def __init__(self, helper: ScanHelper, rid: int) -> None:
        self._helper, self._rid = helper, rid

    def result(self, deadline: float) -> Any:
        """The helper's answer; :class:`HelperUnavailable` if it has none, QueryTimeout past ``deadline``."""
        return self._helper._collect(self._rid, deadline)


_running: ScanHelper | None = None
_running_lock = threading.Lock()


def start_scan_helper(min_bytes: int = SPLIT_BYTES) -> ScanHelper:
    """Start this process's helper (one per process; a second call replaces the first): from then on, a
    scan of a texts file of ``min_bytes`` or more is shared with it."""
    global _running
    with _running_lock:
        if _running is not None:
            _running.close()
        _running = ScanHelper(min_bytes)
        return _running


def stop_scan_helper() -> None:
    """End this process's helper, if it has one: every scan is the process's own again."""
    global _running
    with _running_lock:
        if _running is not None:
            _running.close()
            _running = None


def running_helper() -> ScanHelper | None:
    """This process's helper, if one was started here."""
    return _running


def _forget_helper_in_child() -> None:
    """A forked child has no helper: the parent's pipes are the parent's."""
    global _running, _running_lock
    _running = None
    _running_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_helper_in_child)


# --- the helper's side ------------------------------------------------------------------------------

def _serve(requests: Connection, answers: Connection) -> None:
    opened: dict[tuple[str, str], Haystack] = {}
    answers.send((_READY,))
    while True:
        try:
            rid, gen, name, entries, mode, needle, lo, hi, deadline = requests.recv()
        except EOFError:  # the worker has ended, or closed its end
            return
        try:
            haystack = opened.pop((gen, name), None) or Haystack(Texts(Path(gen), name))
            opened[(gen, name)] = haystack  # the most recently used last
            while len(opened) > _KEEP_OPEN:
                del opened[next(iter(opened))]
            if len(haystack) != entries:
                raise ValueError(f"{gen}/{name} holds {len(haystack)} entries, the worker's {entries}")
            if mode == "find":
                value: Any = haystack.find_range(needle, lo, hi, deadline)
            elif mode == "count":
                value = haystack.count_range(needle, lo, hi, deadline)
            else:
                raise ValueError(f"no such scan: {mode!r}")
            answer: tuple = (rid, "ok", value)
        except QueryTimeout:
            answer = (rid, "timeout", None)
        except Exception as exc:  # any failure is told to the worker, which scans itself
            answer = (rid, "error", f"{type(exc).__name__}: {exc}")
        try:
            answers.send(answer)
        except OSError:  # the worker has ended
            return


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve(Connection(int(argv[1]), writable=False), Connection(int(argv[2]), readable=False))


if __name__ == "__main__":
    main(sys.argv)
