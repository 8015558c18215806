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
gives each worker a :class:`ScanHelper` (the ``SCAN_HELPER`` setting), whose process starts when a scan
first needs it: ``python -m index.scan IN OUT``, which reads requests on the pipe ``IN`` and answers on
``OUT`` (pickled by :mod:`multiprocessing.connection`), one at a time. A request names the generation and
the texts file, so the helper maps what the worker maps; deadlines are ``time.monotonic()``, one clock for
every process of the machine. Anything wrong with the helper (it died, it cannot open the file) only means
the worker scans the rest itself: the same answer, later. A command run once starts none (starting one
costs more than it saves).
"""

from __future__ import annotations

import contextlib
import logging
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
_TIMEOUT = N_("the query ran past its time limit; make it more specific")
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
        return cls(Texts(gen, name), (Path(gen).resolve(), name))

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
            began = time.monotonic()
            first = here(needle, 0, mid, deadline)
            second = pending.result(deadline, patience=max(_PATIENCE, time.monotonic() - began))
        if second is None:  # no answer in time: this process scans the second half too
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
                    raise QueryTimeout(_TIMEOUT)
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
                    raise QueryTimeout(_TIMEOUT)
            i = find(pattern, stop + 1, end)
        keys = np.searchsorted(self._starts, np.array(at, dtype=np.int64), side="right") - 1
        return keys, np.array(counts, dtype=np.int64)

    def count(self, key: int, needle: str) -> int:
        """How many times the document under ``key`` holds ``needle`` (as ``str.count`` counts)."""
        return self._text.count(needle.encode("utf-8"), self.starts[key], self.starts[key + 1])


# --- the scan helper: a second process for the second half of a large file ----------------------------

#: A texts file smaller than this is scanned by one process alone (24 MB at 7,353 articles, 243 MB at
#: 73,530): below it, half a scan saves less than the round trip to the helper costs.
SPLIT_BYTES = 64 << 20
#: How long past its own half the worker waits for the helper's, at least (seconds); and at least as long
#: again as its own half took. A helper later than that (stopped, starved of CPU) is not waited for: the
#: worker scans the second half too, and the helper's answer is dropped when it comes.
_PATIENCE = 0.05
#: Seconds between two starts of the helper, when one fails or the helper keeps ending.
_RESTART_AFTER = 60.0
#: Seconds the helper waits for a request before it lets go of files that a build has removed.
_IDLE = 30.0
_READY = "ready"
_log = logging.getLogger(__name__)


class ScanHelper:
    """The parent's end of one helper process, started when a scan first needs it.

    One request at a time: a thread that finds the helper busy (another thread's request, or an answer
    still owed to one that was given up on) scans everything itself rather than wait. So at most one
    request is ever in flight, and neither pipe can fill.
    """

    def __init__(self, min_bytes: int = SPLIT_BYTES) -> None:
        self.min_bytes = min_bytes
        #: Seconds between two starts of the helper (:data:`_RESTART_AFTER`).
        self.restart_after = _RESTART_AFTER
        #: Requests the helper has answered (for tests and the curious).
        self.answered = 0
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._requests: Connection | None = None
        self._answers: Connection | None = None
        self._ready = False
        self._started = -float("inf")
        self._next = 0
        self._owed: int | None = None  # a request whose answer was never read
        self._closed = False

    def _spawn(self) -> None:
        self._started = time.monotonic()
        self._ready, self._owed = False, None
        read_here, write_there = os.pipe()
        read_there, write_here = os.pipe()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            # -P: the server's working directory must not shadow the package. A session of its own: a Ctrl-C
            # at the terminal stops the server, whose pipe closing ends the helper without a traceback.
            self._proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "index.scan", str(read_there), str(write_there)],
                pass_fds=(read_there, write_there), stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        except BaseException:
            os.close(read_here)
            os.close(write_here)
            raise
        finally:
            os.close(read_there)
            os.close(write_there)
        self._requests = Connection(write_here, readable=False)
        self._answers = Connection(read_here, writable=False)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether the helper can take a request now, waiting up to ``timeout`` seconds for it to say it is
        ready (it imports for ≈ 0.1 s). The helper is started here when it has not been, or has ended
        (killed, out of memory), at most once every :attr:`restart_after` seconds; a start that fails is
        logged, and the worker scans alone. Call it holding the lock (:meth:`part` does), or before any
        scan (a test)."""
        if self._closed:
            return False
        if self._proc is None or self._proc.poll() is not None:
            if time.monotonic() - self._started < self.restart_after:
                return False
            self._close()
            try:
                self._spawn()
            except (OSError, subprocess.SubprocessError) as exc:
                _log.warning("the scan helper could not start (the worker scans alone): %s", exc)
                return False
        assert self._answers is not None
        wait_until = time.monotonic() + timeout
        try:
            if not self._ready and self._answers.poll(timeout):
                self._ready = self._answers.recv() == (_READY,)
            while self._ready and self._owed is not None:
                if not self._answers.poll(max(0.0, wait_until - time.monotonic())):
                    break
                if self._answers.recv()[0] == self._owed:  # the answer nobody waited for: now read
                    self._owed = None
        except (EOFError, OSError):
            self._ready = False
        return self._ready and self._owed is None and self._proc.poll() is None

    @contextlib.contextmanager
    def part(self, gen: Path, name: str, entries: int, mode: str, needle: str, lo: int, hi: int,
             deadline: float) -> Iterator[_Pending | None]:
        """Ask the helper to run ``mode`` (``find`` or ``count``) for ``needle`` over the entries ``lo`` to
        ``hi`` of ``gen``'s texts file ``name`` (of ``entries`` entries); yields what to collect the answer
        with (inside the ``with``), or None when the helper cannot take it now."""
        if not self._lock.acquire(blocking=False):
            yield None
            return
        pending = None
        try:
            if self.ready():
                assert self._requests is not None
                self._next += 1
                try:
                    self._requests.send((self._next, str(gen), name, entries, mode, needle, lo, hi, deadline))
                    pending = _Pending(self, self._next)
                except OSError:
                    self._ready = False
        except BaseException:
            self._lock.release()
            raise
        if pending is None:
            self._lock.release()
            yield None
            return
        try:
            yield pending
        finally:
            if not pending.collected:
                self._owed = pending.rid  # read by the next request before it asks anything
            self._lock.release()

    def _collect(self, pending: _Pending, deadline: float, patience: float) -> Any:
        assert self._answers is not None
        wait_until = min(deadline, time.monotonic() + patience)
        while True:
            try:
                if not self._answers.poll(max(0.0, wait_until - time.monotonic())):
                    return None  # late: the worker does the part itself
                answer = self._answers.recv()
            except (EOFError, OSError):
                self._ready = False
                pending.collected = True
                return None
            if answer[0] != pending.rid:
                continue
            pending.collected = True
            _, status, value = answer
            if status == "ok":
                self.answered += 1
                return value
            if status == "timeout":
                raise QueryTimeout(_TIMEOUT)
            _log.warning("the scan helper failed (the worker scans alone): %s", value)
            return None

    def close(self) -> None:
        """End the helper for good: closing its pipe ends its loop (waits for a request in flight)."""
        with self._lock:
            self._closed = True
            self._close()

    def _close(self) -> None:
        for conn in (self._requests, self._answers):
            if conn is not None:
                conn.close()
        self._requests = self._answers = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


class _Pending:
    """A request sent to the helper; its answer is read with :meth:`result` inside :meth:`ScanHelper.part`'s
    ``with`` (which holds the helper's lock)."""

    def __init__(self, helper: ScanHelper, rid: int) -> None:
        self._helper, self.rid = helper, rid
        self.collected = False

    def result(self, deadline: float, patience: float = _PATIENCE) -> Any:
        """The helper's answer, waited for ``patience`` seconds at most (never past ``deadline``); None if it
        has none by then (late, failed, ended): the caller scans the part itself. QueryTimeout if the helper
        ran past ``deadline``."""
        return self._helper._collect(self, deadline, patience)


_running: ScanHelper | None = None
_running_lock = threading.Lock()


def use_scan_helper(min_bytes: int = SPLIT_BYTES) -> ScanHelper:
    """Give this process a scan helper (one per process; a second call replaces the first): a scan of a texts
    file of ``min_bytes`` or more is then shared with it. Its process starts when a scan first needs it, so
    an archive too small to share a scan never starts one."""
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
    """This process's helper, if it was given one (:func:`use_scan_helper`)."""
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

    def let_go_of_removed() -> None:
        # A build removes the generations it replaced: a mapping kept would keep their disk space in use.
        for key in [k for k in opened if not (Path(k[0]) / f"{k[1]}.bin").exists()]:
            del opened[key]

    answers.send((_READY,))
    while True:
        try:
            if not requests.poll(_IDLE):
                let_go_of_removed()
                continue
            rid, gen, name, entries, mode, needle, lo, hi, deadline = requests.recv()
        except (EOFError, OSError):  # the worker has ended (perhaps in the middle of a request)
            return
        try:
            if time.monotonic() > deadline:
                raise QueryTimeout(_TIMEOUT)
            let_go_of_removed()
            haystack = opened.get((gen, name))
            if haystack is None:
                haystack = opened[(gen, name)] = Haystack(Texts(Path(gen), name))
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
