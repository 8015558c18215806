"""Rebuilds under fire: a server keeps answering from the index in service while builds die, fail or race."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from index.generation import current_generation, verify_generation
from index.search import Engine
from tests.test_build import children


class Searcher(threading.Thread):
    """Asks the server one query again and again, recording every answer."""

    def __init__(self, port: int, query: str) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/api/search?q={urllib.parse.quote(query)}"
        self.answers: list[tuple[int, int | None]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=10) as r:
                    self.answers.append((r.status, json.loads(r.read())["total"]))
            except urllib.error.HTTPError as exc:
                self.answers.append((exc.code, None))
            except OSError:
                self.answers.append((0, None))

    def take(self) -> list[tuple[int, int | None]]:
        taken, self.answers = self.answers, []
        return taken


@pytest.fixture
def server(served, start_server):
    src, ix = served
    return src, ix, start_server(ix).port


def build(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli", "build", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_searches_answer_from_the_index_in_service_through_killed_failed_and_racing_builds(server, many):
    src, ix, port = server
    big = many(3000, "big")
    searcher = Searcher(port, '"一肩挑"')
    searcher.start()
    time.sleep(0.5)

    # (a) A large rebuild killed with SIGKILL while its workers run.
    proc = build("--source", str(src), "--source", str(big), "--index-dir", str(ix))
    deadline = time.monotonic() + 60
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)

    # (b) A rebuild whose source holds a file that is neither UTF-8 nor GB18030.
    (src / "bad.txt").write_bytes(b"\x80\x81\xfe\xff" * 10)
    proc = build("--source", str(src), "--source", str(big), "--index-dir", str(ix))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "bad.txt" in err and "unchanged" in err
    answers = searcher.take()
    assert answers and all(a == (200, 1) for a in answers), set(answers)

    # (c) The dead build's lock does not block the next one; (d) two builds at once: one waits, both end well.
    (src / "bad.txt").unlink()
    first = build("--source", str(src), "--source", str(big), "--index-dir", str(ix))
    second = build("--source", str(src), "--source", str(big), "--index-dir", str(ix))
    out1, err1 = first.communicate(timeout=180)
    out2, err2 = second.communicate(timeout=180)
    assert first.returncode == second.returncode == 0, err1 + err2
    assert "waiting" in err1 + err2
    assert "indexed 3005 documents" in out1 + out2 and "up to date" in out1 + out2
    verify_generation(current_generation(ix))
    time.sleep(0.5)
    searcher.stop.set()
    searcher.join(timeout=15)
    answers = searcher.take()
    # Every answer came from a whole index: the old one (1 hit) or the new one, never from one half built.
    new_total = Engine(ix).search('"一肩挑"').total
    assert new_total > 1
    assert answers and set(answers) <= {(200, 1), (200, new_total)}, set(answers)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={urllib.parse.quote('编号2999')}") as r:
        assert json.loads(r.read())["total"] == 1  # the server serves the new index
    assert Path(ix / ".lock").exists()
