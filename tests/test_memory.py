"""The folded text a search scans is mapped from the generation's files, never copied into a process: the
memory that each worker owns alone (anonymous) does not grow with the archive's text (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import load_sources
from index.build import build_index
from index.generation import current_generation

#: Run in a fresh process: its anonymous memory before the index is opened (the libraries and the jieba
#: dictionary loaded), and after opening it and searching it through (phrases that scan every document,
#: words, a year facet, a concordance, folded text read for snippets).
PROBE = """
import json, sys
from pathlib import Path

def anonymous():
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Anonymous:"):
            return int(line.split()[1]) * 1024

from index.analysis import query_words
from index.kwic import concordance
from index.search import Engine
query_words("党建")
before = anonymous()
engine = Engine(Path(sys.argv[1]))
for query in ('"不在任何文章里的词组"', '"编号"', "党建", "党建 -扶贫", "year:none", '"的"'):
    engine.search(query, limit=20)
concordance(engine, "党建", limit=50)
print(json.dumps({"before": before, "after": anonymous(), "documents": engine.document_count}))
"""


@pytest.fixture(scope="module")
def large_index(tmp_path_factory, seeds_dir) -> Path:
    """An archive whose folded text is 38 MB: 320 articles of the seeds' paragraphs, each about 100 KB."""
    paragraphs = [p for d in load_sources([seeds_dir]) for p in d.paragraphs]
    src = tmp_path_factory.mktemp("large") / "src"
    src.mkdir()
    for i in range(320):
        body = "\n\n".join(f"{paragraphs[(i + k) % len(paragraphs)]}编号{i}-{k}。" for k in range(400))
        (src / f"{i:03d}.txt").write_text(f"第{i}篇长文\n\n{body}\n", encoding="utf-8")
    ix = tmp_path_factory.mktemp("large") / "ix"
    build_index([src], ix)
    return ix


def test_a_worker_does_not_copy_the_folded_text(large_index):
    folded = (current_generation(large_index) / "folded.bin").stat().st_size
    assert folded > 32 * 2**20
    done = subprocess.run([sys.executable, "-c", PROBE, str(large_index)], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    grown = probe["after"] - probe["before"]
    assert probe["documents"] == 320
    # Copied into the process (as before: the joined buffer, and the texts it was joined from), the folded
    # text alone would add its size; mapped, what grows is the engine's own bookkeeping and the answers.
    assert grown < folded / 4, f"anonymous memory grew {grown / 2**20:.1f} MB for {folded / 2**20:.1f} MB of text"


def _open_index_files(pid: int, gen: Path) -> set[str]:
    fds = Path(f"/proc/{pid}/fd")
    found = set()
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith(str(gen)):
            found.add(target)
    return found


def test_the_server_s_workers_open_the_index_themselves(seed_index, start_server):
    """Whoosh reads its segment files by seek-then-read: a file the arbiter opened before forking would be
    shared by every worker with one offset, and two workers reading at once would read each other's bytes
    (seen as a zlib error, a 500, once in 720 requests). The arbiter holds no file of the index open."""
    import urllib.request

    server = start_server(seed_index, workers=2)
    with urllib.request.urlopen(server.url + "/api/search?q=%E5%85%9A%E5%BB%BA", timeout=10) as r:
        assert r.status == 200
    gen = current_generation(seed_index)
    children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
    deadline = time.monotonic() + 20
    while True:  # until both workers have started and opened the index (as each starts, before any request)
        workers = [int(c) for c in children.read_text().split()]
        opened = [any(f.endswith(".pst") for f in _open_index_files(w, gen)) for w in workers]
        if (len(workers) == 2 and all(opened)) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(workers) == 2 and all(opened), (workers, opened)
    assert _open_index_files(server.proc.pid, gen) == set()


def test_a_forked_child_opens_its_own_engine(seed_index):
    """get_engine in a child forked after the parent opened it gives a new engine (its own files)."""
    from index.search import get_engine

    parent = get_engine(seed_index)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether it got the parent's engine, and whether its own answers
        try:
            child = get_engine(seed_index)
            os.write(write, b"own" if child is not parent and child.search('"一肩挑"').total == 1 else b"shared")
        finally:
            os._exit(0)
    os.close(write)
    said = os.read(read, 16)
    os.waitpid(pid, 0)
    assert said == b"own" and get_engine(seed_index) is parent


def _helpers_of(pid: int) -> list[int]:
    """The scan helpers among the children of process ``pid`` (of any of its threads: a helper is started by
    the thread whose scan first needs it)."""
    found = []
    for child in {c for task in Path(f"/proc/{pid}/task").iterdir() for c in _children(task)}:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:  # ended meanwhile
            continue
        if b"index.scan" in cmdline:
            found.append(int(child))
    return found


@pytest.mark.parametrize("setting", ["true", "false"])
def test_a_worker_s_scan_helper_starts_when_a_scan_needs_it_and_ends_with_the_server(seed_index, start_server,
                                                                                      setting):
    import urllib.request

    server = start_server(seed_index, workers=1, env={"ARCHIVE_SCAN_HELPER": setting, "ARCHIVE_SCAN_SPLIT_MB": "0"})
    children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
    deadline = time.monotonic() + 20
    while not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.1)
    (worker,) = [int(c) for c in children.read_text().split()]
    assert _helpers_of(worker) == []  # none before a scan needs it
    for _ in range(50):  # the first scan starts it (and is its worker's alone); the next ones share
        with urllib.request.urlopen(server.url + "/api/search?q=%22%E4%B8%80%E8%82%A9%E6%8C%91%22", timeout=10) as r:
            assert json.load(r)["total"] == 1
        if _helpers_of(worker):
            break
        time.sleep(0.1)
    helpers = _helpers_of(worker)
    assert len(helpers) == (1 if setting == "true" else 0), helpers
    server.proc.terminate()
    server.proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(map(_alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.1)  # a helper ends when its worker's pipe closes
    assert not any(map(_alive, helpers))


def _children(task: Path) -> list[str]:
    try:
        return (task / "children").read_text().split()
    except OSError:  # the thread has ended
        return []


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (an orphan that ended may wait for init to reap it: a zombie)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
