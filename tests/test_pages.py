"""Saved news pages (issue 17): each fixture of ``tests/data/pages`` read into the article its newspaper
printed, nothing of the page around it, its metadata, and where each field came from.

The fixtures are written in the styles of Chinese news sites; ``expected.json`` holds, by hand, each article's
paragraphs, captions and metadata, and the page furniture that must not reach them."""

from __future__ import annotations

import json
import shutil
from html import escape
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from archive.errors import SourceError
from archive.loading import build_document, load_seed
from archive.pages import _gb18030_and_stray, decode_page, read_page

PAGES = Path(__file__).resolve().parent / "data" / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))


def load(name: str):
    return build_document((PAGES / name).read_bytes(), Path(name).stem, name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_paragraphs_are_the_article_s_exactly(name):
    doc = load(name)
    assert list(doc.paragraphs) == EXPECTED[name]["paragraphs"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_page_furniture_reaches_the_document(name):
    doc = load(name)
    shown = [doc.title, doc.subtitle or "", doc.byline or "", *doc.paragraphs, *doc.captions]
    for furniture in EXPECTED[name]["furniture"]:
        assert not any(furniture in text for text in shown), furniture


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_metadata_fields(name):
    doc, want = load(name), EXPECTED[name]
    assert doc.title == want["title"]
    assert doc.subtitle == want["subtitle"]
    assert [a.name for a in doc.authors] == want["authors"]
    assert (doc.date, doc.publication, doc.url) == (want["date"], want["publication"], want["url"])
    assert doc.year == (int(want["date"][:4]) if want["date"] else None)  # the year facet reads the date
    assert doc.encoding == want["encoding"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_captions_are_kept_apart_from_the_paragraphs(name):
    doc = load(name)
    assert list(doc.captions) == EXPECTED[name]["captions"]
    assert not any(caption in paragraph for caption in doc.captions for paragraph in doc.paragraphs)


def test_each_field_says_where_it_came_from():
    assert load("title_sitename.html").origins == {
        "title": "page: <h1>", "subtitle": "page: the heading under the headline",
        "byline": "page: the byline printed with the article", "date": "page: the date line",
        "publication": "page: the source line (来源)", "url": "page: og:url", "year": "the date"}
    assert load("figure_captions.html").origins["publication"] == "page: og:site_name"
    assert load("gbk_county.html").origins["url"] == "page: link rel=canonical"
    assert load("no_metadata.html").origins == {}


def test_ruby_keeps_the_base_text_only():
    doc = load("ruby_pinyin.html")
    text = "".join(doc.paragraphs)
    assert "學打鋤頭" in text and "飛濺" in text and "「鏗鏘一聲" in text
    assert not any(mark in text for mark in ("chú", "(", "zhèn", "kēng"))
    assert not [r for r in doc.repairs if r.rule == "pinyin"]  # nothing for the scraper rule to undo


def test_a_gbk_page_that_declares_gb2312_is_read_as_gbk():
    """镕 (of 朱镕基) is in GBK, not in GB2312: a page saying gb2312 is decoded as the GB family's widest."""
    raw = (PAGES / "gbk_county.html").read_bytes()
    assert b"charset=gb2312" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")
    assert "覃永镕" in load("gbk_county.html").paragraphs[0]


def test_what_was_taken_off_the_page_is_in_the_repair_log():
    doc = load("title_sitename.html")
    removed = [(r.before, r.paragraph) for r in doc.repairs if r.rule == "page"]
    assert removed == [("扫一扫，关注江汉在线微信公众号", None), ("(责编：钱伟、周敏)", None)]
    assert all(r.note for r in doc.repairs if r.rule == "page")


def test_the_catalog_overrides_the_page_and_says_so():
    catalog = {"gbk_county": {"title": "新农人", "publication": "清江日报（县域版）", "date": "2021-03-19"}}
    doc = build_document((PAGES / "gbk_county.html").read_bytes(), "gbk_county", "gbk_county.html",
                         catalog["gbk_county"])
    assert (doc.title, doc.publication, doc.date, doc.year) == ("新农人", "清江日报（县域版）", "2021-03-19", 2021)
    assert doc.origins["title"] == doc.origins["publication"] == doc.origins["date"] == "catalog"
    assert doc.origins["url"] == "page: link rel=canonical"


def test_a_page_declaring_big5_is_read_as_big5_and_refused_when_it_is_not(tmp_path):
    html = '<html><head><meta charset="big5"><title>港口</title></head><body><h1>港口夜景</h1>' \
           "<p>維多利亞港的夜景吸引了大批遊客，兩岸燈火通明，渡輪往來穿梭，成為城市最亮麗的風景。</p></body></html>"
    text, encoding = decode_page(html.encode("big5"), "big5.html")
    assert text == html and encoding.startswith("big5")
    with pytest.raises(SourceError) as refused:
        decode_page(html.encode("big5") + b"\xff\xff", "big5.html")
    assert "big5.html" in str(refused.value) and "big5" in str(refused.value)


_GBK_ARTICLE = ("<h1>脱贫后的第一个丰收年</h1><p>今年的稻谷亩产比去年高了一百多斤，合作社统一收购，村民们的腰包鼓"
                "起来了。村里还修了新路，装了路灯，孩子们上学再也不用走泥巴路。</p>")


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1252", "latin1", "koi8-r"])
def test_a_gbk_page_that_declares_a_single_byte_encoding_is_read_as_gbk(declared):
    """Saved as served, a GBK page keeps a stale single-byte charset, which reads any bytes into letters
    without an error (windows-1252 even fails on some GBK bytes, which refused the page)."""
    html = f"<html><head><meta charset='{declared}'><title>丰收</title></head><body>{_GBK_ARTICLE}</body></html>"
    assert decode_page(html.encode("gbk"), "g.html") == (html, "gb18030")
    stray = html.replace("</p>", "（记者 王垚）</p>")  # 垚 is 0x88 0x90 in GBK; windows-1252 has no 0x90
    assert decode_page(stray.encode("gbk"), "g.html") == (stray, "gb18030")


@pytest.mark.parametrize(("declared", "codec", "text"), [
    ("iso-8859-1", "latin-1", "Les élèves réussissent très bien, disent les maîtres dans leurs rapports."),
    ("windows-1252", "cp1252", "Über die Ernte wurde berichtet: „Äpfel“ und Gemüse gab es genug."),
    ("koi8-r", "koi8-r", "Урожай в этом году был очень хорошим, крестьяне довольны."),
])
def test_a_page_in_the_single_byte_encoding_it_declares_keeps_it(declared, codec, text):
    html = f"<html><head><meta charset='{declared}'></head><body><h1>{text[:12]}</h1><p>{text}</p></body></html>"
    data = html.encode(codec)
    if declared == "iso-8859-1":
        data.decode("gb18030")  # GB18030 reads these bytes too (into 閘鑦…): the judge, not an error, decides
    got, encoding = decode_page(data, "s.html")
    assert got == html and encoding != "gb18030"


def test_bytes_that_fit_no_encoding_refuse_the_page_by_name(tmp_path):
    page = tmp_path / "broken.html"
    page.write_bytes("<html><body><p>正文".encode() + b"\x81\xff\xfe" + b"</p></body></html>")
    with pytest.raises(SourceError) as refused:
        load_seed(page, tmp_path)
    assert "broken.html" in str(refused.value) and "neither UTF-8 nor GB18030" in str(refused.value)


def test_a_page_with_no_article_text_is_refused_by_name(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title></title></head><body><div class='nav'></div></body></html>")
    with pytest.raises(SourceError) as refused:
        load_seed(page, tmp_path)
    assert "empty.html" in str(refused.value)


def test_read_page_takes_a_page_as_text():
    page = read_page((PAGES / "figure_captions.html").read_text(encoding="utf-8"))
    assert page.meta["title"] == "湿地公园迎来首批越冬候鸟" and page.origins["title"] == "<h1>"
    assert page.lines == EXPECTED["figure_captions.html"]["paragraphs"]


def test_pages_are_built_searched_and_updated_like_text_files(tmp_path):
    from index.build import build_index
    from index.search import Engine

    src = tmp_path / "src"
    shutil.copytree(PAGES, src, ignore=shutil.ignore_patterns("*.json"))
    (src / "saved.htm").write_bytes((PAGES / "figure_captions.html").read_bytes().replace(
        "首批越冬候鸟".encode(), "第二批越冬候鸟".encode()))
    (src / "saved_files").mkdir()  # a browser's folder beside a saved page: not read
    (src / "saved_files" / "saved_resource.html").write_bytes((PAGES / "no_metadata.html").read_bytes())
    report = build_index([src], tmp_path / "ix")
    assert report.documents == 6 and report.added == 6
    engine = Engine(tmp_path / "ix")
    try:
        hits = engine.search('"覃永镕"')
        assert [h.id for h in hits.hits] == ["gbk_county"]
        assert engine.search('"鋤頭"').total == 1 and engine.search('"zhèn"').total == 0
        assert engine.search('"责任编辑"').total == 0 and engine.search('"扫一扫"').total == 0
        assert engine.document("title_sitename").publication == "江汉日报"
    finally:
        engine.close()
    (src / "no_metadata.html").write_text((src / "no_metadata.html").read_text(encoding="utf-8").replace(
        "上周一", "上周二"), encoding="utf-8")
    again = build_index([src], tmp_path / "ix")
    assert (again.added, again.updated, again.removed) == (0, 1, 0)


@pytest.fixture(scope="module")
def pages_index(tmp_path_factory) -> Path:
    from index.build import build_index

    root = tmp_path_factory.mktemp("pages")
    src = root / "src"
    shutil.copytree(PAGES, src, ignore=shutil.ignore_patterns("*.json"))
    (src / "catalog.toml").write_text('[ruby_pinyin]\nplace = "新北市三峽區"\n', encoding="utf-8")
    build_index([src], root / "ix")
    return root / "ix"


@pytest.fixture
def pages_client(pages_index):
    from tests.conftest import english
    from web import create_app

    return english(create_app({"TESTING": True, "INDEX_DIR": str(pages_index)}).test_client())


def test_the_document_page_shows_where_it_was_published_and_links_there(pages_client):
    page = pages_client.get("/doc/gbk_county").get_data(as_text=True)
    assert '<p class="published">Published: <span lang="zh-Hans" class="publication">清江日报</span>' in page
    assert '<time datetime="2021-03-18">2021-03-18</time>' in page
    assert ('<a class="original" href="http://www.qjrb.example.cn/xyjj/2021-03/18/content_88216.htm" '
            'rel="nofollow noopener noreferrer">') in page
    assert "<th>Publication</th><td>the saved page: meta source</td>" in page
    assert 'citation_journal_title" content="清江日报"' in page
    assert 'citation_publication_date" content="2021/03/18"' in page


def test_the_document_page_keeps_the_captions_apart(pages_client):
    page = pages_client.get("/doc/figure_captions").get_data(as_text=True)
    body = page[page.index('<div class="body"'):page.index('<section class="captions"')]
    captions = page[page.index('<section class="captions"'):]
    for n, caption in enumerate(EXPECTED["figure_captions.html"]["captions"], 1):
        assert caption not in body and f'<li id="c{n}">{caption}</li>' in captions


def test_a_caption_is_searched_and_shown_as_a_caption(pages_client):
    # 芦苇丛上空 is printed only under the second photo, in no paragraph.
    for query in ('"芦苇丛上空"', "芦苇丛上空", "芦苇丛 上空"):
        data = pages_client.get("/api/search", query_string={"q": query}).get_json()
        assert [h["id"] for h in data["hits"]] == ["figure_captions"], query
        (passage,) = data["hits"][0]["passages"]
        assert passage["paragraph"] is None and passage["caption"] == 2
        assert passage["text"] == "一只苍鹭从芦苇丛上空飞过。"
        assert "<mark>芦苇丛</mark>" in passage["html"] or "<mark>芦苇丛上空</mark>" in passage["html"]
    assert data["hits"][0]["url"].endswith("/doc/figure_captions")  # the top: a caption has no ¶
    page = pages_client.get("/search", query_string={"q": '"芦苇丛上空"'}).get_data(as_text=True)
    assert 'href="/doc/figure_captions?q=%22%E8%8A%A6%E8%8B%87%E4%B8%9B%E4%B8%8A%E7%A9%BA%22#c2">Caption 2</a>' in page
    shown = pages_client.get("/doc/figure_captions", query_string={"q": '"芦苇丛上空"'}).get_data(as_text=True)
    assert '<li id="c2">一只苍鹭从<mark>芦苇丛上空</mark>飞过。</li>' in shown
    assert '<a href="#c2">Caption 2</a>' in shown and "none in the body" not in shown
    assert "highlighted in <a href=\"#c2\">Caption 2</a>." in shown and "<q>芦苇丛上空</q>" in shown  # quoted once
    both = pages_client.get("/doc/figure_captions", query_string={"q": "白鹭"}).get_data(as_text=True)
    assert 'highlighted in <a href="#p1">¶1</a>, <a href="#c1">Caption 1</a>.' in both


def test_a_results_csv_row_says_its_passage_is_a_caption_s(pages_client):
    import csv
    import io

    text = pages_client.get("/search", query_string={"q": '"芦苇丛上空"', "format": "csv"}).get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert (row["paragraph"], row["caption"], row["text"]) == ("", "2", "一只苍鹭从芦苇丛上空飞过。")
    assert row["url"].endswith("/doc/figure_captions#c2")


def test_a_caption_s_passage_comes_after_the_paragraphs(pages_client):
    # 白鹭 is in ¶1 and under the first photo.
    (hit,) = pages_client.get("/api/search", query_string={"q": '"白鹭"'}).get_json()["hits"]
    assert [(p["paragraph"], p["caption"]) for p in hit["passages"]] == [(1, None), (None, 1)]
    assert hit["url"].endswith("/doc/figure_captions#p1")


def test_the_concordance_counts_and_labels_a_caption_s_lines(pages_client, pages_index, runner):
    from cli.main import main

    data = pages_client.get("/api/kwic", query_string={"q": "白鹭"}).get_json()
    assert [(x["field"], x["paragraph"], x["caption"], x["match"]) for x in data["lines"]] == [
        ("paragraph", 1, None, "白鹭"), ("caption", None, 1, "白鹭")]
    assert data["occurrences"] == 2 and data["documents"] == 1
    page = pages_client.get("/kwic", query_string={"q": "白鹭"}).get_data(as_text=True)
    assert 'href="/doc/figure_captions?q=%E7%99%BD%E9%B9%AD#c1"' in page and "Caption 1" in page
    csv = pages_client.get("/api/kwic", query_string={"q": "白鹭", "format": "csv"}).get_data(as_text=True)
    assert csv.splitlines()[-1].split(",")[-2:] == ["http://localhost/doc/figure_captions#c1", "1"]  # a permalink
    assert csv.splitlines()[-2].split(",")[-2:] == ["http://localhost/doc/figure_captions#p1", ""]
    result = runner.invoke(main, ["kwic", "白鹭", "--index-dir", str(pages_index)])
    assert result.exit_code == 0 and result.output.rstrip().endswith("figure_captions caption 1")


def test_the_document_page_in_chinese_names_the_origins(pages_index):
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(pages_index)}).test_client()
    page = client.get("/doc/title_sitename").get_data(as_text=True)
    assert "刊载：" in page and "元数据的来源" in page and "保存的网页：日期行" in page and "原文" in page


def test_the_api_gives_the_original_address_captions_and_origins(pages_client):
    data = pages_client.get("/api/doc/figure_captions").get_json()
    assert data["original_url"] == "https://www.djwb.example.cn/city/2022/1108/wetland.html"
    assert data["url"].endswith("/doc/figure_captions")
    assert data["captions"] == EXPECTED["figure_captions.html"]["captions"]
    assert data["origins"]["publication"] == "page: og:site_name" and data["publication"] == "东江晚报"
    assert pages_client.get("/api/doc/ruby_pinyin").get_json()["origins"]["place"] == "catalog"


def test_archive_cite_gives_the_newspaper_and_the_date(pages_index, runner):
    from cli.main import main

    result = runner.invoke(main, ["cite", "title_sitename", "2", "--index-dir", str(pages_index),
                                  "--base-url", "https://archive.example", "--accessed", "2026-12-05"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "赵一鸣, 孙红. 脱贫后的第一个丰收年：记大石村的变化[N/OL]. 江汉日报, 2020-01-15[2026-12-05]. "
        "https://archive.example/doc/title_sitename#p2.")


def test_archive_show_says_where_each_field_came_from(pages_index, runner):
    from cli.main import main

    result = runner.invoke(main, ["show", "figure_captions", "--index-dir", str(pages_index)])
    assert result.exit_code == 0, result.output
    assert "publication: 东江晚报    (page: og:site_name)" in result.output
    assert "caption:  一只苍鹭从芦苇丛上空飞过。" in result.output


def test_a_markdown_article_is_read_as_markdown():
    text = ("# 春耕时节 **备耕忙**\n\n—— 记某县的春耕\n\n本报记者 吴柳\n\n田间地头，*农机*轰鸣。\n"
            "村民们正在抢抓农时，[播种](https://x.example/)早稻。\n\n- 整地\n    - 翻土\n- 育秧\n\n> 引用的一段话。\n\n"
            "<div>图为村民在插秧。</div>\n\n<script>alert(1)</script>\n")
    doc = build_document(text.encode(), "m", "m.md")
    assert (doc.title, doc.subtitle, doc.byline) == ("春耕时节 备耕忙", "记某县的春耕", "本报记者 吴柳")
    assert doc.paragraphs == ("田间地头，农机轰鸣。", "村民们正在抢抓农时，播种早稻。", "整地", "翻土", "育秧",
                              "引用的一段话。", "图为村民在插秧。")


def test_a_topic_tag_at_a_line_s_start_is_text_not_a_heading():
    """``#乡村振兴#`` opens many a post; a heading's ``#`` is followed by a space (CommonMark), and Python-Markdown
    alone made the tag a heading, then the article's title."""
    text = ("# 春耕\n\n#乡村振兴# 田间地头，农机轰鸣。\n\n##种粮大户 说收成\n\n## 小标题\n\n正文。\n\n"
            "> #春耕# 引用的一段话。\n\n- #农时# 列表的一项\n\n<div>\n#话题# 在一个 div 里\n</div>\n")
    doc = build_document(text.encode(), "t", "t.md")
    assert doc.title == "春耕"
    assert doc.paragraphs == ("#乡村振兴# 田间地头，农机轰鸣。", "##种粮大户 说收成", "小标题", "正文。",
                              "#春耕# 引用的一段话。", "#农时# 列表的一项", "#话题# 在一个 div 里")


def test_a_markdown_file_written_one_paragraph_a_line_keeps_its_paragraphs():
    """Markdown would run lines without a blank between them into one paragraph: such a file (as ``*.md``
    files were written when they were read as text) became one title and no paragraph."""
    doc = build_document("标题\n第一段第一句。\n第二段第一句。\n第三段。\n".encode(), "n", "n.md")
    assert doc.title == "标题" and doc.paragraphs == ("第一段第一句。", "第二段第一句。", "第三段。")


def test_the_size_limit_and_the_links_rules_hold_for_pages(tmp_path):
    from archive.loading import MAX_ARTICLE_BYTES, find_sources

    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body><p>" + "很长的正文。".encode() * (MAX_ARTICLE_BYTES // 15) + b"</p></body></html>")
    with pytest.raises(SourceError) as refused:
        load_seed(big, tmp_path)
    assert "big.html" in str(refused.value) and "5 MB" in str(refused.value)
    just_over = tmp_path / "just_over.txt"
    just_over.write_bytes(b"x" * (MAX_ARTICLE_BYTES + 1))
    with pytest.raises(SourceError, match="is 5,242,881 bytes; an article may be at most 5 MB"):
        load_seed(just_over, tmp_path)  # not "is 5.0 MB"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.html").write_bytes((PAGES / "no_metadata.html").read_bytes())
    src = tmp_path / "src"
    src.mkdir()
    (src / "page.htm").write_bytes((PAGES / "no_metadata.html").read_bytes())
    (src / "link.html").symlink_to(outside / "elsewhere.html")
    warnings: list[str] = []
    assert [p.name for p in find_sources([src], warnings)] == ["page.htm"]
    assert any("link.html" in w and "outside" in w for w in warnings)


def test_a_saved_page_in_a_browser_on_a_phone(pages_index, browse):
    """The document page of an imported article in Debian's chromium at a phone's width: where it was
    published, the link to it, the captions apart, the origins folded, nothing wider than the screen."""
    from tests.conftest import serving

    artifacts = Path(__file__).resolve().parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with serving(pages_index, workers=1) as server:
        page = browse(390, 844)
        page.goto(server.url + "/doc/figure_captions")
        published = page.locator("p.published")
        assert published.is_visible()
        assert "东江晚报" in published.inner_text() and "2022-11-08" in published.inner_text()
        assert page.locator("a.original").get_attribute("href") == "https://www.djwb.example.cn/city/2022/1108/wetland.html"
        captions = page.locator("section.captions li")
        assert captions.count() == 2 and captions.nth(1).inner_text() == "一只苍鹭从芦苇丛上空飞过。"
        assert "苍鹭从芦苇丛" not in page.locator("div.body").inner_text()
        origins = page.locator("details.origins")
        assert not origins.locator("table").is_visible()  # folded until asked
        origins.locator("summary").click()
        assert "保存的网页：og:site_name" in origins.locator("table").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / "saved-page-phone.png"), full_page=True)


def _portal(title: str, paragraphs: list[str], byline_line: str = "",
            info: str = "2019-07-18 09:12 来源：示例日报") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><meta charset='utf-8'><title>{title}_新闻中心_示例网</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> | <a href='/n/'>新闻</a></div><div class='article'>"
            f"<h1>{title}</h1><div class='info'>{info}</div>"
            f"<div class='share'>分享到：<a>微信</a> <a>微博</a></div><div class='content'>{byline_line}{body}"
            "<p>（责任编辑：张三）</p></div></div><div><p>上一篇：</p><p>前一篇文章</p><p>下一篇：</p>"
            "<p>后一篇文章</p></div><div class='footer'>Copyright © 2019 示例网 版权所有</div></body></html>")


def test_a_short_article_is_neither_run_together_nor_lost():
    """Under 250 characters trafilatura fell back to the whole page's text on one line; an article of one
    short line was no article to it at all (its page's navigation came out instead)."""
    two = ["集山西五十多个品牌的老陈醋于一网的电商网站上线了。", "欢迎您的光临！"]
    doc = build_document(_portal("老陈醋上网", two).encode(), "a", "a.html")
    assert list(doc.paragraphs) == two and doc.title == "老陈醋上网"
    one = build_document(_portal("调解书", ["以调解方式结案的"]).encode(), "b", "b.html")
    assert one.paragraphs == ("以调解方式结案的",)
    assert [r.before for r in one.repairs if r.rule == "page"] == ["（责任编辑：张三）"]


def test_ideographic_and_no_break_spaces_are_kept_as_printed():
    text = ("华盛顿大学约书亚·史密斯（joshua\u3000smith）实验室的研究人员说，\xa0新方法已在多个实验室得到验证，"
            "效果良好。")
    second = "第二段正文，写得足够长，让提取器把它当作文章的一部分来对待。"
    doc = build_document(_portal("新方法", [text, second]).encode(), "c", "c.html")
    assert doc.paragraphs[0] == text


def test_a_byline_printed_with_the_date_is_the_byline_not_a_paragraph():
    doc = build_document(_portal("丰收", ["今年的稻谷亩产比去年高了一百多斤，合作社统一收购。"],
                                 "<p>记者 李四 2019-07-18</p>").encode(), "d", "d.html")
    assert doc.paragraphs == ("今年的稻谷亩产比去年高了一百多斤，合作社统一收购。",)
    assert [a.name for a in doc.authors] == ["李四"]


def test_a_paragraph_that_repeats_the_headline_is_the_article_s():
    """The <h1> is the title and leaves the text; a paragraph saying the same is the article's own (an
    article whose only paragraph is its headline came out empty, and its build was refused)."""
    doc = build_document(_portal("台州哪家医院好？", ["台州哪家医院好？"]).encode(), "e", "e.html")
    assert doc.title == "台州哪家医院好？" and doc.paragraphs == ("台州哪家医院好？",)
    ruby = load("ruby_pinyin.html")  # its <h1> (and the section label before it) is in the extracted text
    assert [r.before for r in ruby.repairs if r.rule == "page"] == ["文化", "老街上的打鐵舖"]


@pytest.mark.parametrize("closing", [
    "市民可扫码预约参观。", "活动详情可关注“文旅某市”微信公众号。",
    "对于未经授权使用他人作品的行为，法院将依法予以惩处。",
    "这部作品的版权所有者最终胜诉。", "编辑：这是读者来信栏目的回复，感谢您对本栏目的关心。",
    "版权所有人张先生表示将继续维权。", "声明称，公司将依法追究侵权者的责任。"])
def test_a_closing_paragraph_that_only_sounds_like_furniture_stays(closing):
    first = "今年春节假期，全市接待游客人数和旅游收入均创历史新高，各大景区人气火爆。"
    doc = build_document(_portal("春节旅游", [first, closing]).encode(), "f", "f.html")
    assert doc.paragraphs == (first, closing)


@pytest.mark.parametrize("furniture", [
    "责任编辑 张三", "编辑 | 张三", "来源：新华社", "本文来源：人民网-人民日报", "打印本页 关闭窗口",
    "分享到 微信 微博",
    "声明：本文仅代表作者观点", "COPYRIGHT 2019 示例网", "本文为东江晚报原创稿件，转载请注明出处。"])
def test_furniture_after_the_article_is_taken_off(furniture):
    first = "今年春节假期，全市接待游客人数和旅游收入均创历史新高，各大景区人气火爆。"
    doc = build_document(_portal("春节旅游", [first, furniture]).encode(), "g", "g.html")
    assert doc.paragraphs == (first,)
    assert furniture in [r.before for r in doc.repairs if r.rule == "page"]


def test_a_block_of_links_under_a_heading_is_taken_off_with_what_follows():
    first = "今年春节假期，全市接待游客人数和旅游收入均创历史新高，各大景区人气火爆。"
    doc = build_document(_portal("春节旅游", [first, "相关新闻：", "秭归脐橙春季发货量同比增长两成",
                                              "版权所有：江汉在线。未经授权不得转载。"]).encode(), "h", "h.html")
    assert doc.paragraphs == (first,)


def test_a_container_whose_class_mentions_caption_is_not_a_caption():
    page = ("<html><head><title>标题</title></head><body><h1>标题</h1><div class='article has-caption'>"
            "<p>第一段正文，写得足够长，让提取器把它当作文章的一部分来对待。</p><figure><img src='a.jpg'>"
            "<figcaption>图为现场。<span class='caption-credit'>记者 张三 摄</span></figcaption></figure>"
            "<p>第二段正文，同样写得足够长，让提取器把它当作文章的一部分。</p></div></body></html>")
    doc = build_document(page.encode(), "i", "i.html")
    assert len(doc.paragraphs) == 2 and doc.captions == ("图为现场。记者 张三 摄",)


def test_the_date_is_the_page_s_and_a_real_one():
    body = "<p>这座大桥2008-05-12开工，国家统计局2020年1月17日发布的数据显示，当地经济持续向好，发展势头良好。</p>"
    related = "<ul><li><a href='/x'>另一条新闻</a> <span class='date'>2019-12-02</span></li></ul>"
    page = ("<html><head><title>大桥通车</title></head><body><h1>大桥通车</h1>"
            f"<div>发布时间：2020年01月15日 08:00</div><div class='content'>{body}</div>{related}</body></html>")
    doc = build_document(page.encode(), "j", "j.html")
    assert doc.date == "2020-01-15" and doc.origins["date"] == "page: the date line"
    impossible = page.replace("2020年01月15日", "2021年2月30日")
    assert build_document(impossible.encode(), "k", "k.html").date is None


def test_a_class_that_begins_with_sub_is_no_subtitle():
    page = ("<html><head><title>标题</title></head><body><h1>大桥通车</h1>"
            "<div class='sub-info'>来源：新华社 作者：张三</div><div class='content'>"
            "<p>这座大桥历时三年建成，今天正式通车，两岸居民出行时间大大缩短。</p></div></body></html>")
    doc = build_document(page.encode(), "l", "l.html")
    assert doc.subtitle is None and not any("来源" in p for p in doc.paragraphs)
    assert doc.publication == "新华社"


def test_utf8_bytes_are_utf8_whatever_the_page_declares():
    html = ("<html><head><meta charset='big5'></head><body><h1>港口夜景</h1>"
            "<p>維多利亞港的夜景吸引了大批遊客。</p></body></html>")
    assert decode_page(html.encode(), "u.html") == (html, "utf-8")


def test_a_table_of_data_is_kept_row_by_row_and_a_layout_table_is_read_as_blocks():
    page = ("<html><head><title>统计公报_示例网</title></head><body><div class='article'><h1>统计公报</h1>"
            "<p>全市去年经济运行总体平稳，主要指标如下表所示。各项指标均好于预期，显示出较强的发展韧性和活力。</p>"
            "<table><tr><th>指标</th><th>数值</th></tr><tr><td>地区生产总值</td><td>1200亿元</td></tr>"
            "<tr><td>增长</td><td>6.5%</td></tr></table>"
            "<p>市统计局负责人表示，今年将继续加强经济运行监测，为决策提供更加及时准确的数据支撑和服务保障。</p></div>"
            "</body></html>")
    doc = build_document(page.encode(), "t", "t.html")
    assert doc.paragraphs[1:4] == ("指标 | 数值", "地区生产总值 | 1200亿元", "增长 | 6.5%") and len(doc.paragraphs) == 5
    # no_metadata.html is laid out in tables: its paragraphs are its cells' paragraphs, not one line of cells
    assert load("no_metadata.html").paragraphs[0].startswith("上周一，")


def test_a_paragraph_printed_twice_in_a_row_is_read_twice():
    """trafilatura keeps one of two neighbouring paragraphs that say the same: a phrase's second occurrence
    would be lost."""
    first = "第一段正文写得足够长以便提取器接受它作为正文内容的一部分，这是文章的开头。"
    twice = "5月14日，央行支付结算司司长谢众在出席论坛活动时表示，将继续大力推动非现金支付工具的发展。"
    doc = build_document(_portal("支付", [first, twice, twice, twice]).encode(), "r", "r.html")
    assert doc.paragraphs == (first, twice, twice, twice)


@pytest.mark.parametrize("where", ["printed", "meta"])
def test_an_agency_s_byline_names_its_reporters_not_the_agency(where):
    body = ["新华社北京1月15日电 国家统计局今天发布数据，去年全年粮食总产量再创新高。", "各地秋粮收购进展顺利。"]
    html = _portal("粮食总产量再创新高", body, "<p>新华社记者 张三 李四</p>" if where == "printed" else "")
    if where == "meta":
        html = html.replace("<title>", "<meta name='author' content='新华社记者 张三 李四'><title>")
    doc = build_document(html.encode(), "x", "x.html")
    assert [(a.name, a.role) for a in doc.authors] == [("张三", "新华社记者"), ("李四", "新华社记者")]
    assert list(doc.paragraphs) == body


def _json_ld_page(ld: str):
    """A page that names its article's metadata only in its JSON-LD ``ld``."""
    html = (f"<html><head><meta charset='utf-8'><title>示例网</title><script type='application/ld+json'>{ld}"
            "</script></head><body><div class='content'><p>各地秋粮收购进展顺利，农民卖粮不再难，收购价格稳中有升。</p>"
            "<p>第二段正文，写得足够长，让提取器把它当作文章的一部分。</p></div></body></html>")
    return build_document(html.encode(), "j", "j.html")


def test_a_headline_given_only_in_json_ld_says_so():
    doc = _json_ld_page('{"@context":"https://schema.org","@type":"NewsArticle","headline":"秋粮收购进展顺利"}')
    assert doc.title == "秋粮收购进展顺利" and doc.origins["title"] == "page: JSON-LD headline"


def test_an_author_given_only_in_json_ld_says_so():
    doc = _json_ld_page('{"@context":"https://schema.org","@type":"NewsArticle","headline":"秋粮收购进展顺利",'
                        '"author":{"@type":"Person","name":"王建国"}}')
    assert [a.name for a in doc.authors] == ["王建国"] and doc.origins["byline"] == "page: JSON-LD author"


def test_an_entity_the_page_prints_stays_as_printed():
    """``&amp;lt;p&amp;gt;`` is printed ``&lt;p&gt;``: trafilatura unescaped it a second time, into ``<p>``."""
    text = "在网页里写作 &lt;p&gt; 的标签，浏览器显示的就是这几个字符，这一段足够长以便提取。"
    second = "第二段：A < B 且 C > D，AT&T 公司，&amp; 也照印。"
    html = (f"<html><head><meta charset='utf-8'><title>标签_示例网</title></head><body><div class='article'>"
            f"<h1>标签</h1><p>{escape(text)}</p><p>{escape(second)}</p></div></body></html>")
    doc = build_document(html.encode(), "e", "e.html")
    assert doc.paragraphs == (text, second)


def test_a_page_whose_text_a_script_writes_is_refused_by_name(tmp_path):
    """Saved before its script ran, such a page holds a title and no article (``<noscript>``'s plea is no
    text of it): it was indexed as an article of no paragraph."""
    page = tmp_path / "loading.html"
    page.write_text("<html><head><meta charset='utf-8'><title>加载中</title><script>var articleContent='正文';"
                    "</script></head><body><noscript>请开启JavaScript</noscript><div id='app'></div></body></html>",
                    encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        load_seed(page, tmp_path)
    assert "loading.html" in str(refused.value) and "no article text" in str(refused.value)
    # A page that prints a headline alone (its <h1>) is an article, as a text file of one line is.
    flash = build_document("<html><body><h1>快讯：长江大桥今日通车</h1></body></html>".encode(), "k", "k.html")
    assert flash.title == "快讯：长江大桥今日通车" and flash.paragraphs == ()


def test_a_gbk_page_with_a_stray_byte_that_declares_latin1_is_refused_not_read_as_letters():
    html = f"<html><head><meta charset='iso-8859-1'><title>丰收</title></head><body>{_GBK_ARTICLE}</body></html>"
    data = html.encode("gbk")
    data = data[:120] + b"\xff" + data[120:]
    with pytest.raises(SourceError) as refused:
        decode_page(data, "stray.html")
    assert "stray.html" in str(refused.value) and "GBK" in str(refused.value)


def test_the_json_ld_publisher_is_the_publication_when_the_page_names_no_other():
    ld = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"城市书房夜读人气旺",'
          '"publisher":{"@type":"Organization","name":"钱塘晚报"},"datePublished":"2022-02-14"}')
    html = (f"<html><head><meta charset='utf-8'><title>城市书房</title><script type='application/ld+json'>{ld}"
            "</script></head><body><div class='content'><p>城市书房的夜读人气越来越旺，不少市民下班后专门赶来看书。</p>"
            "<p>第二段正文，写得足够长，让提取器把它当作文章的一部分。</p></div></body></html>")
    doc = build_document(html.encode(), "j", "j.html")
    assert (doc.publication, doc.origins["publication"]) == ("钱塘晚报", "page: JSON-LD publisher")
    assert doc.date == "2022-02-14"


@pytest.mark.parametrize(("declared", "codec", "body", "expected"), [
    ("iso-8859-1", "gbk", "好", "gb18030"),
    ("iso-8859-1", "gbk", "搬迁1210户，改造危旧房屋430余户，硬化通达", "gb18030"),
    ("windows-1252", "gbk", "“脱贫”", "gb18030"),
    ("koi8-r", "koi8-r", "году", "koi8-r"), ("windows-1251", "cp1251", "Москва", "cp1251"),
    ("iso-8859-1", "latin-1", "élève", "cp1252"),
])
def test_a_short_page_is_read_by_its_charset_s_family_not_judged(declared, codec, body, expected):
    """Too few bytes for charset-normalizer to judge by (a review found it misread short pages both ways): a
    Western charset on a page GB18030 reads into common Chinese is GBK; any other is taken at its word."""
    html = (f"<html><head><meta charset='{declared}'><script>var a = 1;</script><style>p {{}}</style></head>"
            f"<body><p>{body}</p></body></html>")
    data = html.encode(codec)
    data.decode("gb18030")  # GB18030 reads each of them too
    assert decode_page(data, "s.html") == (html, expected)


@pytest.mark.parametrize(("info", "date", "authors"), [
    ("2020年12月15日08:18 | 来源：人民日报", "2020-12-15", []),
    ("2020-01-15 10:23 作者：刘晓梅 | 来源：江汉日报", "2020-01-15", ["刘晓梅"]),
])
def test_a_date_line_parted_by_bars_gives_its_date_source_and_author(info, date, authors):
    """人民网's layout ("日期 | 来源：…") gave no date; an author named in the line was lost with it."""
    html = _portal("秋收忙", ["各地秋粮收购进展顺利，农民卖粮不再难，收购价格稳中有升。"]).replace(
        "2019-07-18 09:12 来源：示例日报", info)
    doc = build_document(html.encode(), "d", "d.html")
    assert (doc.date, [a.name for a in doc.authors]) == (date, authors)
    assert doc.paragraphs == ("各地秋粮收购进展顺利，农民卖粮不再难，收购价格稳中有升。",)


def test_share_targets_and_a_correction_button_after_the_article_are_furniture():
    body = ["各地秋粮收购进展顺利，农民卖粮不再难，收购价格稳中有升。",
            "第二段正文，写得足够长，让提取器把它当作文章的一部分。"]
    html = _portal("秋收忙", body).replace("<p>（责任编辑：张三）</p>",
                                          "<p>【我要纠错】 责任编辑：王晓</p><p>分享到</p><p>微信</p><p>微博</p>")
    doc = build_document(html.encode(), "f", "f.html")
    assert list(doc.paragraphs) == body


def test_the_repair_log_moves_no_headline_the_page_did_not_print_as_a_line():
    """The headline and subtitle come from the page's markup (their origins say so): the log listed them as
    lines taken out of the text, the subtitle with a dash the page never printed."""
    html = ("<html><head><meta charset='utf-8'><title>秋收忙_示例网</title></head><body><div class='article'>"
            "<h1>秋收忙</h1><h2>记某县的秋收</h2><div class='content'><p>本报记者 王五</p>"
            "<p>各地秋粮收购进展顺利，农民卖粮不再难，收购价格稳中有升。</p>"
            "<p>第二段正文，写得足够长，让提取器把它当作文章的一部分。</p></div></div></body></html>")
    doc = build_document(html.encode(), "r", "r.html")
    assert (doc.title, doc.subtitle, doc.byline) == ("秋收忙", "记某县的秋收", "本报记者 王五")
    assert [r.before for r in doc.repairs if r.rule == "front-matter"] == ["本报记者 王五"]


@pytest.mark.parametrize(("edition", "where"), [
    ("《人民日报》（2020年01月15日 第04版）", "after"), ("《 人民日报 》（ 2020年01月15日 04 版）", "after"),
    ("《人民日报》（2020年1月15日 第4版）", "before")])
def test_the_print_edition_s_line_gives_the_newspaper_date_and_page(edition, where):
    first = "今年春节假期，全市接待游客人数和旅游收入均创历史新高，各大景区人气火爆。"
    paragraphs = [first, edition] if where == "after" else [edition, first]
    doc = build_document(_portal("春节旅游", paragraphs).encode(), "p", "p.html")
    assert doc.paragraphs == (first,)
    assert (doc.publication, doc.date, doc.page, doc.year) == ("人民日报", "2020-01-15", "4", 2020)
    assert {doc.origins[k] for k in ("publication", "date", "page")} == {"page: the print edition's line"}
    assert edition in [r.before for r in doc.repairs if r.rule == "page"]
    from archive.cite import cite

    assert "人民日报, 2020-01-15(4)" in cite(doc, 1, "gbt7714", "https://example.org/p")


def test_a_paragraph_that_names_a_newspaper_s_edition_in_a_sentence_stays():
    first = "今年春节假期，全市接待游客人数和旅游收入均创历史新高，各大景区人气火爆。"
    quoted = "《人民日报》（2020年01月15日 第04版）刊发了这篇报道。"
    doc = build_document(_portal("春节旅游", [first, quoted]).encode(), "q", "q.html")
    assert doc.paragraphs == (first, quoted) and doc.page is None


def test_a_date_line_whose_parts_are_elements_of_their_own_is_read_whole():
    info = "<p>发布时间：<span>2020-01-15 08:00</span> 来源：<a>江汉日报</a></p>"
    first = "今年的稻谷亩产比去年高了一百多斤，合作社统一收购，农民的收入也跟着涨了起来。"
    doc = build_document(_portal("丰收", [first], info=info).encode(), "h", "h.html")
    assert doc.paragraphs == (first,)
    assert (doc.publication, doc.date) == ("江汉日报", "2020-01-15")
    assert doc.origins["publication"] == "page: the source line (来源)"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=6), st.text("中文頁面abc，。").map(lambda t: t.encode("gb18030"))),
                max_size=12).map(b"".join))
def test_stray_bytes_are_counted_as_a_replacing_decode_would_mark_them(data):
    assume(b"\x84\x31\xa4\x37" not in data)  # GB18030's own U+FFFD would be counted by the replacing decode
    replaced = data.decode("gb18030", errors="replace")
    assert _gb18030_and_stray(data) == (replaced.replace("\ufffd", ""), replaced.count("\ufffd"))
