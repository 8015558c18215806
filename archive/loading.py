"""Read a source file and turn it into a cleaned, numbered :class:`Document`."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from archive.catalog import load_catalog
from archive.cleaning import (
    drop_stray_commas,
    has_half_width_pass,
    has_scraper_pinyin,
    is_heading,
    normalize_newlines,
    normalize_unicode,
    rejoin_paragraphs,
    restore_full_width,
    strip_pinyin,
)
from archive.decoding import decode_bytes
from archive.errors import N_, SourceError
from archive.frontmatter import (
    extract_front_matter,
    extract_lead_authors,
    extract_trailing_byline,
    no_title_reason,
    parse_byline,
)
from archive.markdown_source import markdown_lines
from archive.model import Author, Document, Fix, Repair, is_one_line, say, shown_name
from archive.mojibake import repair_mojibake
from archive.pages import PAGE_SUFFIXES, Page, decode_page, read_page
from archive.script import HAN, detect_script

SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm")
CATALOG_NAME = "catalog.toml"


#: Why a file whose name cannot be a document's id is refused.
BAD_NAME = "has a control character or bytes that are not UTF-8 in its name; rename the file"

#: An article larger than this is refused: it is several articles in one file, or not an article.
MAX_ARTICLE_BYTES = 5 * 2**20


def find_sources(dirs: Iterable[Path], warnings: list[str] | None = None) -> list[Path]:
    """Every ``*.txt``, ``*.md``, ``*.html`` and ``*.htm`` under ``dirs``, sorted, each one article.

    Symbolic links are followed while their target stays inside the source folder, each directory once:
    a link out of the folder (``passwd.txt → /etc/passwd``) or back up the tree is skipped and, if
    ``warnings`` is given, reported there.
    """
    found: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for d in dirs:
        if not d.is_dir():
            raise SourceError(str(d), "is not a directory")
        found.update(_walk(str(d), seen_dirs, warnings if warnings is not None else [], os.path.realpath(d)))
    # Plain strings: sorting Path objects costs more than the walk itself on a large archive.
    return [Path(p) for p in sorted(found)]


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([os.path.realpath(path), root]) == root


def _walk(folder: str, seen: set[tuple[int, int]], warnings: list[str], root: str) -> Iterator[str]:
    """Article files under ``folder``; a directory entry's type needs no extra stat call."""
    st = os.stat(folder)
    if (st.st_dev, st.st_ino) in seen:
        warnings.append(f"{folder}: skipped, a link to a folder already read (a symbolic link loop?)")
        return
    seen.add((st.st_dev, st.st_ino))
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() and os.path.exists(entry.path) and not _inside(entry.path, root):
                warnings.append(f"{entry.path}: skipped, a link to {os.path.realpath(entry.path)}, outside "
                                "the source folder")
                continue
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError as exc:  # e.g. a link that points at itself
                warnings.append(f"{entry.path}: skipped, cannot be followed ({exc.strerror})")
                continue
            if is_dir:
                if entry.name.endswith("_files") and any(
                        os.path.exists(os.path.join(folder, entry.name[:-6] + ext)) for ext in (".html", ".htm")):
                    continue  # what a browser saved beside a page (its images, frames, scripts): not articles
                yield from _walk(entry.path, seen, warnings, root)
            elif is_file and os.path.splitext(entry.name)[1].lower() in SOURCE_SUFFIXES:
                yield entry.path
            elif entry.is_symlink() and not os.path.exists(entry.path):
                warnings.append(f"{entry.path}: skipped, a symbolic link to nothing")


def _clean_paragraph(text: str, script: str, scraper_pinyin: bool, half_width_pass: bool) -> tuple[str, list[Fix]]:
    fixes: list[Fix] = []
    rules = (normalize_unicode, strip_pinyin, drop_stray_commas) if scraper_pinyin else (
        normalize_unicode, drop_stray_commas)  # an isolated reading note is the author's: it stays
    for rule in rules:
        text, found = rule(text)
        fixes.extend(found)
    text, found = repair_mojibake(text, script)
    fixes.extend(found)
    if half_width_pass:  # last: the rules above read the ASCII marks
        text, found = restore_full_width(text)
        fixes.extend(found)
    return text, fixes


def clean_document_text(text: str) -> tuple[list[str], list[list[Fix]], str]:
    """Rules 2–5 on each raw paragraph (one per non-empty line).

    Returns the paragraphs, the fixes of each, and the detected script.
    """
    raw = [line.strip() for line in normalize_newlines(text).split("\n")]
    raw = [line for line in raw if line]
    # The script decides which lost-byte candidates are standard, so detect it first
    # on text whose scraper noise cannot sway the count.
    script = detect_script("".join(raw))
    # The document-level patterns are read on normalised text: decomposed tone marks or a zero-width
    # character between 鎮 and (zhèn) must not hide the scraper's pattern.
    normalised = "\n".join(normalize_unicode(line)[0] for line in raw)
    scraper_pinyin = has_scraper_pinyin(normalised)
    half_width_pass = has_half_width_pass(normalised)
    cleaned: list[str] = []
    fixes: list[list[Fix]] = []
    for line in raw:
        par, found = _clean_paragraph(line, script, scraper_pinyin, half_width_pass)
        cleaned.append(par)
        fixes.append(found)
    return cleaned, fixes, script


def _page_head(page: Page) -> list[str]:
    """The lines a page's metadata puts before its article: the headline, the subtitle as a ``——`` line."""
    head = [page.meta["title"]] if "title" in page.meta else []
    if "subtitle" in page.meta:
        head.append("——" + page.meta["subtitle"].lstrip("—─-－ "))
    return head


def _page_text(page: Page) -> str:
    """A page's article as a text file would hold it (:func:`_page_head`, then the article's lines); the same
    rules then read title, subtitle and byline."""
    return "\n".join(_page_head(page) + page.lines)


_EDITOR_LINE = re.compile(r"^[（(]?(?:责任编辑|責任編輯|责编|責編|编辑|編輯)")


def _named_authors(byline: str) -> list[Author]:
    """The people of a byline stated in a page's metadata: ``記者 林美惠`` (a role, a name) as a printed byline
    is read, else ``王晓明 李娟`` (names apart) one author each."""
    if authors := parse_byline(byline):
        return authors
    if "://" in byline or byline.startswith("www.") or _EDITOR_LINE.match(byline):
        return []  # an address (article:author is often a profile's), an editor: no author
    # Names apart: split at marks, and at spaces between Chinese names only ("Zhang Wei" is one name).
    names = re.split(rf"\s*[、，,;；/|]\s*|(?<=[{HAN}])\s+(?=[{HAN}])", byline)
    return [Author(name.strip()) for name in names if name.strip()]


def build_document(
    data: bytes, doc_id: str, source: str, meta: dict[str, Any] | None = None
) -> Document:
    """Decode, clean and number one article's bytes (rules 0–7). A saved news page (``.html``, ``.htm``) is
    read by :mod:`archive.pages` first: its article's lines go through the same rules as a text file's, its
    metadata fills what the catalog (``meta``) does not give, and every field says where it came from."""
    meta = meta or {}
    page: Page | None = None
    suffix = os.path.splitext(source)[1].lower()
    if suffix in PAGE_SUFFIXES:
        html, encoding = decode_page(data, source)
        page = read_page(html)
        text = _page_text(page)
    else:
        text, encoding = decode_bytes(data, source)
        if suffix == ".md":
            text = "\n".join(markdown_lines(text))
    paragraphs, fixes, script = clean_document_text(text)
    if not paragraphs:
        raise SourceError(source, "holds no text")

    fm = extract_front_matter(paragraphs)
    # A page's headline and subtitle lines were made from its metadata, whose origins say where each came
    # from: taking them as title and subtitle moves nothing the page printed (a byline line it printed does).
    made = set(_page_head(page)) if page else set()
    repairs: list[Repair] = [
        Repair.of(f, None)
        for found in [*fixes[:fm.consumed], [m for m in fm.moves if m.before not in made]] for f in found
    ]
    body = paragraphs[fm.consumed:]
    # A page of a headline alone is an article, as a file of one line is; a page whose body shows no text at
    # all (its <title> aside) is one whose text a script writes, saved before the script ran.
    if page is not None and not body and not page.shows_text:
        raise SourceError(source, "holds no article text: a page whose text a script writes may have been "
                                  "saved before the script ran; save it again once the browser shows the "
                                  "article, and rebuild")
    body_fixes = fixes[fm.consumed:]
    authors = list(fm.authors)
    byline = fm.byline
    if not authors and len(body) > 2 and (later := parse_byline(body[1])):
        # A byline printed under the lead paragraph (导语), as some sites set it: a line of roles and names
        # (本报记者 吴柳) is no paragraph wherever it stands. Only the roles-and-names form, which the tagger
        # checks: a bare line of names there may be anything.
        byline, authors = body.pop(1), later
        repairs.extend(Repair.of(f, None) for f in body_fixes.pop(1))
        repairs.append(Repair.of(Fix("front-matter", byline, "", (say(N_(
            "printed under the first paragraph; taken as the byline")),)), None))
    trailing_fix: Fix | None = None
    if body and not authors and (trailing := extract_trailing_byline(body[-1])):
        body[-1], authors, trailing_fix, byline = trailing

    joined, mapping, join_fixes = rejoin_paragraphs(body)
    for raw_index, found in enumerate(body_fixes):
        repairs.extend(
            Repair.of(f, mapping[raw_index] + 1) for f in found
        )
    # Each join is reported at the paragraph it produced, in order.
    join_targets = [mapping[i] + 1 for i in range(1, len(body)) if mapping[i] == mapping[i - 1]]
    repairs.extend(
        Repair.of(f, n) for f, n in zip(join_fixes, join_targets, strict=True)
    )
    if trailing_fix:
        repairs.append(Repair.of(trailing_fix, len(joined)))
    found = page.meta if page else {}
    origins = {key: f"page: {page.origins[key]}" for key in found} if page else {}
    if page:
        repairs.extend(Repair.of(f, None) for f in page.removed)
        if not fm.title:  # the rules refused the page's headline as a first line: it is not the title
            origins.pop("title", None)
        if not fm.subtitle:
            origins.pop("subtitle", None)
        if authors:
            origins["byline"] = "page: " + N_("the byline printed with the article")
        elif "byline" in found:
            authors, byline = _named_authors(found["byline"]), found["byline"]
    if not authors and joined and (lead := extract_lead_authors(joined[0])):
        # 本报讯（记者 孙立平）: the reporters, for citations; the dateline stays in ¶1, where it is printed.
        authors = lead[0]
        origins["authors"] = N_("the lead paragraph's dateline")
    repairs.sort(key=lambda r: (r.paragraph or 0))

    title, supplied = fm.title, False
    if not title:
        supplied = True
        # A line refused as the title (a byline, a dateline, body text) is not borrowed as one either.
        heading = next((p for p in joined if is_heading(p) and no_title_reason(p) is None), None)
        title = meta.get("title") or heading or doc_id
        source_of_title = (N_("title supplied from the catalog's title") if meta.get("title") else
                           N_("title supplied from the first heading of the body") if heading else
                           N_("title supplied from the file's id (no heading to borrow)"))
        repairs.append(Repair.of(Fix("front-matter", "", title, (say(source_of_title),)), None))

    for key in ("publication", "date", "url", "year", "place", "page"):
        if key in meta:
            origins[key] = "catalog"
    if "title" in meta and (page or supplied):
        # A text file's printed first line stays its title; a page's headline gives way to the catalog's.
        title = meta["title"]
        origins["title"] = "catalog"
    date = meta.get("date") or found.get("date")
    year = meta.get("year") or (int(date[:4]) if date else None)
    if "year" not in meta and year:
        origins["year"] = "the date"
    return Document(
        id=doc_id,
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        title=title,
        title_supplied=supplied,
        subtitle=fm.subtitle,
        authors=tuple(authors),
        byline=byline,
        script=script,
        paragraphs=tuple(joined),
        repairs=tuple(repairs),
        encoding=encoding,
        publication=meta.get("publication") or found.get("publication"),
        date=date,
        page=meta.get("page") or found.get("page"),
        year=year,
        place=meta.get("place"),
        url=meta.get("url") or found.get("url"),
        extra={k: str(v) for k, v in meta.items() if k == "note"},
        captions=tuple(page.captions) if page else (),
        origins=origins,
    )


def load_seed(path: Path, root: Path | None = None, catalog: dict[str, dict[str, Any]] | None = None) -> Document:
    """Load one article file; ``root`` makes ``source`` relative, ``catalog`` adds metadata."""
    root = root or path.parent
    try:
        source = path.relative_to(root).as_posix()
    except ValueError:
        source = path.as_posix()
    try:
        if (size := path.stat().st_size) > MAX_ARTICLE_BYTES:
            # In bytes when a rounded size would not show the excess ("is 5.0 MB; at most 5 MB").
            shown = f"{size / 2**20:.1f} MB" if size >= 1.1 * MAX_ARTICLE_BYTES else f"{size:,} bytes"
            raise SourceError(source, f"is {shown}; an article may be at most {MAX_ARTICLE_BYTES // 2**20} MB "
                                      f"({MAX_ARTICLE_BYTES:,} bytes; several articles in one file? split it)")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(source, f"cannot be read ({exc.strerror})") from exc
    if not is_one_line(path.stem):
        # The name is the document's id: in permalinks, citation keys and RIS's one-line fields, where a
        # line break or an undecodable byte would break what a reference manager reads.
        raise SourceError(shown_name(source), BAD_NAME)
    return build_document(data, path.stem, source, (catalog or {}).get(path.stem))


def load_sources(dirs: Iterable[Path]) -> Iterator[Document]:
    """Load every article under ``dirs``, each directory's ``catalog.toml`` applied."""
    for d in dirs:
        catalog = load_catalog(d / CATALOG_NAME)
        for path in find_sources([d]):
            yield load_seed(path, d, catalog)
