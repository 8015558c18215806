"""Highwire Press tags (``<meta name="citation_title" …>``) of a document, the metadata that Zotero's browser
connector, Google Scholar and other reference managers read from a page to save it in one click.

Made from the document's CSL-JSON item (:func:`archive.csl.csl_item`), so that the page says what its
citations say.
"""

from __future__ import annotations

from typing import Any


def highwire_tags(item: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``(name, content)`` of each tag for a CSL-JSON item, in the usual order; one ``citation_author``
    per author; the date, publication and page only when known."""
    tags = [("citation_title", item["title"])]
    # Names as printed (csl_item keeps them whole): one tag each, never split into family and given names.
    tags += [("citation_author", a["literal"]) for a in item.get("author", ())]
    if "issued" in item:
        # Highwire's form is YYYY/MM/DD, as far as the date is known.
        parts = item["issued"]["date-parts"][0]
        tags.append(("citation_publication_date", "/".join(f"{p:02d}" if k else str(p) for k, p in enumerate(parts))))
    if "container-title" in item:
        tags.append(("citation_journal_title", item["container-title"]))
    if "page" in item:
        tags.append(("citation_firstpage", item["page"]))
    tags.append(("citation_language", item["language"]))
    tags.append(("citation_public_url", item["URL"]))
    return tags

