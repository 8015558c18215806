"""Issue 5: our archive against SQLite FTS5 (trigram) and Tantivy + jieba, built and queried in one run.

``python -m bench perf --copies 1`` (7,353 articles) or ``--copies 10`` (73,530). Each engine is built
from the same ``.txt`` files in its own process (wall time and peak memory of its process tree); then
the same 60 queries are asked of each, warm, top 10 with snippets: ours over HTTP (gunicorn, the
product as served) and in-process, the peers in-process. Phrase recall and precision are checked
against a plain substring scan. Results go to ``bench/data/perf-<copies>.json`` and a table on stdout.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from bench.corpus import write_inews
from bench.measure import du, pct, run_measured
from bench.peers import PEERS
from bench.queries import KINDS, Query, choose_queries

DATA = Path(__file__).resolve().parent / "data"
#: Timed runs per query after one warm-up run.
REPEAT = 5
TARGETS = {1: {"build_ratio": 2.0, "p95_ms": 50.0}, 10: {"build_ratio": 2.5, "p95_ms": 200.0, "peak_mb": 1024}}


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": round(mem / 2**20, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "whoosh-reloaded": version("whoosh-reloaded"), "tantivy": version("tantivy"),
            "rjieba": version("rjieba")}


def timed(fn, repeat: int = REPEAT) -> list[float]:
    """Milliseconds of ``repeat`` warm calls (after one untimed call)."""
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summarize(latencies: dict[str, list[float]]) -> dict:
    every = [x for xs in latencies.values() for x in xs]
    out = {k: {"p50": round(pct(v, 50), 1), "p95": round(pct(v, 95), 1)} for k, v in latencies.items()}
    out["all"] = {"p50": round(pct(every, 50), 1), "p95": round(pct(every, 95), 1)}
    return out


# --- building ------------------------------------------------------------------------------------

#: Builds per engine: the median is reported (this machine's speed drifts by ±20 % from minute to minute),
#: ours and the peers taking turns so that a slow spell hits them alike. One at ten copies (minutes each).
BUILD_RUNS = {1: 3, 10: 1}


def build_all(corpus: Path, copies: int, log) -> dict[str, dict]:
    """Build every engine from scratch ``BUILD_RUNS`` times, in turns; median wall time, worst peak memory."""
    commands = {"ours": [sys.executable, "-m", "cli", "build", "--source", str(corpus),
                         "--index-dir", str(DATA / f"ix-ours-{copies}")]}
    for name in PEERS:
        commands[name] = [sys.executable, "-m", "bench.peers", "build", name, str(corpus),
                          str(DATA / f"{name}-{copies}")]
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for k in range(BUILD_RUNS[copies]):
        for name, cmd in commands.items():
            log(f"building {name} ({k + 1}/{BUILD_RUNS[copies]}) …")
            if name == "ours":
                shutil.rmtree(DATA / f"ix-ours-{copies}", ignore_errors=True)
            wall, peak, _ = run_measured(cmd)
            runs[name].append((wall, peak))
            log(f"  {wall:.2f} s, {peak / 2**20:.0f} MB")
    out = {}
    for name, results in runs.items():
        workdir = DATA / (f"ix-ours-{copies}" if name == "ours" else f"{name}-{copies}")
        out[name] = {"build_s": round(statistics.median(w for w, _ in results), 2),
                     "build_runs": [round(w, 2) for w, _ in results],
                     "peak_mb": round(max(p for _, p in results) / 2**20), "size_mb": round(du(workdir) / 1e6, 1)}
    return out


def reindex_one(corpus: Path, ix: Path) -> dict:
    """Change one article, rebuild (the figure), put it back, rebuild again."""
    path = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
    original = path.read_bytes()
    cmd = [sys.executable, "-m", "cli", "build", "--source", str(corpus), "--index-dir", str(ix)]
    try:
        path.write_bytes(original + "补记：本文有一处更正。\n".encode())
        changed, _, out = run_measured(cmd)
    finally:
        path.write_bytes(original)
    restored, _, out2 = run_measured(cmd)
    unchanged, _, out3 = run_measured(cmd)
    return {"file": path.name, "changed_s": round(changed, 2), "restored_s": round(restored, 2),
            "unchanged_s": round(unchanged, 2), "summaries": [out.strip(), out2.strip(), out3.strip()]}


# --- querying ------------------------------------------------------------------------------------

def http_get(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    """GET ``path`` from a server on loopback ``port``, on a connection of its own: (status, body)."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        con.request("GET", path)
        resp = con.getresponse()
        return resp.status, resp.read()
    finally:
        con.close()


class Server:
    """``archive serve`` (gunicorn, two workers) on a free loopback port, for as long as the block runs."""

    def __init__(self, ix: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "ARCHIVE_INDEX_DIR": str(ix)}
        self.proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(self, path: str) -> tuple[int, bytes]:
        return http_get(self.port, path, timeout=60)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                # Both workers open the index at start; ask twice so each has answered once.
                if all(self.get("/api/search?q=" + quote("中国"))[0] == 200 for _ in range(4)):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("archive serve did not answer within 300 s")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def query_ours_http(server: Server, queries: list[Query]) -> tuple[dict, dict[str, int]]:
    lat: dict[str, list[float]] = {k: [] for k in KINDS}
    totals: dict[str, int] = {}
    for query in queries:
        path = f"/api/search?limit=10&q={quote(query.text)}"

        def ask(path: str = path) -> None:
            status, body = server.get(path)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")

        lat[query.kind] += timed(ask)
        page = json.loads(server.get(path)[1])
        assert all(h["passages"] for h in page["hits"]), f"{query.text}: a hit without snippets"
        totals[query.text] = page["total"]
    return summarize(lat), totals


def query_ours_inprocess(ix: Path, queries: list[Query]) -> dict:
    from index.search import Engine

    engine = Engine(ix, time_limit=60)
    lat: dict[str, list[float]] = {k: [] for k in KINDS}
    for query in queries:
        lat[query.kind] += timed(lambda query=query: engine.search(query.text, limit=10))
    engine.close()
    return summarize(lat)


def query_peer(peer, queries: list[Query]) -> tuple[dict, dict[str, int]]:
    lat: dict[str, list[float]] = {k: [] for k in KINDS}
    totals: dict[str, int] = {}
    for query in queries:
        lat[query.kind] += timed(lambda query=query: peer.search(query.kind, list(query.terms), 10))
        totals[query.text] = peer.search(query.kind, list(query.terms), 10)[0]
    return summarize(lat), totals


# --- exactness -------------------------------------------------------------------------------------

def folded_texts(ix: Path) -> list[tuple[str, str, str]]:
    """(id, folded title and front matter, folded body) of every document, sorted by id, from the
    generation's mapped files (the folded text we scan)."""
    from index.generation import current_generation
    from index.mapped import FOLDED, IDS, Texts
    from index.store import FRONT_FIELDS

    gen = current_generation(ix)
    assert gen is not None
    out = []
    for doc_id, text in zip(Texts(gen, IDS), Texts(gen, FOLDED), strict=True):
        if doc_id:
            lines = text.split("\n")
            out.append((doc_id, "\n".join(lines[:len(FRONT_FIELDS)]), "\n".join(lines[len(FRONT_FIELDS):])))
    return sorted(out)


def truth(texts: list[tuple[str, str, str]], phrase: str) -> set[str]:
    """The definition: the folded phrase is a substring of one printed line (title, subtitle, byline,
    paragraph). ``texts``: id, the folded title and front matter, the folded body; lines split by newlines."""
    return {i for i, front, body in texts if any(phrase in line for line in (*front.split("\n"), *body.split("\n")))}


def all_ours(ix: Path, text: str) -> set[str]:
    from index.search import Engine

    engine = Engine(ix, time_limit=60)
    found: set[str] = set()
    offset = 0
    while True:
        page = engine.search(text, limit=1000, offset=offset)
        found.update(h.id for h in page.hits)
        offset += 1000
        if offset >= page.total:
            assert len(found) == page.total
            engine.close()
            return found


def exactness(got: dict[str, set[str]], expected: dict[str, set[str]]) -> dict:
    tp = sum(len(got[p] & expected[p]) for p in expected)
    fp = sum(len(got[p] - expected[p]) for p in expected)
    fn = sum(len(expected[p] - got[p]) for p in expected)
    # Precision of an engine that returned nothing is undefined, not 100 %.
    return {"recall": round(tp / (tp + fn), 4) if tp + fn else None,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None, "missed": fn, "false": fp}


def share(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2%}"


# --- the run -----------------------------------------------------------------------------------------

def run(copies: int) -> dict:
    corpus = DATA / ("inews" if copies == 1 else f"inews{copies}")
    n = write_inews(corpus, copies=copies)
    result: dict = {"copies": copies, "documents": n, "machine": machine(), "engines": {}}
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    ix = DATA / f"ix-ours-{copies}"
    log(f"{n} articles")
    result["engines"] = build_all(corpus, copies, log)
    ours = result["engines"]["ours"]
    if copies == 1:
        log("re-indexing after one changed file …")
        ours["reindex"] = reindex_one(corpus, ix)
        log(f"  {ours['reindex']}")

    texts = folded_texts(ix)
    queries = choose_queries([body for i, _, body in texts if i.startswith("inews_00_")])
    result["queries"] = [{"kind": q.kind, "text": q.text} for q in queries]
    phrases = [q for q in queries if q.kind == "phrase"]
    expected = {q.terms[0]: truth(texts, q.terms[0]) for q in phrases}
    del texts

    log("querying ours over HTTP …")
    with Server(ix) as server:
        ours["http"], ours["totals"] = query_ours_http(server, queries)
    log("querying ours in-process …")
    ours["inprocess"] = query_ours_inprocess(ix, queries)
    ours["exact"] = exactness({q.terms[0]: all_ours(ix, q.text) for q in phrases}, expected)
    for name, cls in PEERS.items():
        log(f"querying {name} …")
        peer = cls()
        peer.open(DATA / f"{name}-{copies}")
        engine = result["engines"][name]
        engine["inprocess"], engine["totals"] = query_peer(peer, queries)
        engine["exact"] = exactness({q.terms[0]: peer.matching_ids("phrase", list(q.terms)) for q in phrases},
                                    expected)
    result["phrase_matches"] = {p: len(v) for p, v in expected.items()}
    (DATA / f"perf-{copies}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def table(result: dict) -> str:
    """The one table: builds, sizes, memory, latency per class, exactness, and the ratios to FTS5."""
    e = result["engines"]
    fts = e["fts5"]
    runs = ", ".join(f"{name} {e[name]['build_runs']}" for name in e)
    rows = [f"### {result['documents']:,} articles ({result['copies']}× inews)", "",
            f"Build: median of {len(fts['build_runs'])} run(s) each, taken in turns ({runs} s).", "",
            "| engine | build s | ×FTS5 | size MB | peak memory MB (PSS) | "
            + " | ".join(f"{k} p50/p95 ms" for k in (*KINDS, "all")) + " | phrase recall / precision |",
            "|---|---:|---:|---:|---:|" + "---:|" * (len(KINDS) + 1) + "---|"]
    for name, label, lat_key in (("ours", "ours, over HTTP", "http"), ("ours", "ours, in-process", "inprocess"),
                                 ("fts5", "SQLite FTS5 trigram", "inprocess"),
                                 ("tantivy", "Tantivy + jieba", "inprocess")):
        x = e[name]
        lat = " | ".join(f"{x[lat_key][k]['p50']} / {x[lat_key][k]['p95']}" for k in (*KINDS, "all"))
        ex = x["exact"]
        rows.append(f"| {label} | {x['build_s']} | {x['build_s'] / fts['build_s']:.2f} | {x['size_mb']} | "
                    f"{x['peak_mb']} | {lat} | {share(ex['recall'])} / {share(ex['precision'])} "
                    f"({ex['missed']} missed, {ex['false']} false) |")
    target = TARGETS[result["copies"]]
    ours = e["ours"]
    rows += ["", "| target | measured | met |", "|---|---|---|"]
    ratio = ours["build_s"] / fts["build_s"]
    rows.append(f"| build ≤ {target['build_ratio']}× FTS5 | {ratio:.2f}× ({ours['build_s']} s vs {fts['build_s']} s)"
                f" | {'yes' if ratio <= target['build_ratio'] else 'NO'} |")
    if "peak_mb" in target:
        rows.append(f"| peak memory ≤ {target['peak_mb']} MB | {ours['peak_mb']} MB | "
                    f"{'yes' if ours['peak_mb'] <= target['peak_mb'] else 'NO'} |")
    if "reindex" in ours:
        s = ours["reindex"]["changed_s"]
        rows.append(f"| re-index one changed file ≤ 1 s | {s} s (`archive build`, whole command) | "
                    f"{'yes' if s <= 1 else 'NO'} |")
    p95 = ours["http"]["all"]["p95"]
    rows.append(f"| query p95 over HTTP ≤ {target['p95_ms']:.0f} ms | {p95} ms | "
                f"{'yes' if p95 <= target['p95_ms'] else 'NO'} |")
    fp95 = fts["inprocess"]["all"]["p95"]
    rows.append(f"| not worse than FTS5's p95 | ours {p95} ms over HTTP vs FTS5 {fp95} ms in-process | "
                f"{'yes' if p95 <= fp95 else 'NO'} |")
    ex = ours["exact"]
    rows.append(f"| phrase recall and precision 100 % | {share(ex['recall'])} / {share(ex['precision'])} | "
                f"{'yes' if ex['missed'] == ex['false'] == 0 and ex['recall'] else 'NO'} |")
    return "\n".join(rows)
