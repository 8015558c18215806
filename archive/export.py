"""Exports for reference managers and spreadsheets, made from CSL-JSON items (:func:`archive.csl.csl_item`):
BibTeX (written by ``bibtexparser``), RIS (by ``rispy``), CSL-JSON, and CSV of a result list.

Every format says what the CSL item says and nothing more: an unknown newspaper or date is left out, never
invented. The permalinks and the access date are the caller's (the item carries them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import bibtexparser
import rispy
from bibtexparser.library import Library
from bibtexparser.middlewares.names import MergeCoAuthors
from bibtexparser.model import Entry, ExplicitComment, Field
from bibtexparser.writer import BibtexFormat
from pylatexenc.latexencode import RULE_REGEX, UnicodeToLatexConversionRule, UnicodeToLatexEncoder
from rispy.writer import RisWriter

from archive.formats import FORMATS

__all__ = ["FORMATS"]  # re-exported: the formats are named beside the writers


#: The columns of a result list's CSV, one row per hit: the document (its title as cited, with the
#: subtitle; the authors as printed, separated by "; "), the year it reports on and its place (as the
#: results show them), the newspaper and day of publication (from the catalog, when known), the permalink
#: of the hit's first passage (of the document when no passage matched: a title or metadata hit), and that
#: passage's paragraph number and text; last, added with captions, the passage's photo caption number when
#: it is a caption's (its paragraph then empty).
CSV_COLUMNS = ("id", "title", "authors", "year", "place", "publication", "date", "url", "paragraph", "text",
               "caption")

# --- BibTeX ----------------------------------------------------------------------------------------------

#: LaTeX's special characters escaped (``R&D`` → ``R\&D``, ``100%`` → ``100\%``); every other character is
#: kept as it is, Chinese and its punctuation included: a Chinese bibliography is typeset from UTF-8
#: (XeLaTeX, biber), where ``{\textemdash}`` would set a Latin dash in place of the printed ——.
_LATEX = UnicodeToLatexEncoder(
    # and so is the double quote: inside braces it is a character, where pylatexenc's '' would be two.
    conversion_rules=[UnicodeToLatexConversionRule(RULE_REGEX, [(re.compile(r'[^\x00-\x7f]+|"'), r"\g<0>")]),
                      "defaults"],
    unknown_char_warning=False)
_BIBTEX_FORMAT = BibtexFormat()
_BIBTEX_FORMAT.indent = "  "
_BIBTEX_FORMAT.block_separator = "\n"  # after the block's own line end: one blank line
#: What a citation key may hold (BibTeX and biber agree on these); anything else becomes ``_``.
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.-]")


#: The characters :data:`_LATEX` changes: a text without any (most titles) is not walked through.
_LATEX_SPECIAL = re.compile(r"[\x00-\x1f#$%&\\^_{}~<>\"|]")


def latex_text(value: str) -> str:
    """``value`` as BibTeX field text: LaTeX's special characters escaped, line breaks (and every other
    control character) made spaces."""
    value = one_line(value)
    return _LATEX.unicode_to_latex(value) if _LATEX_SPECIAL.search(value) else value


def bibtex_name(name: str) -> str:
    """A name as printed, in braces: BibTeX reads a braced name as one whole family name, so it neither
    splits ``欧阳 修`` into given and family names nor abbreviates it."""
    return "{" + latex_text(name) + "}"


def iso_date(item: dict[str, Any], key: str = "issued") -> str | None:
    """``2020-01-15`` (``2020-01``, ``2020``) of a CSL date, or None."""
    parts = (item.get(key) or {}).get("date-parts") or [[]]
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[0])) or None


def bibtex_key(item_id: str, taken: set[str]) -> str:
    """An ASCII key made of the item's id, unique among ``taken`` (to which it is added)."""
    base = _KEY_UNSAFE.sub("_", item_id) or "item"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


def bibtex_entry(item: dict[str, Any], key: str) -> Entry:
    """``@article`` (a newspaper: ``journal``, ``entrysubtype = {newspaper}``, which biblatex and
    biblatex-gb7714-2015 read as [N]) when the newspaper is known, else ``@misc``; both with ``url`` and
    ``urldate`` (biblatex's fields; the URL verbatim)."""
    fields: list[tuple[str, Any]] = []
    if item.get("author"):
        fields.append(("author", [bibtex_name(a["literal"]) for a in item["author"]]))
    fields.append(("title", latex_text(item["title"])))
    newspaper = item.get("container-title")
    if newspaper:
        fields += [("journal", latex_text(newspaper)), ("entrysubtype", "newspaper")]
    if issued := iso_date(item):
        # year for BibTeX styles, date (with the day a newspaper is cited by) for biblatex and gbt7714.bst
        fields += [("year", issued[:4]), ("date", issued)]
    if item.get("page"):
        fields.append(("pages", latex_text(str(item["page"]))))
    fields.append(("url", item["URL"]))
    if accessed := iso_date(item, "accessed"):
        fields.append(("urldate", accessed))
    if item.get("note"):
        fields.append(("note", latex_text(item["note"])))
    return Entry("article" if newspaper else "misc", key, [Field(k, v) for k, v in fields])


def export_bibtex(items: Iterable[dict[str, Any]], comment: str | None = None) -> str:
    """The items as a BibTeX file, keys unique (from each item's id), after an ``@comment`` of ``comment``
    when given (what was exported, and whether the list was cut)."""
    taken: set[str] = set()
    blocks: list[Any] = [ExplicitComment(_comment_text(comment))] if comment else []
    blocks += [bibtex_entry(item, bibtex_key(item["id"], taken)) for item in items]
    # In place: the blocks are ours and thrown away after (bibtexparser would deep-copy each, and warn).
    stack = [MergeCoAuthors(allow_inplace_modification=True),
             *bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)]
    return bibtexparser.write_string(Library(blocks), unparse_stack=stack, bibtex_format=_BIBTEX_FORMAT)


def _comment_text(text: str) -> str:
    """``text`` safe inside ``@comment{…}``: one line, braces balanced away."""
    return " ".join(text.split()).replace("{", "(").replace("}", ")")


# --- RIS -------------------------------------------------------------------------------------------------


class _RisWriter(RisWriter):
    """rispy's writer without its ``1.``, ``2.`` … line before each reference, which RIS does not have."""

    def set_header(self, count: int) -> str | None:
        return None


def ris_date(parts: Sequence[int]) -> str:
    """RIS's ``2020/01/15`` (``2020/01``, ``2020``)."""
    return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def ris_reference(item: dict[str, Any]) -> dict[str, Any]:
    """The RIS reference (rispy's keys) of a CSL item: ``TY - NEWS``, ``AU`` per author, ``TI``, ``T2``
    the newspaper, ``DA``/``PY``, ``SP`` the page, ``UR``, ``Y2`` the access date, ``LA``, ``N1`` (¶N),
    ``ID`` the item's id. Line breaks become spaces (RIS is a line per field)."""
    ref: dict[str, Any] = {"type_of_reference": "NEWS", "id": one_line(item["id"])}
    if item.get("author"):
        ref["authors"] = [one_line(a["literal"]) for a in item["author"]]
    ref["title"] = one_line(item["title"])
    if item.get("container-title"):
        ref["secondary_title"] = one_line(item["container-title"])
    issued = (item.get("issued") or {}).get("date-parts")
    if issued and issued[0]:
        ref["date"], ref["year"] = ris_date(issued[0]), str(issued[0][0])
    if item.get("page"):
        ref["start_page"] = one_line(str(item["page"]))
    ref["urls"] = [one_line(item["URL"])]
    accessed = (item.get("accessed") or {}).get("date-parts")
    if accessed and accessed[0]:
        ref["access_date"] = ris_date(accessed[0])
    if item.get("language"):
        ref["language"] = one_line(item["language"])
    if item.get("note"):
        ref["notes"] = [one_line(item["note"])]
    return ref


def one_line(text: str) -> str:
    """``text`` on one line: every run of white space and control characters is one space (a line break
    would end the field, and the next line could read as a tag of its own: ``ER  -``, a new reference)."""
    return " ".join(_CONTROLS.sub(" ", text).split())


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def export_ris(items: Iterable[dict[str, Any]]) -> str:
    """The items as a RIS file (written by rispy)."""
    return rispy.dumps([ris_reference(item) for item in items], implementation=_RisWriter)


# --- CSL-JSON and CSV ------------------------------------------------------------------------------------


def export_csljson(items: Iterable[dict[str, Any]]) -> str:
    """The items as a CSL-JSON file: a JSON list, as Zotero, Pandoc and citeproc read it."""
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"), after any white space, in
#: ASCII or full width (a spreadsheet set up for Chinese reads ＝SUM(…) as a formula too).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_cell(value: object) -> object:
    """A text cell a spreadsheet will show, not evaluate: one starting like a formula gets a ``'`` in front,
    as OWASP recommends. Numbers stay numbers; None is an empty cell."""
    if value is None:
        return ""
    return f"'{value}" if isinstance(value, str) and value.lstrip(" \u3000").startswith(_FORMULA_START) else value


def csv_row(item: dict[str, Any], year: int | None, place: str | None, url: str, paragraph: int | None,
            text: str | None, caption: int | None = None) -> list[object]:
    """One row of :data:`CSV_COLUMNS` for a document's CSL ``item`` and its hit."""
    authors = "; ".join(a["literal"] for a in item.get("author", ()))
    return [csv_cell(v) for v in (item["id"], item["title"], authors, year, place, item.get("container-title"),
                                  iso_date(item), url, paragraph, text, caption)]


def export_csv(rows: Iterable[Sequence[object]]) -> str:
    """The rows under :data:`CSV_COLUMNS`, after a byte-order mark (so that spreadsheets read the Chinese
    right), as the concordance's CSV."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def export_items(items: Iterable[dict[str, Any]], fmt: str, comment: str | None = None) -> str:
    """The items in ``fmt`` (``bibtex``, ``ris`` or ``csljson``); ``comment`` goes where the format has room
    for one (BibTeX's ``@comment``)."""
    if fmt == "bibtex":
        return export_bibtex(items, comment)
    if fmt == "ris":
        return export_ris(items)
    if fmt == "csljson":
        return export_csljson(items)
    raise ValueError(f"no export of items as {fmt!r}")
