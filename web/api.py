"""JSON API: the same objects as ``archive search --json``; errors as ``{"error": …}`` with a 4xx."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from archive.errors import ArchiveError
from archive.model import document_to_dict
from index.errors import NoIndexError, QueryError, QueryTimeout
from index.search import MAX_LIMIT
from web.engine import engine, parse_int

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    limit = parse_int(request.args.get("limit"), 10, 0, MAX_LIMIT)
    offset = parse_int(request.args.get("offset"), 0, 0, 10**9)
    try:
        page = engine().search(q, limit=limit, offset=offset)
    except QueryError as exc:
        return jsonify(error=str(exc), query=q), 400
    except QueryTimeout as exc:
        return jsonify(error=str(exc), query=q), 408
    except NoIndexError as exc:
        return jsonify(error=str(exc)), 503
    return jsonify(page.to_dict())


@bp.get("/kwic")
def kwic():
    """The concordance of ``q``: JSON, or CSV with ``format=csv`` (UTF-8 with BOM, for spreadsheets)."""
    from index.kwic import DEFAULT_WIDTH, MAX_WIDTH, concordance

    q = request.args.get("q", "")
    width = parse_int(request.args.get("width"), DEFAULT_WIDTH, 0, MAX_WIDTH)
    try:
        result = concordance(engine(), q, width=width, sort=request.args.get("sort", "doc"))
    except QueryError as exc:
        return jsonify(error=str(exc), query=q), 400
    except QueryTimeout as exc:
        return jsonify(error=str(exc), query=q), 408
    if request.args.get("format") == "csv":
        return Response(result.to_csv().encode("utf-8-sig"), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="concordance.csv"'})
    return jsonify(result.to_dict())


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    try:
        doc = engine().document(doc_id)
    except ArchiveError as exc:
        return jsonify(error=str(exc)), 503
    if doc is None:
        abort(404)
    data = document_to_dict(doc)
    data["url"] = f"/doc/{doc.id}"
    return jsonify(data)
