"""Issue 13, findings 4 and 13: slow or idle clients cannot take the site; gunicorn's own errors are ours."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from urllib.parse import quote


def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send ``request`` as is; the status line, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}, body


def test_idle_and_slow_sockets_do_not_hold_the_site(seed_index, start_server):
    # One worker: with gunicorn's sync worker, the first idle socket alone stopped every other request.
    server = start_server(seed_index, workers=1)
    stop = threading.Event()
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(20)]

    def slow() -> None:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            for byte in b"GET /api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 100:
                if stop.wait(0.5):
                    return
                sock.sendall(bytes([byte]))

    slow_clients = [threading.Thread(target=slow, daemon=True) for _ in range(10)]
    for t in slow_clients:
        t.start()
    try:
        time.sleep(1.0)  # every socket is open and the slow ones are sending
        for _ in range(5):
            started = time.perf_counter()
            with urllib.request.urlopen(f"{server.url}/api/search?q={quote('一肩挑')}", timeout=10) as r:
                assert r.status == 200 and json.load(r)["total"] == 1
            assert time.perf_counter() - started < 1.0
    finally:
        stop.set()
        for sock in idle:
            sock.close()


def test_a_request_that_never_finishes_arriving_is_cut_off(seed_index, start_server):
    from web.worker import REQUEST_READ_TIMEOUT

    server = start_server(seed_index, workers=1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_READ_TIMEOUT + 10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server …
        assert time.monotonic() - started < REQUEST_READ_TIMEOUT + 3  # … once its time to send is over


def test_gunicorn_s_own_errors_are_json_under_api_and_carry_our_headers(seed_index, start_server):
    server = start_server(seed_index, workers=1)
    # Two Content-Lengths: refused by gunicorn once it has read the path.
    twice = b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    status, headers, body = _raw(server.port, twice)
    assert status.startswith("HTTP/1.1 400") and headers["content-type"] == "application/json"
    assert "CONTENT-LENGTH" in json.loads(body)["error"] and "default-src 'none'" in headers["content-security-policy"]
    status, headers, body = _raw(server.port, twice.replace(b"/api/search", b"/search"))
    assert status.startswith("HTTP/1.1 400") and headers["content-type"].startswith("text/html")
    assert headers["x-content-type-options"] == "nosniff" and b"CONTENT-LENGTH" in body
    assert "请求无法处理" in body.decode("utf-8") and headers["content-type"].endswith("charset=utf-8")
    # A header gunicorn cannot read, or a request line over the limit, is refused before it knows the path:
    # our page with our headers, not JSON.
    status, headers, _ = _raw(server.port, b"GET /api/search?q=x HTTP/1.1\r\nNo colon here\r\n\r\n")
    assert status.startswith("HTTP/1.1 400") and "content-security-policy" in headers
    status, headers, _ = _raw(server.port, b"GET /api/search?q=" + b"%E5%85%9A" * 1000 + b" HTTP/1.1\r\n\r\n")
    assert status.startswith("HTTP/1.1 400") and "content-security-policy" in headers
    # The longest query the search box takes, all Chinese, as a browser sends it with a page's other
    # arguments: it fits gunicorn's request line and gets the site's own answer.
    from web.serve import FORM_QUERY_LENGTH

    line = (b"GET /search?q=" + b"%E5%85%9A" * FORM_QUERY_LENGTH
            + b"&sort=title&order=desc&page=2&lang=zh-CN HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    status, headers, body = _raw(server.port, line)
    assert status.startswith("HTTP/1.1 200") and f'maxlength="{FORM_QUERY_LENGTH}"' in body.decode("utf-8")


def test_a_query_too_long_for_a_url_can_be_posted(client, seed_index, start_server):
    query = '"一肩挑" ' + "党" * 990  # 1,000 characters: 9,000 bytes percent-encoded, over any request line
    r = client.post("/api/search", json={"q": query, "limit": 5})
    assert r.status_code == 200 and r.get_json()["query"] == query and r.get_json()["limit"] == 5
    assert client.post("/api/search", json={"q": '"一肩挑"'}).get_json()["total"] == 1
    for bad in ({"q": ["党建"]}, ["党建"]):
        r = client.post("/api/search", json=bad)
        assert r.status_code == 400 and "error" in r.get_json()
    server = start_server(seed_index, workers=1)
    request = urllib.request.Request(f"{server.url}/api/search", method="POST",
                                     data=json.dumps({"q": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200 and json.load(r)["query"] == query


def test_posted_queries_that_are_not_text_are_refused_plainly(client, seed_index, runner):
    from cli.main import main

    for body in ('{"q": "\\ud800"}', "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        r = client.post("/api/search", data=body, content_type="application/json")
        assert r.status_code == 400 and "error" in r.get_json(), body[:20]
    for command in ("search", "kwic"):
        result = runner.invoke(main, [command, "党\udcff", "--index-dir", str(seed_index)])
        assert result.exit_code == 2 and "not valid text" in result.output and "Traceback" not in result.output
