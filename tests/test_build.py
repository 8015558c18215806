import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.build import BuildError, build_index, build_lock, current_generation
from index.search import Engine


@pytest.fixture
def corpus(tmp_path, seeds_dir) -> Path:
    src = tmp_path / "src"
    shutil.copytree(seeds_dir, src)
    return src


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


def test_killed_build_leaves_previous_index_and_no_stale_lock(tmp_path, corpus, seeds_dir):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    serving = current_generation(ix)
    big = tmp_path / "big"
    big.mkdir()
    texts = [p.read_bytes() for p in sorted(seeds_dir.glob("*.txt"))]
    for n in range(400):
        (big / f"{n:04d}.txt").write_bytes(texts[n % len(texts)] + f"\n\n编号{n}。\n".encode())
    proc = subprocess.Popen([sys.executable, "-m", "cli", "build", "--source", str(big), "--index-dir", str(ix)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.0)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_generation(ix) == serving
    assert Engine(ix).search('"编号1"').total == 0
    assert Engine(ix).search('"一肩挑"').total == 1
    # The kernel dropped the dead build's flock: the next build runs and cleans up.
    report = build_index([corpus, big], ix)
    assert report.documents == 405
    assert Engine(ix).search('"编号399"').total == 1
