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
