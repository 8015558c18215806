"""A document's citation data as CSL-JSON, the item format of the Citation Style Language (what Zotero,
citeproc and every style read). Formatting is the styles' job (``citeproc-py``); exports (BibTeX, RIS)
are made from these items too, so that every format says the same thing.

Unknown fields are left out, never invented: the seeds print no newspaper name or date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from archive.model import Document

#: A document's script as a language tag (BCP 47), as CSL's ``language`` and Highwire's ``citation_language``.
LANGUAGES = {"hans": "zh-Hans", "hant": "zh-Hant"}
#: ``issued`` from a catalog date: 2020, 2020-01, 2020-01-15.
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def date_parts(value: str | int | None) -> list[int] | None:
    """``[year, month, day]`` (as far as known) of a catalog date or year, or None."""
    if value is None:
        return None
    m = _DATE_RE.match(str(value).strip())
    return [int(g) for g in m.groups() if g] if m else None


def full_title(doc: Document) -> str:
    """The title as cited: with its subtitle after a full-width colon (GB/T 7714's 题名：其他题名信息), and
    in square brackets when the article prints none (a cataloguer's supplied title)."""
    title = f"[{doc.title}]" if doc.title_supplied else doc.title
    subtitle = (doc.subtitle or "").lstrip("—－-– ").strip()
    return f"{title}：{subtitle}" if subtitle else title


def csl_item(doc: Document, permalink: str, accessed: date, paragraph: int | None = None) -> dict[str, Any]:
    """The CSL-JSON item of ``doc`` (of its paragraph ``paragraph`` when given), pointing at ``permalink``,
    accessed on ``accessed`` (the day of citing)."""
    if paragraph is not None:
        doc.paragraph(paragraph)  # a paragraph the document does not have: NotFoundError
    item: dict[str, Any] = {
        "id": doc.id if paragraph is None else f"{doc.id}-p{paragraph}",
        "type": "article-newspaper",
        "title": full_title(doc),
        # Names as printed: a literal is never split into family and given names (程一舟, not 程 一舟).
        "author": [{"literal": a.name} for a in doc.authors],
        "language": LANGUAGES.get(doc.script, "zh"),
        "URL": permalink,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    if doc.publication:
        item["container-title"] = doc.publication
    # The catalog's date is the day of publication; its year is the year the article reports on, not one.
    issued = date_parts(doc.date)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    if doc.page:  # the newspaper's page (版次): GB/T 7714 prints it after the date, 2020-01-15(3)
        item["page"] = doc.page
    if paragraph is not None:
        item["note"] = f"¶{paragraph}"
    if not item["author"]:
        del item["author"]
    return item
