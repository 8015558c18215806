"""JSON API: the same objects as ``archive search --json`` (built in web.present), described by the OpenAPI
document of web.openapi (served at ``/api/openapi.json``, and as a page at ``/api``). Parameters are read
strictly (web.params): a value the API cannot use is a 400 naming it. Errors are answered by web.errors as
``{"error": …}`` with their status."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext

from index.errors import IndexError_
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
from web.engine import engine, time_limit
from web.openapi import KWIC_FIELDS, KWIC_FORMATS, SEARCH_FIELDS, api_document, example_doc_id, translate
from web.params import MAX_OFFSET, Params, query_params
from web.present import attachment, document_json, download_name, kwic_csv, kwic_json, search_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("")
def index() -> str:
    """The API described for people, from the same document as ``/api/openapi.json``."""
    try:  # an example that answers: a document of this collection (the page needs no index to be read)
        sample = engine().collection().sample
        doc_id = sample[0].id if sample else example_doc_id()
    except IndexError_:
        doc_id = example_doc_id()
    spec = api_document()
    return render_template("api.html", spec=spec, examples=_examples(spec, doc_id), tr=_translate)


def _translate(text: str) -> str:
    return translate(text, gettext)


def _examples(spec: dict, doc_id: str) -> dict[str, list[dict[str, str]]]:
    """Each operation's examples (its ``x-examples``, ``doc_id`` for the document's id): for a GET, the
    address (``href``) and the same address readable (``shown``); for a POST, a curl command."""
    site = current_app.config["BASE_URL"].rstrip("/") or request.url_root.rstrip("/")
    out: dict[str, list[dict[str, str]]] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "post":
                body = json.dumps(op["requestBody"]["content"]["application/json"]["example"], ensure_ascii=False)
                out[op["operationId"]] = [{"shown": f"curl -X POST -H 'Content-Type: application/json' "
                                                    f"-d '{body}' {site}{path}"}]
                continue
            out[op["operationId"]] = examples = []
            for example in op.get("x-examples", ()):
                where = path.replace("{id}", doc_id if "id" in example else "")
                query = {k: v for k, v in example.items() if k != "id"}
                readable = "&".join(f"{k}={v}" for k, v in query.items())
                examples.append({"href": request.script_root + quote(where) + (f"?{urlencode(query)}" if query else ""),
                                 "shown": where + (f"?{readable}" if query else "")})
    return out


@bp.get("/")
def index_slash() -> Response:
    return redirect(url_for("api.index"), 308)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(api_document(request.script_root))


@bp.route("/search", methods=["GET", "POST"])
def search() -> Response:
    """Search: ``q``, ``limit``, ``offset``, ``sort`` (relevance, year, title) and ``order`` (asc, desc) from
    the query string, or, with POST, from a JSON object (a 1,000-character Chinese query is 9,000 bytes
    percent-encoded, more than a request line may hold)."""
    params = _query(SEARCH_FIELDS) if request.method == "GET" else Params(_json_object(), SEARCH_FIELDS)
    query = params.text("q")
    limit = params.integer("limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
    offset = params.integer("offset", 0, 0, MAX_OFFSET)
    # Unlike the page (which shows the default for an order it does not know), a script is told.
    sort = params.choice("sort", SEARCH_SORTS, SEARCH_SORTS[0])
    order = params.choice("order", SEARCH_ORDERS, SEARCH_ORDERS[0])
    page = engine().search(query, limit=limit, offset=offset, time_limit=time_limit(), sort=sort,
                           descending=order == "desc")
    return jsonify(search_json(page))


def _query(known: tuple[str, ...]) -> Params:
    return query_params(request.query_string, request.args, known)


def _json_object() -> dict:
    if not request.is_json:
        abort(400, 'send a JSON object with Content-Type: application/json, e.g. {"q": "党建", "limit": 10}')
    try:
        body = json.loads(request.get_data())
    except RecursionError:  # JSON nested thousands deep: no request a person sends
        abort(400, "the JSON is nested too deeply")
    except ValueError as exc:  # not JSON, not UTF-8, or a number of more than 4,300 digits: say which
        abort(400, f"the body is not JSON that can be read: {str(exc)[:120]}")
    if not isinstance(body, dict):
        abort(400, 'send a JSON object, e.g. {"q": "党建", "limit": 10}')
    return body


@bp.get("/kwic")
def kwic() -> Response:
    """One page of the concordance of ``q`` (``limit`` lines from ``offset``): JSON, or with ``format=csv``
    a CSV file of up to KWIC_MAX_EXPORT lines, streamed (UTF-8 with BOM, for spreadsheets). The counts are
    always of the whole concordance; ``Link: rel="next"`` names the next file."""
    params = _query(KWIC_FIELDS)
    query = params.text("q")
    as_csv = params.choice("format", KWIC_FORMATS, KWIC_FORMATS[0]) == "csv"
    sort = params.choice("sort", SORTS, SORTS[0])
    width = params.integer("width", DEFAULT_WIDTH, 0, MAX_WIDTH)
    offset = params.integer("offset", 0, 0, MAX_OFFSET)
    most = KWIC_MAX_EXPORT if as_csv else KWIC_MAX_LIMIT
    default = most
    if sort != "doc" and offset < KWIC_MAX_SORTED:  # a sorted concordance is read to line KWIC_MAX_SORTED:
        default = min(most, KWIC_MAX_SORTED - offset)  # by default, a page ends there
    limit = params.integer("limit", default if as_csv else min(default, KWIC_DEFAULT_LIMIT), 0, most)
    result = concordance(engine(), query, width=width, sort=sort, time_limit=time_limit(),
                         offset=offset, limit=limit, lazy=as_csv)
    if not as_csv:
        return jsonify(kwic_json(result))
    # The lines of the file, in its name, when the concordance takes several files.
    last = min(offset + limit, result.reach)
    part = (f"{offset + 1}-{last}" if last > offset else f"from-{offset + 1}") if offset or result.has_more else ""
    headers = {"Content-Disposition": attachment(download_name("kwic", query, "csv", part)),
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
    _query(())
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    return jsonify(document_json(doc))
