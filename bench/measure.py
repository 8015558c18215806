"""Measuring a command: wall time and the peak memory of its whole process tree."""

from __future__ import annotations

import subprocess
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


def du(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]
