"""Flask front end: ``create_app()`` wires the search engine (index/) to pages and a JSON API."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, jsonify, render_template, request


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory (no app at module level). Settings: see README, "Web settings"."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("ARCHIVE_INDEX_DIR") or os.path.join(app.instance_path, "index"),
        PAGE_SIZE=10,
        BASE_URL="",
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # readable Chinese in /api responses
    app.json.sort_keys = False  # keep the contract's order: query, total, took_ms, hits

    from index.errors import IndexError_
    from web import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):
            return jsonify(error="not found"), 404
        return render_template("error.html", title="Not found", message="There is no such page or document."), 404

    @app.errorhandler(IndexError_)
    def index_unavailable(error):
        # No index yet, or a damaged one: say so and what to do, never a traceback or a wrong answer.
        if request.path.startswith("/api/"):
            return jsonify(error=str(error)), 503
        return render_template("error.html", title="The index is not available", message=str(error)), 503

    @app.errorhandler(405)
    def method_not_allowed(error):
        if request.path.startswith("/api/"):
            return jsonify(error="method not allowed"), 405
        return render_template("error.html", title="Method not allowed", message="Only GET is supported."), 405

    return app
