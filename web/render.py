"""HTML for people: match marks, and a document's body with paragraphs anchored ``p1``, ``p2``, …

The engine returns text and match spans; this is where they become HTML.

The document page is HTML written here directly, not Markdown run through the ``markdown`` package
(issue 13, finding 3). An article's text is never markup, so every Markdown special in it has to be
backslash-escaped, and the package's inline processor handles each escape (and each raw ``<mark>``) by
rebuilding the rest of the paragraph: its time grows with the square of their number. Measured with
markdown 3.11.3 on one paragraph of ``*_`#*_`#*_`#*_`#*_`#中文`` repeated: 1,000 repetitions (42,000
characters of source) took 4.8 s, 2,000 took 24 s, and a 325 KB paragraph made ``/doc/<id>`` take 212 s,
where gunicorn kills a worker after 30 s; 2,000 ``<mark>`` spans took four times as long as 1,000.
Escaping with entities (``&#42;``) instead is as quadratic, and converting paragraph by paragraph does
not help within one long paragraph. Writing the few elements of a document (``h1``, ``h2``, the byline,
one ``p`` per paragraph) takes linear time and gives the same HTML, which the tests check against the
package's rendering of :func:`render_markdown`; the one difference is a tab, which Markdown expands to
spaces and this keeps (a browser shows either as one space). :func:`render_markdown` stays for
``archive show --markdown``, whose output is Markdown source for other tools.
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


def _escape_text(text: str) -> str:
    """Escape for element content: ``&``, ``<``, ``>``. Quotes are left alone, as Markdown leaves them (they
    end nothing outside an attribute), which keeps pages of quoted speech small."""
    return html.escape(text, quote=False)


def render_html(doc: Document, marks: dict[int, list[tuple[int, int]]] | None = None) -> str:
    """The document's title, subtitle, byline and numbered paragraphs as an HTML fragment, in time and size
    linear in the document: the HTML that the ``markdown`` package makes of :func:`render_markdown`.

    ``marks`` maps a paragraph number to spans to highlight (a search's matches).
    """
    marks = marks or {}
    title = _escape_text(doc.title)
    out = [f"<h1>{'[' + title + ']' if doc.title_supplied else title}</h1>"]
    if doc.subtitle:
        out.append(f"<h2>{_escape_text(doc.subtitle)}</h2>")
    if doc.byline:
        out.append(f'<p class="byline">{_escape_text(doc.byline)}</p>')
    for n, par in enumerate(doc.paragraphs, start=1):
        # Most paragraphs hold no match: escaping them directly skips the span walk (for 640,000 short
        # paragraphs, 0.65 s instead of 1.9 s).
        text = mark_html(par, marks[n], _escape_text) if n in marks else _escape_text(par)
        out.append(f'<p class="para" id="p{n}"><a href="#p{n}">¶{n}</a> {text}</p>')
    return "\n".join(out)


def render_cite_boxes(prefix: str, count: int) -> str:
    """A closed box ``#cite-pN`` per paragraph, linking to ``prefix`` + N, the paragraph's citation page.

    The boxes are where search results and the concordance send a reader to cite a paragraph; the citations
    themselves are not on the document page (the quotation would repeat every paragraph). Written here
    rather than in a template loop, which took 0.2 s for 10,000 paragraphs.
    """
    href = html.escape(prefix)
    return "\n".join(f'<details id="cite-p{n}" class="cite-box"><summary>¶{n}</summary>'
                     f'<a class="cite-page" href="{href}{n}">GB/T 7714, Quotation, BibTeX →</a></details>'
                     for n in range(1, count + 1))
