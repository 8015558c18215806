"""The saved JSON contract: what ``/api/search`` (= ``archive search --json``), ``/api/kwic`` and ``/api/doc``
answered for the seeds before the architecture change of issue 11, kept in ``tests/data/golden_api.json``.

``tests/test_contract.py`` compares today's answers with it. To change the contract on purpose, regenerate
it with ``.venv/bin/python -m tests.golden`` and say why in the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden_api.json"

SEARCHES = [
    "一肩挑", '"一肩挑"', "党建", '"党建"', "黨建", "黨組織書記", '"組織書"', "党建 扶贫", "党建 AND 扶贫",
    "党建 OR 黨建 -扶贫", "NOT 扶贫 党建", "(党建 OR 产业) 乡村", "title:党建", 'title:"党建 工作"',
    "author:陈红革", "author:吴柳", "year:2019", "year:2019..2023", "党建 year:2020", "移风易俗", '"移风易俗"',
    "群众1500人", "ＡＢＣ", "宋河镇", '"宋河鎮"', "乡村振兴", "一", '"的"', "湖丰镇", "支部+产业发展",
]
SEARCH_PAGES = [("党建", 3, 2), ("的", 1000, 0), ("党建", 0, 0)]
KWICS = [{"q": "党建"}, {"q": "一肩挑", "width": "6"}, {"q": "黨組織書記"}, {"q": "乡村", "sort": "right"},
         {"q": "党建", "sort": "left", "width": "3"}]


def search_key(query: str) -> str:
    """The saved answer's key for ``/api/search?q=query``."""
    return "/api/search?" + urlencode({"q": query})


def without_timing(obj):
    """``took_ms`` changes from run to run; everything else must not."""
    if isinstance(obj, dict):
        return {k: without_timing(v) for k, v in obj.items() if k != "took_ms"}
    if isinstance(obj, list):
        return [without_timing(v) for v in obj]
    return obj


def answers(client) -> dict:
    """Every saved request → its JSON answer (status and body), through the Flask test client."""
    out: dict[str, dict] = {}

    def ask(path: str, params: dict | None = None) -> None:
        resp = client.get(path, query_string=params)
        out[path + ("?" + urlencode(params) if params else "")] = {
            "status": resp.status_code, "json": without_timing(resp.get_json())}

    for q in SEARCHES:
        ask("/api/search", {"q": q})
    for q, limit, offset in SEARCH_PAGES:
        ask("/api/search", {"q": q, "limit": str(limit), "offset": str(offset)})
    for params in KWICS:
        ask("/api/kwic", params)
    for doc in sorted(p.stem for p in (ROOT / "seeds").glob("*.txt")):
        ask(f"/api/doc/{doc}")
    return out


def main() -> None:
    from index.build import build_index
    from web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        ix = Path(tmp) / "ix"
        build_index([ROOT / "seeds"], ix)
        client = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
        data = answers(client)
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} answers to {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
