"""Documents: read, clean, describe and number the paragraphs of news articles.

This package knows nothing of Whoosh or Flask: it takes paths and bytes and
returns :class:`Document` values.
"""

from archive.errors import ArchiveError, CatalogError, NotFoundError, SourceError
from archive.loading import build_document, find_sources, load_seed, load_sources
from archive.model import Author, Document, Repair

__all__ = [
    "ArchiveError",
    "Author",
    "CatalogError",
    "Document",
    "NotFoundError",
    "Repair",
    "SourceError",
    "build_document",
    "find_sources",
    "load_seed",
    "load_sources",
]
