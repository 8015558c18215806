"""``seeds/catalog.toml``: curated metadata the article text cannot give."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from archive.errors import CatalogError

#: Keys a catalog entry may hold, with their types.
CATALOG_FIELDS: dict[str, type] = {
    "title": str,
    "publication": str,
    "date": str,
    "page": str,
    "year": int,
    "place": str,
    "url": str,
    "note": str,
}


def load_catalog(path: Path) -> dict[str, dict[str, Any]]:
    """Read the catalog; a missing file is an empty catalog, a malformed one an error."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    for doc_id, entry in data.items():
        if not isinstance(entry, dict):
            raise CatalogError(f"{path}: [{doc_id}] must be a table")
        for key, value in entry.items():
            expected = CATALOG_FIELDS.get(key)
            if expected is None:
                raise CatalogError(f"{path}: [{doc_id}] unknown key {key!r}")
            if not isinstance(value, expected):
                raise CatalogError(f"{path}: [{doc_id}] {key} must be {expected.__name__}")
            # The years a query can name (year:1..9999); a year past them could be neither found nor sorted.
            if key == "year" and not 1 <= value <= 9999:
                raise CatalogError(f"{path}: [{doc_id}] year must be between 1 and 9999, not {value}")
    return data
