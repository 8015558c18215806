"""Citations of one paragraph: in a CSL style (formatted by ``citeproc-py`` from the paragraph's CSL-JSON
item, :mod:`archive.csl`), as a quotation, and in BibTeX.

Unknown fields are left out, never invented: the seeds print no newspaper name or date, so their
citations say only what is known. The permalink of the paragraph is the caller's to make (the web builds
it with ``url_for``), and so is the choice of the quoted sentences (:func:`index.snippets.quoted_sentences`
for a search's matches): this package knows no index.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from archive.csl import csl_item, full_title
from archive.errors import N_, StyleError
from archive.model import Document
from archive.styles import STYLE_ALIASES, load_style

DEFAULT_STYLE = "gbt7714"
#: The quotation: the paragraph's words (or the sentences a search matched in it), its author, title, ¶.
QUOTATION = "plain"
BIBTEX = "bibtex"
#: The styles of a paragraph's citation page and of ``archive cite --style`` by short name, in the page's
#: order: the CSL styles (GB/T 7714 numeric first), the quotation, BibTeX. Any installed CSL style can be
#: named too (:func:`archive.styles.style_path`).
STYLES = (*STYLE_ALIASES, QUOTATION, BIBTEX)
#: How each of :data:`STYLES` is labelled (the site translates the labels).
STYLE_LABELS = {
    "gbt7714": N_("GB/T 7714-2015, numeric"),
    "gbt7714-author-date": N_("GB/T 7714-2015, author-date"),
    "apa": N_("APA, 7th edition"),
    "chicago": N_("Chicago, 18th edition, author-date"),
    QUOTATION: N_("Quotation"),
    BIBTEX: "BibTeX",
}
#: What a quotation holding ``〓`` says beside it (the site in the reader's language).
LOST_NOTE = N_("〓 marks a character lost in the source that could not be recovered; nothing was guessed "
               "in its place.")

CANNOT_FORMAT = N_("citeproc-py cannot format the citation style %(name)s (%(error)s); choose another")


def _title(doc: Document) -> str:
    return f"[{doc.title}]" if doc.title_supplied else doc.title


def format_csl(item: dict, style: str) -> str:
    """``item`` (CSL-JSON) in the CSL style ``style`` as plain text: its reference list entry, or, for a
    style that has no reference list (a notes-only style) or leaves the item out of it, its citation.
    A style not installed, or one that citeproc-py cannot format: StyleError."""
    # citeproc-py takes 5 to 30 ms a citation (Chicago the most): a paragraph cited again today is not
    # formatted again.
    text = _format_csl(json.dumps(item, ensure_ascii=False, sort_keys=True), style)
    title = item.get("title") or ""
    if _DOUBLE_QUOTES.intersection(title) and (quoted := f"“{title}”") in text:
        # A style that quotes the title (Chicago) wants the title's own quotes made single, as any CSL
        # processor but citeproc-py does: ““一肩挑”的新实践” is “‘一肩挑’的新实践”.
        text = text.replace(quoted, f"“{title.translate(_INNER_QUOTES)}”")
    return text


_DOUBLE_QUOTES = frozenset("“”")
_INNER_QUOTES = str.maketrans("“”", "‘’")


@lru_cache(maxsize=1024)
def _format_csl(item_json: str, style: str) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    item = json.loads(item_json)
    csl_style = load_style(style)
    try:
        bibliography = CitationStylesBibliography(csl_style, CiteProcJSON([item]), formatter.plain)
        citation = Citation([CitationItem(item["id"])])
        bibliography.register(citation)
        entries = bibliography.bibliography() if csl_style.has_bibliography() else []
        return str(entries[0]) if entries else str(bibliography.cite(citation, lambda _item: None))
    except Exception as exc:
        # citeproc-py 0.11.1 fails on a few dozen of the 2,851 independent styles (text-case on some
        # elements, for one): say which style, not a traceback.
        raise StyleError(CANNOT_FORMAT, name=style, error=f"{type(exc).__name__}: {exc}") from exc


def cite_csl(doc: Document, paragraph: int, style: str, permalink: str, accessed: date | None = None) -> str:
    """Paragraph ``paragraph`` of ``doc`` in the CSL style ``style``, accessed on ``accessed`` (today)."""
    return format_csl(csl_item(doc, permalink, accessed or date.today(), paragraph), style)


def cite_plain(doc: Document, paragraph: int, permalink: str, quote: str | None = None) -> str:
    """「quote」——author：《title：subtitle》，第N段。permalink — ``quote`` being the paragraph unless given
    (the sentences a search matched in it)."""
    text = doc.paragraph(paragraph) if quote is None else quote
    byline = f"{'、'.join(a.name for a in doc.authors)}：" if doc.authors else ""
    return f"「{text}」——{byline}《{full_title(doc)}》，第{paragraph}段。{permalink}"


def has_lost_characters(quotation: str) -> bool:
    """Whether a quotation holds ``〓``: a character the source lost (say so beside it, :data:`LOST_NOTE`)."""
    from archive.mojibake import LOST  # the cleaning rules' modules: not at every command's start

    return LOST in quotation


def cite_bibtex(doc: Document, paragraph: int, permalink: str, accessed: date) -> str:
    """The paragraph as a BibTeX entry: the export's entry (written by bibtexparser), so that the citation
    page and the downloads say the same thing."""
    from archive.export import export_bibtex  # bibtexparser: loaded by the commands that write BibTeX only

    return export_bibtex([csl_item(doc, permalink, accessed, paragraph)]).strip()


def cite(doc: Document, paragraph: int, style: str, permalink: str, accessed: date | None = None,
         quote: str | None = None) -> str:
    """Cite paragraph ``paragraph`` of ``doc`` in ``style`` (a name of :data:`STYLES`, or of any installed
    CSL style), pointing at ``permalink``, accessed on ``accessed`` (default today; CSL styles only);
    ``quote``: the quotation's words, when not the whole paragraph. A style not installed: StyleError."""
    if style == QUOTATION:
        return cite_plain(doc, paragraph, permalink, quote)
    if style == BIBTEX:
        return cite_bibtex(doc, paragraph, permalink, accessed or date.today())
    return cite_csl(doc, paragraph, style, permalink, accessed)
