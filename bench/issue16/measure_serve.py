"""Issue 16's serving figures: ``python bench/issue16/measure_serve.py IX PORT WORKERS [QUERY_IX]``.

Starts ``archive serve --workers WORKERS`` on IX, times its first answer, asks the 60 bench queries (chosen
from QUERY_IX, the 1× index, default /tmp/ix1) three times over HTTP one at a time, the first page of the
concordance of 的 and of 党建, then reads ``Anonymous:`` and ``Pss:`` of every process of the server."""

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

from bench.perf import folded_texts
from bench.queries import choose_queries


def memory(pid: int) -> tuple[int, int]:
    """(anonymous, PSS) bytes of a process, from /proc/PID/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Anonymous", "Pss"):
            fields[name] = int(rest.split()[0]) * 1024
    return fields["Anonymous"], fields["Pss"]


def main() -> None:
    ix, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    query_ix = Path(sys.argv[4] if len(sys.argv) > 4 else "/tmp/ix1")

    def get(path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            return r.read()

    started = time.time()
    proc = subprocess.Popen([".venv/bin/archive", "serve", "--index-dir", ix, "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            get("/api/search?q=" + urllib.parse.quote("党建"))
            break
        except OSError:
            time.sleep(0.05)
    ready = time.time() - started
    queries = choose_queries([body for _, _, body in folded_texts(query_ix)])
    latency: dict[str, list[float]] = {}
    for _ in range(3):
        for query in queries:
            t = time.perf_counter()
            get("/api/search?q=" + urllib.parse.quote(query.text))
            latency.setdefault(query.kind, []).append((time.perf_counter() - t) * 1000)
    every = sorted(v for values in latency.values() for v in values)
    t = time.perf_counter()
    try:
        get("/api/kwic?q=" + urllib.parse.quote("的"))
        kwic_status: object = 200
    except OSError as exc:
        kwic_status = str(exc)
    kwic = time.perf_counter() - t
    t = time.perf_counter()
    get("/api/kwic?q=" + urllib.parse.quote("党建"))
    kwic2 = time.perf_counter() - t
    per = [memory(k.pid) for k in psutil.Process(proc.pid).children(recursive=True)]
    arbiter = memory(proc.pid)
    print(json.dumps({
        "ready_s": round(ready, 2), "p50_ms": round(every[len(every) // 2], 1),
        "p95_ms": round(every[int(len(every) * 0.95)], 1),
        "per_kind_p95": {k: round(sorted(v)[int(len(v) * 0.95)], 1) for k, v in latency.items()},
        "kwic_s": round(kwic, 2), "kwic_status": kwic_status, "kwic_党建_s": round(kwic2, 2),
        "workers_anon_MB": [round(a / 2**20) for a, _ in per], "arbiter_anon_MB": round(arbiter[0] / 2**20),
        "anon_total_MB": round((sum(a for a, _ in per) + arbiter[0]) / 2**20),
        "pss_total_MB": round((sum(p for _, p in per) + arbiter[1]) / 2**20)}, ensure_ascii=False))
    proc.terminate()
    proc.wait()


if __name__ == "__main__":
    main()
