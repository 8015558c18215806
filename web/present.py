"""What the engine returns, as the API's JSON and CSV with their links: the contract of ``/api`` and of
``archive … --json``. Runs inside a Flask request (or test request) context, so every URL comes from
``url_for`` and the marks from :func:`web.render.mark_html`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import current_app, request, url_for

from archive.export import csv_cell
from archive.model import Author, Document, document_to_dict
from index import query as q
from index.kwic import Concordance, KwicLine
from index.search import Hit, SearchPage
from index.snippets import Passage
from web.render import mark_html

#: The concordance's CSV columns; ``caption`` (a photo caption's number, as the JSON's) came last, with captions.
KWIC_CSV_COLUMNS = ("id", "title", "field", "paragraph", "left", "match", "right", "year", "url", "caption")


def doc_url(doc_id: str, paragraph: int | None = None) -> str:
    """The document page (at ``#pN`` when a paragraph is given), relative to the site."""
    return url_for("views.document", doc_id=doc_id, _anchor=f"p{paragraph}" if paragraph else None)


def line_anchor(line: KwicLine | Passage) -> str | None:
    """The anchor of a concordance line's or a passage's place on the document page: ``pN`` for paragraph N,
    ``cN`` for photo caption N, None for the title, subtitle and byline (the top)."""
    if line.paragraph:
        return f"p{line.paragraph}"
    return f"c{line.caption}" if line.caption else None


def permalink(doc_id: str, paragraph: int | None = None) -> str:
    """The absolute address of paragraph ``paragraph`` (of the document when None): under ``BASE_URL`` when
    set, else the request's own."""
    base = current_app.config["BASE_URL"]
    if not base:
        return url_for("views.document", doc_id=doc_id, _anchor=f"p{paragraph}" if paragraph else None,
                       _external=True)
    return base.rstrip("/") + doc_url(doc_id, paragraph)[len(request.script_root):]


def passage_json(p: Passage) -> dict:
    """A passage: of paragraph ``paragraph``, or (``paragraph`` null) of photo caption ``caption``."""
    return {"paragraph": p.paragraph, "caption": p.caption, "text": p.text, "html": mark_html(p.text, p.spans)}


def author_json(author: Author) -> dict:
    """An author as every object of the API gives one: the name as printed, the role printed before it."""
    return {"name": author.name, "role": author.role}


def hit_json(hit: Hit) -> dict:
    return {
        "id": hit.id, "title": hit.title, "title_html": mark_html(hit.title, hit.title_spans),
        "title_supplied": hit.title_supplied, "score": round(hit.score, 4), "url": doc_url(hit.id, hit.paragraph),
        "byline": hit.byline, "authors": [author_json(a) for a in hit.authors], "year": hit.year,
        "place": hit.place, "passages": [passage_json(p) for p in hit.passages],
    }


def facet_json(query: str, field: str, value: str, count: int) -> dict:
    """One facet value: a year is an integer (null for the documents without one), as in the hits; ``query``
    is ``query`` narrowed to the value, which finds exactly ``count`` documents (null when no query can
    name the value)."""
    shown: str | int | None = value
    if field == "year":
        shown = None if value == q.NO_YEAR else int(value)
    return {"value": shown, "count": count, "query": q.narrow(query, field, value)}


def search_json(page: SearchPage) -> dict:
    """The object of ``/api/search`` and ``archive search --json``, keys in the order the README shows.

    ``facets``: per field, the values :func:`facet_json` writes, as the page shows them. ``sort`` and
    ``order``: the order of the hits (``order`` is null for relevance, which has one direction: best first)."""
    return {"query": page.query, "total": page.total, "took_ms": round(page.took_ms, 1),
            "offset": page.offset, "limit": page.limit, "hits": [hit_json(h) for h in page.hits],
            "facets": {k: [facet_json(page.query, k, v, n) for v, n in vs] for k, vs in page.facets.items()},
            "sort": page.sort, "order": None if page.sort == "relevance" else "desc" if page.descending else "asc"}


def document_json(doc: Document) -> dict:
    """The object of ``/api/doc/<id>`` and ``archive show --json``: paragraphs numbered (``n`` from 1, the
    number of the permalink ``#pN``). A repair's ``note`` is English there; its translatable sentences
    (``messages``) are the site's business, not the API's shape."""
    data = document_to_dict(doc)
    data["paragraphs"] = [{"n": n, "text": text} for n, text in enumerate(doc.paragraphs, 1)]
    data["authors"] = [author_json(a) for a in doc.authors]
    data["repairs"] = [{k: v for k, v in r.items() if k != "messages"} for r in data["repairs"]]
    # "url" is the document's page here; where the article was published (a page's canonical address, the
    # catalog's url) is "original_url".
    return {**data, "original_url": doc.url, "url": doc_url(doc.id)}


def kwic_json(result: Concordance) -> dict:
    """The object of ``/api/kwic`` and ``archive kwic --json``: one page of lines, the counts of all."""
    return {"query": result.query, "occurrences": result.occurrences, "documents": result.documents,
            "offset": result.offset, "limit": result.limit,
            "years": [{"year": y, "count": n} for y, n in sorted(result.per_year.items())],
            "lines": [{"id": line.id, "field": line.field, "paragraph": line.paragraph, "caption": line.caption,
                       "left": line.left, "match": line.match, "right": line.right} for line in result.lines]}


def kwic_csv(result: Concordance, rows_per_chunk: int = 500) -> Iterator[str]:
    """The concordance as CSV, in chunks of rows (the header first, after a byte-order mark so that
    spreadsheets read the Chinese right): a stream holds one chunk, however many lines there are."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(KWIC_CSV_COLUMNS)
    # The header goes at once, with the response's own: a time limit reached while the lines are made then
    # cuts the stream (visibly incomplete) instead of turning the answer into a bare server error.
    yield out.getvalue()
    out.seek(0)
    out.truncate()
    # Each document's address, absolute as in the results' CSV and the citations (a spreadsheet has no site to
    # be relative to), built once: url_for is slow beside a CSV row.
    top: dict[str, str] = {}
    for k, line in enumerate(result.lines, 1):
        url = top.get(line.id) or top.setdefault(line.id, permalink(line.id))
        anchor = line_anchor(line)
        writer.writerow([csv_cell(x) for x in (
            line.id, line.title, line.field, line.paragraph or "", line.left, line.match, line.right,
            line.year if line.year is not None else "", f"{url}#{anchor}" if anchor else url, line.caption or "")])
        if k % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


#: What cannot stand in a file name on some system (Windows' reserved characters, the path separators,
#: controls), and white space, which a shell would split on.
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+|\s+')
#: Characters of the query a file name keeps (the name is for a person to recognise the file by).
NAME_QUERY_LENGTH = 40


def download_name(stem: str, query: str, extension: str, part: str = "") -> str:
    """The file name of a download: ``kwic-党建.csv`` (``stem``, the query's first characters, then ``part``,
    e.g. which lines the file holds, when it is one of several)."""
    # Controls and format characters (a right-to-left override would show "kwic-vsc.exe" backwards) go too.
    printable = "".join("_" if unicodedata.category(c)[0] == "C" else c for c in q.unquote(query))
    words = _UNSAFE_IN_NAMES.sub("_", printable).strip("._")[:NAME_QUERY_LENGTH]
    return "-".join(x for x in (stem, words, part) if x) + f".{extension}"


def attachment(name: str) -> str:
    """``Content-Disposition`` for a download named ``name``: the name in UTF-8 (``filename*``, RFC 5987), and
    an ASCII one for clients that read only ``filename`` (the ASCII letters and digits of the name; with
    none left but the stem's, the stem)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem, _, extension = ascii_name.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip("-_.") or "download"
    # Quoted always, as most servers write it (the name holds only characters a quoted string may hold).
    fallback = f"{stem}.{extension}"
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += "; filename*=UTF-8''" + quote(name, safe="!#$&+-.^_`|~")
    return header
