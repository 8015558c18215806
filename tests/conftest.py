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
