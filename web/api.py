"""JSON API: the same objects as ``archive search --json`` (built in web.present); errors are answered
by web.errors as ``{"error": …}`` with their status."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context

from index.errors import QueryError
from index.kwic import DEFAULT_WIDTH, MAX_WIDTH, SORTS, concordance
from index.limits import (
    DEFAULT_LIMIT,
    KWIC_DEFAULT_LIMIT,
    KWIC_MAX_EXPORT,
    KWIC_MAX_LIMIT,
    KWIC_MAX_SORTED,
    MAX_LIMIT,
    SEARCH_ORDERS,
    SEARCH_SORTS,
)
from web.engine import engine, parse_int, time_limit
from web.present import document_json, kwic_csv, kwic_json, search_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/search", methods=["GET", "POST"])
def search() -> Response:
    """Search: ``q``, ``limit``, ``offset``, ``sort`` (relevance, year, title) and ``order`` (asc, desc) from
    the query string, or, with POST, from a JSON object (a 1,000-character Chinese query is 9,000 bytes
    percent-encoded, more than a request line may hold)."""
    params = request.args if request.method == "GET" else _json_params()
    limit = parse_int(_text(params.get("limit")), DEFAULT_LIMIT, 0, MAX_LIMIT)
    offset = parse_int(_text(params.get("offset")), 0, 0, 10**9)
    query = params.get("q", "")
    if not isinstance(query, str):
        abort(400, "q must be a string")
    # Unlike the page (which shows the default for an order it does not know), a script is told.
    sort, order = _text(params.get("sort")) or SEARCH_SORTS[0], _text(params.get("order")) or SEARCH_ORDERS[0]
    if order not in SEARCH_ORDERS:
        raise QueryError(f"order must be {' or '.join(SEARCH_ORDERS)}, not {order[:20]!r}")
    page = engine().search(query, limit=limit, offset=offset, time_limit=time_limit(), sort=sort,
                           descending=order == "desc")
    return jsonify(search_json(page))


def _json_params() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep: no request a person sends
        abort(400, "the JSON is nested too deeply")
    if not isinstance(body, dict):
        abort(400, 'send a JSON object, e.g. {"q": "党建", "limit": 10}')
    return body


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@bp.get("/kwic")
def kwic() -> Response:
    """One page of the concordance of ``q`` (``limit`` lines from ``offset``): JSON, or with ``format=csv``
    a CSV file of up to KWIC_MAX_EXPORT lines, streamed (UTF-8 with BOM, for spreadsheets). The counts are
    always of the whole concordance; ``Link: rel="next"`` names the next file."""
    as_csv = request.args.get("format") == "csv"
    sort = request.args.get("sort", SORTS[0])
    width = parse_int(request.args.get("width"), DEFAULT_WIDTH, 0, MAX_WIDTH)
    offset = parse_int(request.args.get("offset"), 0, 0, 10**9)
    most = KWIC_MAX_EXPORT if as_csv else KWIC_MAX_LIMIT
    if sort != "doc" and offset < KWIC_MAX_SORTED:  # a sorted concordance is read to line KWIC_MAX_SORTED:
        most = min(most, KWIC_MAX_SORTED - offset)  # by default, a page ends there
    limit = parse_int(request.args.get("limit"), most if as_csv else min(most, KWIC_DEFAULT_LIMIT), 0,
                      KWIC_MAX_EXPORT if as_csv else KWIC_MAX_LIMIT)
    result = concordance(engine(), request.args.get("q", ""), width=width, sort=sort, time_limit=time_limit(),
                         offset=offset, limit=limit, lazy=as_csv)
    if not as_csv:
        return jsonify(kwic_json(result))
    headers = {"Content-Disposition": 'attachment; filename="concordance.csv"',
               "X-Occurrences": str(result.occurrences), "X-Documents": str(result.documents)}
    if result.has_more:
        # The request's own arguments, offset replaced; not through url_for, whose keywords (_method,
        # _external, …) a query string could fill.
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "offset"] + [("offset", offset + limit)]
        headers["Link"] = f'<{quote(request.script_root + request.path)}?{urlencode(args)}>; rel="next"'
    # Streamed: the worker holds one row at a time, whatever the page's size.
    return Response(stream_with_context(kwic_csv(result)), mimetype="text/csv", headers=headers)


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> Response:
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    return jsonify(document_json(doc))
