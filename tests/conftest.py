from __future__ import annotations

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


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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
def served(tmp_path, seeds_dir):
    """A source folder (a copy of the seeds) and an index built from it, in service."""
    import shutil

    from index.build import build_index

    src = tmp_path / "src"
    shutil.copytree(seeds_dir, src)
    ix = tmp_path / "ix"
    build_index([src], ix)
    return src, ix
