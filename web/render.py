"""HTML for people: match marks, and a document rendered through Markdown with paragraphs anchored ``p1``, ``p2``, …

The engine returns text and match spans; this is where they become HTML. The article's text is escaped
before it reaches Markdown, so ``1.`` at the start of a paragraph, ``*``, ``#``, ``_`` or ``<`` render
verbatim instead of as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from archive.model import Document
from index.snippets import split_marked

if TYPE_CHECKING:
    import markdown

_EXTENSIONS = ["attr_list"]


@cache
def _md_special() -> re.Pattern[str]:
    """Exactly the characters this Markdown configuration accepts a backslash escape for."""
    return re.compile("([" + re.escape("".join(_md().ESCAPED_CHARS)) + "])")


def escape_markdown(text: str) -> str:
    """Make ``text`` render as itself: HTML-escape, then backslash every Markdown special."""
    return _md_special().sub(r"\\\1", html.escape(text, quote=False))


def mark_html(text: str, spans: list[tuple[int, int]], escape: Callable[[str], str] = html.escape) -> str:
    """``text`` escaped with each ``[start, end)`` span wrapped in ``<mark>``.

    The only place in the project that builds match HTML; everything around it is escaped.
    ``escape`` is ``html.escape`` for HTML, :func:`escape_markdown` for Markdown source.
    """
    return "".join(f"<mark>{escape(piece)}</mark>" if marked else escape(piece)
                   for piece, marked in split_marked(text, spans))


def render_markdown(doc: Document, marks: dict[int, list[tuple[int, int]]] | None = None) -> str:
    """The document as Markdown source; paragraph N carries the id ``pN``.

    ``marks`` maps a paragraph number to spans to highlight (a search's matches).
    """
    marks = marks or {}
    title = escape_markdown(doc.title)
    lines = [f"# {'[' + title + ']' if doc.title_supplied else title}", ""]
    if doc.subtitle:
        lines += [f"## {escape_markdown(doc.subtitle)}", ""]
    if doc.byline:
        lines += [escape_markdown(doc.byline), "{: .byline }", ""]
    for n, par in enumerate(doc.paragraphs, start=1):
        lines += [f"[¶{n}](#p{n}) {mark_html(par, marks.get(n, []), escape_markdown)}", f"{{: #p{n} .para }}", ""]
    return "\n".join(lines)


@cache
def _md() -> markdown.Markdown:
    import markdown  # only for document pages: search results and the JSON need no Markdown

    return markdown.Markdown(extensions=_EXTENSIONS, output_format="html")


def render_html(doc: Document, marks: dict[int, list[tuple[int, int]]] | None = None) -> str:
    """HTML fragment of :func:`render_markdown`, via the ``markdown`` package."""
    md = _md()
    md.reset()
    return md.convert(render_markdown(doc, marks))
