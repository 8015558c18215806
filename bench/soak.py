"""Issue 6: load on the served archive — 20 concurrent clients for 60 s with wrk, on loopback only.

``python -m bench soak`` (what ``make soak`` runs): builds the 7,353-article index (if it is not up to
date), starts ``archive serve`` (gunicorn, two workers) on a free loopback port, and has wrk cycle through
the benchmark's 60 queries on ``/api/search`` and ``/search``. Meanwhile the index is rebuilt under fire
from the corpus plus 7,353 more articles: a build killed with SIGKILL midway, one refused for an
undecodable file, then one that completes and is swapped in while wrk runs. And hostile clients stay on
the server the whole time (issue 13): 50 idle sockets, 30 sending a byte a second, and one asking for the
worst concordance (``，`` with 200 characters of context) in a loop. Bounded: one wrk run of
``--seconds``, then the server is stopped. It fails unless every response is a 2xx and no socket error
occurred.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from bench.corpus import write_inews
from bench.hostile import hostile_clients
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


def _build(*sources: Path, ix: Path) -> subprocess.Popen:
    args = [a for src in sources for a in ("--source", str(src))]
    return subprocess.Popen([sys.executable, "-m", "cli", "build", *args, "--index-dir", str(ix)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rebuild_under_fire(corpus: Path, extra: Path, ix: Path) -> list[str]:
    """While wrk runs: a 7,353-article rebuild killed midway, one refused for an undecodable file, one that ends."""
    log = []
    time.sleep(5)
    proc = _build(corpus, extra, ix=ix)
    time.sleep(6)  # its workers are indexing by now
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    log.append(f"killed a build of {2 * 7353} articles after 6 s (exit {proc.returncode})")
    (extra / "bad.txt").write_bytes(b"\x80\x81\xfe\xff" * 10)
    proc = _build(corpus, extra, ix=ix)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 1 and "bad.txt" in err, err
    log.append(f"refused build (exit 1): {err.strip().splitlines()[-1].strip()}")
    (extra / "bad.txt").unlink()
    proc = _build(corpus, extra, ix=ix)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    log.append(out.strip())
    return log


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
    extra = DATA / "soak-extra"
    shutil.rmtree(extra, ignore_errors=True)
    write_inews(extra / "more", copies=1)
    for path in (extra / "more").glob("*.txt"):  # distinct ids, so 7,353 articles are added to the index
        path.rename(path.with_name("soak_" + path.name))
    with Server(ix) as server, hostile_clients(server.port) as hostile:
        time.sleep(2)  # the hostile sockets are open before the load starts
        wrk = subprocess.Popen(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                                "-s", script, f"http://127.0.0.1:{server.port}"], stdout=subprocess.PIPE, text=True)
        builds = rebuild_under_fire(corpus, extra, ix)
        out, _ = wrk.communicate(timeout=seconds + 60)
    Path(script).unlink()
    shutil.rmtree(extra, ignore_errors=True)
    result = {
        "connections": connections, "seconds": seconds, "documents": len(texts), "paths": len(paths),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": re.search(r"50%\s+(\S+)", out).group(1), "p99": re.search(r"99%\s+(\S+)", out).group(1),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "socket_errors": re.search(r"Socket errors: (.*)", out).group(1) if "Socket errors" in out else "none",
        "rebuilds": builds,
        "hostile": hostile,
    }
    print(out, file=sys.stderr)
    print(json.dumps(result))
    if hostile["concordance_statuses"] != [200]:
        sys.exit(f"the worst concordance was not answered every time: {hostile}")
    if result["non_2xx"] or result["socket_errors"] != "none":
        sys.exit(f"errors under load: {result['non_2xx']} non-2xx responses, socket errors: {result['socket_errors']}")
    return result
