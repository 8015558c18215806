"""Rule 0 of a Markdown article (``*.md``): its text as a text file would hold it, one paragraph a line.

The file is rendered by the ``markdown`` package (never read with hand-written patterns), then each block
of the rendering (a heading, a paragraph, a list item, a quoted paragraph, a code block, a raw ``<div>``)
gives its lines: emphasis and links keep their text, not their syntax. A level-one heading (``# 标题``)
comes first, as the title line that the front-matter rule reads.

A line break inside a paragraph is a paragraph break (Markdown's ``nl2br``), as in a text file: Chinese is
not wrapped at a width, and a file written one paragraph a line (as ``*.md`` files were read before they were
read as Markdown) must not become one paragraph, or one title.
"""

from __future__ import annotations

import re
from functools import cache

#: The elements whose own text (their inline content, not the blocks inside them) is one or more lines.
_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "dt", "dd", "td", "th", "blockquote",
                     "div", "figcaption"})
_HTML_SPACE = re.compile(r"[ \t\r\f]+")


@cache
def _strict_headings():
    """A Markdown extension: a heading's ``#``s are followed by a space or end the line, as in CommonMark.
    Python-Markdown's own rule made ``#话题#`` (a topic tag opening a post) a heading, then the title."""
    from markdown.blockprocessors import HashHeaderProcessor
    from markdown.extensions import Extension

    class StrictHashHeaderProcessor(HashHeaderProcessor):
        RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:[ \t](?:\\.|[^\\#]|#+(?=[^#\n]))*?)?)#*(?:\n|$)")

    class StrictHeadings(Extension):
        def extendMarkdown(self, md) -> None:
            md.parser.blockprocessors.register(StrictHashHeaderProcessor(md.parser), "hashheader", 70)

    return StrictHeadings()


def _own_text(element) -> str:
    """The element's text without that of the blocks inside it (a list item without its sub-list); a
    ``<br>`` is a line break."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str) or child.tag in ("script", "style"):
            pass  # a comment, or code: never text
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag not in _BLOCKS:
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def markdown_lines(text: str) -> list[str]:
    """The lines of a Markdown article: the first ``#`` heading first, then every block's lines in order."""
    import lxml.html
    import markdown

    html = markdown.markdown(text, extensions=["nl2br", _strict_headings()], output_format="html")
    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    lines: list[tuple[bool, str]] = []
    for element in tree.iter():
        if element is tree or not isinstance(element.tag, str) or element.tag not in _BLOCKS:
            continue
        own = _own_text(element)
        for piece in own.split("\n"):
            line = piece.strip() if element.tag == "pre" else _HTML_SPACE.sub(" ", piece).strip()
            if line:
                lines.append((element.tag == "h1", line))
    title = next((line for is_title, line in lines if is_title), None)
    return ([title] if title else []) + [line for is_title, line in lines if not (is_title and line == title)]
