"""Serve the app with gunicorn (not Flask's development server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from web import create_app


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any], app_config: dict[str, Any]) -> None:
        self.options = options
        self.app_config = app_config
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.app_config)


def _preload() -> None:
    """Load, in the arbiter before it forks the workers, what every worker needs and never changes: the
    search code and the segmenter's dictionary. Each worker starts with them (its pages shared with the
    arbiter until written), so a worker is ready as soon as it has opened the index's files."""
    from index.analysis import query_words
    from index.search import Engine  # noqa: F401 - imported for the workers

    query_words("党建")


def _open_engine(worker: Any) -> None:
    """Open the index as each worker starts, so no user's first query pays for it; give the worker a scan
    helper (``SCAN_HELPER``), whose process starts when a scan of ``SCAN_SPLIT_MB`` or more first needs it
    (so that nothing about it can keep a worker from starting)."""
    from index.errors import IndexError_
    from index.scan import use_scan_helper
    from index.search import get_engine

    config = worker.wsgi.config
    if config["SCAN_HELPER"]:
        use_scan_helper(min_bytes=int(float(config["SCAN_SPLIT_MB"]) * 2**20))
    try:
        get_engine(Path(str(config["INDEX_DIR"])))
    except IndexError_ as exc:  # no index, or a damaged one: the pages say so too (503), the server still starts
        worker.log.error(str(exc))


#: Threads per worker: requests served at once by one process. A thread is taken only by a client that has
#: sent its request (see web.worker), so this bounds concurrent work, not connections.
THREADS = 16
#: The longest request line gunicorn reads (its bounded maximum; the default is 4,094).
REQUEST_LINE_LIMIT = 8190
#: The search box's limit: a browser sends each Chinese character as 9 bytes (%E5%85%9A), so 900 of them,
#: with the other arguments, still fit the request line; the query language allows 1,000 (POST /api/search).
FORM_QUERY_LENGTH = 900


def serve(host: str = "127.0.0.1", port: int = 5000, workers: int = 2, config: dict[str, Any] | None = None) -> None:
    """Run gunicorn in the foreground with ``create_app(config)``: threaded workers (web.worker), so that
    idle or slow clients cannot take the site."""
    _preload()
    # No control socket: gunicorn's default one (~/.gunicorn/gunicorn.ctl) is shared by every server of the
    # account, and stopping one removes it for the others; nothing here uses gunicornc.
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "worker_class": "web.worker.ArchiveWorker",
               "threads": THREADS, "keepalive": 5, "timeout": 30,
               "accesslog": "-", "errorlog": "-", "post_worker_init": _open_engine,
               "control_socket_disable": True,
               # gunicorn's bounded maximum (default 4094): a 1,000-character query sent as UTF-8 fits
               "limit_request_line": REQUEST_LINE_LIMIT}, config or {}).run()
