"""Issue 16: how the archive scales — ``python -m bench scale`` (a long run, not part of ``make test``).

For each corpus size (1×, 10×, 100× inews: 7,353, 73,530, 735,300 articles) it builds our index and SQLite
FTS5's in turns (wall time, peak memory as the sum of PSS over the build's process tree, sampled, index
size); serves ours with ``archive serve --workers 4`` on a free loopback port in 5601–5699 and measures
worker ready time, anonymous memory (``/proc/PID/smaps_rollup``) and PSS of the server, p50/p95 per query
class over HTTP (the 60 benchmark queries, top 10 with snippets), the concordance of 的 (first page) and a
cold ``archive search 党建`` (median of 5, peak RSS); then, on the largest size, the incremental builds:
1,000 articles added to the built index, 30 more builds of 100 each, and query p95 afterwards against a
fresh build of the same articles (served side by side, asked in turns) with both segment counts.

Each size's figures go to ``bench/data/scale-<copies>.json``; the report (``--out``, a section of
``docs/bench-latest.md`` between markers, the rest of the file kept) and the plot (``docs/bench-scale.png``)
are made from those files, so a size measured in an earlier run appears beside the ones measured now
(with its own date and command) unless ``--no-include-saved``. ``--report-only`` remakes both.

Times on a shared machine drift: the load average before and after each size is recorded and printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import psutil

from bench.corpus import write_inews
from bench.measure import du, run_measured, run_rusage, smaps_rollup
from bench.perf import DATA, folded_texts, http_get, machine, summarize, timed
from bench.queries import KINDS, Query, choose_queries

WORK = DATA / "scale-work"
#: Loopback ports the servers of this benchmark may take (never 5000, ``make serve``'s).
PORTS = range(5601, 5700)
WORKERS = 4
#: Timed builds per engine at each size (ours and FTS5 in turns; the median is reported).
BUILD_RUNS = {1: 3}
CLI_RUNS = 5
KWIC_RUNS = 4
INCR_FIRST, INCR_ROUNDS, INCR_EACH = 1000, 30, 100
#: Rounds of the 60 queries asked of the incrementally built and the fresh index, in turns.
INCR_QUERY_ROUNDS = 3
MB = 2**20
BEGIN, END = "<!-- bench scale: begin -->", "<!-- bench scale: end -->"

log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731


# --- targets (issue 16) --------------------------------------------------------------------------------

#: Per size: figure key → (limit, what the figure is held to). A figure is met when it is ≤ its limit.
TARGETS: dict[int, dict[str, float]] = {
    1: {"cli_s": 0.3, "cli_mb": 200, "build_ratio": 2.0},
    10: {"worker_anon_mb": 150, "ready_s": 0.5, "p95_ms": 40, "kwic_s": 1.0, "cli_s": 0.5},
    100: {"anon_all_mb": 2048, "p95_ms": 300, "kwic_s": 3.0, "build_peak_mb": 3072, "build_ratio": 3.0,
          "add_s": 60, "incr_p95_ratio": 1.2},
}
#: The incremental targets are set for 735,300 articles; at a smaller size they are shown as that size's.
INCREMENTAL_KEYS = ("add_s", "incr_p95_ratio")


# --- small helpers ---------------------------------------------------------------------------------------

def corpus_dir(copies: int) -> Path:
    return DATA / ("inews" if copies == 1 else f"inews{copies}")


def archive_cmd(*args: str) -> list[str]:
    """The ``archive`` console script of this interpreter's environment (``python -m cli`` without one)."""
    exe = Path(sys.executable).with_name("archive")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "cli", *args]


def build_cmd(sources: list[Path], ix: Path) -> list[str]:
    return archive_cmd("build", *(a for s in sources for a in ("--source", str(s))), "--index-dir", str(ix))


def mb(n: float) -> float:
    return round(n / MB, 1)


def commit() -> str:
    """The commit of the code measured (its short hash), or "?" outside a git checkout."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).resolve().parent,
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "?"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


_taken: set[int] = set()  # ports given to servers of this run (one still starting has not bound its port yet)


def free_port() -> int:
    for port in PORTS:
        if port in _taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _taken.add(port)
            return port
    raise RuntimeError(f"no free loopback port in {PORTS.start}–{PORTS.stop - 1}")


def segments(ix: Path) -> int:
    """Whoosh segments of the generation in service (in a subprocess: the engine's memory stays out of ours)."""
    code = "import sys; from index.search import Engine; print(Engine(sys.argv[1]).segments())"
    return int(subprocess.run([sys.executable, "-c", code, str(ix)], check=True, capture_output=True,
                              text=True).stdout)


# --- building --------------------------------------------------------------------------------------------

def build_both(corpus: Path, copies: int, runs: int, skip_fts5: bool) -> dict:
    """Build ours (and FTS5) from scratch ``runs`` times in turns; median wall time, worst peak, sizes."""
    ix, fts = WORK / f"ours-{copies}", WORK / f"fts5-{copies}"
    commands = {"ours": build_cmd([corpus], ix)}
    if not skip_fts5:
        commands["fts5"] = [sys.executable, "-m", "bench.peers", "build", "fts5", str(corpus), str(fts)]
    done: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for k in range(runs):
        for name, cmd in commands.items():
            log(f"building {name} ({k + 1}/{runs}) …")
            if name == "ours":
                shutil.rmtree(ix, ignore_errors=True)
            wall, peak, out = run_measured(cmd)
            done[name].append((wall, peak))
            log(f"  {wall:.1f} s, peak {peak / MB:.0f} MB (PSS of the build's processes)"
                + (f": {out.strip().splitlines()[-1]}" if name == "ours" and out.strip() else ""))
    return {name: {"build_s": round(statistics.median(w for w, _ in r), 2), "runs_s": [round(w, 2) for w, _ in r],
                   "peak_mb": mb(max(p for _, p in r)), "size_mb": mb(du(ix if name == "ours" else fts))}
            for name, r in done.items()}


# --- serving ---------------------------------------------------------------------------------------------

class ScaleServer:
    """``archive serve --workers 4`` on a free port of :data:`PORTS`, timed from its launch."""

    def __init__(self, ix: Path, name: str, workers: int = WORKERS) -> None:
        self.ix, self.workers = ix, workers
        self.port = free_port()
        self.logfile = WORK / f"serve-{name}.log"
        self.launched = time.time()
        with self.logfile.open("w") as fh:
            self.proc = subprocess.Popen(archive_cmd("serve", "--index-dir", str(ix), "--port", str(self.port),
                                                     "--workers", str(workers)), stdout=fh, stderr=fh)

    def get(self, path: str, timeout: float = 120) -> tuple[int, bytes]:
        return http_get(self.port, path, timeout)

    def processes(self) -> tuple[psutil.Process, list[psutil.Process]]:
        """The master and its workers (not the workers' scan helpers: :meth:`helpers`)."""
        master = psutil.Process(self.proc.pid)
        return master, master.children(recursive=False)

    def helpers(self, worker: psutil.Process) -> list[psutil.Process]:
        """The processes a worker started (its scan helper, ``SCAN_HELPER``)."""
        try:
            return worker.children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def wait_ready(self, limit: float = 1800) -> dict:
        """Poll ``/api/search?q=党建`` until it is answered 200. Ready time: from the start of the first
        worker process to that first answer; whichever worker answered started no earlier, so this is an
        upper bound of its own ready time. Process start times are the kernel's (10 ms steps), taken
        relative to the master's start, which is the launch (``psutil``'s absolute start times may be a
        second off: the boot time they are counted from is given in whole seconds)."""
        path = "/api/search?q=" + quote("党建")
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"archive serve ended ({self.proc.returncode}): "
                                   f"{self.logfile.read_text()[-2000:]}")
            if time.time() - self.launched > limit:
                raise RuntimeError(f"archive serve did not answer within {limit} s")
            try:
                status, _ = self.get(path)
            except OSError:
                time.sleep(0.01)
                continue
            answered = time.time()
            if status == 200:
                break
            time.sleep(0.01)
        master, workers = self.processes()
        while len(workers) < self.workers and time.time() - answered < 60:  # gunicorn forks them in turn
            time.sleep(0.05)
            master, workers = self.processes()
        if len(workers) != self.workers:
            raise RuntimeError(f"archive serve on port {self.port} has {len(workers)} workers, not {self.workers}")
        starts = sorted(p.create_time() - master.create_time() for p in workers)
        to_answer = answered - self.launched
        return {"launch_to_answer_s": round(to_answer, 3), "ready_s": round(to_answer - starts[0], 3),
                "launch_to_first_worker_s": round(starts[0], 3),
                "workers_started_within_s": round(starts[-1] - starts[0], 3)}

    def memory(self) -> dict:
        """Anonymous memory and PSS of the master and of each worker (MB); a worker's figures include its
        scan helper's (given apart too)."""
        master, workers = self.processes()
        m = smaps_rollup(master.pid)
        w, h = [], []
        for p in workers:
            own, theirs = smaps_rollup(p.pid), [smaps_rollup(c.pid) for c in self.helpers(p)]
            w.append({k: own[k] + sum(x.get(k, 0) for x in theirs) for k in own})
            h.append(sum(x["Anonymous"] for x in theirs))
        return {"worker_anon_mb": [mb(x["Anonymous"]) for x in w], "worker_pss_mb": [mb(x["Pss"]) for x in w],
                "worker_rss_mb": [mb(x["Rss"]) for x in w], "helper_anon_mb": [mb(x) for x in h],
                "master_anon_mb": mb(m["Anonymous"]),
                "master_pss_mb": mb(m["Pss"]), "workers_anon_mb": mb(sum(x["Anonymous"] for x in w)),
                "anon_all_mb": mb(m["Anonymous"] + sum(x["Anonymous"] for x in w)),
                "pss_all_mb": mb(m["Pss"] + sum(x["Pss"] for x in w))}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> ScaleServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def http_latencies(server: ScaleServer, queries: list[Query],
                   errors: list[str]) -> tuple[dict[str, list[float]], dict[str, int | None]]:
    """Milliseconds of each query over HTTP (one warm-up, then timed runs), top 10 with snippets; totals.
    A wrong answer (not a 200, a hit without snippets) is appended to ``errors``, not raised: a run of
    hours goes on, and the report counts them."""
    lat: dict[str, list[float]] = {k: [] for k in KINDS}
    totals: dict[str, int | None] = {}
    for query in queries:
        path = f"/api/search?limit=10&q={quote(query.text)}"

        def ask(path: str = path, text: str = query.text) -> None:
            status, body = server.get(path)
            if status != 200:
                errors.append(f"{text}: HTTP {status}: {body[:200].decode(errors='replace')}")
                log(f"  {errors[-1]}")

        lat[query.kind] += timed(ask)
        status, body = server.get(path)
        if status != 200:
            errors.append(f"{query.text}: HTTP {status}: {body[:200].decode(errors='replace')}")
            totals[query.text] = None
            continue
        page = json.loads(body)
        if not all(h["passages"] for h in page["hits"]):
            errors.append(f"{query.text}: a hit without snippets")
        totals[query.text] = page["total"]
    return lat, totals


def kwic_times(server: ScaleServer) -> dict:
    """``/api/kwic?q=的`` (its first page), asked :data:`KWIC_RUNS` times: the first and every time."""
    times, body = [], b""
    for _ in range(KWIC_RUNS):
        t = time.perf_counter()
        status, body = server.get("/api/kwic?q=" + quote("的"))
        times.append(time.perf_counter() - t)
        if status != 200:
            raise RuntimeError(f"/api/kwic?q=的: HTTP {status}: {body[:300]!r}")
    page = json.loads(body)
    return {"first_s": round(times[0], 3), "runs_s": [round(t, 3) for t in times], "max_s": round(max(times), 3),
            "lines": len(page["lines"]), "occurrences": page["occurrences"], "documents": page["documents"]}


#: ``archive search`` as its console script runs it, telling its memory as it exits (``/proc/self/smaps_rollup``).
_CLI_AT_EXIT = """import atexit, sys
from pathlib import Path
atexit.register(lambda: sys.stderr.write("SMAPS " + Path("/proc/self/smaps_rollup").read_text().replace("\\n", "|")))
from cli.main import main
sys.argv[0] = "archive"
main()
"""


def cli_search(ix: Path) -> dict:
    """A cold ``archive search 党建`` (a new process each time): median wall time, peak RSS; then once more
    with its memory told at exit, to split the peak into anonymous memory and mapped files."""
    args = ("search", "党建", "--index-dir", str(ix))
    runs = [run_rusage(archive_cmd(*args)) for _ in range(CLI_RUNS)]
    out = {"median_s": round(statistics.median(w for w, _, _ in runs), 3), "runs_s": [round(w, 3) for w, _, _ in runs],
           "max_rss_mb": mb(max(r for _, r, _ in runs))}
    err = subprocess.run([sys.executable, "-c", _CLI_AT_EXIT, *args], capture_output=True, text=True,
                         check=True).stderr
    if "SMAPS " in err:
        fields = {}
        for item in err.rsplit("SMAPS ", 1)[1].split("|")[1:]:
            key, _, rest = item.partition(":")
            if rest.strip().endswith("kB"):
                fields[key] = int(rest.split()[0]) * 1024
        out["at_exit_mb"] = {k: mb(fields[k]) for k in ("Rss", "Pss", "Anonymous", "Pss_File") if k in fields}
    return out


def serve_and_query(ix: Path, queries: list[Query]) -> dict:
    with ScaleServer(ix, ix.name) as server:
        log(f"serving {ix.name} with {WORKERS} workers on port {server.port} …")
        ready = server.wait_ready()
        log(f"  ready: {ready}")
        at_ready = server.memory()
        log("  querying over HTTP …")
        errors: list[str] = []
        lat, totals = http_latencies(server, queries, errors)
        log("  concordance of 的 …")
        kwic = kwic_times(server)
        after = server.memory()
    log(f"  p95 {summarize(lat)['all']['p95']} ms, 的 {kwic['max_s']} s, anonymous {after['anon_all_mb']} MB")
    return {"ready": ready, "memory_at_ready": at_ready, "memory": after, "http": summarize(lat), "totals": totals,
            "kwic": kwic, "errors": errors}


# --- queries ---------------------------------------------------------------------------------------------

def scale_queries() -> list[Query]:
    """The 60 benchmark queries, chosen from the one-copy corpus as ``bench perf`` chooses them (the same
    queries at every size): from the folded text of a one-copy index, brought up to date here."""
    corpus = corpus_dir(1)
    write_inews(corpus)
    ix = WORK / "ours-1"
    subprocess.run(build_cmd([corpus], ix), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return queries_of(ix)


def queries_of(ix: Path) -> list[Query]:
    """The 60 benchmark queries, chosen from the first copy's articles in the index ``ix``."""
    return choose_queries([body for i, _, body in folded_texts(ix) if i.startswith("inews_00_")])


# --- incremental builds ----------------------------------------------------------------------------------

def add_articles(extra: Path, templates: list[Path], start: int, n: int) -> None:
    """``n`` new articles with ids of their own (``inews_incr_NNNNN``), the texts of existing ones."""
    for k in range(start, start + n):
        src = templates[(k * 7) % len(templates)]
        (extra / f"inews_incr_{k:05d}.txt").write_bytes(src.read_bytes())


def _ask_in_turns(a: ScaleServer, b: ScaleServer, queries: list[Query], lat: dict, totals: dict,
                  errors: list[str]) -> None:
    """The query set, :data:`INCR_QUERY_ROUNDS` times, of ``a`` (incremental) and ``b`` (fresh) in turns
    (a b, b a, a b, …), so that a slow spell of the machine falls on both."""
    turns = (("incremental", a), ("fresh", b))
    for r in range(INCR_QUERY_ROUNDS):
        for name, server in turns if r % 2 == 0 else turns[::-1]:
            log(f"  querying the {name} index ({r + 1}/{INCR_QUERY_ROUNDS}) …")
            got, totals[name] = http_latencies(server, queries, errors)
            for k in KINDS:
                lat[name][k] += got[k]


def incremental(corpus: Path, ix: Path, copies: int, queries: list[Query]) -> dict:
    """On the index built from ``corpus``: add 1,000 articles (timed), then 30 builds of 100 each; then the
    query set on that index and on a fresh build of the same articles, served side by side, in turns."""
    extra = WORK / f"incr-{copies}"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir(parents=True)
    templates = sorted(corpus.glob("inews_00_*.txt"))
    cmd = build_cmd([corpus, extra], ix)
    out: dict = {"segments_before": segments(ix)}
    add_articles(extra, templates, 0, INCR_FIRST)
    log(f"adding {INCR_FIRST:,} articles to the {copies}× index …")
    wall, peak, text = run_measured(cmd)
    out.update(add_s=round(wall, 2), add_peak_mb=mb(peak), add_summary=text.strip().splitlines()[-1],
               segments_after_add=segments(ix))
    log(f"  {wall:.1f} s: {out['add_summary']}; {out['segments_after_add']} segments")
    rounds = []
    for r in range(INCR_ROUNDS):
        add_articles(extra, templates, INCR_FIRST + r * INCR_EACH, INCR_EACH)
        wall, _, text = run_measured(cmd)
        rounds.append(round(wall, 2))
        log(f"  incremental build {r + 1}/{INCR_ROUNDS} (+{INCR_EACH}): {wall:.1f} s, {text.strip().splitlines()[-1]}")
    out.update(rounds_s=rounds, rounds_median_s=round(statistics.median(rounds), 2), rounds_max_s=max(rounds),
               segments_after_rounds=segments(ix), last_summary=text.strip().splitlines()[-1])
    fresh = WORK / f"ours-{copies}-fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    log("building the same articles afresh …")
    wall, peak, _ = run_measured(build_cmd([corpus, extra], fresh))
    out.update(fresh_build_s=round(wall, 2), fresh_peak_mb=mb(peak), segments_fresh=segments(fresh))
    lat = {"incremental": {k: [] for k in KINDS}, "fresh": {k: [] for k in KINDS}}
    totals = {}
    with ScaleServer(ix, "incremental") as a:
        a.wait_ready()
        with ScaleServer(fresh, "fresh") as b:
            b.wait_ready()
            errors: list[str] = []
            _ask_in_turns(a, b, queries, lat, totals, errors)
            out["errors"] = errors
            out["memory_incremental"], out["memory_fresh"] = a.memory(), b.memory()
    out["http_incremental"], out["http_fresh"] = summarize(lat["incremental"]), summarize(lat["fresh"])
    p95i, p95f = out["http_incremental"]["all"]["p95"], out["http_fresh"]["all"]["p95"]
    out["incr_p95_ratio"] = round(p95i / p95f, 3) if p95f else None
    out["totals_differ"] = sorted(q for q in totals["fresh"] if totals["fresh"][q] != totals["incremental"].get(q))
    log(f"  p95 {p95i} ms after {INCR_ROUNDS} incremental builds vs {p95f} ms fresh; segments "
        f"{out['segments_after_rounds']} vs {out['segments_fresh']}; totals differ for {len(out['totals_differ'])}")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(extra, ignore_errors=True)
    return out


# --- one size --------------------------------------------------------------------------------------------

def measure_size(copies: int, queries: list[Query], runs: int, skip_fts5: bool, with_incremental: bool,
                 command: str) -> dict:
    corpus = corpus_dir(copies)
    log(f"writing the {copies}× corpus …")
    n = write_inews(corpus, copies=copies)
    result: dict = {"copies": copies, "documents": n, "command": command, "commit": commit(), "machine": machine(),
                    "started": datetime.now(UTC).isoformat(timespec="seconds"), "load_before": load()}
    ix = WORK / f"ours-{copies}"
    partial = DATA / f"scale-{copies}.partial.json"  # what is measured so far, should the run stop midway

    def keep() -> None:
        partial.write_text(json.dumps(result, ensure_ascii=False, indent=1))

    result["build"] = build_both(corpus, copies, runs, skip_fts5)
    result["segments"] = segments(ix)
    keep()
    result["serve"] = serve_and_query(ix, queries)
    keep()
    log("cold CLI searches …")
    result["cli"] = cli_search(ix)
    log(f"  {result['cli']}")
    keep()
    if with_incremental:
        result["incremental"] = incremental(corpus, ix, copies, queries)
    result["load_after"] = load()
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    (DATA / f"scale-{copies}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    partial.unlink()
    return result


# --- the report ------------------------------------------------------------------------------------------

def figures(r: dict) -> dict[str, float | None]:
    """The figures held to targets, by key, from one size's result."""
    b, s = r["build"], r["serve"]
    fts = b.get("fts5")
    inc = r.get("incremental", {})
    return {"cli_s": r["cli"]["median_s"], "cli_mb": r["cli"]["max_rss_mb"],
            "build_ratio": round(b["ours"]["build_s"] / fts["build_s"], 2) if fts else None,
            "worker_anon_mb": max(s["memory"]["worker_anon_mb"]), "ready_s": s["ready"]["ready_s"],
            "p95_ms": s["http"]["all"]["p95"], "kwic_s": s["kwic"]["max_s"],
            "anon_all_mb": s["memory"]["anon_all_mb"], "build_peak_mb": b["ours"]["peak_mb"],
            "add_s": inc.get("add_s"), "incr_p95_ratio": inc.get("incr_p95_ratio")}


def verdict(value: float | None, limit: float | None) -> str:
    if limit is None:
        return "—"
    if value is None:
        return "not measured"
    return "**yes**" if value <= limit else "**NO**"


def _errors(errors: list[str] | None) -> str:
    if errors is None:
        return "not counted"
    if not errors:
        return "none"
    return f"**{len(errors)}**: " + "; ".join(e.replace("|", "/") for e in errors[:3])


def size_table(r: dict) -> list[str]:
    copies, b, s = r["copies"], r["build"], r["serve"]
    targets = dict(TARGETS.get(copies, {}))
    borrowed = set()
    if "incremental" in r:
        for key in INCREMENTAL_KEYS:
            if key not in targets:
                targets[key] = TARGETS[100][key]
                borrowed.add(key)
    f = figures(r)
    m, ma = s["memory"], s["memory_at_ready"]
    ours, fts = b["ours"], b.get("fts5")

    def row(label: str, measured: str, key: str | None = None) -> str:
        limit = targets.get(key) if key else None
        unit = {"s": " s", "mb": " MB", "ms": " ms"}.get(key.rsplit("_", 1)[-1], "×") if key else ""
        if key == "incr_p95_ratio":
            shown = f"≤ {limit:g}× (within {round((limit - 1) * 100)} %)" if limit else ""
        else:
            shown = f"≤ {limit:g}{unit}" if limit else ""
        if key in borrowed:
            shown += " (735,300's)"
        return f"| {label} | {measured} | {shown or '—'} | {verdict(f[key], limit) if key else '—'} |"

    lines = [f"### {r['documents']:,} articles ({copies}× inews)", "",
             f"`{r['command']}` at commit {r.get('commit', '?')}, {r['started']} → {r['finished']}; "
             "load average (1, 5, 15 min) "
             f"{r['load_before']} before, {r['load_after']} after (2 cores: above 2 means other work competed).", "",
             "| figure | measured | target | met |", "|---|---|---|---|"]
    runs = f" (runs {', '.join(map(str, ours['runs_s']))})" if len(ours["runs_s"]) > 1 else ""
    lines.append(row("build, ours", f"{ours['build_s']} s{runs}"))
    if fts:
        fr = f" (runs {', '.join(map(str, fts['runs_s']))})" if len(fts["runs_s"]) > 1 else ""
        lines.append(row("build, SQLite FTS5 trigram", f"{fts['build_s']} s{fr}"))
        lines.append(row("build time, ours ÷ FTS5", f"{f['build_ratio']}×", "build_ratio"))
    lines.append(row("build peak memory, ours (sum of PSS of its processes)", f"{ours['peak_mb']:,} MB",
                     "build_peak_mb"))
    if fts:
        lines.append(row("build peak memory, FTS5", f"{fts['peak_mb']:,} MB"))
    lines.append(row("index size, ours / FTS5",
                     f"{ours['size_mb']:,} MB / " + (f"{fts['size_mb']:,} MB" if fts else "—")))
    lines.append(row("Whoosh segments after the build", str(r["segments"])))
    helpers = m.get("helper_anon_mb") or []
    lines.append(row(f"server anonymous memory, per worker (of {len(m['worker_anon_mb'])}) with its scan helper, "
                     "after the queries",
                     f"{' / '.join(f'{x:g}' for x in m['worker_anon_mb'])} MB (at ready: "
                     f"{' / '.join(f'{x:g}' for x in ma['worker_anon_mb'])}"
                     + (f"; the helpers' share: {' / '.join(f'{x:g}' for x in helpers)}" if any(helpers) else "")
                     + ")", "worker_anon_mb"))
    lines.append(row("server anonymous memory in all (master + workers)",
                     f"{m['anon_all_mb']:,} MB (master {m['master_anon_mb']:g}, workers {m['workers_anon_mb']:g})",
                     "anon_all_mb"))
    lines.append(row("server PSS in all (master + workers)", f"{m['pss_all_mb']:,} MB (per worker "
                     f"{' / '.join(f'{x:g}' for x in m['worker_pss_mb'])}; at ready {ma['pss_all_mb']:,} in all)"))
    rd = s["ready"]
    lines.append(row("worker ready: first worker's start → first answer to /api/search?q=党建",
                     f"{rd['ready_s']} s (launch of `archive serve` → first worker "
                     f"{rd.get('launch_to_first_worker_s', '?')} s → answer {rd['launch_to_answer_s']} s; "
                     f"workers started within {rd['workers_started_within_s']} s)", "ready_s"))
    h = s["http"]
    for k in KINDS:
        lines.append(row(f"HTTP p50 / p95, {k} queries", f"{h[k]['p50']} / {h[k]['p95']} ms"))
    lines.append(row("HTTP p50 / p95, all 60 queries (top 10 with snippets)",
                     f"{h['all']['p50']} / {h['all']['p95']} ms", "p95_ms"))
    lines.append(row("wrong answers (not 200, or a hit without snippets)", _errors(s.get("errors"))))
    kw = s["kwic"]
    lines.append(row("concordance of 的, first page over HTTP (slowest of 4; first)",
                     f"{kw['max_s']} s; first {kw['first_s']} s ({kw['occurrences']:,} occurrences in "
                     f"{kw['documents']:,} documents, {kw['lines']} lines)", "kwic_s"))
    c = r["cli"]
    lines.append(row(f"CLI `archive search 党建`, cold, median of {len(c['runs_s'])}", f"{c['median_s']} s", "cli_s"))
    split = c.get("at_exit_mb")
    split = (f" (at exit: RSS {split['Rss']:g}, of it anonymous {split['Anonymous']:g}; the rest is mapped files "
             f"and libraries; PSS {split['Pss']:g})") if split else ""
    lines.append(row("CLI peak RSS (the kernel's, worst run)", f"{c['max_rss_mb']:g} MB{split}", "cli_mb"))
    if "incremental" in r:
        i = r["incremental"]
        lines.append(row(f"add {INCR_FIRST:,} articles: `archive build`, whole command", f"{i['add_s']} s "
                         f"(peak {i['add_peak_mb']:,} MB; {i['add_summary']})", "add_s"))
        lines.append(row(f"then {INCR_ROUNDS} builds of {INCR_EACH} articles each", f"median {i['rounds_median_s']} s, "
                         f"slowest {i['rounds_max_s']} s"))
        lines.append(row(f"Whoosh segments: built / +{INCR_FIRST:,} / +{INCR_ROUNDS} × {INCR_EACH} / "
                         "a fresh build of the same articles",
                         f"{i['segments_before']} / {i['segments_after_add']} / {i['segments_after_rounds']} / "
                         f"{i['segments_fresh']}"))
        hi, hf = i["http_incremental"]["all"], i["http_fresh"]["all"]
        lines.append(row(f"HTTP p95 after the {INCR_ROUNDS} incremental builds ÷ a fresh build's "
                         f"({INCR_QUERY_ROUNDS} rounds each, in turns)",
                         f"{i['incr_p95_ratio']}× ({hi['p50']} / {hi['p95']} ms vs {hf['p50']} / {hf['p95']} ms "
                         f"p50 / p95; fresh build {i['fresh_build_s']} s)", "incr_p95_ratio"))
        lines.append(row("same totals from both indexes for every query",
                         "yes" if not i["totals_differ"] else f"NO: {', '.join(i['totals_differ'][:5])}"))
        lines.append(row("wrong answers while asking both", _errors(i.get("errors"))))
    return lines


def report(results: list[dict], plot_path: Path, out: Path) -> str:
    results = sorted(results, key=lambda r: r["copies"])
    image = os.path.relpath(plot_path.resolve(), out.resolve().parent)  # as the markdown file links it
    mach = results[-1]["machine"]
    lines = [BEGIN, "## Scale (issue 16): `python -m bench scale`", "",
             f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory_gb']} GB; Python {mach['python']}, "
             f"SQLite {mach['sqlite']}, whoosh-reloaded {mach['whoosh-reloaded']}. Memory in MB of 2^20 bytes. "
             f"Server: `archive serve --workers {WORKERS}`, one client asking one query at a time; each query "
             "once to warm, then 5 timed. Anonymous memory: the `Anonymous:` line of `/proc/PID/smaps_rollup` "
             "(pages a worker still shares with the master after the fork count in each); PSS splits those.",
             "", f"![build time and memory against corpus size]({image})", "",
             "| articles | build ours / FTS5 s | ×FTS5 | build peak ours / FTS5 MB | size ours / FTS5 MB | "
             "server anon MB (all) | server PSS MB | ready s | HTTP p95 ms | 的 s | CLI s |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        b, s, f = r["build"], r["serve"], figures(r)
        fts = b.get("fts5", {})
        lines.append(f"| {r['documents']:,} | {b['ours']['build_s']} / {fts.get('build_s', '—')} | "
                     f"{f['build_ratio'] or '—'} | {b['ours']['peak_mb']:,} / {fts.get('peak_mb', '—')} | "
                     f"{b['ours']['size_mb']:,} / {fts.get('size_mb', '—')} | {s['memory']['anon_all_mb']:,} | "
                     f"{s['memory']['pss_all_mb']:,} | {f['ready_s']} | {f['p95_ms']} | {f['kwic_s']} | {f['cli_s']} |")
    for r in results:
        lines += ["", *size_table(r)]
    lines.append(END)
    return "\n".join(lines)


def write_section(out: Path, section: str) -> None:
    """Put ``section`` in ``out`` between the markers (replacing an earlier one), the rest of the file kept."""
    text = out.read_text() if out.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section + "\n"
    out.write_text(text)


def replace_rest(out: str | Path, new: str | Path) -> None:
    """Write the text of ``new`` to ``out``, keeping the scale section ``out`` holds (``make bench`` rewrites
    the other benchmarks' report; the scale section comes from hours of ``bench scale``)."""
    out, text = Path(out), Path(new).read_text()
    old = out.read_text() if out.exists() else ""
    section = BEGIN + old.split(BEGIN, 1)[1].split(END, 1)[0] + END if BEGIN in old and END in old else ""
    out.write_text(text.rstrip("\n") + ("\n\n" + section if section else "") + "\n")


def plot(results: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    # A CJK font after the default one, for 的 and 党建 (Debian's fonts-noto-cjk, which `make browser` installs).
    cjk = sorted({f.name for f in font_manager.fontManager.ttflist if "CJK SC" in f.name},
                 key=lambda name: "Sans" not in name)
    plt.rcParams["font.family"] = ["DejaVu Sans", *cjk[:1]]
    de, dangjian = ("的", "党建") if cjk else ("de", "dangjian")
    results = sorted(results, key=lambda r: r["documents"])
    docs = [r["documents"] for r in results]
    with_fts = [r for r in results if "fts5" in r["build"]]
    fig, axes = plt.subplots(1, 3, figsize=(17, 6.4), sharex=True)
    ours, fts, grey = "#c0392b", "#2980b9", "#7f8c8d"

    ax = axes[0]
    ax.plot(docs, [r["build"]["ours"]["build_s"] for r in results], "o-", color=ours, label="ours: archive build")
    if with_fts:
        ax.plot([r["documents"] for r in with_fts], [r["build"]["fts5"]["build_s"] for r in with_fts], "s-",
                color=fts, label="SQLite FTS5 trigram")
    inc = [r for r in results if "incremental" in r]
    if inc:
        ax.plot([r["documents"] for r in inc], [r["incremental"]["add_s"] for r in inc], "^", color=ours,
                mfc="white", label=f"ours: adding {INCR_FIRST:,} to the built index")
    ax.set_title("Build time")
    ax.set_ylabel("seconds (log)")

    ax = axes[1]
    ax.plot(docs, [r["build"]["ours"]["peak_mb"] for r in results], "o-", color=ours,
            label="ours: build peak (sum of PSS)")
    if with_fts:
        ax.plot([r["documents"] for r in with_fts], [r["build"]["fts5"]["peak_mb"] for r in with_fts], "s-",
                color=fts, label="FTS5: build peak (PSS)")
    ax.plot(docs, [r["serve"]["memory"]["anon_all_mb"] for r in results], "o--", color=ours, mfc="white",
            label=f"ours: server anonymous, {WORKERS} workers + master")
    ax.plot(docs, [r["serve"]["memory"]["pss_all_mb"] for r in results], "o:", color=ours, ms=3,
            label="ours: server PSS, in all")
    ax.plot(docs, [r["build"]["ours"]["size_mb"] for r in results], "d-", color=grey, label="ours: index on disk")
    if with_fts:
        ax.plot([r["documents"] for r in with_fts], [r["build"]["fts5"]["size_mb"] for r in with_fts], "d--",
                color=grey, mfc="white", label="FTS5: index on disk")
    ax.set_title("Memory and size")
    ax.set_ylabel("MB (log)")

    ax = axes[2]
    ax.plot(docs, [r["serve"]["http"]["all"]["p95"] / 1000 for r in results], "o-", color=ours,
            label="ours: HTTP p95, 60 queries")
    ax.plot(docs, [r["serve"]["kwic"]["max_s"] for r in results], "v-", color="#8e44ad",
            label=f"ours: concordance of {de}, first page")
    ax.plot(docs, [r["cli"]["median_s"] for r in results], "x-", color=grey,
            label=f"ours: cold `archive search {dangjian}`")
    ax.set_title("Answer time")
    ax.set_ylabel("seconds (log)")
    # Issue 16's targets, as black dashes at the sizes they are set for (in the unit of each panel).
    for panel, key, scale in ((1, "build_peak_mb", 1), (1, "anon_all_mb", 1), (2, "p95_ms", 1 / 1000),
                              (2, "kwic_s", 1), (2, "cli_s", 1)):
        points = [(7353 * c, t[key] * scale) for c, t in TARGETS.items() if key in t]
        axes[panel].plot(*zip(*points, strict=True), "_", color="black", ms=14, mew=2)
    axes[2].plot([], [], "_", color="black", ms=14, mew=2, label="targets (issue 16)")
    axes[1].plot([], [], "_", color="black", ms=14, mew=2,
                 label="targets at 735,300: build peak, server anonymous in all")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles (log)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14))  # below: the points stay visible
    fig.suptitle(f"Scale: ours against SQLite FTS5 ({', '.join(f'{d:,}' for d in docs)} articles)")
    fig.tight_layout()
    fig.savefig(out, dpi=100)


def saved_results(copies: list[int], include_saved: bool) -> list[dict]:
    paths = sorted(DATA.glob("scale-*.json")) if include_saved else [DATA / f"scale-{c}.json" for c in copies]
    out = []
    for p in paths:
        if p.exists() and re.fullmatch(r"scale-\d+\.json", p.name):
            out.append(json.loads(p.read_text()))
    return out


def run(args: argparse.Namespace) -> None:
    copies = sorted({int(c) for c in args.copies.split(",")})
    if not args.report_only:
        WORK.mkdir(parents=True, exist_ok=True)
        command = "python -m bench " + " ".join(sys.argv[1:])
        log(f"{command}: load average {load()} at the start")
        queries = scale_queries()
        for c in copies:
            runs = args.build_runs or BUILD_RUNS.get(c, 1)
            measure_size(c, queries, runs, args.skip_fts5, args.incremental and c == copies[-1], command)
    results = saved_results(copies, args.include_saved)
    if not results:
        sys.exit("no results to report: run without --report-only first")
    out, plot_path = Path(args.out), Path(args.plot)
    plot(results, plot_path)
    section = report(results, plot_path, out)
    write_section(out, section)
    print(section)
    log(f"wrote {out} and {plot_path}")
