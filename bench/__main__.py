"""Benchmarks. Examples::

    python -m bench all              # issue 5: segmenter check, perf at 1× and 10×, plot (what `make bench` runs)
    python -m bench perf --copies 1  # issue 5: ours vs SQLite FTS5 and Tantivy on 7,353 articles
    python -m bench segmenter        # rjieba gives jieba's words on the whole corpus?
    python -m bench hostile --port P # issue 13: hostile sockets beside a searching client
    python -m bench soak             # issue 6: 20 clients for 60 s with wrk against archive serve (make soak)
    python -m bench design           # issue 3: the two exact-phrase designs on the inews corpus
    python -m bench fidelity         # issue 12: cleaning and cross-script folding on real news
    python -m bench interface        # issue 14: the pages a reader meets, on 7,353 articles
    python -m bench scale            # issue 16: 1×, 10×, 100× inews, ours and FTS5 (hours; not in make test)
    python -m bench pages            # issue 17: trafilatura against readability-lxml on tests/data/pages
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import write_inews
from bench.measure import du, pct

DATA = Path(__file__).resolve().parent / "data"
DOCS = Path(__file__).resolve().parent.parent / "docs"
QUOTES = set('"“”「」『』')


def random_phrases(docs, n: int, seed: int) -> list[str]:
    from index.analysis import fold_text

    rng = random.Random(seed)
    phrases: list[str] = []
    while len(phrases) < n:
        doc = rng.choice(docs)
        if not doc.paragraphs:
            continue
        text = fold_text(rng.choice(doc.paragraphs))
        if len(text) < 4:
            continue
        length = rng.randint(2, 8)
        start = rng.randrange(0, max(1, len(text) - length))
        p = text[start:start + length]
        if p.strip() == p and p and not set(p) & QUOTES:
            phrases.append(p)
    return phrases


def folded_corpus(docs) -> list[tuple[str, list[str]]]:
    from index.analysis import fold_text

    return [(d.id, [fold_text(d.title), *(fold_text(p) for p in d.paragraphs)]) for d in docs]


def truth(folded: list[tuple[str, list[str]]], phrase: str) -> set[str]:
    """The plain substring scan every design is judged against: title or one paragraph (issue 3's design
    comparison predates searchable subtitles and bylines; both designs are held to the same definition)."""
    return {doc_id for doc_id, texts in folded if any(phrase in t for t in texts)}


def measure(phrases, expected, matches, timed) -> dict:
    """Recall/precision of ``matches`` against ``expected`` and warm latency of ``timed`` per phrase."""
    lat, tp, fp, fn = [], 0, 0, 0
    for p in phrases:
        timed(p)  # warm
        t = time.perf_counter()
        timed(p)
        lat.append((time.perf_counter() - t) * 1000)
        got = matches(p)
        tp += len(got & expected[p])
        fp += len(got - expected[p])
        fn += len(expected[p] - got)
    return {"recall": tp / (tp + fn) if tp + fn else 1.0, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1)}


def report(name: str, documents: int, build_s: float, size: int, measured: dict) -> None:
    print(json.dumps({"design": name, "documents": documents, "build_s": round(build_s, 1),
                      "size_mb": round(size / 1e6, 1), **measured}, ensure_ascii=False), flush=True)


def design(args: argparse.Namespace) -> None:
    from archive import load_sources
    from index.search import Engine

    corpus = DATA / "inews"
    n = write_inews(corpus)
    print(f"corpus: {n} articles in {corpus}", file=sys.stderr)
    ix = DATA / "ix-design-b"
    shutil.rmtree(ix, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", "build", "--source", str(corpus), "--index-dir", str(ix)],
                   check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    build_b = time.perf_counter() - t
    docs = list(load_sources([corpus]))
    phrases = random_phrases(docs, 60, seed=args.seed)
    folded = folded_corpus(docs)
    expected = {p: truth(folded, p) for p in phrases}

    engine = Engine(ix, time_limit=30)

    def search_b(p: str) -> set[str]:
        """Every matching id, paging past the 1,000-hit limit of one page."""
        ids: set[str] = set()
        offset = 0
        while True:
            page = engine.search(f'"{p}"', limit=1000, offset=offset)
            ids.update(h.id for h in page.hits)
            offset += 1000
            if offset >= page.total:
                assert len(ids) == page.total
                return ids

    def page_b(p: str) -> None:
        engine.search(f'"{p}"', limit=10)

    report("B: jieba words in Whoosh + exact scan of stored folded text", len(docs), build_b, du(ix),
           measure(phrases, expected, search_b, page_b))
    if args.skip_a:
        return
    from whoosh import index as wi

    from bench.ngram import build_char_index, phrase_search

    ixa = DATA / "ix-design-a"
    t = time.perf_counter()
    build_char_index(docs, ixa)
    build_a = time.perf_counter() - t
    with wi.open_dir(str(ixa)).searcher() as s:
        report("A: Whoosh character field, consecutive positions, Phrase query", len(docs), build_a, du(ixa),
               measure(phrases, expected, lambda p: phrase_search(s, p), lambda p: phrase_search(s, p)))
    print(f"median phrase matches {statistics.median(len(v) for v in expected.values())} documents", file=sys.stderr)


def segmenter(args: argparse.Namespace) -> None:
    """rjieba against jieba (dictionary mode) on every folded title and paragraph of the corpus; and the cut
    of a cold command (a dictionary of only the words found in the text, :mod:`index.dictionary`) against
    rjieba's whole dictionary."""
    import tempfile

    from archive import load_sources
    from archive.segmenter import segment, segment_jieba
    from index.analysis import fold_text, fold_words
    from index.dictionary import Dictionary, write_dictionary

    corpus = DATA / "inews"
    write_inews(corpus)
    docs = list(load_sources([corpus]))
    texts = [fold_text(t) for d in docs for t in (d.title, *d.paragraphs)]
    differ = [t for t in texts if [tuple(x) for x in segment(t)] != segment_jieba(t)]
    with tempfile.TemporaryDirectory() as tmp:
        write_dictionary(Path(tmp))
        dictionary = Dictionary(Path(tmp))
        words_texts = [fold_words(t) for d in docs for t in (d.title, *d.paragraphs)]
        started = time.perf_counter()
        differ_cold = [t for t in words_texts if dictionary.segment(t) != segment(t)]
        seconds = time.perf_counter() - started
    print(json.dumps({"texts": len(texts), "characters": sum(map(len, texts)), "differ": len(differ),
                      "cold_texts": len(words_texts), "cold_characters": sum(map(len, words_texts)),
                      "cold_differ": len(differ_cold), "cold_seconds": round(seconds, 1)}))
    if differ:
        sys.exit(f"rjieba and jieba cut {len(differ)} texts differently, e.g. {differ[0][:80]!r}")
    if differ_cold:
        sys.exit(f"a dictionary of the words found cuts {len(differ_cold)} texts differently from the whole "
                 f"dictionary, e.g. {differ_cold[0][:80]!r}")


def perf(args: argparse.Namespace) -> None:
    from bench.perf import run, table

    result = run(args.copies)
    print(table(result), flush=True)


def plot_latency(args: argparse.Namespace) -> None:
    from bench.plot import plot

    out = Path(__file__).resolve().parent.parent / "docs" / "bench-latency.png"
    plot([DATA / "perf-1.json", DATA / "perf-10.json"], out)
    print(f"wrote {out}", file=sys.stderr)


def kwic_speed(args: argparse.Namespace) -> None:
    """Issue 7: the concordance of each of the 20 common words on the 7,353-article index, warm."""
    from bench.measure import pct
    from bench.perf import folded_texts
    from bench.queries import choose_queries
    from index.kwic import concordance
    from index.search import Engine

    corpus, ix = DATA / "inews", DATA / "ix-kwic"
    write_inews(corpus)
    subprocess.run([sys.executable, "-m", "cli", "build", "--source", str(corpus), "--index-dir", str(ix)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    words = [q.terms[0] for q in choose_queries([b for _, _, b in folded_texts(ix)]) if q.kind == "word"]
    engine = Engine(ix, time_limit=60)
    times, rows = [], []
    for word in words:
        concordance(engine, word)
        t = time.perf_counter()
        result = concordance(engine, word)
        times.append((time.perf_counter() - t) * 1000)
        rows.append(f"| {word} | {result.occurrences:,} | {result.documents:,} | {times[-1]:.0f} |")
    print("| word | occurrences | documents | ms |\n|---|---:|---:|---:|\n" + "\n".join(rows))
    print(f"\n{len(words)} words, {engine.document_count:,} articles: p50 {pct(times, 50):.0f} ms, "
          f"p95 {pct(times, 95):.0f} ms, max {max(times):.0f} ms")


def interface_speed(args: argparse.Namespace) -> None:
    """Issues 14 and 15: the pages a reader meets, and the exports, through Flask's test client on the
    7,353-article index, warm: median and slowest of ``args.repeat`` requests each, in Chinese (the default)
    and English."""
    import statistics

    from web import create_app

    corpus, ix = DATA / "inews", DATA / "ix-kwic"
    write_inews(corpus)
    subprocess.run([sys.executable, "-m", "cli", "build", "--source", str(corpus), "--index-dir", str(ix)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = create_app({"INDEX_DIR": str(ix)}).test_client()
    t = time.perf_counter()
    client.get("/")
    first_home = (time.perf_counter() - t) * 1000  # the collection is counted once per index generation
    pages = ["/", "/docs", "/docs?sort=title&order=desc&page=100", "/search?q=党建",
             "/search?q=党建&sort=year&order=desc", "/search?q=党建&sort=title", "/search?q=的",
             "/search?q=的&sort=year", "/search?q=的&sort=title&order=desc", "/search?q=的&page=600",
             "/search?q=党建+year:none", "/kwic?q=党建", "/search?q=党建&lang=en",
             # Issue 15: exports of a whole result list (的: the first 1,000 of 6,607), a citation page.
             "/search?q=的&format=bibtex", "/search?q=的&format=ris", "/search?q=的&format=csljson",
             "/search?q=的&format=csv", "/api/openapi.json"]
    first = client.get("/api/search?q=的&limit=1").get_json()["hits"][0]["id"]
    pages += [f"/doc/{first}/cite/1", f"/doc/{first}/cite/1?q=的", f"/doc/{first}?format=ris"]
    print(f"first `/` after start: {first_home:.0f} ms\n")
    print("| page | status | bytes | median ms | max ms |\n|---|---:|---:|---:|---:|")
    for page in pages:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = client.get(page)
            times.append((time.perf_counter() - t) * 1000)
        print(f"| `{page}` | {r.status_code} | {len(r.data):,} | {statistics.median(times):.1f} | {max(times):.1f} |")


def run_soak(args: argparse.Namespace) -> None:
    from bench.soak import soak

    soak(args.connections, args.seconds)


def run_hostile(args: argparse.Namespace) -> None:
    from bench.hostile import hostile

    hostile(args.port, args.seconds, args.idle, args.slow)


def run_fidelity(args: argparse.Namespace) -> None:
    from bench.fidelity import run

    run(DATA, sample=args.sample, seed=args.seed, parts=args.parts)


def run_scale(args: argparse.Namespace) -> None:
    from bench.scale import run

    run(args)


def run_all(args: argparse.Namespace) -> None:
    segmenter(args)
    for copies in (1, 10):
        args.copies = copies
        perf(args)
    plot_latency(args)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(required=True)
    sub.add_parser("all", help="issue 5: segmenter, perf at 1x and 10x, plot").set_defaults(func=run_all)
    p = sub.add_parser("perf", help="issue 5: ours vs SQLite FTS5 and Tantivy, builds and queries")
    p.add_argument("--copies", type=int, default=1, help="1: 7,353 articles; 10: 73,530")
    p.set_defaults(func=perf)
    sub.add_parser("segmenter", help="rjieba vs jieba on the corpus").set_defaults(func=segmenter)
    sub.add_parser("plot", help="docs/bench-latency.png from the perf results").set_defaults(func=plot_latency)
    sub.add_parser("kwic", help="issue 7: concordance speed for the 20 common words").set_defaults(func=kwic_speed)
    ui = sub.add_parser("interface", help="issues 14, 15: home, collection list, sorted results, concordance, exports")
    ui.add_argument("--repeat", type=int, default=15)
    ui.set_defaults(func=interface_speed)
    fd = sub.add_parser("fidelity", help="issue 12: cleaning and cross-script folding on inews, one paragraph a line")
    fd.add_argument("--sample", type=int, default=1000, help="articles in the cross-script measure")
    fd.add_argument("--seed", type=int, default=12)
    fd.add_argument("--parts", choices=("all", "cleaning", "scripts"), default="all")
    fd.set_defaults(func=run_fidelity)
    k = sub.add_parser("soak", help="issue 6: wrk load on the served 7,353-article index (loopback)")
    k.add_argument("--connections", type=int, default=20)
    k.add_argument("--seconds", type=int, default=60)
    k.set_defaults(func=run_soak)
    h = sub.add_parser("hostile", help="issue 13: idle and slow sockets and the worst concordance, while one "
                       "client searches a server already running on loopback")
    h.add_argument("--port", type=int, required=True)
    h.add_argument("--seconds", type=float, default=30)
    h.add_argument("--idle", type=int, default=50)
    h.add_argument("--slow", type=int, default=30)
    h.set_defaults(func=run_hostile)
    s = sub.add_parser("scale", help="issue 16: 1x, 10x, 100x inews, ours and FTS5 in turns: builds, memory, "
                       "serving with 4 workers, latency, concordance, incremental builds (hours at 100x)")
    s.add_argument("--copies", default="1,10,100", help="corpus sizes, comma-separated (1: 7,353 articles)")
    s.add_argument("--skip-fts5", action="store_true", help="do not build SQLite FTS5 beside ours")
    s.add_argument("--incremental", action=argparse.BooleanOptionalAction, default=True,
                   help="the incremental-build figures, on the largest size of the run")
    s.add_argument("--build-runs", type=int, default=None, help="timed builds per engine (default: 3 at 1x, else 1)")
    s.add_argument("--out", default=str(DOCS / "bench-latest.md"),
                   help="markdown file whose scale section is written (the rest of the file is kept)")
    s.add_argument("--plot", default=str(DOCS / "bench-scale.png"), help="PNG: time and memory against corpus size")
    s.add_argument("--include-saved", action=argparse.BooleanOptionalAction, default=True,
                   help="report the sizes measured by earlier runs too (bench/data/scale-*.json)")
    s.add_argument("--report-only", action="store_true", help="remake the report and plot from the saved results")
    s.set_defaults(func=run_scale)
    sub.add_parser("pages", help="issue 17: article extraction, trafilatura against readability-lxml, on the "
                   "page fixtures").set_defaults(func=lambda _args: __import__("bench.pages").pages.main())
    d = sub.add_parser("design", help="issue 3: compare the two exact-phrase designs")
    d.add_argument("--seed", type=int, default=3)
    d.add_argument("--skip-a", action="store_true", help="only measure the chosen design")
    d.set_defaults(func=design)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
