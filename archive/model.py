"""Value types shared by every layer: documents, authors and repairs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: One sentence of a repair's note, translatable: an English template with ``%(name)s`` fields (marked
#: with ``N_`` where it is written, so that ``make messages`` collects it) and the values of the fields.
Message = tuple[str, dict[str, Any]]


#: What a one-line text (an id, a catalog field) may not hold: control characters (line breaks included),
#: line and paragraph separators, and the lone surrogates by which Python holds bytes that are not UTF-8.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def is_one_line(text: str) -> bool:
    """Whether ``text`` can stand on one line of RIS, BibTeX, a permalink or a terminal as it is."""
    return _NOT_ONE_LINE.search(text) is None


def shown_name(text: str) -> str:
    """``text`` (a file name) printable on one line: a byte that was not UTF-8 (held by Python as a lone
    surrogate) as ``\\xNN``, a control character as ``\\xNN`` or ``\\uNNNN``."""
    def show(m: re.Match[str]) -> str:
        code = ord(m.group())
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of the byte code - 0xDC00
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return _NOT_ONE_LINE.sub(show, text)


def say(template: str, **params: Any) -> Message:
    """A note's sentence: ``say(N_("%(n)d marks restored"), n=3)``."""
    return template, params


def message_text(messages: Iterable[Message], join: str = "; ",
                 translate: Callable[[str], str] = str) -> str:
    """The messages in English (or through ``translate``, which is given each template), joined.

    A field's value may itself be a message (a phrase translated whole, such as ``say(N_("first byte
    %(byte)s"), byte="E6")``), which goes through ``translate`` too; any other value is text of the article
    (a word, a byline, a reading) and is shown as it is.
    """
    def value(v: Any) -> Any:
        if isinstance(v, tuple | list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], dict):
            return text(v[0], v[1])
        return v

    def text(template: str, params: dict[str, Any]) -> str:
        return translate(template) % {k: value(v) for k, v in params.items()} if params else translate(template)

    return join.join(text(template, params) for template, params in messages)


@dataclass(frozen=True)
class Author:
    """A person named in the byline, with the role printed before the name."""

    name: str
    role: str | None = None


@dataclass(frozen=True)
class Fix:
    """One change a cleaning rule made to a piece of text (before numbering)."""

    rule: str
    before: str
    after: str
    #: What was done and why, as sentences a reader can have in their language; ``note`` is their English.
    messages: tuple[Message, ...] = ()

    @property
    def note(self) -> str:
        return message_text(self.messages)


@dataclass(frozen=True)
class Repair:
    """A recorded change: which rule, where (final paragraph number), before and after.

    ``paragraph`` is ``None`` when the change concerns the title, subtitle or
    byline lines, which are not body paragraphs.
    """

    rule: str
    before: str
    after: str
    paragraph: int | None = None
    #: What was done and why, as translatable sentences (see :data:`Message`): the site shows them in the
    #: reader's language; ``note`` is their English, which the API and the command line give.
    messages: tuple[Message, ...] = ()

    @property
    def note(self) -> str:
        return message_text(self.messages)

    @classmethod
    def of(cls, fix: Fix, paragraph: int | None) -> Repair:
        """The record of ``fix``, made at ``paragraph`` (None: the title, subtitle or byline lines)."""
        return cls(fix.rule, fix.before, fix.after, paragraph, fix.messages)


@dataclass(frozen=True)
class Document:
    """One article, cleaned, with numbered paragraphs (``paragraphs[0]`` is ¶1)."""

    id: str
    source: str
    sha256: str
    title: str
    paragraphs: tuple[str, ...]
    subtitle: str | None = None
    authors: tuple[Author, ...] = ()
    byline: str | None = None
    script: str = "hans"
    repairs: tuple[Repair, ...] = ()
    encoding: str = "utf-8"
    #: True when no title is printed and ``title`` was supplied (first heading or catalog).
    title_supplied: bool = False
    #: Curated metadata from ``seeds/catalog.toml``; only what a reliable source states.
    publication: str | None = None
    date: str | None = None
    #: The newspaper's page (版次) the article is printed on, as the catalog gives it ("3", "A2").
    page: str | None = None
    year: int | None = None
    place: str | None = None
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    #: A saved page's photo captions, kept apart from the article's paragraphs (issue 17).
    captions: tuple[str, ...] = ()
    #: Where each metadata field came from: ``catalog``, ``page: og:title``, ``page: the date line``, ``the date``.
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def author_names(self) -> list[str]:
        return [a.name for a in self.authors]

    def paragraph(self, number: int) -> str:
        """Return paragraph ``number`` (1-based)."""
        if not 1 <= number <= len(self.paragraphs):
            from archive.errors import N_, NotFoundError

            if not self.paragraphs:
                raise NotFoundError(N_("%(id)s has no paragraphs: its file holds a headline only"), id=self.id)
            raise NotFoundError(N_("%(id)s has paragraphs 1–%(last)d, not %(number)d"),
                                id=self.id, last=len(self.paragraphs), number=number)
        return self.paragraphs[number - 1]


def document_to_dict(doc: Document) -> dict:
    """A JSON-ready dict of ``doc`` (authors and repairs as dicts)."""
    from dataclasses import fields

    # Field by field rather than dataclasses.asdict, which deep-copies every string (a build's hot path).
    data = {f.name: getattr(doc, f.name) for f in fields(doc)}
    data["authors"] = [{f.name: getattr(a, f.name) for f in fields(a)} for a in doc.authors]
    data["repairs"] = [{"rule": r.rule, "before": r.before, "after": r.after, "paragraph": r.paragraph,
                        "note": r.note, "messages": r.messages} for r in doc.repairs]
    data["paragraphs"] = list(doc.paragraphs)
    data["captions"] = list(doc.captions)
    data["extra"] = dict(doc.extra)
    data["origins"] = dict(doc.origins)
    return data


def document_from_dict(data: dict) -> Document:
    """Inverse of :func:`document_to_dict`."""
    data = dict(data)
    data["authors"] = tuple(Author(**a) for a in data.get("authors", ()))
    def message(template: str, params: dict[str, Any]) -> Message:  # JSON made the tuples lists
        return template, {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}

    # ``note`` is written for readers of the JSON; the record is its messages.
    data["repairs"] = tuple(Repair(r["rule"], r["before"], r["after"], r.get("paragraph"),
                                   tuple(message(*m) for m in r.get("messages", ())))
                            for r in data.get("repairs", ()))
    data["paragraphs"] = tuple(data["paragraphs"])
    data["captions"] = tuple(data.get("captions", ()))
    return Document(**data)
