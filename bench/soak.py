"""Issue 6: load on the served archive — 20 concurrent clients for 60 s with wrk, on loopback only.

``python -m bench soak`` (what ``make soak`` runs): builds the 7,353-article index if it is missing,
starts ``archive serve`` (gunicorn, two workers) on a free loopback port, and has wrk cycle through the
benchmark's 60 queries on ``/api/search`` and ``/search``. Bounded: one wrk run of ``--seconds``, then the
server is stopped. It fails unless every response is a 2xx and no socket error occurred.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from bench.corpus import write_inews
from bench.perf import DATA, Server, folded_texts
from bench.queries import choose_queries

LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def soak(connections: int = 20, seconds: int = 60) -> dict:
    corpus = DATA / "inews"
    write_inews(corpus)
    ix = DATA / "ix-ours-1"
    subprocess.run([sys.executable, "-m", "cli", "build", "--source", str(corpus), "--index-dir", str(ix)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    texts = folded_texts(ix)
    queries = choose_queries([body for i, _, body in texts if i.startswith("inews_00_")])
    paths = [f"/api/search?q={quote(q.text)}" for q in queries] + [f"/search?q={quote(q.text)}" for q in queries]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % ", ".join(json.dumps(p) for p in paths))
        script = fh.name
    with Server(ix) as server:
        run = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                              "-s", script, f"http://127.0.0.1:{server.port}"],
                             capture_output=True, text=True, timeout=seconds + 60, check=True)
    Path(script).unlink()
    out = run.stdout
    result = {
        "connections": connections, "seconds": seconds, "documents": len(texts), "paths": len(paths),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": re.search(r"50%\s+(\S+)", out).group(1), "p99": re.search(r"99%\s+(\S+)", out).group(1),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "socket_errors": re.search(r"Socket errors: (.*)", out).group(1) if "Socket errors" in out else "none",
    }
    print(out, file=sys.stderr)
    print(json.dumps(result))
    if result["non_2xx"] or result["socket_errors"] != "none":
        sys.exit(f"errors under load: {result['non_2xx']} non-2xx responses, socket errors: {result['socket_errors']}")
    return result
