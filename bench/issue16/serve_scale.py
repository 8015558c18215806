"""``bench scale``'s serving figures on an index already built: ``python -m bench.issue16.serve_scale IX``.

Serves IX with ``archive serve --workers 4`` and measures as ``python -m bench scale`` does (worker ready
time, memory at ready and after, the 60 queries over HTTP with one warm-up then timed runs, the concordance
of 的), without building anything: for an index built (or grown by incremental builds) beforehand. The
queries are chosen from the one-copy index /tmp/ix1 (or QUERY_IX), as ``bench scale`` chooses them."""

import json
import sys
from pathlib import Path

from bench.scale import WORK, queries_of, serve_and_query


def main() -> None:
    ix = Path(sys.argv[1])
    WORK.mkdir(parents=True, exist_ok=True)  # the server's log goes there
    query_ix = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/ix1")
    queries = queries_of(query_ix)
    print(json.dumps(serve_and_query(ix, queries), ensure_ascii=False))


if __name__ == "__main__":
    main()
