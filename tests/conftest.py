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
