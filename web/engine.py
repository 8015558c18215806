"""The engine for the configured index, shared by views and API."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from index.search import Engine, get_engine


def engine() -> Engine:
    return get_engine(Path(current_app.config["INDEX_DIR"]))


def parse_int(value: str | None, default: int, low: int, high: int) -> int:
    """A query-string integer clamped to [low, high]; garbage gives the default."""
    try:
        n = int(value) if value is not None else default
    except ValueError:
        return default
    return max(low, min(high, n))
