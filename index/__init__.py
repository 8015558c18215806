"""Search engine: analyzers, schema, build, query and snippets (Whoosh + jieba; no Flask)."""

from index.build import BuildReport, build_index
from index.errors import NoIndexError, QueryError, QueryTimeout
from index.search import Engine, Hit, SearchPage, get_engine, search
from index.snippets import Passage

__all__ = ["BuildReport", "Engine", "Hit", "NoIndexError", "Passage", "QueryError", "QueryTimeout",
           "SearchPage", "build_index", "get_engine", "search"]
