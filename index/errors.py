"""Search-side errors; all are :class:`archive.ArchiveError`, so every layer reports them the same way."""

from __future__ import annotations

from archive.errors import N_, ArchiveError

__all__ = [
    "N_",
    "ArchiveError",
    "DamagedIndexError",
    "IndexError_",
    "NoIndexError",
    "QueryError",
    "QueryTimeout",
]


class IndexError_(ArchiveError):
    """The index is missing, locked or unusable: the service is unavailable until it is (re)built."""

    status = 503


class NoIndexError(IndexError_):
    """No index has been built in this directory yet."""


class DamagedIndexError(IndexError_):
    """A file of the index in service is missing, truncated or unreadable; the message says to rebuild it."""


class QueryError(ArchiveError):
    """A query (or a parameter of it) that cannot be used; the message says what is wrong and how to fix it."""

    status = 400


class QueryTimeout(ArchiveError):
    """A query ran past its time limit: the server could not answer in time (not the client's fault)."""

    status = 503
    retry_after = 5
