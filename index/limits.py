"""Defaults and limits of searching and of the concordance, in one place.

The engine enforces them, the command line's options and the web's parameters are built from them, and
the README documents them: change a number here and every door follows.
"""

from __future__ import annotations

#: Hits per page when none is asked for, and the most one page may hold.
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
#: The most documents one export of a result list holds (BibTeX, RIS, CSL-JSON, CSV: the first in the
#: list's order), one page of the engine's longest. Measured on the 7,353-article benchmark corpus on a busy
#: two-core machine: the longest list (``的``, 6,607 hits) exports 1,000 as BibTeX, RIS or CSL-JSON in
#: 0.2-0.3 s, as CSV (a snippet each) in 0.8 s, and ``中国 OR 南京 OR 记者 OR 北京 OR 上海`` as CSV in 1.0 s;
#: 2,000 took that query 2.0-2.5 s as CSV, half the time limit, and 5,000 of ``的`` 2.7 s.
MAX_EXPORT = MAX_LIMIT
#: Seconds a search or a concordance may run before it is cut off with a message.
DEFAULT_TIME_LIMIT = 5.0
#: Characters a query may have (a phrase of a few sentences; more is not a query but a document).
MAX_QUERY_LENGTH = 1000
#: Levels of parentheses and exclusions (NOT, -) a query may nest: deeper is no query a person writes, and
#: every level costs stack in the parser and the evaluation.
MAX_QUERY_DEPTH = 50
#: Characters of context either side of a concordance match.
KWIC_DEFAULT_WIDTH = 20
KWIC_MAX_WIDTH = 200
#: Orders of concordance lines: by document, by the left context read backwards, by the right context.
KWIC_SORTS = ("doc", "left", "right")
#: Concordance lines per page (the site's page, the API's default) and the most one JSON page may hold.
KWIC_DEFAULT_LIMIT = 100
KWIC_MAX_LIMIT = 1000
#: Lines one CSV file of the web may hold (a larger concordance comes in several, by ``offset``).
KWIC_MAX_EXPORT = 50_000
#: How far a sorted concordance can be read: a sorted page keeps every line before it while it sorts.
KWIC_MAX_SORTED = 10_000
#: Orders of search results: by relevance (best first), by year, by title. Year and title go either way
#: (``descending``); relevance has one direction. Documents without a year come last either way.
SEARCH_SORTS = ("relevance", "year", "title")
#: The directions a sorted listing may take, as the site's and the API's ``order`` parameter writes them.
SEARCH_ORDERS = ("asc", "desc")
