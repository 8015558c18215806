"""``bench scale``'s incremental figures on an index already built: ``python -m bench.issue16.incremental_scale
COPIES``.

Runs :func:`bench.scale.incremental` on ``bench/data/scale-work/ours-COPIES`` (built from the COPIES× corpus
by ``bench scale`` or ``archive build``): 1,000 articles added (timed), 30 builds of 100, a fresh build of the
same articles, both served and asked the 60 queries in turns. The index grows by 4,000 articles. The result
goes to ``bench/data/incremental-COPIES.json``; the queries are chosen from the one-copy index, as
``bench scale`` chooses them."""

import json
import sys
from datetime import UTC, datetime

from bench.perf import machine
from bench.scale import DATA, WORK, commit, corpus_dir, incremental, load, queries_of


def main() -> None:
    copies = int(sys.argv[1])
    queries = queries_of(WORK / "ours-1")
    result = {"copies": copies, "command": f"python -m bench.issue16.incremental_scale {copies}",
              "commit": commit(), "machine": machine(), "started": datetime.now(UTC).isoformat(timespec="seconds"),
              "load_before": load()}
    result["incremental"] = incremental(corpus_dir(copies), WORK / f"ours-{copies}", copies, queries)
    result["load_after"] = load()
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    (DATA / f"incremental-{copies}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps({k: v for k, v in result["incremental"].items() if not k.startswith(("memory", "http"))}))


if __name__ == "__main__":
    main()
