"""``archive`` command line. Each command is a thin wrapper; its docstring is its ``--help``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive import ArchiveError, Document, load_sources
from archive.errors import NotFoundError
from archive.render import render_markdown

DEFAULT_SOURCE = Path("seeds")


def _load(sources: tuple[Path, ...]) -> list[Document]:
    return list(load_sources(sources or (DEFAULT_SOURCE,)))


def _find(sources: tuple[Path, ...], doc_id: str) -> Document:
    for doc in _load(sources):
        if doc.id == doc_id:
            return doc
    raise NotFoundError(f"no document with id {doc_id!r}")


def _authors(doc: Document) -> str:
    return "、".join(f"{a.name}（{a.role}）" if a.role else a.name for a in doc.authors) or "—"


source_option = click.option(
    "--source", "sources", multiple=True, type=click.Path(path_type=Path, file_okay=False),
    help="Directory of article files (*.txt, *.md); repeatable. Default: seeds/.",
)


class ArchiveGroup(click.Group):
    """Turns every ArchiveError into a one-line message and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=ArchiveGroup)
def main() -> None:
    """Searchable archive of Chinese news writing."""


@main.command("list")
@source_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def list_documents(sources: tuple[Path, ...], as_json: bool) -> None:
    """List every article: id, title, authors, paragraph and repair counts."""
    docs = _load(sources)
    if as_json:
        rows = [
            {"id": d.id, "title": d.title, "title_supplied": d.title_supplied,
             "authors": [{"name": a.name, "role": a.role} for a in d.authors],
             "paragraphs": len(d.paragraphs), "repairs": len(d.repairs), "script": d.script}
            for d in docs
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for d in docs:
        title = f"[{d.title}]" if d.title_supplied else d.title
        click.echo(f"{d.id}\t{title}\t{_authors(d)}\t{len(d.paragraphs)} paragraphs\t{len(d.repairs)} repairs")


@main.command()
@click.argument("doc_id")
@click.option("--paragraph", "-p", type=int, help="Print only this paragraph (1-based).")
@click.option("--repairs", is_flag=True, help="List what cleaning changed, with paragraph numbers.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the Markdown rendering.")
@source_option
def show(doc_id: str, paragraph: int | None, repairs: bool, as_markdown: bool, sources: tuple[Path, ...]) -> None:
    """Show article DOC_ID: metadata and numbered paragraphs, or its repair log."""
    doc = _find(sources, doc_id)
    if paragraph is not None:
        click.echo(f"¶{paragraph} {doc.paragraph(paragraph)}")
        return
    if repairs:
        for r in doc.repairs:
            where = f"¶{r.paragraph}" if r.paragraph else "front"
            click.echo(f"{where}\t{r.rule}\t{r.before} → {r.after}\t{r.note}")
        click.echo(f"{len(doc.repairs)} repairs", err=True)
        return
    if as_markdown:
        click.echo(render_markdown(doc))
        return
    click.echo(f"id:       {doc.id}")
    click.echo(f"title:    {doc.title}" + ("  (no printed title; supplied)" if doc.title_supplied else ""))
    if doc.subtitle:
        click.echo(f"subtitle: {doc.subtitle}")
    click.echo(f"byline:   {doc.byline or '—'}")
    click.echo(f"authors:  {_authors(doc)}")
    click.echo(f"script:   {doc.script}    source: {doc.source}    sha256: {doc.sha256[:16]}…")
    for key in ("publication", "date", "year", "place", "url"):
        if getattr(doc, key) is not None:
            click.echo(f"{key + ':':9} {getattr(doc, key)}")
    click.echo("")
    for n, par in enumerate(doc.paragraphs, start=1):
        click.echo(f"¶{n} {par}")
