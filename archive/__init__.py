"""Documents: read, clean, describe and number the paragraphs of news articles.

This package knows nothing of Whoosh or Flask: it takes paths and bytes and
returns :class:`Document` values. Its names are imported when first used (PEP 562): a command that only
searches the index never loads the cleaning rules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.errors import ArchiveError, CatalogError, NotFoundError, SourceError
    from archive.loading import build_document, find_sources, load_seed, load_sources
    from archive.model import Author, Document, Repair

_WHERE = {
    "ArchiveError": "archive.errors", "CatalogError": "archive.errors", "NotFoundError": "archive.errors",
    "SourceError": "archive.errors", "build_document": "archive.loading", "find_sources": "archive.loading",
    "load_seed": "archive.loading", "load_sources": "archive.loading", "Author": "archive.model",
    "Document": "archive.model", "Repair": "archive.model",
}

__all__ = ["ArchiveError", "Author", "CatalogError", "Document", "NotFoundError", "Repair", "SourceError",
           "build_document", "find_sources", "load_seed", "load_sources"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
