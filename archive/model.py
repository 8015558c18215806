"""Value types shared by every layer: documents, authors and repairs."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    note: str = ""


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
    note: str = ""


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
    year: int | None = None
    place: str | None = None
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def author_names(self) -> list[str]:
        return [a.name for a in self.authors]

    def paragraph(self, number: int) -> str:
        """Return paragraph ``number`` (1-based)."""
        if not 1 <= number <= len(self.paragraphs):
            from archive.errors import NotFoundError

            if not self.paragraphs:
                raise NotFoundError(f"{self.id} has no paragraphs: its file holds a headline only")
            raise NotFoundError(
                f"{self.id} has paragraphs 1–{len(self.paragraphs)}, not {number}"
            )
        return self.paragraphs[number - 1]


def document_to_dict(doc: Document) -> dict:
    """A JSON-ready dict of ``doc`` (authors and repairs as dicts)."""
    from dataclasses import fields

    # Field by field rather than dataclasses.asdict, which deep-copies every string (a build's hot path).
    data = {f.name: getattr(doc, f.name) for f in fields(doc)}
    data["authors"] = [{f.name: getattr(a, f.name) for f in fields(a)} for a in doc.authors]
    data["repairs"] = [{f.name: getattr(r, f.name) for f in fields(r)} for r in doc.repairs]
    data["paragraphs"] = list(doc.paragraphs)
    data["extra"] = dict(doc.extra)
    return data


def document_from_dict(data: dict) -> Document:
    """Inverse of :func:`document_to_dict`."""
    data = dict(data)
    data["authors"] = tuple(Author(**a) for a in data.get("authors", ()))
    data["repairs"] = tuple(Repair(**r) for r in data.get("repairs", ()))
    data["paragraphs"] = tuple(data["paragraphs"])
    return Document(**data)
