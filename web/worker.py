"""The gunicorn worker: threads, so that a slow or idle client cannot hold the site, and gunicorn's own
error answers in our format.

Why not sync workers: a sync worker serves one connection at a time, from the moment it is accepted, so
two sockets that send nothing (or thirty that send a byte a second) leave no worker for anyone else.
gunicorn's ``gthread`` worker waits for requests in one selector and hands a connection to a thread only
when it has sent something; three changes make that hold against a hostile client:

* a connection waits in the selector, not in a thread, until its whole request head has come (gunicorn
  gives a new connection a thread at once, which then waits up to 5 s for the first byte, and reads the
  head in it): idle sockets and clients sending a byte a second take no thread, and are closed if the
  head has not come :data:`REQUEST_READ_TIMEOUT` seconds after they connected (or after their last answer);
* the body must then come within :data:`REQUEST_READ_TIMEOUT` seconds, and a write to a client that stopped
  reading gives up after :data:`SEND_TIMEOUT` seconds;
* gunicorn's own errors (a request line over the limit, bad headers) are answered as JSON under
  ``/api/`` when gunicorn has read the path, and always with our security headers.

Threads share one process, so the engine must be safe to share: a thread borrows one of a few Whoosh
searchers while it ranks (Whoosh's file readers seek, so one searcher cannot serve two threads), the
document store is a serialized SQLite connection, and a generation being replaced is closed only when no
request holds it (see ``index.search.Engine``).
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import re
import selectors
import socket
import time
from collections import deque
from collections.abc import Iterator
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

#: Seconds a client has to send its request head (from connecting, or from its previous answer on a kept-alive
#: connection), and then its body: past that the connection is closed.
REQUEST_READ_TIMEOUT = 10.0
#: Seconds one write of an answer (a chunk of a streamed CSV, say) may take before the client is given up.
SEND_TIMEOUT = 10.0
#: Bytes of request head awaited at most before a thread reads the rest (gunicorn's limits: a request line
#: of 8,190 and 100 header fields of 8,190).
_HEAD_MAX = 64 * 1024

_SECURITY_HEADERS = ("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
                     "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n")


class _ReadDeadline:
    """A client socket whose reads fail once the request has taken too long to arrive, and whose writes fail
    when the client stops reading. Everything else (``fileno`` for the selector, ``setblocking``) goes to the
    socket itself."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline = time.monotonic() + REQUEST_READ_TIMEOUT

    def recv(self, size: int, *flags: int) -> bytes:
        blocking = self._sock.gettimeout()
        if blocking == 0.0:  # the selector's read of a ready socket: no wait to bound
            return self._sock.recv(size, *flags)
        left = self.deadline - time.monotonic()
        with self._timeout(left if blocking is None else min(left, blocking), "the request did not arrive in time"):
            return self._sock.recv(size, *flags)

    def sendall(self, data: bytes, *flags: int) -> None:
        """Send, giving up after SEND_TIMEOUT seconds (for the whole call, as Python counts it): a client that
        stops reading must not hold a thread."""
        with self._timeout(SEND_TIMEOUT, "the client stopped reading"):
            self._sock.sendall(data, *flags)

    @contextlib.contextmanager
    def _timeout(self, seconds: float, why: str) -> Iterator[None]:
        """The socket's timeout set to ``seconds`` for the block, and put back after. Running out is reported
        as ECONNRESET, which gunicorn drops quietly (a debug line), as for a client that left."""
        if seconds <= 0:
            raise ConnectionResetError(errno.ECONNRESET, why)
        previous = self._sock.gettimeout()
        self._sock.settimeout(seconds)
        try:
            yield
        except TimeoutError as exc:
            raise ConnectionResetError(errno.ECONNRESET, why) from exc
        finally:
            self._sock.settimeout(previous)

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


#: The fallback page's words, for a request gunicorn refused (4xx) or a worker that failed (5xx).
_FALLBACK_WORDS = {
    "4": (("请求无法处理", "服务器读不懂这个请求：请求行、请求头或请求体有误或过长，或者发送得太慢。"),
          ("The request could not be read", "The request line, a header or the body is malformed or too long, "
           "or it came too slowly.")),
    "5": (("服务器出错", "服务器未能应答，错误已记录。"),
          ("Something went wrong", "The server failed to answer; the error has been logged.")),
}


class ArchiveWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heads: deque[TConn] = deque()  # connections whose request head is still arriving, oldest first

    def accept(self, listener: socket.socket) -> None:
        """Accept a connection; it gets a thread once its request head has come (see the module docstring)."""
        try:
            client, addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._wait_for_head(TConn(self.cfg, client, addr, listener.getsockname()))  # TConn: non-blocking

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        """A kept-alive connection has sent something: its next request head is awaited like the first."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        if conn.parser is not None and conn.parser.unreader.buf.getvalue():
            self.enqueue_req(conn)  # the last read already holds the start of this request: serve it
        else:
            self._wait_for_head(conn)

    def _wait_for_head(self, conn: TConn) -> None:
        conn.head = b""
        conn.timeout = time.monotonic() + REQUEST_READ_TIMEOUT  # the same for all: the deque stays in order
        self._heads.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_readable, conn))

    def _on_head_readable(self, conn: TConn, client: socket.socket) -> None:
        try:
            data = client.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client left
            self._drop_head(conn)
            return
        conn.head += data
        # Whole head (or more than gunicorn would accept anyway: let it answer): a thread serves it.
        if b"\r\n\r\n" in conn.head or len(conn.head) > _HEAD_MAX:
            self.poller.unregister(client)
            self._heads.remove(conn)
            self.enqueue_req(conn)

    def _drop_head(self, conn: TConn) -> None:
        self.poller.unregister(conn.sock)
        self._heads.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Also close connections whose request head has not come in time (idle or sending too slowly)."""
        super().murder_pending()
        now = time.monotonic()
        while self._heads and self._heads[0].timeout <= now:
            self._drop_head(self._heads[0])

    def handle(self, conn: TConn) -> Any:
        """Serve a request whose head has come, the bytes read so far put back before the parser reads."""
        head = getattr(conn, "head", b"")
        conn.head = b""
        conn.data_ready = True  # no waiting for a first byte in the thread: it came
        conn.sock.setblocking(True)
        if not conn.initialized:
            conn.init()  # gunicorn's own parser on the socket …
            conn.sock = _ReadDeadline(conn.sock)
            conn.parser.unreader.sock = conn.sock  # … reading the body within the deadline
        if head:
            conn.parser.unreader.unread(head)
        if isinstance(conn.sock, _ReadDeadline):
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
            # Before Flask, so before the reader's language is known: Chinese, then English.
            zh, en = _FALLBACK_WORDS["4" if code.startswith("4") else "5"]
            body = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{code} {html.escape(reason)}"
                    f"</title><h1>{zh[0]}</h1><p>{zh[1]}</p><h1 lang=\"en\">{en[0]}</h1><p lang=\"en\">{en[1]} "
                    f"({code} {html.escape(reason)}{': ' + html.escape(message) if message else ''})</p></html>"
                    ).encode()
            kind = "text/html; charset=utf-8"
        head = (f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\n{_SECURITY_HEADERS}\r\n").encode("latin-1")
        try:
            client.sendall(head + body)
        except OSError:
            self.log.debug("Failed to send error message.")
