"""Flask front end: ``create_app()`` wires the search engine (index/) to pages and a JSON API."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from markupsafe import Markup


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory (no app at module level). Settings: see README, "Web settings"."""
    from index.limits import DEFAULT_TIME_LIMIT, MAX_EXPORT
    from index.scan import SPLIT_BYTES
    from web import api, i18n, views
    from web.errors import register_error_handlers
    from web.render import mark_html, script_lang
    from web.serve import FORM_QUERY_LENGTH

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=os.path.join(app.instance_path, "index"),
        PAGE_SIZE=10,
        BASE_URL="",
        SEARCH_TIME_LIMIT=DEFAULT_TIME_LIMIT,
        EXPORT_LIMIT=MAX_EXPORT,
        # A second process only helps where a second core runs it (the cores this process may use).
        SCAN_HELPER=len(os.sched_getaffinity(0)) > 1,
        SCAN_SPLIT_MB=SPLIT_BYTES >> 20,
    )
    # ARCHIVE_INDEX_DIR, ARCHIVE_BASE_URL, … in the environment set INDEX_DIR, BASE_URL, … (values that
    # parse as JSON, such as numbers, are taken as such); test_config wins over both.
    app.config.from_prefixed_env("ARCHIVE")
    if not app.config["INDEX_DIR"]:  # ARCHIVE_INDEX_DIR="" means the default, not the current directory
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    if test_config:
        app.config.update(test_config)
    if app.config["TRUSTED_HOSTS"] is None:
        # Permalinks are built from the request's host when BASE_URL is not set: a forged Host header must
        # not make citations point elsewhere. Loopback, and BASE_URL's own host, are trusted by default.
        base_host = urlsplit(app.config["BASE_URL"]).hostname if app.config["BASE_URL"] else None
        app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "::1", *([base_host] if base_host else [])]
    app.json.ensure_ascii = False  # readable Chinese in /api responses
    app.json.sort_keys = False  # keep the order web.present writes: query, total, took_ms, offset, limit, hits, …

    i18n.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_error_handlers(app)
    app.add_template_filter(lambda text, spans: Markup(mark_html(text, spans)), "marked")
    app.add_template_filter(script_lang, "lang_of_script")
    app.add_template_global(FORM_QUERY_LENGTH, "FORM_QUERY_LENGTH")

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "static":  # answers change with every build: revalidate, never serve stale
            response.headers.setdefault("Cache-Control", "no-cache")
        return response

    @app.teardown_request
    def release_generation(_exc: BaseException | None) -> None:
        from web.engine import release

        release()

    return app
