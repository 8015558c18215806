"""Every error answered in one place: JSON under ``/api/``, the error page elsewhere.

An :class:`archive.errors.ArchiveError` carries its own HTTP status (and ``Retry-After``); Werkzeug's
HTTP errors (404, 405, and 500 for anything unexpected) carry theirs. No view catches errors itself.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, SecurityError

from archive.errors import ArchiveError, NotFoundError
from index.errors import IndexError_, QueryError, QueryTimeout

#: What a person was trying to do, by endpoint, to open the message with.
_ACTIONS = {"views.search": "Cannot search for", "views.kwic": "Cannot make a concordance of"}
_HTTP_MESSAGES = {
    404: ("Not found", "There is no such page or document."),
    405: ("Method not allowed", "Only GET is supported here."),
    500: ("Something went wrong", "The server failed to answer; the error has been logged."),
}
_TITLES = ((IndexError_, "The index is not available"), (QueryTimeout, "The query took too long"),
           (QueryError, "The query cannot be used"), (NotFoundError, "Not found"))


def _answer(status: int, title: str, message: str, retry_after: int | None = None,
            query_error: bool = False) -> ResponseReturnValue:
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    query = request.args.get("q")
    if request.path.startswith("/api/"):
        # The query is echoed where it is what went wrong (or too slow), as clients have always seen.
        body = {"error": message, "query": query} if query_error and query is not None else {"error": message}
        return jsonify(body), status, headers
    return render_template("error.html", title=title, message=message, q=query or "",
                           action=_ACTIONS.get(request.endpoint or "") if query else None,
                           help=query_error and status == 400), status, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ArchiveError)
    def archive_error(exc: ArchiveError) -> ResponseReturnValue:
        title = next((t for cls, t in _TITLES if isinstance(exc, cls)), "Error")
        return _answer(exc.status, title, str(exc), exc.retry_after, isinstance(exc, QueryError | QueryTimeout))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        if isinstance(exc, SecurityError):  # an untrusted Host: no page, no link can be built for it
            return Response("400 Bad Request: this host is not served here (see TRUSTED_HOSTS)\n", 400,
                            mimetype="text/plain")
        status = exc.code or 500
        title, message = _HTTP_MESSAGES.get(status, (exc.name, exc.description or exc.name))
        if request.path.startswith("/api/") and status in _HTTP_MESSAGES:
            message = title.lower()  # the API's terse form: {"error": "not found"}
        return _answer(status, title, message)
