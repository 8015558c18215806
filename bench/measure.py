"""Measuring a command: wall time and the peak memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil


def tree_memory(proc: psutil.Process) -> int:
    """Memory of ``proc`` and every descendant (forked workers count too), in bytes.

    Proportional set size: a page that forked processes share is counted once, split between them,
    where plain RSS would count it in each (the workers share the parent's pages until they write).
    """
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def run_measured(cmd: list[str], env: dict | None = None, interval: float = 0.1) -> tuple[float, int, str]:
    """Run ``cmd`` to completion; return (wall seconds, peak tree memory (PSS) in bytes, stdout). Raises on failure."""
    started = time.perf_counter()
    popen = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, tree_memory(proc))
            except psutil.NoSuchProcess:
                return
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = popen.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if popen.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({popen.returncode}):\n{err[-2000:]}")
    return wall, peak, out


def run_rusage(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run ``cmd`` to completion; return (wall seconds, peak resident memory in bytes, stdout). Raises on failure.

    The peak is the kernel's own (``ru_maxrss`` of the child, from ``wait4``), not a sample: right for a
    command that lives a fraction of a second, where sampling every 0.1 s would miss the peak. Of the one
    process (and of descendants it waited for), not a sum over a tree: use :func:`run_measured` for that.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        popen = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(popen.pid, 0)
        wall = time.perf_counter() - started
        popen.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        out.seek(0)
        err.seek(0)
        if popen.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({popen.returncode}):\n{err.read()[-2000:]}")
        return wall, usage.ru_maxrss * 1024, out.read()


def smaps_rollup(pid: int) -> dict[str, int]:
    """The kernel's memory totals of one process, in bytes, by name: ``Rss``, ``Pss``, ``Anonymous``, …
    (``/proc/PID/smaps_rollup``, Linux 4.14+). ``Anonymous`` counts the private, anonymous pages mapped,
    those a forked child still shares with its parent included; ``Pss`` splits every shared page."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        value = rest.split()
        if len(value) == 2 and value[1] == "kB":
            out[key] = int(value[0]) * 1024
    return out


def du(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]
