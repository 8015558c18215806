"""Search engine: analyzers, schema, build, query and snippets (Whoosh + jieba; no Flask).

The names below are imported on first use (PEP 562): ``archive build`` should not pay for
loading the search side, nor a search for the build side.
"""

from importlib import import_module

_EXPORTS = {
    "BuildReport": "index.build", "build_index": "index.build",
    "NoIndexError": "index.errors", "QueryError": "index.errors", "QueryTimeout": "index.errors",
    "Engine": "index.search", "Hit": "index.search", "SearchPage": "index.search", "get_engine": "index.search",
    "search": "index.search", "Passage": "index.snippets",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")
