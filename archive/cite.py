"""Citations of one paragraph: GB/T 7714-2015 (newspaper article), plain quotation, BibTeX.

Unknown fields are left out, never invented: the seeds print no newspaper name
or date, so their GB/T 7714 entries say only what is known. The permalink of the
paragraph is the caller's to make (the web builds it with ``url_for``).
"""

from __future__ import annotations

import re

from archive.model import Document

STYLES = ("gbt7714", "plain", "bibtex")


def _title(doc: Document) -> str:
    return f"[{doc.title}]" if doc.title_supplied else doc.title


def cite_gbt7714(doc: Document, paragraph: int, permalink: str) -> str:
    """作者. 题名[N]. 报纸名, 日期(版次). URL — with every unknown element left out."""
    doc.paragraph(paragraph)  # raises NotFoundError for a bad number
    parts = []
    if doc.authors:
        parts.append(", ".join(a.name for a in doc.authors) + ". ")
    parts.append(f"{_title(doc)}[N]")
    source = ", ".join(x for x in (doc.publication, doc.date) if x)
    parts.append(f". {source}." if source else ".")
    parts.append(f" {permalink}")
    return "".join(parts)


def cite_plain(doc: Document, paragraph: int, permalink: str) -> str:
    """「quoted paragraph」 — title, ¶N. permalink"""
    text = doc.paragraph(paragraph)
    byline = f"{'、'.join(a.name for a in doc.authors)}：" if doc.authors else ""
    return f"「{text}」——{byline}《{_title(doc)}》，第{paragraph}段。{permalink}"


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([{}\\%&$#_^~])", r"\\\1", value)


def cite_bibtex(doc: Document, paragraph: int, permalink: str) -> str:
    doc.paragraph(paragraph)
    key = re.sub(r"[^A-Za-z0-9_]", "_", doc.id) + f"_p{paragraph}"
    fields = [("title", _title(doc))]
    if doc.authors:
        fields.append(("author", " and ".join(a.name for a in doc.authors)))
    if doc.publication:
        fields.append(("journal", doc.publication))
    if doc.date:
        fields.append(("date", doc.date))
    fields.append(("url", permalink))
    fields.append(("note", f"¶{paragraph}"))
    # url is verbatim in BibTeX (the url package); everything else is escaped.
    body = ",\n".join(f"  {k} = {{{v if k == 'url' else _bibtex_escape(v)}}}" for k, v in fields)
    return f"@article{{{key},\n{body}\n}}"


def cite(doc: Document, paragraph: int, style: str, permalink: str) -> str:
    """Cite paragraph ``paragraph`` of ``doc`` in ``style`` (one of :data:`STYLES`), pointing at ``permalink``."""
    return {"gbt7714": cite_gbt7714, "plain": cite_plain, "bibtex": cite_bibtex}[style](doc, paragraph, permalink)
