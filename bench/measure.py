"""Measuring a command: wall time and the peak memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


def descendants(pid: int) -> list[int]:
    """Every process forked by ``pid``, and theirs (``/proc/PID/task/TID/children``; psutil's listing of every
    process on the machine where the kernel does not keep those files)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except FileNotFoundError:
                if (task / "stat").exists():  # a kernel without CONFIG_PROC_CHILDREN
                    try:
                        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
                    except psutil.Error:
                        return []
                continue  # the thread ended
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def tree_memory(proc: psutil.Process) -> int:
    """Memory of ``proc`` and every descendant (forked workers count too), in bytes.

    Proportional set size: a page that forked processes share is counted once, split between them,
    where plain RSS would count it in each (the workers share the parent's pages until they write).

    Read from the kernel's own files: psutil's way (every process on the machine listed to find the
    children, then each one's ``memory_full_info``) took 23 ms of CPU a sample, a quarter of a core at one
    sample each 0.1 s, which a build using both cores lost and a one-core build (FTS5's) did not.
    """
    total = 0
    for pid in [proc.pid, *descendants(proc.pid)]:
        try:
            total += smaps_rollup(pid).get("Pss", 0)
        except OSError:  # ended between the listing and the read
            continue
    return total


def run_measured(cmd: list[str], env: dict | None = None, interval: float = 0.1) -> tuple[float, int, str]:
    """Run ``cmd`` to completion; return (wall seconds, peak tree memory (PSS) in bytes, stdout). Raises on failure.

    The kernel walks every page of a process to give its PSS: a sample of a 7,353-article build (three
    processes, 0.5 GB) took 25 ms of CPU. Sampled each 0.1 s that was a quarter of a core, taken from a build
    that uses both cores and not from one that uses one (FTS5's). So the sampler runs at the lowest priority
    (``nice`` 19, its thread only) and waits at least four times the CPU its last sample took."""
    started = time.perf_counter()
    popen = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # Linux: this thread alone
        except (AttributeError, OSError):
            pass
        while not stop.is_set():
            took = time.thread_time()  # its CPU: a niced thread's sample takes long on a busy machine
            peak = max(peak, tree_memory(proc))
            stop.wait(max(interval, 4 * (time.thread_time() - took)))

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
