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
from archive.mojibake import LOST
from index.snippets import split_marked

if TYPE_CHECKING:
    import markdown

_EXTENSIONS = ["attr_list"]

#: The language tag of an article's text, by its script (Document.script): a browser picks the glyphs of
#: Traditional or Simplified fonts by it, and the style sheet its font stack.
SCRIPT_LANG = {"hans": "zh-Hans", "hant": "zh-Hant"}


def script_lang(script: str) -> str:
    return SCRIPT_LANG.get(script, "zh")


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


def _linking_lost(where: dict[int, int], escape: Callable[[str], str]) -> Callable[[str], str]:
    """``escape`` for the consecutive pieces of one paragraph, with each ``〓`` at an offset in ``where`` made a
    link to its repair row ``#repair-K``. Pieces come in order (:func:`mark_html` walks the text once), so a
    running offset tells where each one starts."""
    start = 0

    def escape_piece(piece: str) -> str:
        nonlocal start
        out, done = [], 0
        for i, ch in enumerate(piece):
            if ch == LOST and (k := where.get(start + i)):
                out += [escape(piece[done:i]), f'<a class="lost" href="#repair-{k}">{LOST}</a>']
                done = i + 1
        start += len(piece)
        return "".join(out) + escape(piece[done:])

    return escape_piece


def render_html(doc: Document, marks: dict[int, list[tuple[int, int]]] | None = None,
                cite: tuple[str, str] | None = None, lost: dict[int, dict[int, int]] | None = None,
                cite_query: str = "") -> str:
    """The document's title, subtitle, byline and numbered paragraphs as an HTML fragment, in time and size
    linear in the document: without ``cite`` and ``lost``, the HTML that the ``markdown`` package makes of
    :func:`render_markdown` (tests compare them); with them, that HTML plus the links they add.

    ``marks`` maps a paragraph number to spans to highlight (a search's matches). For the document page,
    ``cite`` is (address prefix, label): each paragraph ends in a link ``#cite-pN`` to prefix + N, its
    citations' page, which cite.js opens under the paragraph; and ``lost`` (:func:`web.repairs.lost_rows`)
    makes each ``〓`` a link to the repair row that explains it. ``cite_query`` (``?q=…``) ends the cite links
    of the paragraphs in ``marks``: their citations quote the sentences the search matched.
    """
    marks = marks or {}
    lost = lost or {}
    title = _escape_text(doc.title)
    out = [f"<h1>{'[' + title + ']' if doc.title_supplied else title}</h1>"]
    if doc.subtitle:
        out.append(f"<h2>{_escape_text(doc.subtitle)}</h2>")
    if doc.byline:
        out.append(f'<p class="byline">{_escape_text(doc.byline)}</p>')
    # The cite link is the only markup a paragraph gains on the page, and every paragraph has one: 90 bytes
    # or so beside a paragraph of 500 (the citations themselves would repeat the paragraph).
    href, label = (html.escape(cite[0]), _escape_text(cite[1])) if cite else ("", "")
    query = html.escape(cite_query)
    for n, par in enumerate(doc.paragraphs, start=1):
        escape = _linking_lost(lost[n], _escape_text) if n in lost else _escape_text
        # Most paragraphs hold no match: escaping them directly skips the span walk (for 640,000 short
        # paragraphs, 0.65 s instead of 1.9 s).
        text = mark_html(par, marks[n], escape) if n in marks else escape(par)
        link = f"{href}{n}{query}" if n in marks else f"{href}{n}"
        tail = f'<a class="cite" id="cite-p{n}" href="{link}">{label}</a>' if cite else ""
        out.append(f'<p class="para" id="p{n}"><a href="#p{n}">¶{n}</a> {text}{tail}</p>')
    return "\n".join(out)
