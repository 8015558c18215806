"""Pages: search form, results, documents. Thin: all logic is in index/ and archive/."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from archive.cite import cite
from archive.render import render_html
from index.errors import NoIndexError, QueryError, QueryTimeout
from index.search import highlight_needles
from index.snippets import match_spans
from web.engine import engine, parse_int

bp = Blueprint("views", __name__)
MAX_PAGE = 10_000


@bp.get("/")
def home():
    try:
        count = len(engine().all_ids)
    except NoIndexError:
        count = 0
    return render_template("index.html", count=count, q="")


@bp.get("/search")
def search():
    query = request.args.get("q", "")
    page_no = parse_int(request.args.get("page"), 1, 1, MAX_PAGE)
    size = current_app.config["PAGE_SIZE"]
    if not query.strip():
        return render_template("index.html", q=query, count=len(engine().all_ids),
                               message="Type something to search for.")
    try:
        result = engine().search(query, limit=size, offset=(page_no - 1) * size)
    except QueryError as exc:
        return render_template("search.html", q=query, error=str(exc), result=None), 400
    except QueryTimeout as exc:
        return render_template("search.html", q=query, error=str(exc), result=None), 408
    pages = max(1, -(-result.total // size))
    facets = {field: [(v, n, _narrow(query, field, v)) for v, n in values] for field, values in result.facets.items()}
    return render_template("search.html", q=query, result=result, page=page_no, pages=pages, facets=facets,
                           error=None, phrase=concordance_phrase(query))


KWIC_PAGE = 100  # concordance lines per page
CHART_BARS = 15  # documents shown in the occurrences chart (the most first)


@bp.get("/kwic")
def kwic():
    """Every occurrence of a phrase in context, sortable, paginated, with counts per document and year."""
    from index.kwic import DEFAULT_WIDTH, MAX_WIDTH, concordance

    query = request.args.get("q", "")
    sort = request.args.get("sort", "doc")
    width = parse_int(request.args.get("width"), DEFAULT_WIDTH, 0, MAX_WIDTH)
    page_no = parse_int(request.args.get("page"), 1, 1, MAX_PAGE)
    try:
        result = concordance(engine(), query, width=width, sort=sort)
    except QueryError as exc:
        return render_template("kwic.html", q=query, error=str(exc), result=None), 400
    except QueryTimeout as exc:
        return render_template("kwic.html", q=query, error=str(exc), result=None), 408
    pages = max(1, -(-result.occurrences // KWIC_PAGE))
    lines = result.lines[(page_no - 1) * KWIC_PAGE:page_no * KWIC_PAGE]
    titles = {line.id: line.title for line in result.lines}
    by_document = [(doc_id, titles[doc_id], n) for doc_id, n in result.per_document.most_common(CHART_BARS)]
    by_year = sorted(result.per_year.items())
    return render_template("kwic.html", q=query, result=result, lines=lines, sort=sort, width=width, page=page_no,
                           pages=pages, first=(page_no - 1) * KWIC_PAGE, by_document=by_document,
                           by_year=by_year, error=None)


def concordance_phrase(query: str) -> str | None:
    """The phrase a search query asks for, if it is one run or one quoted phrase (for "all occurrences")."""
    from index import query as q

    try:
        tree = q.parse_query(query)
    except QueryError:
        return None
    return tree.text if isinstance(tree, q.Phrase | q.Words) else None


def _narrow(query: str, field: str, value: str) -> str:
    """The query narrowed to one facet value."""
    if field == "year":
        return f"{query} year:{value}"
    if field == "author":
        return f'{query} author:"{value}"'
    return f'{query} "{value}"'


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    query = request.args.get("q", "")
    needles = highlight_needles(query) if query else []
    marks = {n: spans for n, par in enumerate(doc.paragraphs, 1) if (spans := match_spans(par, needles))}
    base = current_app.config["BASE_URL"] or request.host_url
    citations = {n: {style: cite(doc, n, style, base) for style in ("gbt7714", "plain", "bibtex")}
                 for n in range(1, len(doc.paragraphs) + 1)}
    return render_template("doc.html", doc=doc, body=render_html(doc, marks), q=query, citations=citations,
                           matched=sorted(marks))
