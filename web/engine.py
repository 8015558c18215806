"""The engine for the configured index, shared by views and API."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from index.search import Engine, get_engine, release_engine


def engine() -> Engine:
    return get_engine(Path(str(current_app.config["INDEX_DIR"])))


def release() -> None:
    """The request is over: its thread no longer holds the generation it read."""
    release_engine(Path(str(current_app.config["INDEX_DIR"])))


def time_limit() -> float:
    """Seconds a search or concordance may take (the ``SEARCH_TIME_LIMIT`` setting)."""
    return float(current_app.config["SEARCH_TIME_LIMIT"])


def parse_int(value: str | None, default: int, low: int, high: int) -> int:
    """A query-string integer clamped to [low, high]; garbage gives the default."""
    try:
        n = int(value) if value is not None else default
    except ValueError:
        return default
    return max(low, min(high, n))
