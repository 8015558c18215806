import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import index.build
from index.build import BuildError, build_index, build_lock
from index.generation import current_generation
from index.search import Engine


@pytest.fixture
def corpus(tmp_path, seeds_dir) -> Path:
    src = tmp_path / "src"
    shutil.copytree(seeds_dir, src)
    return src


def children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except FileNotFoundError:
        return set()


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_incremental_builds(tmp_path, corpus):
    ix = tmp_path / "ix"
    first = build_index([corpus], ix)
    assert (first.added, first.documents) == (5, 5)
    again = build_index([corpus], ix)
    assert again.up_to_date and "nothing re-indexed" in again.summary()
    assert current_generation(ix).name == first.generation

    engine = Engine(ix)
    assert engine.search('"一肩挑"').total == 1
    (corpus / "005_new.txt").write_text("新文章\n\n本报记者 赵六\n\n村支书一肩挑的做法。\n", encoding="utf-8")
    (corpus / "001_e97faf7f5b0c99b6.txt").unlink()
    report = build_index([corpus], ix)
    assert (report.added, report.updated, report.removed) == (1, 0, 1)
    assert engine.search('"一肩挑"').total == 2  # the open engine notices the swap
    assert engine.search('"丰溪镇"').total == 0
    # Only the generation in service and the one before it are kept.
    assert len(list(ix.glob("gen-*"))) <= 2


def test_changed_file_and_catalog_entry_reindex_only_their_document(tmp_path, corpus):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    engine = Engine(ix)
    path = corpus / "003_a1d20547fb6c16bf.txt"
    path.write_bytes(path.read_bytes() + "\n补记：本文有一处更正。\n".encode())
    report = build_index([corpus], ix)
    assert (report.added, report.updated, report.removed, report.documents) == (0, 1, 0, 5)
    assert [h.id for h in engine.search('"本文有一处更正"').hits] == ["003_a1d20547fb6c16bf"]
    assert engine.search("year:2019").total == 1
    catalog = corpus / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("year = 2019", "year = 2018"), encoding="utf-8")
    report = build_index([corpus], ix)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert engine.search("year:2019").total == 0
    assert [h.id for h in engine.search("year:2018").hits] == ["000_facb8668b9a49bed"]


def test_unchanged_files_are_known_by_stat_and_edits_still_seen(tmp_path, corpus, monkeypatch):
    from index.store import STORE_NAME, read_sources

    ix = tmp_path / "ix"
    build_index([corpus], ix)
    # Files written a moment ago are "racy": their signature is not trusted, so they are hashed again.
    assert {r[2] for r in read_sources(current_generation(ix) / STORE_NAME).values()} == {""}
    monkeypatch.setattr(index.build, "RACY_SECONDS", 0.0)
    (corpus / "005_new.txt").write_text("新文章\n\n一肩挑。\n", encoding="utf-8")
    build_index([corpus], ix)
    recorded = read_sources(current_generation(ix) / STORE_NAME)
    assert recorded["005_new"][2] and recorded["005_new"][1] == "005_new.txt"
    assert build_index([corpus], ix).up_to_date
    # Same size, old modification time put back: the change time still differs, so it is read again.
    path = corpus / "005_new.txt"
    before = path.stat()
    path.write_text("新文章\n\n二肩挑。\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    report = build_index([corpus], ix)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert Engine(ix).search('"二肩挑"').total == 1


def test_parallel_build_answers_like_a_single_process_build(tmp_path, many, monkeypatch):
    src = many(240)
    build_index([src], tmp_path / "one")
    monkeypatch.setattr(index.build, "PARALLEL_THRESHOLD", 1)  # Whoosh's MpWriter, one segment per core
    build_index([src], tmp_path / "mp")
    one, mp = Engine(tmp_path / "one"), Engine(tmp_path / "mp")
    assert mp.segments() == (os.cpu_count() or 1) >= 2 and one.segments() == 1
    for query in ("党建", "一肩挑", '"编号17"', "党建 -扶贫", "乡村 振兴", '"组织书"'):
        a, b = one.search(query, limit=1000), mp.search(query, limit=1000)
        assert a.total == b.total > 0, query
        assert {h.id for h in a.hits} == {h.id for h in b.hits}, query
        # The same BM25F statistics whichever way the postings were written.
        assert {h.id: round(h.score, 6) for h in a.hits} == {h.id: round(h.score, 6) for h in b.hits}, query


def test_bad_file_is_named_and_index_kept(tmp_path, corpus):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    before = current_generation(ix)
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x80\x81 not text")
    (corpus / "also_bad.md").write_bytes(b"\x80\x80")
    with pytest.raises(BuildError) as err:
        build_index([corpus], ix)
    assert "broken.txt" in str(err.value) and "also_bad.md" in str(err.value)
    assert "unchanged" in str(err.value)
    assert current_generation(ix) == before
    assert Engine(ix).search('"一肩挑"').total == 1


def test_second_build_waits_for_the_first(tmp_path, corpus):
    ix = tmp_path / "ix"
    messages: list[str] = []
    with build_lock(ix):
        t = threading.Thread(target=build_index, args=([corpus], ix), kwargs={"on_wait": messages.append})
        t.start()
        time.sleep(0.5)
        assert t.is_alive() and messages and "waiting" in messages[0]
        assert current_generation(ix) is None
    t.join(timeout=60)
    assert not t.is_alive()
    assert current_generation(ix) is not None


def test_killed_build_leaves_previous_index_no_stale_lock_and_no_workers(tmp_path, corpus, many):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    serving = current_generation(ix)
    big = many(3000, "big")
    proc = subprocess.Popen([sys.executable, "-m", "cli", "build", "--source", str(big), "--index-dir", str(ix)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(proc.pid)
    assert proc.poll() is None and len(workers) >= 2, "the build's index workers never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Whoosh's workers die with the build instead of waiting forever for work.
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)
    assert current_generation(ix) == serving
    assert Engine(ix).search('"编号1"').total == 0
    assert Engine(ix).search('"一肩挑"').total == 1
    # The kernel dropped the dead build's flock: the next build runs and cleans up.
    report = build_index([corpus, big], ix)
    assert report.documents == 3005
    assert Engine(ix).search('"编号2999"').total == 1


def test_a_refused_parallel_build_ends_its_workers(tmp_path, many, monkeypatch):
    import multiprocessing

    src = many(300)
    (src / "bad.txt").write_bytes(b"\x80\x81\xfe\xff" * 10)
    monkeypatch.setattr(index.build, "PARALLEL_THRESHOLD", 1)
    with pytest.raises(BuildError, match=r"bad\.txt"):
        build_index([src], tmp_path / "ix")
    # Whoosh's MpWriter.cancel leaves its forked workers waiting for work; the build must end them.
    assert multiprocessing.active_children() == []
    assert current_generation(tmp_path / "ix") is None


def test_a_build_removes_only_generations_it_recorded(tmp_path, corpus):
    ix = tmp_path / "ix"
    ix.mkdir()
    (ix / "gen-2019").mkdir()  # not the index's own, whatever its name
    (ix / "gen-2019" / "keep.txt").write_text("mine", encoding="utf-8")
    for _ in range(3):
        (corpus / "005_new.txt").write_text(f"新文章{_}\n\n一肩挑。\n", encoding="utf-8")
        build_index([corpus], ix)
    assert (ix / "gen-2019" / "keep.txt").read_text(encoding="utf-8") == "mine"
    ours = sorted(p.name for p in ix.glob("gen-*") if p.name != "gen-2019")
    assert len(ours) == 2  # the one in service and the one it replaced


@pytest.mark.parametrize("where", ["inside", "around"])
def test_an_index_and_its_sources_may_not_overlap(tmp_path, corpus, where):
    ix = corpus / "index" if where == "inside" else corpus.parent
    with pytest.raises(BuildError, match="overlap"):
        build_index([corpus], ix)
    assert sorted(p.name for p in corpus.iterdir())  # the sources are all still there


def test_incremental_builds_keep_the_segments_bounded(tmp_path, corpus):
    """30 builds of a few new articles each: without a merge policy, 31 segments that every search visits in
    turn; with it, the small ones are merged whenever there are MAX_SMALL_SEGMENTS of them."""
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    bound = index.build.MAX_SMALL_SEGMENTS + int(1 / index.build.LARGE_SHARE)
    counts = []
    for k in range(30):
        (corpus / f"new_{k:02d}.txt").write_text(f"新闻{k}\n\n第{k}篇新稿，乡村振兴编号X{k:02d}Y。\n", encoding="utf-8")
        build_index([corpus], ix)
        counts.append(Engine(ix).segments())
    assert max(counts) <= bound and counts[-1] < 30, counts
    assert min(counts[5:]) < max(counts), counts  # merges happened, not only growth
    engine = Engine(ix)
    assert engine.search("乡村振兴编号").total == 30 and engine.search('"一肩挑"').total == 1
    assert [engine.search(f'"编号X{k:02d}Y"').total for k in range(30)] == [1] * 30
    # A deleted article is gone from every segment it was merged through.
    (corpus / "new_07.txt").unlink()
    build_index([corpus], ix)
    assert Engine(ix).search('"编号X07Y"').total == 0 and Engine(ix).search("乡村振兴编号").total == 29


def test_a_build_runs_no_module_left_out_of_the_code_fingerprint(tmp_path, seeds_dir):
    """The fingerprint that says an index must be rebuilt skips the modules that only read an index; a build
    that used one of them could change the index without anyone knowing it must be rebuilt."""
    script = (
        "import sys; from pathlib import Path; from index.build import build_index; "
        "from index.generation import READ_ONLY_MODULES; "
        f"build_index([Path({str(seeds_dir)!r})], Path({str(tmp_path / 'ix')!r})); "
        "print(sorted(READ_ONLY_MODULES & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert current_generation(tmp_path / "ix") is not None


def test_changing_a_read_only_module_keeps_the_index_and_others_do_not(tmp_path, monkeypatch):
    """The fingerprint follows the modules a build runs and nothing else."""
    import index.generation as generation

    root = tmp_path / "code"
    for rel in ("archive", "index"):
        shutil.copytree(Path(generation.__file__).resolve().parent.parent / rel, root / rel)
    monkeypatch.setattr(generation, "_PACKAGE_ROOT", root)

    def version() -> str:
        generation.code_version.cache_clear()
        return generation.code_version()

    first = version()
    (root / "index" / "search.py").write_text("# a faster search\n", encoding="utf-8")
    (root / "archive" / "cite.py").write_text("# another style\n", encoding="utf-8")
    assert version() == first
    with open(root / "index" / "analysis.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a change to folding\n")
    assert version() != first
    generation.code_version.cache_clear()


def test_the_fingerprint_follows_the_libraries_that_shape_the_index(monkeypatch):
    """Another jieba cuts other words: an index built with it is not served (and a rebuild makes a new one)."""
    import importlib.metadata

    import index.generation as generation

    installed = {name: importlib.metadata.version(name) for name in generation.SHAPING_LIBRARIES}
    assert generation.library_versions() == installed
    generation.code_version.cache_clear()
    first = generation.code_version()
    monkeypatch.setattr(generation, "library_versions", lambda: {**installed, "jieba": "0.42.2"})
    generation.code_version.cache_clear()
    assert generation.code_version() != first
    monkeypatch.setattr(generation, "library_versions", lambda: dict(installed))
    generation.code_version.cache_clear()
    assert generation.code_version() == first
    generation.code_version.cache_clear()


def test_sources_without_an_article_build_an_empty_index_and_say_so(tmp_path, runner):
    """An empty folder (a first build, or every article removed) gives an index of no document and a
    warning naming the folder, not a traceback; the index answers."""
    from cli.main import main

    empty = tmp_path / "empty"
    empty.mkdir()
    ix = tmp_path / "ix"
    result = runner.invoke(main, ["build", "--source", str(empty), "--index-dir", str(ix)])
    assert result.exit_code == 0, result.output
    assert "no article" in result.output and str(empty) in result.output and "indexed 0 documents" in result.output
    engine = Engine(ix)
    assert engine.document_count == 0 and engine.search("党建").total == 0
    engine.close()
