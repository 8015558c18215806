"""Exports (issue 15): BibTeX, RIS, CSL-JSON and CSV of a result list, a document and a paragraph, read back
by the libraries reference managers' formats are read with (bibtexparser, rispy)."""

from __future__ import annotations

import csv
import io
import json
import string
from datetime import date
from urllib.parse import unquote

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

from archive.csl import csl_item
from archive.export import (
    _LATEX,
    _LATEX_SPECIAL,
    CSV_COLUMNS,
    csv_cell,
    export_bibtex,
    export_csljson,
    export_ris,
)
from cli.main import main
from index.limits import MAX_EXPORT
from web.present import permalink

DOC = "000_facb8668b9a49bed"


def parse_bibtex(text: str, *middleware) -> bibtexparser.Library:
    """The file as bibtexparser reads it (and nothing failed to parse); ``middleware`` after its own."""
    library = bibtexparser.parse_string(text, append_middleware=list(middleware) or None)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def fields(entry) -> dict[str, object]:
    return {f.key: f.value for f in entry.fields}


def every_hit(engine, query: str, **kwargs) -> list:
    return engine.search(query, limit=MAX_EXPORT, **kwargs).hits


def item(doc, url: str = "https://archive.example/doc/x", paragraph: int | None = None, **extra) -> dict:
    return {**csl_item(doc, url, date(2025, 3, 4), paragraph), **extra}


# --- the formats, from CSL items ----------------------------------------------------------------------------


def test_bibtex_is_article_with_journal_when_the_newspaper_is_known_else_misc(seed_docs):
    dated = item(seed_docs["000"], paragraph=8, **{"container-title": "上饶日报",
                                                   "issued": {"date-parts": [[2020, 1, 15]]}, "page": "3"})
    library = parse_bibtex(export_bibtex([dated, item(seed_docs["002"])]))
    article, misc = library.entries
    assert (article.entry_type, misc.entry_type) == ("article", "misc")
    assert fields(article) == {
        "author": "{吴柳}", "title": "红色筑魂践初心 党建聚力促发展：湖丰镇党建工作纪略", "journal": "上饶日报",
        "entrysubtype": "newspaper", "year": "2020", "date": "2020-01-15", "pages": "3",
        "url": "https://archive.example/doc/x", "urldate": "2025-03-04", "note": "¶8"}
    # No newspaper, no date: nothing invented.
    assert fields(misc) == {"author": "{程一舟} and {陳紅革}", "title": "[凸顯“黨建紅”，激活產業發展“新動能”]",
                            "url": "https://archive.example/doc/x", "urldate": "2025-03-04"}
    assert "author = {{程一舟} and {陳紅革}}" in export_bibtex([item(seed_docs["002"])])


def test_bibtex_keeps_each_name_whole(seed_docs):
    """Names as printed: BibTeX's name parser (bibtexparser's follows it) finds one family name in each,
    given names in none, even where the printed name has a space."""
    names = [{"literal": n} for n in ("程一舟", "欧阳 修", "Anna Smith & Co")]
    text = export_bibtex([item(seed_docs["002"], author=names)])
    (entry,) = parse_bibtex(text, SeparateCoAuthors(), SplitNameParts()).entries
    parts = fields(entry)["author"]
    assert [(p.first, p.von, p.last, p.jr) for p in parts] == [
        ([], [], ["{程一舟}"], []), ([], [], ["{欧阳 修}"], []), ([], [], [r"{Anna Smith \& Co}"], [])]


def test_bibtex_escapes_latex_but_not_the_url_and_keeps_keys_unique(seed_docs):
    doc = seed_docs["000"]
    odd = item(doc, url="https://archive.example/doc/a_b%20c#p8", title="R&D 100% a_b {x} #1 $5 ~ \\ —— “引”")
    text = export_bibtex([odd, odd, item(doc, **{"id": "x},note={pwn"})],
                         comment="“党建” {unbalanced @misc{evil, title={x}}")
    assert r"R\&D 100\% a\_b \{x\} \#1 \$5" in text and "—— “引”" in text  # Chinese punctuation kept as printed
    assert r"x{\textasciicircum}2" in export_bibtex([item(doc, title="x^2")])
    assert "url = {https://archive.example/doc/a_b%20c#p8}" in text  # verbatim: biblatex reads url as is
    library = parse_bibtex(text, LatexDecodingMiddleware())
    assert [e.key for e in library.entries] == [DOC, f"{DOC}-2", "x__note__pwn"]
    assert fields(library.entries[0])["title"] == odd["title"]  # decoded back, character for character
    assert len(library.comments) == 1 and "unbalanced" in library.comments[0].comment


def test_every_character_latex_escapes_is_looked_for():
    """Text without a special character skips the encoder: it must know every character the encoder changes."""
    changed = [c for c in map(chr, range(128)) if _LATEX.unicode_to_latex(c) != c]
    assert set(string.punctuation) & set(changed) >= set("#$%&\\^_{}~")
    assert all(_LATEX_SPECIAL.search(c) for c in changed), [c for c in changed if not _LATEX_SPECIAL.search(c)]


def test_ris_is_news_with_a_line_per_author(seed_docs):
    dated = item(seed_docs["002"], paragraph=6, **{"container-title": "湖南日报",
                                                   "issued": {"date-parts": [[2020, 1]]}, "page": "3"})
    text = export_ris([dated, item(seed_docs["001"])])
    assert text.startswith("TY  - NEWS\n") and "\n1." not in text  # no rispy counter line
    first, second = rispy.loads(text)
    assert first == {"type_of_reference": "NEWS", "id": "002_4d89ad2df1300591-p6", "authors": ["程一舟", "陳紅革"],
                     "title": "[凸顯“黨建紅”，激活產業發展“新動能”]", "secondary_title": "湖南日报",
                     "date": "2020/01", "year": "2020", "start_page": "3", "urls": ["https://archive.example/doc/x"],
                     "access_date": "2025/03/04", "language": "zh-Hant", "notes": ["¶6"]}
    assert "secondary_title" not in second and "date" not in second and second["authors"] == ["王雁博"]


def test_ris_keeps_each_field_on_its_line(seed_docs):
    text = export_ris([item(seed_docs["000"], title="第一行\n第二行\r\nER  - 第三行")])
    (ref,) = rispy.loads(text)
    assert ref["title"] == "第一行 第二行 ER - 第三行"


def test_no_field_can_start_a_reference_of_its_own(seed_docs):
    # An id (a file name) or a page with a line break put "ER  -" and "TY  -" lines of their own.
    evil = "\nER  - \nTY  - NEWS\nTI  - 伪造\x0b\u2028"
    text = export_ris([item(seed_docs["000"], id="x" + evil, page="3" + evil, language="zh" + evil,
                            URL="https://a.example/" + evil)])
    (ref,) = rispy.loads(text)
    assert ref["id"] == "x ER - TY - NEWS TI - 伪造" and ref["start_page"] == "3 ER - TY - NEWS TI - 伪造"
    assert text.count("TY  - ") == 1 and text.count("ER  - ") == 1


def test_bibtex_keeps_double_quotes_and_drops_control_characters(seed_docs):
    text = export_bibtex([item(seed_docs["000"], title='他说"好"\x07\x1b[31m')])
    (entry,) = parse_bibtex(text, LatexDecodingMiddleware()).entries
    assert fields(entry)["title"] == '他说"好" [31m'  # pylatexenc would write '' for each "


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "\u3000＝SUM(A1)", "＋1", "－1", "＠x", "@x", "\t=1"])
def test_a_cell_that_a_spreadsheet_would_evaluate_is_quoted(cell):
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["党建", "1-1", "a=b", 2019, "“=”"])
def test_other_cells_are_kept(cell):
    assert csv_cell(cell) == cell


def test_csljson_is_the_list_of_items(seed_docs):
    items = [item(d) for d in seed_docs.values()]
    assert json.loads(export_csljson(items)) == items


# --- a result list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["党建", '"一肩挑"', "year:2019..2023 OR 黨建"])
def test_bibtex_and_ris_of_a_result_list_hold_every_hit(client, engine, query):
    hits = every_hit(engine, query)
    assert hits and len(hits) == engine.search(query, limit=0).total
    bib = client.get("/search", query_string={"q": query, "format": "bibtex"})
    assert bib.status_code == 200 and bib.content_type == "application/x-bibtex; charset=utf-8"
    assert bib.headers["X-Total"] == bib.headers["X-Exported"] == str(len(hits))
    entries = parse_bibtex(bib.get_data(as_text=True)).entries
    assert [e.key for e in entries] == [h.id for h in hits]  # every hit, in the list's order
    assert [fields(e)["title"] for e in entries] == [
        f"[{h.title}]" if h.title_supplied else h.title + (f"：{h.document.subtitle.lstrip('—')}"
                                                            if h.document.subtitle else "") for h in hits]
    assert all(fields(e)["url"] == f"http://localhost/doc/{e.key}" for e in entries)
    ris = client.get("/search", query_string={"q": query, "format": "ris"})
    assert ris.mimetype == "application/x-research-info-systems"
    refs = rispy.loads(ris.get_data(as_text=True))
    assert [r["id"] for r in refs] == [h.id for h in hits]
    assert [r["title"] for r in refs] == [fields(e)["title"] for e in entries]
    assert all(r["type_of_reference"] == "NEWS" and r["access_date"] == date.today().strftime("%Y/%m/%d")
               for r in refs)


def test_csljson_of_a_result_list_is_each_hits_item(app, client, engine):
    response = client.get("/search?q=党建&format=csljson&sort=year&order=desc")
    assert response.mimetype == "application/vnd.citationstyles.csl+json"
    hits = every_hit(engine, "党建", sort="year", descending=True)
    with app.test_request_context(base_url="http://localhost"):
        expected = [csl_item(h.document, permalink(h.id), date.today()) for h in hits]
    assert response.get_json() == expected


def test_csv_of_a_result_list_is_a_row_per_hit(client, engine):
    response = client.get("/search?q=一肩挑 OR title:党建&format=csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # for spreadsheets, as the concordance's CSV
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(header) == CSV_COLUMNS
    hits = every_hit(engine, "一肩挑 OR title:党建")
    assert [r[0] for r in rows] == [h.id for h in hits] and len(rows) == int(response.headers["X-Total"])
    by_id = {r[0]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows}
    row = by_id[DOC]
    hit = next(h for h in hits if h.id == DOC)
    assert hit.paragraph and row["paragraph"] == str(hit.paragraph) and row["text"] == hit.passages[0].text
    assert "一肩挑" in row["text"] and row["url"] == f"http://localhost/doc/{DOC}#p{hit.paragraph}"
    assert (row["authors"], row["year"], row["place"], row["publication"], row["date"]) == (
        "吴柳", "2019", "上饶市广丰区湖丰镇", "", "")
    assert by_id["002_4d89ad2df1300591"]["authors"] == "程一舟; 陳紅革"


def test_the_file_is_named_after_the_query(client):
    response = client.get("/search", query_string={"q": "党建 year:2019", "format": "bibtex"})
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="search-year-2019.bib"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''")[1]) == "search-党建-year-2019.bib"
    disposition = client.get("/search?q=党建&format=csv").headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"search.csv\"; filename*=UTF-8''search-%E5%85%9A%E5%BB%BA.csv"
    assert client.get("/search?q=title:x&format=ris").headers["Content-Disposition"] == (
        'attachment; filename="search-title-x.ris"')


def test_a_list_longer_than_the_cap_is_cut_and_says_so(client_of):
    files = {f"{i:02d}.txt": f"第{i}篇报道\n\n党建工作第{i}段。\n" for i in range(7)}
    client = client_of(files)
    client.application.config["EXPORT_LIMIT"] = 3
    response = client.get("/search?q=党建&format=bibtex&sort=title")
    assert (response.headers["X-Total"], response.headers["X-Exported"], response.headers["X-Export-Limit"]) == (
        "7", "3", "3")
    library = parse_bibtex(response.get_data(as_text=True))
    assert [e.key for e in library.entries] == ["00", "01", "02"]  # the first three in the list's order
    assert "3 of 7 documents" in library.comments[0].comment and "at most 3" in library.comments[0].comment
    assert len(rispy.loads(client.get("/search?q=党建&format=ris").get_data(as_text=True))) == 3
    page = client.get("/search?q=党建").get_data(as_text=True)
    assert "Each file holds the first 3 of the 7 documents" in page
    client.application.config["EXPORT_LIMIT"] = 7
    assert client.get("/search?q=党建&format=ris").headers["X-Exported"] == "7"
    assert "Each file holds" not in client.get("/search?q=党建").get_data(as_text=True)


def test_the_results_page_links_the_exports_of_the_whole_list(client):
    page = client.get("/search?q=党建&sort=year&order=desc").get_data(as_text=True)
    assert "Export the list:" in page
    for fmt in ("bibtex", "ris", "csljson", "csv"):
        assert f'href="/search?format={fmt}&amp;q=%E5%85%9A%E5%BB%BA&amp;sort=year&amp;order=desc"' in page
    assert "Export the list:" not in client.get("/search?q=没有这个词组").get_data(as_text=True)


@pytest.mark.parametrize("url, message", [
    ("/search?q=党建&format=xml", "there is no export format “xml” here; use bibtex, ris, csljson, csv"),
    (f"/doc/{DOC}?format=csv", "there is no export format “csv” here; use bibtex, ris, csljson"),
    (f"/doc/{DOC}/cite/8?format=endnote", "there is no export format “endnote” here"),
    ("/search?q=&format=ris", "nothing to export: type a query"),
])
def test_an_unknown_format_is_a_400_that_says_which_exist(client, url, message):
    response = client.get(url)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    # A format is a parameter, not the query: no "The query cannot be used", no query syntax help.
    is_format = "nothing to export" not in message
    assert ("A parameter cannot be used" in response.text) == is_format
    assert ("The query cannot be used" in response.text) == (not is_format)


# --- one document, one paragraph ----------------------------------------------------------------------------


def test_one_document_and_one_paragraph_exported(client, seed_docs):
    response = client.get(f"/doc/{DOC}?format=ris")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{DOC}.ris"'
    (ref,) = rispy.loads(response.get_data(as_text=True))
    assert ref["id"] == DOC and ref["urls"] == [f"http://localhost/doc/{DOC}"] and "notes" not in ref
    response = client.get(f"/doc/{DOC}/cite/8?format=bibtex")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{DOC}-p8.bib"'
    (entry,) = parse_bibtex(response.get_data(as_text=True)).entries
    assert entry.key == f"{DOC}-p8" and fields(entry)["note"] == "¶8"
    assert fields(entry)["url"] == f"http://localhost/doc/{DOC}#p8" and fields(entry)["author"] == "{吴柳}"
    (data,) = client.get(f"/doc/{DOC}/cite/8?format=csljson").get_json()
    assert data == csl_item(seed_docs["000"], f"http://localhost/doc/{DOC}#p8", date.today(), 8)
    assert client.get(f"/doc/{DOC}/cite/99?format=ris").status_code == 404


def test_the_document_and_citation_pages_link_their_exports(client):
    page = client.get(f"/doc/{DOC}").get_data(as_text=True)
    assert "Export this article:" in page and f'href="/doc/{DOC}?format=ris"' in page
    assert "format=csv" not in page
    page = client.get(f"/doc/{DOC}/cite/8").get_data(as_text=True)
    # A .citation, so that the document page's citation panel brings it in too.
    assert '<div class="citation exports">' in page and f'href="/doc/{DOC}/cite/8?format=bibtex"' in page


def test_a_catalog_with_newspaper_and_date_makes_an_article(client_of):
    client = client_of({"a.txt": "标题\n\n正文一段。\n", "b.txt": "=HYPERLINK(\"x\")\n\n-1+1 正文二段。\n",
                        "catalog.toml": '[a]\npublication = "人民日报"\ndate = "2020-01-15"\n'})
    (entry,) = parse_bibtex(client.get("/doc/a?format=bibtex").get_data(as_text=True)).entries
    assert entry.entry_type == "article"
    assert [fields(entry)[k] for k in ("journal", "year", "date")] == ["人民日报", "2020", "2020-01-15"]
    refs = {r["id"]: r for r in rispy.loads(client.get("/search?q=正文&format=ris").get_data(as_text=True))}
    assert (refs["a"]["secondary_title"], refs["a"]["date"], refs["a"]["year"]) == ("人民日报", "2020/01/15", "2020")
    assert "secondary_title" not in refs["b"] and "date" not in refs["b"]
    # A spreadsheet shows what the article prints, and evaluates none of it.
    text = client.get("/search?q=正文&format=csv").get_data(as_text=True)
    rows = {r[0]: r for r in csv.reader(io.StringIO(text[1:]))}
    assert rows["b"][1] == "'=HYPERLINK(\"x\")" and rows["b"][9] == "'-1+1 正文二段。"
    assert rows["a"][5:7] == ["人民日报", "2020-01-15"]


# --- the engine and the command line ------------------------------------------------------------------------


def test_a_page_without_passages_is_the_same_list(engine):
    full, bare = engine.search("党建", limit=50), engine.search("党建", limit=50, passages=0)
    assert [h.id for h in bare.hits] == [h.id for h in full.hits] and bare.total == full.total
    assert all(not h.passages and h.paragraph is None and h.document.id == h.id for h in bare.hits)
    assert all(len(h.passages) == 1 for h in engine.search("党建", limit=50, passages=1).hits)
    from index.errors import QueryError

    with pytest.raises(QueryError):
        engine.search("党建", passages=4)


def test_cli_search_format(runner, seed_index, engine, monkeypatch):
    ix = str(seed_index)
    monkeypatch.delenv("ARCHIVE_BASE_URL", raising=False)
    result = runner.invoke(main, ["search", "党建", "--format", "bibtex", "--index-dir", ix])
    assert result.exit_code == 0, result.output
    entries = parse_bibtex(result.stdout).entries
    assert [e.key for e in entries] == [h.id for h in every_hit(engine, "党建")]
    assert fields(entries[0])["url"].startswith("http://127.0.0.1:5000/doc/")
    assert "warning: http://127.0.0.1:5000 is on this machine only" in result.stderr

    monkeypatch.setenv("ARCHIVE_BASE_URL", "https://news.example.org/archive")
    monkeypatch.setenv("ARCHIVE_EXPORT_LIMIT", "2")
    result = runner.invoke(main, ["search", "党建", "--format", "ris", "--sort", "title", "--index-dir", ix])
    refs = rispy.loads(result.stdout)
    assert [r["id"] for r in refs] == [h.id for h in every_hit(engine, "党建", sort="title")][:2]
    assert refs[0]["urls"][0].startswith("https://news.example.org/archive/doc/")
    assert result.stderr == ("warning: exported the first 2 of 5 documents (an export holds at most 2); narrow "
                             "the query to export the rest\n")
    monkeypatch.delenv("ARCHIVE_EXPORT_LIMIT")

    result = runner.invoke(main, ["search", "一肩挑", "--format", "csv", "--index-dir", ix])
    assert result.stdout_bytes.startswith("\ufeff".encode()) and f"\n{DOC}," in result.stdout
    result = runner.invoke(main, ["search", "党建", "--format", "csljson", "--index-dir", ix])
    assert [i["id"] for i in json.loads(result.stdout)] == [h.id for h in every_hit(engine, "党建")]

    result = runner.invoke(main, ["search", "党建", "--format", "ris", "--limit", "3", "--index-dir", ix])
    assert result.exit_code == 2 and "--format exports the whole list: leave out --limit" in result.output
    result = runner.invoke(main, ["search", "党建", "--format", "xml", "--index-dir", ix])
    assert result.exit_code == 2 and "'xml' is not one of 'bibtex', 'ris', 'csljson', 'csv'" in result.output
