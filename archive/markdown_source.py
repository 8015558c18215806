"""Rule 0 of a Markdown article (``*.md``): its text as a text file would hold it, one paragraph a line.

The file is rendered by the ``markdown`` package (never read with hand-written patterns), then each block
of the rendering (a heading, a paragraph, a list item, a quoted paragraph, a code block) becomes one line:
emphasis and links keep their text, not their syntax. A level-one heading (``# 标题``) comes first, as the
title line that the front-matter rule reads. Inside a paragraph, Markdown's soft line break between two Han
characters is dropped (a Chinese line wrapped in the editor), elsewhere it is a space.
"""

from __future__ import annotations

import re

from archive.script import HAN

#: The elements whose text is one line of the article: the innermost of them, in the order of the file.
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "dt", "dd", "td", "th")
_BLOCK_XPATH = " or ".join(f"self::{tag}" for tag in _BLOCKS)
_SOFT_BREAK = re.compile(rf"(?<=[{HAN}，。！？；：、“”「」（）])[ \t]*\n[ \t]*(?=[{HAN}，。！？；：、“”「」（）])")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def markdown_lines(text: str) -> list[str]:
    """The lines of a Markdown article: the first ``#`` heading first, then every block in order."""
    import lxml.html
    import markdown

    html = markdown.markdown(text, output_format="html")
    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in tree.xpath("//script | //style"):  # raw HTML in the file: never its code as text
        element.drop_tree()
    lines: list[tuple[bool, str]] = []
    for element in tree.xpath(f".//*[{_BLOCK_XPATH}][not(.//*[{_BLOCK_XPATH}])]"):
        raw = element.text_content()
        if element.tag != "pre":
            raw = _HTML_SPACE.sub(" ", _SOFT_BREAK.sub("", raw))
        if line := raw.strip():
            lines.append((element.tag == "h1", line) if element.tag != "pre" else (False, line))
    title = next((line for is_title, line in lines if is_title), None)
    rest = [line for is_title, line in lines if not (is_title and line == title)]
    return ([title] if title else []) + [part for line in rest for part in line.split("\n") if part.strip()]
