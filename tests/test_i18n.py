"""The interface's language (issue 14): Simplified Chinese by default, English on request, and every
message of the site in the Chinese catalog."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "web" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_chinese_by_default(zh_client):
    page = zh_client.get("/docs")
    assert html_lang(page) == "zh-CN"
    text = page.get_data(as_text=True)
    assert "全部文章" in text and "All articles" not in text


def test_english_by_lang_then_remembered_by_the_cookie(zh_client):
    page = zh_client.get("/docs?lang=en")
    assert html_lang(page) == "en" and "All articles" in page.get_data(as_text=True)
    assert "lang=en" in page.headers["Set-Cookie"]
    # The cookie now says English; no ?lang= needed.
    assert html_lang(zh_client.get("/docs")) == "en"
    # ?lang= wins over the cookie, and replaces it.
    assert html_lang(zh_client.get("/docs?lang=zh-CN")) == "zh-CN"
    assert html_lang(zh_client.get("/docs")) == "zh-CN"


@pytest.mark.parametrize(("header", "lang"), [
    ("en-US,en;q=0.9", "en"), ("en-GB", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
    ("zh-TW", "zh-CN"),  # no Traditional catalog: a Chinese reader still gets Chinese
    ("fr-FR, en;q=0.5", "en"), ("de", "zh-CN"), ("", "zh-CN"),
    # Equal weights: the browser's own order decides.
    ("en-US,zh-CN", "en"), ("zh-CN,en-US", "zh-CN"), ("zh;q=0.5,en;q=0.9", "en"), ("en;q=0,zh", "zh-CN"),
])
def test_accept_language_when_nothing_else_says(zh_client, header, lang):
    assert html_lang(zh_client.get("/docs", headers={"Accept-Language": header})) == lang


def test_the_cookie_wins_over_accept_language(zh_client):
    zh_client.set_cookie("lang", "zh-CN")
    assert html_lang(zh_client.get("/docs", headers={"Accept-Language": "en"})) == "zh-CN"


def test_a_lang_nobody_speaks_is_ignored(zh_client):
    page = zh_client.get("/docs?lang=xx", headers={"Accept-Language": "en"})
    assert html_lang(page) == "en" and "Set-Cookie" not in page.headers


def test_every_page_has_a_switch_to_the_other_language_keeping_its_arguments(zh_client):
    text = zh_client.get("/docs?sort=year&order=desc").get_data(as_text=True)
    switch = re.search(r'<a class="lang" lang="en"[^>]*href="([^"]+)"', text).group(1)
    assert "sort=year" in switch and "order=desc" in switch and "lang=en" in switch
    assert html_lang(zh_client.get(switch.replace("&amp;", "&"))) == "en"


def test_errors_in_the_readers_language_and_english_in_the_api(zh_client):
    zh = zh_client.get("/search?q=%22abc").get_data(as_text=True)
    assert "引号不配对" in zh and "unbalanced" not in zh
    en = zh_client.get("/search?q=%22abc&lang=en").get_data(as_text=True)
    assert "unbalanced quote" in en
    api = zh_client.get("/api/search?q=%22abc", headers={"Accept-Language": "zh-CN"})
    assert api.json["error"].startswith("unbalanced quote") and "Set-Cookie" not in api.headers
    assert "没有第 99 段" in zh_client.get("/doc/002_4d89ad2df1300591/cite/99?lang=zh-CN").get_data(as_text=True)


def test_a_translated_message_escapes_what_the_user_typed(zh_client):
    text = zh_client.get("/search?q=%22<b>x").get_data(as_text=True)
    assert "<b>x" not in text and "&lt;b&gt;x" in text


def test_the_catalog_holds_every_message_of_the_code_translated(tmp_path):
    """``make messages`` was run after the last change to a message, and every message is translated with
    the same placeholders: a new English string cannot reach a Chinese page untranslated."""
    pot = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
                    "-k", "N_", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with PO.open("rb") as fh:
        catalog = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(fh) if m.id}
    assert wanted - set(catalog) == set(), "run `make messages` and translate"
    for msgid in wanted:
        message = catalog[msgid]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, msgid
        for s in strings:
            assert sorted(re.findall(r"%\(\w+\)\w", s)) == sorted(set(re.findall(r"%\(\w+\)\w", msgid))), msgid


def summary(response) -> str:
    text = re.search(r'<p class="summary">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def test_english_counts_one_thing_and_many_things(client):
    assert client.get("/api/search?q=一肩挑").json["total"] == 1
    assert summary(client.get("/search?q=一肩挑")).startswith("1 document matches")
    many = client.get("/api/search?q=党建").json["total"]
    assert many > 1 and summary(client.get("/search?q=党建")).startswith(f"{many} documents match")
    assert summary(client.get("/kwic?q=一肩挑")).startswith("1 occurrence of 一肩挑 in 1 document (")
    kwic = client.get("/api/kwic?q=党建").json
    assert summary(client.get("/kwic?q=党建")).startswith(
        f"{kwic['occurrences']} occurrences of 党建 in {kwic['documents']} documents (")
    assert summary(client.get("/docs")) == "5 articles, sorted by title."
    doc = client.get("/doc/000_facb8668b9a49bed").get_data(as_text=True)
    assert re.search(r"\b\d+ paragraphs\b", doc) and "1 paragraphs" not in doc


def test_chinese_counts_read_as_chinese(zh_client):
    assert summary(zh_client.get("/search?q=一肩挑")).startswith("1 篇文章符合")
    assert summary(zh_client.get("/kwic?q=一肩挑")).startswith("一肩挑 出现 1 次，见于 1 篇文章")


def test_repair_notes_and_rule_names_in_the_readers_language(zh_client, seed_docs):
    doc = seed_docs["002"]
    zh = zh_client.get("/doc/002_4d89ad2df1300591").get_data(as_text=True)
    assert "乱码修复（GBK）" in zh and "删除采集程序加入的拼音注音（zhèn）" in zh
    assert "由首字节 E6 和拼音 zhèn 确定（唯一符合的繁体规范字）" in zh  # a note made of nested phrases
    en = zh_client.get("/doc/002_4d89ad2df1300591?lang=en").get_data(as_text=True)
    # In English the page says what the API and the CLI say: the note as recorded.
    for repair in doc.repairs:
        assert html_escape(repair.note) in en, repair.note


def html_escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@pytest.mark.parametrize("path", [
    "/doc/000_facb8668b9a49bed?doc_id=x&q=党建", "/doc/000_facb8668b9a49bed/cite/1?n=3",
    "/search?q=党建&endpoint=y&_anchor=z&_external=1&_method=POST", "/no/such/page?x=1", "/kwic?q=党建&sort=zz",
])
def test_the_switch_keeps_the_page_and_its_arguments_whatever_they_are_called(zh_client, path):
    page = zh_client.get(path)
    assert page.status_code in (200, 404), path  # never a 500 because of a query-string key
    text = page.get_data(as_text=True)
    switch = re.search(r'<a class="lang" lang="en"[^>]*href="([^"]+)"', text).group(1).replace("&amp;", "&")
    want_path, _, want_query = path.partition("?")
    got_path, _, got_query = switch.partition("?")
    from urllib.parse import parse_qsl, unquote
    assert unquote(got_path) == want_path and got_path.startswith("/")
    assert parse_qsl(got_query) == [*parse_qsl(want_query), ("lang", "en")]
    assert html_lang(zh_client.get(switch)) == "en"


@pytest.mark.parametrize(("value", "lang"),
                         [("en-US", "en"), ("EN_gb", "en"), ("zh-TW", "zh-CN"), ("zh_Hant", "zh-CN")])
def test_a_regional_lang_is_its_language(zh_client, value, lang):
    assert html_lang(zh_client.get(f"/docs?lang={value}")) == lang


def test_pages_vary_by_language_and_the_api_does_not(zh_client):
    page = zh_client.get("/docs")
    assert {"Accept-Language", "Cookie"} <= set(page.vary) and page.headers["Content-Language"] == "zh-CN"
    assert zh_client.get("/docs?lang=en").headers["Content-Language"] == "en"
    api = zh_client.get("/api/search?q=党建")
    assert "Accept-Language" not in api.vary and "Content-Language" not in api.headers
