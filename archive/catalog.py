"""``seeds/catalog.toml``: curated metadata the article text cannot give."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from archive.errors import CatalogError
from archive.model import is_one_line

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
            # Every text but the note goes on one line of a citation, RIS or BibTeX: a line break there
            # would start a field (or a reference) of its own.
            if isinstance(value, str) and key != "note" and not is_one_line(value):
                raise CatalogError(f"{path}: [{doc_id}] {key} must be one line without control characters")
            if key == "date":
                check_date(value, f"{path}: [{doc_id}] date")
    return data


_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)


def check_date(value: str, where: str) -> None:
    """Refuse (CatalogError) anything but a real ISO date: ``2020-01-15``, ``2020-01`` or ``2020``, ASCII
    digits (a citation prints it as it is: ``2020-13-99`` or full-width digits would be printed wrong)."""
    m = _ISO_DATE.fullmatch(value)
    year, month, day = (int(g) if g else None for g in m.groups()) if m else (None, None, None)
    try:
        if year is None or year < 1 or (month is not None and not 1 <= month <= 12):
            raise ValueError
        if day is not None:
            date(year, month or 1, day)
    except ValueError:
        raise CatalogError(f"{where} must be a date written YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}") from None
