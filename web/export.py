"""Exports of a result list, a document and a paragraph, as the site and ``archive search --format`` give them:
the items are made here (each pointing at its permalink, accessed today), written by :mod:`archive.export`.

Runs inside a Flask request (or test request) context: the permalinks come from :func:`web.present.permalink`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from flask import Response, current_app

from archive.csl import csl_item
from archive.errors import N_
from archive.export import FORMATS, csv_row, export_csv, export_items
from archive.model import Document
from index.errors import QueryError
from index.limits import MAX_EXPORT
from index.search import Engine
from web.params import ParameterError
from web.present import permalink

#: The formats of a result list; a document or a paragraph has no CSV (a CSV is a list of hits).
LIST_FORMATS = tuple(FORMATS)
ITEM_FORMATS = tuple(f for f in FORMATS if f != "csv")
#: How the formats are labelled on the pages.
LIST_LABELS = {"bibtex": "BibTeX", "ris": "RIS", "csljson": "CSL-JSON", "csv": "CSV"}
ITEM_LABELS = {f: label for f, label in LIST_LABELS.items() if f in ITEM_FORMATS}


@dataclass(frozen=True)
class Export:
    """An export's text, and what it holds: ``exported`` of the ``total`` documents of the list (fewer when
    the list is longer than :data:`MAX_EXPORT`)."""

    format: str
    text: str
    total: int
    exported: int
    #: The most documents the export could hold.
    cap: int = MAX_EXPORT

    @property
    def cut(self) -> bool:
        return self.exported < self.total


def export_cap() -> int:
    """The most documents an export of a list holds here: the ``EXPORT_LIMIT`` setting, at most
    :data:`MAX_EXPORT` (a smaller one answers sooner)."""
    return max(0, min(int(current_app.config["EXPORT_LIMIT"]), MAX_EXPORT))


def export_format(value: str, allowed: tuple[str, ...] = LIST_FORMATS) -> str:
    """``value`` if it is one of ``allowed``, else a ParameterError saying which are."""
    if value not in allowed:
        # A parameter's error, not the query's: the page says so, without the query syntax's help.
        raise ParameterError("format", N_("there is no export format %(format)s here; use %(formats)s"),
                             format=f"“{value[:20]}”", formats=", ".join(allowed))
    return value


def export_results(engine: Engine, query: str, fmt: str, sort: str = "relevance", descending: bool = False,
                   time_limit: float | None = None, accessed: date | None = None, cap: int = MAX_EXPORT) -> Export:
    """Every hit of ``query`` (the first ``cap``, in the list's order; ``cap`` at most :data:`MAX_EXPORT`),
    one item per document.

    Only the CSV shows a passage, so only the CSV asks the engine for snippets (one per hit): without them
    a hit is its stored document, a fifth of the cost."""
    if not query.strip():
        raise QueryError(N_("nothing to export: type a query"))
    page = engine.search(query, limit=min(cap, MAX_EXPORT), time_limit=time_limit, sort=sort,
                         descending=descending, passages=1 if fmt == "csv" else 0)
    accessed = accessed or date.today()
    items = [csl_item(hit.document, permalink(hit.id), accessed) for hit in page.hits if hit.document]
    if fmt == "csv":
        rows = []
        for hit, item in zip(page.hits, items, strict=True):
            first = hit.passages[0] if hit.passages else None
            caption = first.caption if first else None
            url = (permalink(hit.id, hit.paragraph) if hit.paragraph
                   else f"{permalink(hit.id)}#c{caption}" if caption else item["URL"])
            rows.append(csv_row(item, hit.year, hit.place, url, first.paragraph if first else None,
                                first.text if first else None, caption))
        text = export_csv(rows)
    else:
        text = export_items(items, fmt, comment=_comment(query, page.total, len(items), accessed, cap))
    return Export(fmt, text, page.total, len(items), cap)


def _comment(query: str, total: int, exported: int, accessed: date, cap: int) -> str:
    """What the export holds, for the formats that have room for a comment (BibTeX)."""
    what = f"{exported} of {total} documents matching “{query}” in the archive, exported {accessed.isoformat()}"
    if exported < total:
        what += f"; the first {exported} in the list's order (an export holds at most {cap})"
    return what


def export_document(doc: Document, fmt: str, paragraph: int | None = None, accessed: date | None = None) -> Export:
    """Document ``doc`` (its paragraph ``paragraph`` when given) as one item in ``fmt``."""
    item = csl_item(doc, permalink(doc.id, paragraph), accessed or date.today(), paragraph)
    return Export(fmt, export_items([item], fmt), 1, 1)


def file_name(stem: str, fmt: str) -> str:
    """``stem`` as a file name (letters, digits of any script, ``_`` and inner dots kept, other runs made ``-``,
    at most 60 characters), with the format's extension."""
    cleaned = re.sub(r"[^\w.]+", "-", unicodedata.normalize("NFKC", stem)).strip("-.")[:60].strip("-.")
    return f"{cleaned or 'export'}.{FORMATS[fmt][0]}"


def attachment(name: str) -> dict[str, str]:
    """``Content-Disposition`` for a download called ``name``: RFC 6266 with RFC 5987's ``filename*`` for a
    name that is not ASCII, and an ASCII ``filename`` for clients that read no other (the name's ASCII
    letters and digits, or ``export``)."""
    stem, ext = name.rsplit(".", 1)
    ascii_stem = re.sub(r"-{2,}", "-", stem.encode("ascii", "ignore").decode()).strip("-")
    fallback = f"{ascii_stem or 'export'}.{ext}"
    if fallback == name:
        return {"Content-Disposition": f'attachment; filename="{name}"'}
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"}


def export_response(export: Export, name: str) -> Response:
    """The export as a download: its MIME type (UTF-8; the CSV after a byte-order mark, which it holds),
    its file name, and ``X-Total``/``X-Exported``: how many documents the list has and the file holds."""
    mimetype = FORMATS[export.format][1]
    headers = {**attachment(name), "X-Total": str(export.total), "X-Exported": str(export.exported),
               "X-Export-Limit": str(export.cap)}
    return Response(export.text, content_type=f"{mimetype}; charset=utf-8", headers=headers)
