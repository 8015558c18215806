"""JSON API: the same objects as ``archive search --json`` (built in web.present); errors are answered
by web.errors as ``{"error": …}`` with their status."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from index.kwic import DEFAULT_WIDTH, MAX_WIDTH, SORTS, concordance
from index.limits import DEFAULT_LIMIT, MAX_LIMIT
from web.engine import engine, parse_int, time_limit
from web.present import document_json, kwic_csv, kwic_json, search_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    limit = parse_int(request.args.get("limit"), DEFAULT_LIMIT, 0, MAX_LIMIT)
    offset = parse_int(request.args.get("offset"), 0, 0, 10**9)
    page = engine().search(request.args.get("q", ""), limit=limit, offset=offset, time_limit=time_limit())
    return jsonify(search_json(page))


@bp.get("/kwic")
def kwic() -> Response:
    """The concordance of ``q``: JSON, or CSV with ``format=csv`` (UTF-8 with BOM, for spreadsheets)."""
    width = parse_int(request.args.get("width"), DEFAULT_WIDTH, 0, MAX_WIDTH)
    result = concordance(engine(), request.args.get("q", ""), width=width, sort=request.args.get("sort", SORTS[0]),
                         time_limit=time_limit())
    if request.args.get("format") == "csv":
        return Response(kwic_csv(result).encode("utf-8-sig"), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="concordance.csv"'})
    return jsonify(kwic_json(result))


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> Response:
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    return jsonify(document_json(doc))
