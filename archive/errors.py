"""The project's one exception hierarchy.

Everything we raise on purpose derives from :class:`ArchiveError`, so the CLI
and the web layer can turn it into a clear message instead of a traceback.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class for every error the archive reports to a user."""


class SourceError(ArchiveError):
    """A source file cannot be read or decoded; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CatalogError(ArchiveError):
    """``seeds/catalog.toml`` is malformed."""


class NotFoundError(ArchiveError):
    """A document id or paragraph number that the archive does not hold."""
