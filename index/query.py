"""The query language, parsed into a small tree.

::

    query   := or+                      -- terms side by side (or with AND) are all required
    or      := unary ( 'OR' unary )*    -- OR (or |) binds tighter: 党建 OR 黨建 -扶贫 = (党建 OR 黨建) AND NOT 扶贫
    unary   := ('NOT' | '-') unary | primary
    primary := '(' query ')' | field ':' value | '"phrase"' | word
    field   := title | author | place | year     value := word | "phrase" | 2019 | 2019..2023 | none

Quotes are any pair of :data:`QUOTES` (ASCII ``"…"``, Chinese ``“…”``, ``「…」``, ``『…』``). A malformed
query raises :class:`QueryError` whose message says what is wrong and how to fix it.

``year:none`` (any case) finds the documents whose year is not known: the "no year" entry of the year facet
narrows to it, and ``-year:none`` keeps the dated ones. A word rather than a symbol, because the facet link
writes it into the query box where people read it, and ``none`` can never be a year.

This module is all the code that knows the query language: parsing it, and writing it back
(:func:`narrow` adds a field filter to a query, :func:`filters` lists the filters a query is narrowed by
and what it is without each, :func:`quote` quotes a value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.errors import N_, QueryError
from index.limits import MAX_QUERY_DEPTH, MAX_QUERY_LENGTH

YEAR_MIN, YEAR_MAX = 1, 9999
FIELDS = ("title", "author", "place", "year")
#: The fields the results are faceted by, and whose filters a results page shows as removable chips.
FACET_FIELDS = ("year", "place", "author")
#: ``year:none``: the documents without a year (the year facet's "no year" entry).
NO_YEAR = "none"
#: Every opening quote the parser accepts, with its closing quote (an input method may type ” for both).
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
#: What a Chinese input method types for the operators, read as the ASCII ones.
_LPAREN, _RPAREN, _MINUS, _COLON, _BAR = "(（", ")）", "-－—", ":：", "|｜"
# A bar is OR wherever it stands: an input method types 党建｜扶贫 without spaces.
_SPECIAL = set(_LPAREN + _RPAREN + _BAR) | set(QUOTES)
#: A value of each field, for the messages that show one.
_EXAMPLES = {"title": "党建", "author": "吴柳", "place": "宋河镇", "year": "2019"}
_YEAR_RE = re.compile(r"^(\d{1,4})(?:\.\.(\d{1,4}))?$")
# NUL, other control characters and zero-width characters carry no text: drop them.
_INVISIBLE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2060\ufeff]")


@dataclass(frozen=True)
class Words:
    """Unquoted run: jieba words, all required; verbatim occurrence ranks first."""
    text: str


@dataclass(frozen=True)
class Phrase:
    """Quoted: exact substring of the folded title, subtitle, byline or of one folded paragraph."""
    text: str


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Author:
    """An author's whole name (folded): the value the author facet shows."""
    text: str


@dataclass(frozen=True)
class Place:
    """The whole catalogued place (folded): the value the place facet shows."""
    text: str


@dataclass(frozen=True)
class Year:
    start: int
    end: int


@dataclass(frozen=True)
class NoYear:
    """``year:none``: the documents whose year is not known."""


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Words | Phrase | Title | Author | Place | Year | NoYear | Not | And | Or


@dataclass(frozen=True)
class _Tok:
    kind: str  # word, phrase, field, lparen, rparen, or, and, not, minus
    text: str
    pos: int
    end: int  # where the token's source text ends (the closing quote included)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def normalize_query(raw: str) -> str:
    """Drop invisible characters and turn every kind of white space into one ASCII space."""
    text = _INVISIBLE_RE.sub("", raw)
    return " ".join(text.split())


def _tokenize(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    while i < len(q):
        ch = q[i]
        if ch == " ":
            i += 1
        elif ch in QUOTES:
            close = QUOTES[ch]
            j = q.find(close, i + 1)
            if j == -1:
                raise QueryError(N_("unbalanced quote: the %(quote)s at position %(position)d is never closed "
                                    "(close it with %(close)s for an exact phrase, or remove it)"),
                                 quote=ch, position=i + 1, close=close)
            toks.append(_Tok("phrase", q[i + 1:j], i, j + 1))
            i = j + 1
        elif ch in _LPAREN:
            toks.append(_Tok("lparen", ch, i, i + 1))
            i += 1
        elif ch in _RPAREN:
            toks.append(_Tok("rparen", ch, i, i + 1))
            i += 1
        elif ch in _BAR:
            toks.append(_Tok("or", ch, i, i + 1))
            i += 1
        elif ch in _MINUS and (i + 1 < len(q) and q[i + 1] not in " " + _RPAREN):
            toks.append(_Tok("minus", ch, i, i + 1))
            i += 1
        elif ch in _MINUS and (i == 0 or q[i - 1] == " "):
            # A dash standing alone between spaces: meant as "without" but cut off from its term, read as a
            # word it finds nothing, and read as nothing it would find what was meant to be excluded.
            raise QueryError(N_("%(minus)s stands apart from the term to exclude: write it against the term, "
                                "e.g. 党建 -扶贫"), minus=ch)
        else:
            j = i
            while j < len(q) and q[j] != " " and q[j] not in _SPECIAL:
                j += 1
            word = _ascii_colon(q[i:j])
            # field:"quoted value" stays one token
            if word.endswith(":") and word[:-1].lower() in FIELDS and j < len(q) and q[j] in QUOTES:
                close = QUOTES[q[j]]
                k = q.find(close, j + 1)
                if k == -1:
                    raise QueryError(N_("unbalanced quote after %(word)s (close it with %(close)s)"),
                                     word=word, close=close)
                toks.append(_Tok("field", word + q[j + 1:k], i, k + 1))
                i = k + 1
                continue
            kind = {"OR": "or", "AND": "and", "NOT": "not"}.get(word, "word")
            if kind == "word" and ":" in word and word.split(":", 1)[0].lower() in FIELDS:
                kind = "field"
            toks.append(_Tok(kind, word, i, j))
            i = j
    return toks


def _ascii_colon(word: str) -> str:
    """``author：吴柳`` (the input method's colon) as ``author:吴柳``; a colon after anything but a field
    name is text."""
    name, colon, rest = word.partition("：")
    return f"{name}:{rest}" if colon and name.lower() in FIELDS and ":" not in name else word


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0

    def deeper(self) -> None:
        """Enter one more level of parentheses or exclusion, within :data:`MAX_QUERY_DEPTH`."""
        self.depth += 1
        if self.depth > MAX_QUERY_DEPTH:
            raise QueryError(N_("the query nests too deeply (more than %(depth)d levels of parentheses or "
                                "exclusions); write it flatter, e.g. a -b -c rather than -(-(…))"),
                             depth=MAX_QUERY_DEPTH)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.parse_and()
        tok = self.peek()
        if tok is not None:
            if tok.kind == "rparen":
                raise QueryError(N_("unexpected %(text)r at position %(position)d: this ) has no matching ("),
                                 text=tok.text, position=tok.pos + 1)
            raise QueryError(N_("unexpected %(text)r at position %(position)d"), text=tok.text, position=tok.pos + 1)
        return node

    def parse_and(self) -> Node:
        nodes: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind != "rparen":
            if tok.kind == "and":
                self.take()
                if not nodes or self.peek() is None or self.peek().kind in ("or", "rparen", "and"):
                    raise QueryError(N_("AND needs a term on both sides (terms side by side are ANDed anyway)"))
                continue
            if tok.kind == "or":
                raise QueryError(N_("OR needs a term on both sides, e.g. 党建 OR 黨建"))
            nodes.append(self.parse_or())
        if not nodes:
            raise QueryError(N_("empty group: put a search term inside the parentheses") if self.peek()
                             else N_("nothing to search for"))
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def parse_or(self) -> Node:
        nodes = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "rparen", "and"):
                raise QueryError(N_("OR needs a term on both sides, e.g. 党建 OR 黨建"))
            nodes.append(self.parse_unary())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind in ("not", "minus"):
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "rparen", "and"):
                raise QueryError(N_("%(minus)s must be followed by the term to exclude, e.g. 党建 -扶贫"),
                                 minus=tok.text)
            self.deeper()
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Node:
        tok = self.take()
        if tok.kind == "lparen":
            self.deeper()
            node = self.parse_and()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise QueryError(N_("unbalanced parenthesis: the ( at position %(position)d is never closed"),
                                 position=tok.pos + 1)
            self.take()
            return node
        if tok.kind == "phrase":
            if not tok.text.strip():
                raise QueryError(N_("empty phrase: put the text to find between the quotes"))
            return Phrase(tok.text.strip())
        if tok.kind == "field":
            return _field(tok.text)
        return Words(tok.text)


def _field(text: str) -> Node:
    name, _, value = text.partition(":")
    name = name.lower()
    value = value.strip()
    if not value:
        raise QueryError(N_("%(field)s: needs a value, e.g. %(example)s"),
                         field=name, example=f"{name}:{_EXAMPLES[name]}")
    if name == "year":
        if value.lower() == NO_YEAR:
            return NoYear()
        m = _YEAR_RE.match(value)
        if not m:
            raise QueryError(N_("year:%(value)s is not a year; use year:2019 or year:2019..2023 (or "
                                "year:%(none)s for the documents without one)"), value=value[:20], none=NO_YEAR)
        start = int(m.group(1))
        end = int(m.group(2) or start)
        if not (YEAR_MIN <= start <= YEAR_MAX and YEAR_MIN <= end <= YEAR_MAX) or end < start:
            raise QueryError(N_("year range %(value)s is empty; use year:2019..2023 (from ≤ to)"), value=value)
        return Year(start, end)
    return {"title": Title, "author": Author, "place": Place}[name](value)


def check_query_text(raw: str) -> None:
    """Refuse a query no person could have typed: over the length limit, or not valid Unicode (a lone
    surrogate, from JSON's ``\\ud800`` or from undecodable bytes on a command line)."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(N_("query too long (%(length)d characters; the limit is %(limit)d)"),
                         length=len(raw), limit=MAX_QUERY_LENGTH)
    if _SURROGATE_RE.search(raw):
        raise QueryError(N_("the query is not valid text (it holds a lone UTF-16 surrogate or undecodable bytes)"))


def parse_query(raw: str) -> Node:
    """Parse ``raw`` into a query tree, or raise :class:`QueryError` with a helpful message."""
    check_query_text(raw)
    q = normalize_query(raw)
    if not q:
        raise QueryError(N_("empty query: type a word, or a phrase in quotes such as \"一肩挑\""))
    node = _Parser(_tokenize(q)).parse()
    if not has_positive(node):
        raise QueryError(N_("a query cannot only exclude: add something to search for, e.g. 党建 -扶贫"))
    return node


_LOWER_OPERATORS = {"or": "OR", "and": "AND", "not": "NOT"}


def operator_hint(query: str) -> str | None:
    """For a query that found nothing: the query with its lower-case ``or``/``and``/``not`` written as the
    operators (they are words unless written in capitals), or None if it has none. Quoted text is left."""
    parts = re.split(r'("[^"]*"|“[^”]*”|「[^」]*」|『[^』]*』)', normalize_query(query))
    changed = False
    for k in range(0, len(parts), 2):  # the even parts are outside quotes
        words = parts[k].split(" ")
        for j, word in enumerate(words):
            if (word in _LOWER_OPERATORS and 0 < j < len(words) - 1) or (word == "not" and j < len(words) - 1):
                words[j] = _LOWER_OPERATORS[word]
                changed = True
        parts[k] = " ".join(words)
    return "".join(parts) if changed else None


def has_positive(node: Node) -> bool:
    """True when ``node`` can match a document by itself (not only by exclusion)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(has_positive(n) for n in node.nodes)
    if isinstance(node, Or):
        return all(has_positive(n) for n in node.nodes)
    return True


def single_phrase(tree: Node) -> str | None:
    """The text of a query that is one run or one quoted phrase (what "all occurrences" can list), else None."""
    return tree.text if isinstance(tree, Phrase | Words) else None


_CLOSING = set(QUOTES.values())


def unquote(text: str) -> str:
    """``text`` (white space normalised) without the quotes around it, if it has them.

    For the concordance, whose query is one phrase with or without quotes: any opening quote of
    :data:`QUOTES` with any closing one (an input method may type “党建" as readily as “党建”).
    """
    text = normalize_query(text)
    if len(text) >= 2 and text[0] in QUOTES and text[-1] in _CLOSING:
        return text[1:-1].strip()
    return text


def quote(value: str) -> str | None:
    """``value`` in the first pair of :data:`QUOTES` whose closing quote it does not hold; None for a
    value that holds every closing quote (no query can name it)."""
    for opening, closing in QUOTES.items():
        if closing not in value:
            return f"{opening}{value}{closing}"
    return None


def narrow(query: str, field: str, value: str) -> str | None:
    """``query`` narrowed to the documents whose ``field`` is ``value`` (a facet value, as shown; the year
    facet's :data:`NO_YEAR` for the documents without a year), or None when no query can say that (a value
    that cannot be quoted, or a result over the length limit).

    Appending a term to a query that parses ANDs it with the whole query: OR binds tighter than the
    implicit AND, and a valid query cannot end in an operator. An empty ``query`` gives the term alone.
    """
    if field not in FIELDS or field == "title":
        raise ValueError(f"no facet field {field!r}")
    if field == "year":
        term = f"year:{value}" if value == NO_YEAR or (value.isdigit() and YEAR_MIN <= int(value) <= YEAR_MAX) else None
    else:
        term = f"{field}:{quoted}" if (quoted := quote(value)) else None
    narrowed = (f"{query} {term}" if query.strip() else term) if term else None
    return narrowed if narrowed and len(narrowed) <= MAX_QUERY_LENGTH else None


@dataclass(frozen=True)
class Filter:
    """A field filter that narrows a whole query (``year:2019`` in ``党建 year:2019``), as a results page shows
    it: a chip that removes it."""

    field: str  #: one of :data:`FACET_FIELDS`
    value: str  #: as written after the colon, quotes removed: ``2019``, ``2019..2023``, ``none``, ``宋河镇``
    #: The query without this filter (and without an ``AND`` joining it); ``""`` when nothing else is left,
    #: None when what is left is no query (``year:2019 -扶贫`` without the year only excludes).
    without: str | None


def filters(raw: str) -> list[Filter]:
    """The filters ``raw`` is narrowed by: each :data:`FACET_FIELDS` term ANDed with the whole query, not
    inside parentheses, not excluded, not one side of an OR. [] for a query that does not parse."""
    try:
        parse_query(raw)
    except QueryError:
        return []
    text = normalize_query(raw)
    toks = _tokenize(text)
    found: list[Filter] = []
    depth = 0
    for k, tok in enumerate(toks):
        depth += (tok.kind == "lparen") - (tok.kind == "rparen")
        if tok.kind != "field" or depth:
            continue
        name, _, value = tok.text.partition(":")
        before = toks[k - 1] if k else None
        after = toks[k + 1] if k + 1 < len(toks) else None
        if (name.lower() not in FACET_FIELDS or (before and before.kind in ("not", "minus", "or"))
                or (after and after.kind == "or")):
            continue
        start, end = tok.pos, tok.end
        if before and before.kind == "and":
            start = before.pos
        elif after and after.kind == "and":
            end = after.end
        rest = normalize_query(text[:start] + " " + text[end:])
        if rest:
            try:
                parse_query(rest)
            except QueryError:
                rest = None
        name = name.lower()
        found.append(Filter(name, value.strip().lower() if name == "year" else value.strip(), rest))
    return found


def field_key(value: str) -> str:
    """What a field filter (``author:``, ``place:``) and a facet value are compared by: the value as the
    parser reads it (invisible characters dropped, white space normalised), folded, so 陳紅革 = 陈红革."""
    from index.analysis import fold_text  # the parser itself needs no folding: import it only here

    return fold_text(normalize_query(value))
