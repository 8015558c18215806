"""Measuring a command: wall time and the peak memory of its whole process tree."""

from __future__ import annotations

import subprocess
import sys
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


#: Runs ``argv[2:]`` in a child of its own and writes the child's wall seconds and ``ru_maxrss`` to ``argv[1]``.
_RUSAGE_CHILD = """import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{time.perf_counter() - started} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_rusage(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run ``cmd`` to completion; return (wall seconds, peak resident memory in bytes, stdout). Raises on failure.

    The peak is the kernel's own (``ru_maxrss``), not a sample: right for a command that lives a fraction of a
    second, where sampling every 0.1 s would miss it. Of the one process (and of descendants it waited for),
    not a sum over a tree: use :func:`run_measured` for that. The command is forked by a small Python process,
    not by this one: Linux keeps a process's peak across ``exec``, and ``subprocess`` starts children with
    ``vfork``, so a child of a large process would report the large process's peak as its own.
    """
    with tempfile.NamedTemporaryFile("r") as usage, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.run([sys.executable, "-c", _RUSAGE_CHILD, usage.name, *cmd], env=env,
                              stdout=subprocess.PIPE, stderr=err, text=True)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read()[-2000:]}")
        wall, maxrss = usage.read().split()
        return float(wall), int(maxrss) * 1024, proc.stdout


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
