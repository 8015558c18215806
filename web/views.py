"""Pages: search form, results, concordance, documents. Thin: the logic is in index/ and archive/,
the presentation in the templates, errors in web.errors."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from archive.cite import LOST_NOTE, QUOTATION, STYLE_LABELS, STYLES, cite, has_lost_characters
from archive.csl import csl_item
from archive.highwire import highwire_tags
from index import query as q
from index.errors import QueryError
from index.kwic import DEFAULT_WIDTH, MAX_WIDTH, SORTS, concordance
from index.limits import KWIC_DEFAULT_LIMIT, KWIC_MAX_EXPORT, KWIC_MAX_SORTED, SEARCH_SORTS
from index.search import highlight_needles
from index.snippets import match_spans, quoted_sentences
from index.store import LISTING_SORTS
from web.engine import engine, parse_int, time_limit
from web.export import (
    ITEM_FORMATS,
    ITEM_LABELS,
    LIST_LABELS,
    export_cap,
    export_document,
    export_format,
    export_response,
    export_results,
    file_name,
)
from web.present import permalink
from web.render import render_html
from web.repairs import lost_rows, repair_log

bp = Blueprint("views", __name__)
MAX_PAGE = 10_000
KWIC_PAGE = KWIC_DEFAULT_LIMIT  # concordance lines per page
MAX_KWIC_PAGE = 10**7  # more than any concordance has: a page past the end shows the last one
DOCS_PAGE = 50  # documents per page of the collection's list
CHART_BARS = 15  # documents shown in the occurrences chart (the most first)


@bp.get("/")
def home() -> str:
    return _home(q="")


def _home(**context) -> str:
    """The home page: the collection in numbers, each year and place a link to its documents."""
    collection = engine().collection()
    places = [(p, n, q.narrow("", "place", p)) for p, n in collection.places]
    # Queries are written by index.query alone, years too: the page holds no query syntax of its own.
    years = [(y, n, q.narrow("", "year", str(y))) for y, n in collection.years]
    return render_template("index.html", collection=collection, places=places, years=years,
                           undated_query=q.narrow("", "year", q.NO_YEAR), **context)


def _facet_links(query: str, facets: dict[str, list[tuple[str, int]]], active: list[q.Filter],
                 ) -> dict[str, list[tuple[str, int, str | None, bool]]]:
    """Each facet value with its count, the query narrowed to it (None where no query can say it), and
    whether the query is already narrowed to it (a filter its chip removes)."""
    on = {(f.field, f.value if f.field == "year" else q.field_key(f.value)) for f in active}
    return {field: [(v, n, q.narrow(query, field, v), (field, v if field == "year" else q.field_key(v)) in on)
                    for v, n in values] for field, values in facets.items()}


def _sort_args() -> tuple[str, bool]:
    """The results' order from ``sort`` and ``order`` (as ``/docs`` reads them: anything unknown is the
    default, relevance, ascending)."""
    sort = request.args.get("sort", SEARCH_SORTS[0])
    return (sort if sort in SEARCH_SORTS else SEARCH_SORTS[0]), request.args.get("order") == "desc"


@bp.get("/search")
def search() -> ResponseReturnValue:
    query = request.args.get("q", "")
    if fmt := request.args.get("format"):  # every hit (up to the export's cap) as a file, in the list's order
        fmt = export_format(fmt)
        sort, descending = _sort_args()
        found = export_results(engine(), query, fmt, sort, descending, time_limit=time_limit(), cap=export_cap())
        return export_response(found, file_name(f"search {query}", fmt))
    page_no = parse_int(request.args.get("page"), 1, 1, MAX_PAGE)
    size = current_app.config["PAGE_SIZE"]
    if not query.strip():
        return _home(q=query, message=gettext("Type something to search for."))
    sort, descending = _sort_args()
    result = engine().search(query, limit=size, offset=(page_no - 1) * size, time_limit=time_limit(),
                             sort=sort, descending=descending)
    pages = max(1, -(-result.total // size))
    asked = None
    if page_no > pages:  # past the last page: say so and show the last one, not an empty list
        asked, page_no = page_no, pages
        result = engine().search(query, limit=size, offset=(page_no - 1) * size, time_limit=time_limit(),
                                 sort=sort, descending=descending)
    active = q.filters(query)
    # What every link of the page keeps: the order (left out when it is the default).
    order = {"sort": sort if sort != SEARCH_SORTS[0] else None, "order": "desc" if result.descending else None}
    return render_template("search.html", q=query, result=result, page=page_no, pages=pages, asked=asked,
                           facets=_facet_links(query, result.facets, active), filters=active, order=order,
                           export_formats=LIST_LABELS, export_cap=export_cap(),
                           sort=sort, descending=result.descending, NO_YEAR=q.NO_YEAR,
                           phrase=q.single_phrase(tree := q.parse_query(query)),
                           shown_q=_shown(query, tree),
                           hint=q.operator_hint(query) if not result.total else None)


@bp.get("/docs")
def documents() -> str:
    """Every document of the collection, a page at a time, sortable by title, year and place."""
    sort = request.args.get("sort", "title")
    if sort not in LISTING_SORTS:
        sort = "title"
    descending = request.args.get("order") == "desc"
    eng = engine()
    pages = max(1, -(-eng.document_count // DOCS_PAGE))
    page_no = min(parse_int(request.args.get("page"), 1, 1, MAX_KWIC_PAGE), pages)
    rows = eng.listing(sort, descending, (page_no - 1) * DOCS_PAGE, DOCS_PAGE)
    return render_template("docs.html", rows=rows, sort=sort, descending=descending, page=page_no, pages=pages,
                           total=eng.document_count, first=(page_no - 1) * DOCS_PAGE, sorts=LISTING_SORTS)


@bp.get("/kwic")
def kwic() -> str:
    """Every occurrence of a phrase in context, sortable, paginated, with counts per document and year."""
    query = request.args.get("q", "")
    sort = request.args.get("sort", SORTS[0])
    if sort not in SORTS:  # as /search and /docs do: an order the page does not know is its default one
        sort = SORTS[0]
    width = parse_int(request.args.get("width"), DEFAULT_WIDTH, 0, MAX_WIDTH)
    # A sorted concordance is read for its first KWIC_MAX_SORTED lines; in document order, to its end.
    last_page = KWIC_MAX_SORTED // KWIC_PAGE if sort != "doc" else MAX_KWIC_PAGE
    page_no = parse_int(request.args.get("page"), 1, 1, last_page)
    result = concordance(engine(), query, width=width, sort=sort, time_limit=time_limit(),
                         offset=(page_no - 1) * KWIC_PAGE, limit=KWIC_PAGE)
    pages = max(1, -(-result.reach // KWIC_PAGE))
    if page_no > pages:  # past the last page: the last page, not "Page 10000 of 3"
        page_no = pages
        result = concordance(engine(), query, width=width, sort=sort, time_limit=time_limit(),
                             offset=(page_no - 1) * KWIC_PAGE, limit=KWIC_PAGE)
    eng = engine()
    by_document = [(doc_id, doc.title if (doc := eng.document(doc_id, refresh=False)) else doc_id, n)
                   for doc_id, n in result.per_document.most_common(CHART_BARS)]
    by_year = sorted(result.per_year.items())
    phrase_query = q.quote(q.unquote(query))  # the same phrase, as a search
    files = range(0, result.reach, KWIC_MAX_EXPORT)  # CSV files of KWIC_MAX_EXPORT lines: their offsets
    return render_template("kwic.html", q=query, shown_q=q.unquote(query), result=result, lines=result.lines,
                           sort=sort, width=width,
                           page=page_no, pages=pages, first=(page_no - 1) * KWIC_PAGE, by_document=by_document,
                           by_year=by_year, phrase_query=phrase_query, csv_offsets=list(files), export=KWIC_MAX_EXPORT,
                           sorted_cap=result.reach if result.reach < result.occurrences else None)


def _shown(query: str, tree: q.Node | None = None) -> str:
    """``query`` as shown in a <q>, whose own quotes would double a quoted phrase's (“"打白条"”); ``tree``:
    the query already parsed, if it was."""
    try:
        tree = tree if tree is not None or not query else q.parse_query(query)
    except QueryError:
        return query
    return q.unquote(query) if isinstance(tree, q.Phrase) else query


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    if fmt := request.args.get("format"):  # the document as one reference
        fmt = export_format(fmt, ITEM_FORMATS)
        return export_response(export_document(doc, fmt), file_name(doc.id, fmt))
    query = request.args.get("q", "")
    needles = highlight_needles(query) if query else []
    # Without needles there is nothing to mark, and folding 5 MB of paragraphs to find nothing took 0.4 s.
    marks = {n: spans for n, par in enumerate(doc.paragraphs, 1)
             if needles and (spans := match_spans(par, needles))}
    captions = [(n, text, match_spans(text, needles) if needles else []) for n, text in enumerate(doc.captions, 1)]
    # No citation is written into the page: each paragraph ends in a link to its citations' own page
    # (`citations` below), which cite.js brings in under the paragraph. The quotation repeats its
    # paragraph, so citing every paragraph here made the page paragraphs × text (18.9 MB for a 4.9 MB
    # article); a link is ninety bytes. The paragraph number is the last segment of the link's address,
    # so url_for runs once, not once per paragraph.
    # A matched paragraph's cite link carries the query, so that its quotation is the sentences matched.
    cite_prefix = url_for("views.citations", doc_id=doc.id, n=0).removesuffix("0")
    body = render_html(doc, marks, cite=(cite_prefix, gettext("Cite")), lost=lost_rows(doc),
                       cite_query="?" + urlencode({"q": query}) if marks else "")
    # Highwire Press tags in the head, for Zotero and the like: the document, not a paragraph.
    tags = highwire_tags(csl_item(doc, permalink(doc.id), date.today()))
    return render_template("doc.html", doc=doc, body=body, q=query, shown_q=_shown(query), matched=sorted(marks),
                           captions=captions, matched_captions=[n for n, _, spans in captions if spans],
                           log=repair_log(doc), highwire=tags, export_formats=ITEM_LABELS)


@bp.get("/doc/<doc_id>/cite/<int:n>")
def citations(doc_id: str, n: int) -> ResponseReturnValue:
    """Paragraph ``n``'s citations in every style, each pointing at the paragraph's permalink, accessed today:
    a small page of its own, linked from the paragraph's cite link on the document page (cite.js brings it
    in under the paragraph). With ``?q=`` (a search's), the quotation is the sentences of the paragraph that
    the search matched; without, or where it matched none, the whole paragraph. With ``format``, the
    paragraph as one reference to download."""
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    text = doc.paragraph(n)  # a paragraph the document does not have: NotFoundError, a 404 saying which exist
    if fmt := request.args.get("format"):
        fmt = export_format(fmt, ITEM_FORMATS)
        return export_response(export_document(doc, fmt, n), file_name(f"{doc.id} p{n}", fmt))
    query = request.args.get("q", "")
    quote = quoted_sentences(text, needles) if query and (needles := highlight_needles(query)) else None
    link, today = permalink(doc.id, n), date.today()
    texts = {style: cite(doc, n, style, link, today, quote) for style in STYLES}
    return render_template("cite.html", doc=doc, n=n, q=query, labels=STYLE_LABELS, citations=texts,
                           quoted=quote is not None, QUOTATION=QUOTATION, export_formats=ITEM_LABELS,
                           lost_note=LOST_NOTE if has_lost_characters(texts[QUOTATION]) else None)
