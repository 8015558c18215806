"""The API's OpenAPI 3.1 document: what ``/api/openapi.json`` serves and ``/api`` shows to people.

A Python module rather than a JSON file so that every limit, default and order comes from
:mod:`index.limits` (the numbers the engine enforces and the parameters are read with): change one there and
the document follows. The descriptions are English, marked with ``N_`` so that the page ``/api`` shows them
in the reader's language; the document itself, like the API, is English. ``tests/test_openapi.py`` validates
it and calls every operation it documents, checking each answer against its schema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

from archive.errors import N_
from index.limits import (
    DEFAULT_LIMIT,
    KWIC_DEFAULT_LIMIT,
    KWIC_DEFAULT_WIDTH,
    KWIC_MAX_EXPORT,
    KWIC_MAX_LIMIT,
    KWIC_MAX_SORTED,
    KWIC_MAX_WIDTH,
    KWIC_SORTS,
    MAX_LIMIT,
    MAX_QUERY_LENGTH,
    SEARCH_ORDERS,
    SEARCH_SORTS,
)
from index.snippets import MAX_PASSAGES
from index.store import FRONT_FIELDS
from web.params import MAX_OFFSET

#: The fields of ``POST /api/search``'s JSON object.
SEARCH_FIELDS = ("q", "limit", "offset", "sort", "order")
#: What ``/api/kwic`` answers with: JSON (the default) or a CSV file.
KWIC_FORMATS = ("json", "csv")
_EXAMPLE_DOC = "000_facb8668b9a49bed"


def example_doc_id() -> str:
    """The document the examples name (a seed article)."""
    return _EXAMPLE_DOC


#: Descriptions that hold numbers, by their English: the template and the numbers (the page translates
#: the template, then fills it in).
_FILLED: dict[str, tuple[str, dict[str, object]]] = {}


def _said(template: str, **params: object) -> str:
    """A description holding numbers (from index.limits): its English, remembered for :func:`translate`."""
    text = template % params
    _FILLED[text] = (template, params)
    return text


def translate(text: str, gettext: Callable[[str], str]) -> str:
    """A description of the document in the page's language."""
    template, params = _FILLED.get(text, (text, {}))
    return gettext(template) % params if params else gettext(template)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def _object(description: str, properties: dict[str, dict], optional: tuple[str, ...] = ()) -> dict:
    """An object with exactly these properties (the API sends no other), all present unless ``optional``."""
    return {"type": "object", "description": description, "properties": properties,
            "required": [k for k in properties if k not in optional], "additionalProperties": False}


_STRING, _INTEGER = {"type": "string"}, {"type": "integer"}
_PARAGRAPH_NUMBER = {"type": "integer", "minimum": 1}
_YEAR = {"type": "integer", "minimum": 1, "maximum": 9999}

SCHEMAS: dict[str, dict] = {
    "Author": _object(N_("A person of the byline: the name as printed, and the role printed before it "
                         "(本报记者, 通讯员), if any."),
                      {"name": _STRING, "role": _nullable(_STRING)}),
    "Passage": _object(N_("A sentence of a paragraph where the query matched (or the lead, when only the "
                          "title or metadata matched), or of a photo caption after the paragraphs' passages: the "
                          "text, and the same text as HTML with each match in <mark> and everything else escaped."),
                       {"paragraph": {**_nullable(_PARAGRAPH_NUMBER),
                                      "description": N_("The paragraph's number (¶); null for a caption's.")},
                        "caption": {**_nullable(_PARAGRAPH_NUMBER), "description": N_(
                            "The photo caption's number (the document page's #cN); null for a paragraph's.")},
                        "text": _STRING, "html": _STRING}),
    "Hit": _object(N_("One matching document."), {
        "id": _STRING,
        "title": _STRING,
        "title_html": {"type": "string", "description": N_("The title as HTML, each match in <mark>.")},
        "title_supplied": {"type": "boolean",
                           "description": N_("True when no title is printed and the title was supplied.")},
        "score": {"type": "number", "description": N_("Relevance (BM25F); higher is better.")},
        "url": {"type": "string", "description": N_(
            "The document on this site, at the paragraph of its best passage when one matched.")},
        "byline": {"type": ["string", "null"], "description": N_("The byline as printed.")},
        "authors": {"type": "array", "items": _ref("Author")},
        "year": {**_nullable(_YEAR), "description": N_("The year the article reports on, as the catalog gives "
                                                       "it, else the year of its date; null when unknown.")},
        "place": _nullable(_STRING),
        "passages": {"type": "array", "items": _ref("Passage"), "maxItems": MAX_PASSAGES},
    }),
    "Facet": _object(N_("One value of a facet, with the number of matching documents that have it, and the "
                        "query narrowed to it, which finds exactly that many (null when no query can name the "
                        "value). In the year facet the value is a year, or null for the documents without "
                        "one; in the place and author facets, the value as most documents print it."),
                     {"value": {"type": ["string", "integer", "null"]},
                      "count": {"type": "integer", "minimum": 1},
                      "query": _nullable(_STRING)}),
    "SearchPage": _object(N_("A page of results."), {
        "query": _STRING,
        "total": {"type": "integer", "minimum": 0, "description": N_("Every matching document, not just the page.")},
        "took_ms": {"type": "number", "minimum": 0},
        "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 0},
        "hits": {"type": "array", "items": _ref("Hit")},
        "facets": {"type": "object", "additionalProperties": False,
                   "description": N_("Of every match, not just the page: the most common values of each field, "
                                     "most first (the year facet ends with the documents without a year). A "
                                     "field no match has a value for is left out."),
                   "properties": {
                       "year": {"type": "array", "items": {**_ref("Facet"),
                                                           "properties": {"value": _nullable(_YEAR)}}},
                       "place": {"type": "array", "items": {**_ref("Facet"), "properties": {"value": _STRING}}},
                       "author": {"type": "array", "items": {**_ref("Facet"), "properties": {"value": _STRING}}},
                   }},
        "sort": {"enum": list(SEARCH_SORTS)},
        "order": {"enum": [*SEARCH_ORDERS, None],
                  "description": N_("Null for relevance, which has one direction: best first.")},
    }),
    "SearchRequest": _object(N_("The parameters of a search as a JSON object (for a query too long for an "
                                "address). Typed: a number is a JSON number, not a string."), {
        "q": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "limit": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "sort": {"enum": list(SEARCH_SORTS), "default": SEARCH_SORTS[0]},
        "order": {"enum": list(SEARCH_ORDERS), "default": SEARCH_ORDERS[0]},
    }, optional=SEARCH_FIELDS[1:]),
    "Line": _object(N_("One occurrence in its context: the characters before and after it, never crossing "
                       "its paragraph."), {
        "id": _STRING,
        "field": {"enum": [*FRONT_FIELDS, "paragraph", "caption"]},
        "paragraph": {**_nullable(_PARAGRAPH_NUMBER),
                      "description": N_("The paragraph's number; null in the title, subtitle, byline or a caption.")},
        "caption": {**_nullable(_PARAGRAPH_NUMBER),
                    "description": N_("The photo caption's number (the document page's #cN); null elsewhere.")},
        "left": _STRING, "match": _STRING, "right": _STRING,
    }),
    "YearCount": _object(N_("Occurrences in the documents of one year."),
                         {"year": _YEAR, "count": {"type": "integer", "minimum": 1}}),
    "Concordance": _object(N_("A page of the concordance, with the counts of all of it."), {
        "query": _STRING,
        "occurrences": {"type": "integer", "minimum": 0},
        "documents": {"type": "integer", "minimum": 0},
        "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": ["integer", "null"], "minimum": 0,
                  "description": N_("Null only from archive kwic --json without --limit: every line.")},
        "years": {"type": "array", "items": _ref("YearCount"),
                  "description": N_("Of the documents with a year, in order of years.")},
        "lines": {"type": "array", "items": _ref("Line")},
    }),
    "Paragraph": _object(N_("A body paragraph, numbered from 1 (the permalink's #pN)."),
                         {"n": _PARAGRAPH_NUMBER, "text": _STRING}),
    "Repair": _object(N_("What a cleaning rule changed, and where."), {
        "rule": _STRING, "before": _STRING, "after": _STRING,
        "paragraph": {**_nullable(_PARAGRAPH_NUMBER),
                      "description": N_("Null for the title, subtitle or byline lines.")},
        "note": {"type": "string", "description": N_("What was done and why, in English.")},
    }),
    "Document": _object(N_("One article, cleaned, with its numbered paragraphs and every repair."), {
        "id": _STRING,
        "source": {"type": "string", "description": N_("The source file, relative to its directory.")},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                   "description": N_("Of the source file's bytes.")},
        "title": _STRING,
        "paragraphs": {"type": "array", "items": _ref("Paragraph")},
        "subtitle": _nullable(_STRING),
        "authors": {"type": "array", "items": _ref("Author")},
        "byline": _nullable(_STRING),
        "script": {"enum": ["hans", "hant"], "description": N_("Simplified or Traditional characters.")},
        "repairs": {"type": "array", "items": _ref("Repair")},
        "encoding": {"type": "string", "description": N_(
            "How the source's bytes were decoded: utf-8, utf-8-sig, gb18030, or the encoding a saved page "
            "declares (big5hkscs, say).")},
        "title_supplied": {"type": "boolean"},
        "publication": _nullable(_STRING),
        "date": {"type": ["string", "null"], "description": N_(
            "The publication date, as the catalog or a saved page gives it (origins says which).")},
        "page": {"type": ["string", "null"], "description": N_("The page (版次) the article was printed on, as the "
                                                              "catalog gives it.")},
        "year": {**_nullable(_YEAR), "description": N_("The year the article reports on, as the catalog gives "
                                                       "it, else the year of its date.")},
        "place": _nullable(_STRING),
        "url": {"type": "string", "description": N_("The document's page on this site.")},
        "original_url": {"type": ["string", "null"], "description": N_(
            "Where the article was published: a saved page's canonical address, or the catalog's url.")},
        "captions": {"type": "array", "items": _STRING, "description": N_(
            "A saved page's photo captions, kept apart from the paragraphs.")},
        "origins": {"type": "object", "additionalProperties": {"type": "string"}, "description": N_(
            "Where each metadata field came from: catalog, page: og:title, page: the date line, the date …")},
        "extra": {"type": "object", "additionalProperties": {"type": "string"},
                  "description": N_("More of the catalog's entry, such as its note.")},
    }),
    "Error": _object(N_("What went wrong, in English."), {
        "error": _STRING,
        "query": {"type": "string", "description": N_("The query, when it is what went wrong or too slow.")},
        "parameter": {"type": "string", "description": N_("The parameter whose value cannot be used.")},
    }, optional=("query", "parameter")),
}


def _param(name: str, where: str, schema: dict, description: str, example: Any = None,
           required: bool = False) -> dict:
    out = {"name": name, "in": where, "description": description, "required": required, "schema": schema}
    if example is not None:
        out["example"] = example
    return out


def _offset(what: str) -> dict:
    return _param("offset", "query", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}, what)


_SEARCH_PARAMETERS = [
    _param("q", "query", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
           N_('The query: words (all required), "an exact phrase", OR, -word, NOT, ( ), title:, author:, '
              "place:, year:2019, year:2019..2023, year:none."), "一肩挑", required=True),
    _param("limit", "query", {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
           N_("Hits on the page.")),
    _offset(N_("Hits to skip before the page.")),
    _param("sort", "query", {"enum": list(SEARCH_SORTS), "default": SEARCH_SORTS[0]},
           N_("The order of the hits: best first, by year (no year last), or by title.")),
    _param("order", "query", {"enum": list(SEARCH_ORDERS), "default": SEARCH_ORDERS[0]},
           N_("The direction of a year or title order (relevance is always best first).")),
]

_KWIC_PARAMETERS = [
    _param("q", "query", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
           N_("The phrase, with or without quotes: found exactly, in either script, as phrase search finds it."),
           "党建", required=True),
    _param("width", "query", {"type": "integer", "minimum": 0, "maximum": KWIC_MAX_WIDTH,
                              "default": KWIC_DEFAULT_WIDTH}, N_("Characters of context on each side.")),
    _param("sort", "query", {"enum": list(KWIC_SORTS), "default": KWIC_SORTS[0]},
           _said(N_("By document, by the context on the left (read backwards), or on the right. A sorted "
                    "concordance is read to its line %(sorted)s."), sorted=f"{KWIC_MAX_SORTED:,}")),
    _param("limit", "query", {"type": "integer", "minimum": 0, "maximum": KWIC_MAX_EXPORT},
           _said(N_("Lines on the page: %(json)s by default in JSON, at most %(json_max)s; in a CSV file, "
                    "every line by default, at most %(csv_max)s. By default, a sorted page ends at line "
                    "%(sorted)s."), json=KWIC_DEFAULT_LIMIT, json_max=f"{KWIC_MAX_LIMIT:,}",
                 csv_max=f"{KWIC_MAX_EXPORT:,}", sorted=f"{KWIC_MAX_SORTED:,}")),
    _offset(N_("Lines to skip before the page.")),
    _param("format", "query", {"enum": list(KWIC_FORMATS), "default": KWIC_FORMATS[0]},
           N_("csv: a CSV file (UTF-8 with a byte-order mark, for spreadsheets) named after the phrase, with "
              "the document's title, year and address on every line.")),
]


#: The parameters of ``GET /api/kwic`` (any other is refused).
KWIC_FIELDS = tuple(p["name"] for p in _KWIC_PARAMETERS)


def _error(description: str, retry: bool = False) -> dict:
    out: dict = {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}
    if retry:
        out["headers"] = {"Retry-After": {"description": N_("Seconds after which to try again (after a time "
                                                            "limit; not when the index is unavailable)."),
                                          "schema": {"type": "integer"}}}
    return out


_RESPONSES = {
    "BadRequest": _error(N_("A query that cannot be used, a parameter's value that cannot (or that is not "
                            "UTF-8), or a parameter the address does not take: the message says which, and "
                            "what is allowed.")),
    "NotFound": _error(N_("No document has this id.")),
    "Unavailable": _error(N_("The search ran past its time limit (with Retry-After), or the index is missing "
                             "or damaged."), retry=True),
    "Error": _error(N_("Any other error (405 for a method the path does not take, 500 for anything "
                       "unexpected).")),
}


def _responses(ok: dict, *errors: tuple[str, str]) -> dict:
    return {"200": ok, **{status: {"$ref": f"#/components/responses/{name}"} for status, name in errors},
            "default": {"$ref": "#/components/responses/Error"}}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_SEARCH_ERRORS = (("400", "BadRequest"), ("503", "Unavailable"))

_PATHS = {
    "/api/search": {
        "get": {
            "operationId": "search", "summary": N_("Search"),
            "description": N_("A page of results, with the total and the facets of every match: the same "
                              "object as archive search --json."),
            "parameters": _SEARCH_PARAMETERS,
            "x-examples": [{"q": "一肩挑"}, {"q": "党建 year:2019..2023", "sort": "year", "order": "desc",
                                           "limit": 5}],
            "responses": _responses(_json("SearchPage", N_("A page of results.")), *_SEARCH_ERRORS),
        },
        "post": {
            "operationId": "searchPosted", "summary": N_("Search, the parameters in a JSON object"),
            "description": N_("The same search for a query too long for an address (a 1,000-character "
                              "Chinese query is 9,000 bytes percent-encoded). A field the object should not "
                              "have is refused, as is a value of the wrong type."),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("SearchRequest"), "example": {"q": '"一肩挑"', "limit": 5}}}},
            "responses": _responses(_json("SearchPage", N_("A page of results.")), *_SEARCH_ERRORS),
        },
    },
    "/api/kwic": {
        "get": {
            "operationId": "concordance", "summary": N_("Concordance"),
            "description": N_("Every occurrence of a phrase in its context, a page at a time, with the counts "
                              "of every occurrence: the same object as archive kwic --json. With format=csv, "
                              "a CSV file; when the concordance goes on past it, a Link header names the "
                              "next file."),
            "parameters": _KWIC_PARAMETERS,
            "x-examples": [{"q": "党建", "width": 10, "limit": 20}, {"q": "一肩挑", "format": "csv"}],
            "responses": _responses({
                "description": N_("A page of the concordance, or a CSV file of it."),
                "headers": {
                    "Content-Disposition": {"description": N_("CSV only: attachment, named after the phrase "
                                                              "(filename* in UTF-8, filename in ASCII)."),
                                            "schema": _STRING},
                    "X-Occurrences": {"description": N_("CSV only: occurrences in all."), "schema": _INTEGER},
                    "X-Documents": {"description": N_("CSV only: documents holding them."), "schema": _INTEGER},
                    "Link": {"description": N_('CSV only: the next file, rel="next", when there is one.'),
                             "schema": _STRING},
                },
                "content": {"application/json": {"schema": _ref("Concordance")},
                            "text/csv": {"schema": {"type": "string", "description": N_(
                                "Columns id, title, field, paragraph, left, match, right, year, url.")}}},
            }, *_SEARCH_ERRORS),
        },
    },
    "/api/doc/{id}": {
        "get": {
            "operationId": "document", "summary": N_("Document"),
            "description": N_("One article: its metadata, numbered paragraphs and repairs."),
            "parameters": [_param("id", "path", _STRING, N_("The document's id (its file name without the "
                                                              "extension)."), _EXAMPLE_DOC, required=True)],
            "x-examples": [{"id": _EXAMPLE_DOC}],
            "responses": _responses(_json("Document", N_("The document.")), ("400", "BadRequest"), ("404", "NotFound"),
                                    ("503", "Unavailable")),
        },
    },
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi", "summary": N_("This description"),
            "description": N_("The API described in OpenAPI 3.1."),
            "x-examples": [{}],
            "responses": {"200": {"description": N_("This document."),
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "default": {"$ref": "#/components/responses/Error"}},
        },
    },
}


@cache
def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Chinese news archive API", "version": "1",
                 "description": N_("Search, read and quote the archive's articles. Answers are JSON in "
                                   "English, whatever the interface's language; a bad parameter value is a 400 "
                                   "naming the parameter, never ignored.")},
        "paths": _PATHS,
        "components": {"schemas": SCHEMAS, "responses": _RESPONSES},
    }


def api_document(script_root: str = "") -> dict:
    """The document, its paths under ``script_root`` (where the site is mounted) when there is one."""
    doc = copy.deepcopy(_document())
    if script_root:
        doc["servers"] = [{"url": script_root}]
    return doc
