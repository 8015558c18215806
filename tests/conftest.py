from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive import Document, load_sources

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seed_docs() -> dict[str, Document]:
    """Every seed, loaded once: id prefix ('000'…'004') → Document."""
    return {doc.id[:3]: doc for doc in load_sources([SEEDS])}


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """A real Whoosh index of the five seeds, built once for the session."""
    from index.build import build_index

    index_dir = tmp_path_factory.mktemp("index") / "ix"
    build_index([SEEDS], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def engine(seed_index):
    from index.search import get_engine

    return get_engine(seed_index)


@pytest.fixture
def app(seed_index):
    """The Flask app on the session's seed index (flaskr-style fixtures)."""
    from web import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index)})


def english(client):
    """``client`` with a browser that asks for English, the language most tests assert."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    """A reader whose browser asks for English; ``zh_client`` is one whose browser says nothing, who gets
    the site's default, Simplified Chinese."""
    return english(app.test_client())


@pytest.fixture
def zh_client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """Runs the ``archive`` command line in-process (click's runner: our CLI is click, not Flask's)."""
    from click.testing import CliRunner

    return CliRunner()


@dataclass
class Server:
    """A running ``archive serve``."""

    proc: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(index_dir: Path, workers: int = 2, wait: bool = True, capture: bool = False,
            env: dict[str, str] | None = None) -> Iterator[Server]:
    """``archive serve`` (gunicorn) on ``index_dir`` and a free loopback port, stopped on exit.

    ``wait``: return once it answers (any HTTP status: a damaged index answers 503). ``capture``: its
    output is readable line by line from ``proc.stdout`` (else it goes to a file, shown if it fails to
    start); a test that captures must read it, or gunicorn's log fills the pipe and the server stalls.
    """
    port = free_port()
    log = None if capture else open(Path(index_dir).parent / f"serve-{port}.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--workers", str(workers),
         "--index-dir", str(index_dir)],
        stdout=subprocess.PIPE if capture else log, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})})
    server = Server(proc, port)
    try:
        deadline = time.monotonic() + 30
        while wait:
            try:
                with urllib.request.urlopen(server.url + "/", timeout=2):
                    break
            except urllib.error.HTTPError as exc:
                exc.close()
                break  # it answers
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = ""
                    if log:
                        log.seek(0)
                        output = log.read()
                    pytest.fail(f"archive serve did not start: {output[-3000:]}")
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()  # gunicorn's workers die with their arbiter
            proc.wait()
        for stream in (proc.stdout, log):
            if stream:
                stream.close()


@pytest.fixture
def start_server() -> Iterator:
    """A factory: ``start_server(index_dir, workers=2, wait=True, capture=False)`` → a running :class:`Server`,
    stopped when the test ends."""
    with contextlib.ExitStack() as stack:
        yield lambda *args, **kwargs: stack.enter_context(serving(*args, **kwargs))


def write_many(out: Path, seeds_dir: Path, n: int) -> Path:
    """``n`` short articles made of seed paragraphs, each with its own marker 编号<n>."""
    paragraphs = [p for d in load_sources([seeds_dir]) for p in d.paragraphs]
    out.mkdir()
    for i in range(n):
        body = "\n\n".join(paragraphs[(i * 3 + k) % len(paragraphs)] for k in range(3))
        (out / f"{i:05d}.txt").write_text(f"第{i}篇\n\n{body}\n\n编号{i}。\n", encoding="utf-8")
    return out


@pytest.fixture
def many(tmp_path, seeds_dir):
    """A factory: ``many(n)`` writes n articles into a new folder under tmp_path."""
    return lambda n, name="many": write_many(tmp_path / name, seeds_dir, n)


@pytest.fixture
def client_of(tmp_path):
    """A factory: ``client_of({"name.txt": text, …})`` writes the articles, indexes them, and returns a Flask
    test client on that index."""
    from index.build import build_index
    from web import create_app

    def make(files: dict[str, str]):
        src = tmp_path / "articles"
        src.mkdir()
        for name, text in files.items():
            (src / name).write_text(text, encoding="utf-8")
        build_index([src], tmp_path / "articles-ix")
        return english(create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "articles-ix")}).test_client())

    return make


@pytest.fixture
def served(tmp_path, seeds_dir):
    """A source folder (a copy of the seeds) and an index built from it, in service."""
    import shutil

    from index.build import build_index

    src = tmp_path / "src"
    shutil.copytree(seeds_dir, src)
    ix = tmp_path / "ix"
    build_index([src], ix)
    return src, ix


#: Debian's chromium (never a downloaded browser), as the machine's own probe runs it: headless, no sandbox
#: as root, no background network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(seed_index):
    """``archive serve`` on the seed index, one worker, for a module's browser tests: its base URL."""
    with serving(seed_index, workers=1) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browse(browser):
    """A factory: ``browse(width, height)`` → a page in a fresh context of a browser set to Chinese, closed
    when the test ends."""
    contexts = []

    def open_page(width: int, height: int, **options):
        contexts.append(browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **options))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()
