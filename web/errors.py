"""Every error answered in one place: JSON under ``/api/``, the error page elsewhere.

An :class:`archive.errors.ArchiveError` carries its own HTTP status (and ``Retry-After``); Werkzeug's
HTTP errors (404, 405, and 500 for anything unexpected) carry theirs. No view catches errors itself.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, SecurityError

from archive.errors import N_, ArchiveError, NotFoundError
from index.errors import IndexError_, QueryError, QueryTimeout
from web.params import ParameterError

#: What a person was trying to do, by endpoint, to open the message with.
_ACTIONS = {"views.search": N_("Cannot search for “%(query)s”"),
            "views.kwic": N_("Cannot make a concordance of “%(query)s”")}
_HTTP_MESSAGES = {
    404: (N_("Not found"), N_("There is no such page or document.")),
    405: (N_("Method not allowed"), N_("Only GET is supported here.")),
    500: (N_("Something went wrong"), N_("The server failed to answer; the error has been logged.")),
}
_TITLES = ((IndexError_, N_("The index is not available")), (QueryTimeout, N_("The query took too long")),
           (QueryError, N_("The query cannot be used")), (NotFoundError, N_("Not found")),
           (ParameterError, N_("A parameter cannot be used")))


def _answer(status: int, title: str, message: str, retry_after: int | None = None,
            query_error: bool = False, params: dict | None = None,
            parameter: str | None = None) -> ResponseReturnValue:
    """Answer an error: ``title`` and ``message`` are English templates (filled with ``params``), which
    the API sends as they are and the pages translate. ``parameter`` names the API parameter whose value
    was refused (the API's ``Error`` object, web/openapi.py)."""
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    query = request.args.get("q")
    if request.path.startswith("/api/"):
        text = message % params if params else message
        body = {"error": text}
        # The query is echoed where it is what went wrong (or too slow), as clients have always seen.
        if query_error and query is not None:
            body["query"] = query
        if parameter:
            body["parameter"] = parameter
        return jsonify(body), status, headers
    action = _ACTIONS.get(request.endpoint or "") if query else None
    return render_template("error.html", title=gettext(title), message=gettext(message, **(params or {})),
                           q=query or "", action=action, help=query_error and status == 400), status, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ArchiveError)
    def archive_error(exc: ArchiveError) -> ResponseReturnValue:
        title = next((t for cls, t in _TITLES if isinstance(exc, cls)), N_("Error"))
        return _answer(exc.status, title, exc.template, exc.retry_after, isinstance(exc, QueryError | QueryTimeout),
                       exc.params, exc.parameter if isinstance(exc, ParameterError) else None)

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
