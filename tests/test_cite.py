"""Citations: CSL styles through citeproc-py (GB/T 7714-2015 numeric and author-date, APA, Chicago, any
installed style), the quotation (a search's sentences, the 〓 note), BibTeX, Highwire tags, permalinks."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest

from archive import load_sources
from archive.cite import LOST_NOTE, STYLES, cite
from archive.errors import NotFoundError, StyleError
from archive.styles import STYLE_ALIASES, style_path
from cli.main import main
from index.snippets import OMISSION, quoted_sentences

LINK = "https://archive.example/doc/000_facb8668b9a49bed#p8"
DAY = date(2024, 5, 6)  # the day of citing, injected: citations say it as [2024-05-06]
ID0, ID2 = "000_facb8668b9a49bed", "002_4d89ad2df1300591"
TITLE0 = "红色筑魂践初心 党建聚力促发展：湖丰镇党建工作纪略"  # the title with its subtitle


@pytest.fixture(scope="module")
def catalogued(tmp_path_factory, seeds_dir):
    """Seed 000 with a catalog entry that gives its newspaper, date and page (the seeds' own give none)."""
    src = tmp_path_factory.mktemp("catalogued")
    shutil.copy(seeds_dir / f"{ID0}.txt", src)
    (src / "catalog.toml").write_text(f'["{ID0}"]\npublication = "示例日报"\ndate = "2020-01-15"\npage = "3"\n',
                                      encoding="utf-8")
    (doc,) = load_sources([src])
    return doc


def test_gbt7714_of_an_online_newspaper_article(seed_docs):
    # GB/T 7714-2015 for a newspaper article read online: [N/OL], the date of citing in brackets, the URL.
    # The seeds print no newspaper or date, so none is given (never invented).
    assert cite(seed_docs["000"], 8, "gbt7714", LINK, DAY) == f"吴柳. {TITLE0}[N/OL]. [2024-05-06]. {LINK}."


def test_gbt7714_with_newspaper_date_and_page(catalogued):
    assert (catalogued.publication, catalogued.date, catalogued.page) == ("示例日报", "2020-01-15", "3")
    assert cite(catalogued, 8, "gbt7714", LINK, DAY) == \
        f"吴柳. {TITLE0}[N/OL]. 示例日报, 2020-01-15(3)[2024-05-06]. {LINK}."


def test_the_default_day_of_citing_is_today(seed_docs):
    assert f"[{date.today().isoformat()}]" in cite(seed_docs["000"], 8, "gbt7714", LINK)


@pytest.mark.parametrize("style, expected", [
    ("gbt7714-author-date", f"吴柳, [2024]. {TITLE0}[N/OL]. [2024-05-06]. {LINK}."),
    ("apa", f"吴柳. (n.d.). {TITLE0}. Retrieved May 6, 2024, from {LINK}"),
    # Chicago 18th edition, author-date; no stray "Edition" (citeproc-py issue #204, see archive.styles).
    ("chicago", f"吴柳. n.d. {TITLE0}. Accessed May 6, 2024. {LINK}."),
])
def test_each_named_style(seed_docs, style, expected):
    assert cite(seed_docs["000"], 8, style, LINK, DAY) == expected


@pytest.mark.parametrize("style, expected", [
    ("gbt7714-author-date", f"吴柳, 2020. {TITLE0}[N/OL]. 示例日报, 2020-01-15(3)[2024-05-06]. {LINK}."),
    ("apa", f"吴柳. (2020, January 15). {TITLE0}. 示例日报, 3. {LINK}"),
    ("chicago", f"吴柳. 2020. “{TITLE0}”. 示例日报, January 15. {LINK}."),
])
def test_each_named_style_with_newspaper_and_date(catalogued, style, expected):
    assert cite(catalogued, 8, style, LINK, DAY) == expected


def test_names_as_printed(seed_docs):
    # Literal names: never split into family and given names (程 一舟), never reordered.
    text = cite(seed_docs["002"], 4, "gbt7714", "L", DAY)
    assert text.startswith("程一舟, 陳紅革. [凸顯“黨建紅”，激活產業發展“新動能”][N/OL].")
    for style in STYLE_ALIASES:
        assert "程一舟" in cite(seed_docs["002"], 4, style, "L", DAY), style


def test_any_installed_style_by_name(seed_docs):
    assert cite(seed_docs["000"], 8, "modern-language-association", LINK, DAY) == \
        f"吴柳. {TITLE0}. {LINK}. Accessed 6 May 2024."
    # A style without a reference list (notes only) gives its note.
    assert cite(seed_docs["000"], 8, "chicago-notes", LINK, DAY).startswith(f"吴柳, {TITLE0}, n.d., accessed")


@pytest.mark.parametrize("name", ["nope", "../styles/apa", "APA", ""])
def test_an_unknown_style_is_a_clear_error(seed_docs, name):
    with pytest.raises(StyleError, match="--list-styles"):
        cite(seed_docs["000"], 8, name, LINK, DAY)
    assert style_path("apa").name == "apa.csl"


def test_quotation_and_bibtex(seed_docs):
    doc = seed_docs["002"]
    plain = cite(doc, 4, "plain", "L#p4")
    assert plain.startswith("「" + doc.paragraphs[3] + "」") and "第4段" in plain and "[凸顯" in plain
    assert plain.endswith("。L#p4")
    bib = cite(doc, 4, "bibtex", "L#p4", DAY)
    # The export's entry: no newspaper known, so @misc with url and urldate (issue 15), names kept whole.
    (entry,) = __import__("bibtexparser").parse_string(bib).entries
    assert (entry.entry_type, entry.key) == ("misc", "002_4d89ad2df1300591-p4")
    assert entry["author"] == "{程一舟} and {陳紅革}" and "journal" not in entry.fields_dict
    assert (entry["url"], entry["urldate"], entry["note"]) == ("L#p4", DAY.isoformat(), "¶4")


def test_bad_paragraph(seed_docs):
    for style in STYLES:
        with pytest.raises(NotFoundError):
            cite(seed_docs["000"], 999, style, LINK, DAY)


def test_quoted_sentences():
    text = "第一句有党建。第二句没有。第三句也有党建！第四句有党建；第五句。"
    assert quoted_sentences(text, ["党建"]) == f"第一句有党建。{OMISSION}第三句也有党建！第四句有党建；"
    assert quoted_sentences(text, ["没有"]) == "第二句没有。"
    assert quoted_sentences(text, ["没有。第三"]) == "第二句没有。第三句也有党建！"  # a match across an end
    assert quoted_sentences(text, ["扶贫"]) is None


# The citation page and the document page.

def _pre(html: str, style: str) -> str:
    from html import unescape

    return unescape(html.split(f'data-style="{style}">', 1)[1].split("</pre>", 1)[0])


def test_citation_page_shows_every_style_in_order(client, seed_docs):
    r = client.get(f"/doc/{ID0}/cite/8")
    assert r.status_code == 200
    order = [r.text.index(f'data-style="{style}"') for style in STYLES]
    assert order == sorted(order) and STYLES[:4] == ("gbt7714", "gbt7714-author-date", "apa", "chicago")
    link = f"http://localhost/doc/{ID0}#p8"
    assert _pre(r.text, "gbt7714") == f"吴柳. {TITLE0}[N/OL]. [{date.today().isoformat()}]. {link}."
    for label in ("GB/T 7714-2015, numeric", "GB/T 7714-2015, author-date", "APA, 7th edition",
                  "Chicago, 18th edition, author-date", "Quotation", "BibTeX"):
        assert f'<span class="style">{label}</span>' in r.text
    # Without a query the quotation is the whole paragraph, and says so.
    assert _pre(r.text, "plain").startswith(f"「{seed_docs['000'].paragraphs[7]}」——吴柳：《{TITLE0}》，第8段。")
    assert "The whole of ¶8." in r.text


def test_citation_page_in_chinese(zh_client):
    r = zh_client.get(f"/doc/{ID0}/cite/8")
    assert r.status_code == 200 and 'lang="zh-CN"' in r.text and "[N/OL]" in r.text


def test_a_hit_quotes_its_sentence(client, seed_docs):
    # From a search, the document's matched paragraph links to its citations with the query…
    r = client.get(f"/doc/{ID0}", query_string={"q": "一肩挑"})
    assert f'href="/doc/{ID0}/cite/8?q=%E4%B8%80%E8%82%A9%E6%8C%91"' in r.text
    assert f'href="/doc/{ID0}/cite/7"' in r.text  # a paragraph without a match: no query, the whole of it
    # …and the quotation is the sentence that holds the match, with its ¶ number.
    r = client.get(f"/doc/{ID0}/cite/8", query_string={"q": "一肩挑"})
    sentence = "稳步提高村党组织书记和村委会主任“一肩挑”比例，坚持因村施策、一村一策，用好“五大类型”发展模式；"
    assert sentence in seed_docs["000"].paragraphs[7]
    assert _pre(r.text, "plain") == f"「{sentence}」——吴柳：《{TITLE0}》，第8段。http://localhost/doc/{ID0}#p8"
    assert "The sentences of ¶8 that the search matched." in r.text
    assert f'href="/doc/{ID0}?q=%E4%B8%80%E8%82%A9%E6%8C%91#p8"' in r.text  # back to the page, still marked
    # Traditional and Simplified are one, as in search; two sentences apart are joined by an omission.
    r = client.get(f"/doc/{ID0}/cite/8", query_string={"q": "夯實 一肩挑"})
    assert _pre(r.text, "plain").startswith(f"「夯实党建基础，提高战斗力。{OMISSION}稳步提高")


def test_a_quotation_with_a_lost_character_says_so(client):
    r = client.get(f"/doc/{ID2}/cite/4")
    assert "〓" in _pre(r.text, "plain") and LOST_NOTE in r.text
    r = client.get(f"/doc/{ID2}/cite/13")
    assert "〓" in _pre(r.text, "plain") and LOST_NOTE in r.text
    r = client.get(f"/doc/{ID2}/cite/13", query_string={"q": "愛心湯"})  # a sentence of ¶13 without one
    assert _pre(r.text, "plain").startswith("「持續開展“愛心湯”活動，") and LOST_NOTE not in r.text
    r = client.get(f"/doc/{ID2}/cite/3")
    assert "〓" not in _pre(r.text, "plain") and LOST_NOTE not in r.text


class _Meta(HTMLParser):
    """The page's <meta name=… content=…> tags, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.tags.append((attrs["name"], attrs["content"]))


def _highwire(html: str) -> list[tuple[str, str]]:
    parser = _Meta()
    parser.feed(html)
    return [(name, content) for name, content in parser.tags if name.startswith("citation_")]


def test_highwire_tags(client):
    head = client.get(f"/doc/{ID0}").text.split("</head>", 1)[0]
    assert _highwire(head) == [("citation_title", TITLE0), ("citation_author", "吴柳"),
                               ("citation_language", "zh-Hans"),
                               ("citation_public_url", f"http://localhost/doc/{ID0}")]
    tags = _highwire(client.get(f"/doc/{ID2}").text.split("</head>", 1)[0])
    assert [c for n, c in tags if n == "citation_author"] == ["程一舟", "陳紅革"]  # one tag per author
    assert ("citation_language", "zh-Hant") in tags
    assert ("citation_title", "[凸顯“黨建紅”，激活產業發展“新動能”]") in tags  # supplied: in brackets


def test_highwire_tags_with_the_catalog(client_of, seeds_dir):
    client = client_of({
        "a.txt": (seeds_dir / f"{ID0}.txt").read_text(encoding="utf-8"),
        "catalog.toml": '["a"]\npublication = "示例日报"\ndate = "2020-01-15"\npage = "3"\n'})
    tags = dict(_highwire(client.get("/doc/a").text))
    assert tags["citation_publication_date"] == "2020/01/15" and tags["citation_journal_title"] == "示例日报"
    assert tags["citation_firstpage"] == "3"


def test_highwire_tags_use_base_url(seed_index):
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "BASE_URL": "https://archive.example"}
                        ).test_client()
    tags = dict(_highwire(client.get(f"/doc/{ID0}", headers={"Host": "archive.example"}).text))
    assert tags["citation_public_url"] == f"https://archive.example/doc/{ID0}"


# The command line.

def test_cli_cites_in_any_style(runner, seed_index):
    ix = ["--index-dir", str(seed_index), "--base-url", "https://archive.example"]
    result = runner.invoke(main, ["cite", ID0, "8", "--accessed", "2024-05-06", *ix])
    assert result.exit_code == 0 and result.stdout == f"吴柳. {TITLE0}[N/OL]. [2024-05-06]. {LINK}.\n"
    assert result.stderr == ""  # a public address: no warning
    result = runner.invoke(main, ["cite", ID0, "8", "--style", "modern-language-association",
                                  "--accessed", "2024-05-06", *ix])
    assert result.exit_code == 0 and result.stdout == f"吴柳. {TITLE0}. {LINK}. Accessed 6 May 2024.\n"
    result = runner.invoke(main, ["cite", ID0, "8", "--style", "all", "--accessed", "2024-05-06", *ix])
    assert result.exit_code == 0
    for label in ("GB/T 7714-2015, numeric:", "APA, 7th edition:", "Quotation:", "BibTeX:"):
        assert label in result.stdout.splitlines()
    assert f"吴柳. (n.d.). {TITLE0}. Retrieved May 6, 2024, from {LINK}" in result.stdout


def test_cli_unknown_style_is_a_usage_error(runner, seed_index):
    result = runner.invoke(main, ["cite", ID0, "8", "--style", "nope", "--index-dir", str(seed_index)])
    assert result.exit_code == 2 and "no citation style 'nope'" in result.stderr
    assert "--list-styles" in result.stderr and "Traceback" not in result.output
    listing = runner.invoke(main, ["cite", "--list-styles"])
    names = listing.stdout.splitlines()
    assert listing.exit_code == 0 and names[0].startswith("gbt7714\t") and "modern-language-association" in names


def test_cli_quotes_a_query_s_sentences_and_notes_lost_characters(runner, seed_index):
    ix = ["--index-dir", str(seed_index), "--base-url", "https://archive.example"]
    result = runner.invoke(main, ["cite", ID0, "8", "--style", "plain", "-q", "一肩挑", *ix])
    assert result.stdout.startswith("「稳步提高村党组织书记和村委会主任“一肩挑”比例，") and "第8段" in result.stdout
    result = runner.invoke(main, ["cite", ID2, "4", "--style", "plain", *ix])
    assert "〓" in result.stdout and result.stderr == f"note: {LOST_NOTE}\n"


def test_cli_warns_of_a_localhost_permalink(runner, seed_index):
    ix = ["--index-dir", str(seed_index)]
    result = runner.invoke(main, ["cite", ID0, "8", *ix], env={"ARCHIVE_BASE_URL": ""})
    assert result.exit_code == 0 and result.stdout.endswith(f" http://127.0.0.1:5000/doc/{ID0}#p8.\n")
    (warning,) = result.stderr.splitlines()  # one line
    assert warning.startswith("warning: http://127.0.0.1:5000/doc/") and "ARCHIVE_BASE_URL" in warning
    for local in ("http://localhost:8000", "http://[::1]:5000", "http://0.0.0.0"):
        assert "warning" in runner.invoke(main, ["cite", ID0, "8", "--base-url", local, *ix]).stderr, local
    # ARCHIVE_BASE_URL sets the permalink (as BASE_URL does for the site); then there is nothing to warn of.
    result = runner.invoke(main, ["cite", ID0, "8", *ix], env={"ARCHIVE_BASE_URL": "https://archive.example/x/"})
    assert result.stdout.endswith(f" https://archive.example/x/doc/{ID0}#p8.\n") and result.stderr == ""


def test_the_readme_shows_what_the_styles_give(seed_docs):
    """The README's table of ¶8 of seed 000 in each style is what the styles give (cited on 2024-05-06)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for style in STYLE_ALIASES:
        assert f"| `{cite(seed_docs['000'], 8, style, LINK, DAY)}` |" in readme, style


def test_a_style_citeproc_cannot_format_is_named(runner, seed_index):
    # An installed style that citeproc-py 0.11.1 fails on (text-case on a term): a message, never a traceback.
    result = runner.invoke(main, ["cite", ID0, "8", "--style", "associacao-brasileira-de-normas-tecnicas-eceme",
                                  "--index-dir", str(seed_index), "--base-url", "https://archive.example"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: citeproc-py cannot format the citation style associacao-brasileira")


def test_a_quoted_title_s_own_quotes_are_made_single(seed_docs):
    # Chicago quotes an article's title: the quotes the title prints itself become single, as in any CSL
    # processor but citeproc-py; a style that does not quote the title keeps them as printed.
    doc = replace(seed_docs["002"], publication="示例日报", date="2020-01-15", year=2020)
    assert "“[凸顯‘黨建紅’，激活產業發展‘新動能’]”." in cite(doc, 4, "chicago", LINK, DAY)
    for style in ("gbt7714", "apa"):
        assert "[凸顯“黨建紅”，激活產業發展“新動能”]" in cite(doc, 4, style, LINK, DAY), style
