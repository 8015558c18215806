"""Issue 13: hostile clients beside normal ones — idle sockets, slow sockets, the worst concordance in a loop.

``python -m bench hostile --port P`` runs them against a server already listening on loopback port P, while
one client searches, and prints how long each search took. ``bench.soak`` starts the same clients while
wrk runs. Loopback only.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

WORST_CONCORDANCE = f"/api/kwic?q={quote('，')}&width=200"
SLOW_REQUEST = (b"GET /api/search?q=%E5%85%9A%E5%BB%BA HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
                + b"\r\n\r\n")


def _connect(port: int) -> socket.socket | None:
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return None


def _reconnecting(port: int, stop: threading.Event, talk: Callable[[socket.socket], None]) -> None:
    """Keep a connection doing ``talk`` until ``stop``: when the server closes it, another takes its place."""
    while not stop.is_set():
        sock = _connect(port)
        if sock is None:
            stop.wait(0.2)
            continue
        try:
            talk(sock)
        except OSError:
            pass
        finally:
            sock.close()


def _idle(port: int, stop: threading.Event) -> None:
    """A socket that sends nothing."""

    def wait(sock: socket.socket) -> None:
        sock.settimeout(1.0)
        while not stop.is_set():
            try:
                if sock.recv(1) == b"":  # closed by the server
                    return
            except TimeoutError:
                continue

    _reconnecting(port, stop, wait)


def _slow(port: int, stop: threading.Event) -> None:
    """A client sending its request a byte a second."""

    def dribble(sock: socket.socket) -> None:
        for byte in SLOW_REQUEST:
            if stop.wait(1.0):
                return
            sock.sendall(bytes([byte]))

    _reconnecting(port, stop, dribble)


def _get(port: int, path: str, timeout: float = 60) -> tuple[int, float, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        size = len(response.read())
        return response.status, time.perf_counter() - started, size
    except OSError:
        return 0, time.perf_counter() - started, 0
    finally:
        conn.close()


def _concordance_loop(port: int, stop: threading.Event, log: list[tuple[int, float, int]]) -> None:
    while not stop.is_set():
        log.append(_get(port, WORST_CONCORDANCE))


@contextmanager
def hostile_clients(port: int, idle: int = 50, slow: int = 30, concordance: bool = True) -> Iterator[dict]:
    """Run the hostile clients while the block runs; the dict fills with what the concordance loop got."""
    stop = threading.Event()
    kwic_log: list[tuple[int, float, int]] = []
    threads = [threading.Thread(target=_idle, args=(port, stop), daemon=True) for _ in range(idle)]
    threads += [threading.Thread(target=_slow, args=(port, stop), daemon=True) for _ in range(slow)]
    if concordance:
        threads.append(threading.Thread(target=_concordance_loop, args=(port, stop, kwic_log), daemon=True))
    for t in threads:
        t.start()
    report: dict = {"idle": idle, "slow": slow}
    try:
        yield report
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=15)
        report["concordances"] = len(kwic_log)
        report["concordance_statuses"] = sorted({s for s, _, _ in kwic_log})
        report["concordance_max_s"] = round(max((t for _, t, _ in kwic_log), default=0.0), 2)
        report["concordance_max_bytes"] = max((n for _, _, n in kwic_log), default=0)


def probe(port: int, seconds: float, path: str = f"/api/search?q={quote('党建')}") -> dict:
    """One client searching for ``seconds``: each search's status and time."""
    times, statuses = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, took, _ = _get(port, path, timeout=30)
        statuses.append(status)
        times.append(took)
        time.sleep(0.2)
    times.sort()
    return {"searches": len(times), "statuses": sorted(set(statuses)), "max_s": round(times[-1], 3),
            "p50_s": round(times[len(times) // 2], 3), "over_1s": sum(t > 1 for t in times)}


def hostile(port: int, seconds: float = 30, idle: int = 50, slow: int = 30) -> dict:
    with hostile_clients(port, idle, slow) as report:
        time.sleep(2)  # every socket open
        report.update(probe(port, seconds))
    print(json.dumps(report))
    return report
