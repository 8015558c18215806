"""The gunicorn worker: threads, so that a slow or idle client cannot hold the site, and gunicorn's own
error answers in our format.

Why not sync workers: a sync worker serves one connection at a time, from the moment it is accepted, so
two sockets that send nothing (or thirty that send a byte a second) leave no worker for anyone else.
gunicorn's ``gthread`` worker waits for requests in one selector and hands a connection to a thread only
when it has sent something; three changes make that hold against a hostile client:

* a new connection waits in the selector, not in a thread (gunicorn gives it a thread at once, which
  then waits up to 5 s for the first byte): 50 idle sockets take no thread, and are closed after
  ``keepalive`` seconds;
* a request must arrive whole within :data:`REQUEST_READ_TIMEOUT` seconds of its first byte: a client
  sending a byte a second holds a thread for that long, not for ever;
* gunicorn's own errors (a request line over the limit, bad headers) are answered as JSON under
  ``/api/`` when gunicorn has read the path, and always with our security headers.

Threads share one process, so the engine must be safe to share: each thread reads Whoosh through its own
searcher (Whoosh's file readers seek, so one searcher cannot serve two threads), the document store is a
serialized SQLite connection, and a generation being replaced is closed only when no request holds it
(see ``index.search.Engine``).
"""

from __future__ import annotations

import errno
import html
import json
import re
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

#: Seconds a client has to send a whole request once it has started (headers and a small body).
REQUEST_READ_TIMEOUT = 10.0

_SECURITY_HEADERS = ("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
                     "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n")


class _ReadDeadline:
    """A client socket whose reads fail once the request has taken too long to arrive. Everything else
    (writes, ``fileno`` for the selector, ``setblocking``) goes to the socket itself."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline = time.monotonic() + REQUEST_READ_TIMEOUT

    def recv(self, size: int, *flags: int) -> bytes:
        left = self.deadline - time.monotonic()
        if left <= 0:
            # ECONNRESET: gunicorn drops the connection quietly (a debug line), as for a client that left.
            raise ConnectionResetError(errno.ECONNRESET, "the request did not arrive in time")
        blocking = self._sock.gettimeout()
        self._sock.settimeout(left if blocking is None else min(left, blocking or left))
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError as exc:
            raise ConnectionResetError(errno.ECONNRESET, "the request did not arrive in time") from exc
        finally:
            self._sock.settimeout(blocking)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Captured:
    """Stands in for the client while gunicorn writes its error page, to learn the status it chose."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


_STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) ([^\r\n]*)")
_MESSAGE = re.compile(rb"</h1>\s*(.*?)\s*</body>", re.S)


class ArchiveWorker(ThreadWorker):
    def accept(self, listener: socket.socket) -> None:
        """Accept a connection and wait for its first byte in the selector (see the module's docstring)."""
        try:
            client, addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, addr, listener.getsockname())  # non-blocking until a thread takes it
        # Pending connections expire in order, all after ``keepalive`` seconds (gunicorn's own rule for them).
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(client, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def handle(self, conn: TConn) -> Any:
        """Serve a request whose first byte has come, giving the rest of it a deadline."""
        if not isinstance(conn.sock, _ReadDeadline):
            conn.sock = _ReadDeadline(conn.sock)
        conn.sock.deadline = time.monotonic() + REQUEST_READ_TIMEOUT
        return super().handle(conn)

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        """gunicorn's decision (status, message, log line), in our format: JSON under ``/api/``."""
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        status = _STATUS_LINE.match(captured.data)
        if status is None:
            return
        code, reason = status.group(1).decode(), status.group(2).decode("latin-1")
        found = _MESSAGE.search(captured.data)
        message = html.unescape(found.group(1).decode("latin-1")) if found else ""
        path = getattr(req or getattr(exc, "req", None), "path", "") or ""
        if path.startswith("/api/"):
            body = json.dumps({"error": f"{reason}: {message}" if message else reason}).encode()
            kind = "application/json"
        else:
            body = (f"<!doctype html><title>{html.escape(reason)}</title><h1>{html.escape(reason)}</h1>"
                    f"<p>{html.escape(message)}</p>").encode()
            kind = "text/html; charset=utf-8"
        head = (f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\n{_SECURITY_HEADERS}\r\n").encode("latin-1")
        try:
            client.sendall(head + body)
        except OSError:
            self.log.debug("Failed to send error message.")
