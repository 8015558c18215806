"""Issue 13 (in progress): requests an attacker would send, each answered plainly."""

from __future__ import annotations

import csv
import io

import pytest

from index.limits import MAX_QUERY_DEPTH


@pytest.mark.parametrize("query", ["(" * 300 + "党建" + ")" * 300, "党建 " + "-" * 961 + "扶贫",
                                   "党建 " + "NOT " * 200 + "扶贫", "(" * (MAX_QUERY_DEPTH + 1) + "党建" + ")" * 51])
def test_deep_nesting_is_a_400_not_a_crash(client, runner, seed_index, query):
    from cli.main import main

    r = client.get("/api/search", query_string={"q": query[:1000]})
    assert r.status_code == 400 and "nests too deeply" in r.get_json()["error"]
    r = client.get("/search", query_string={"q": query[:1000]})
    assert r.status_code == 400 and "nests too deeply" in r.text
    result = runner.invoke(main, ["search", query[:1000], "--index-dir", str(seed_index)])
    assert result.exit_code == 2 and "nests too deeply" in result.output and "Traceback" not in result.output


def test_nesting_up_to_the_limit_still_works(engine):
    query = "(" * MAX_QUERY_DEPTH + '"一肩挑"' + ")" * MAX_QUERY_DEPTH
    assert engine.search(query).total == 1


def test_csv_cells_cannot_start_a_formula(client_of):
    client = client_of({"=cmd.txt": "=HYPERLINK(\"http://evil\")标题\n+党建 @党建 -党建\t党建。\n"})
    r = client.get("/api/kwic", query_string={"q": "党建", "width": 0, "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))[1:]
    assert rows, "the concordance found the fixture"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert rows[0][0] == "'=cmd" and rows[0][1].startswith("'=HYPERLINK")


def test_concordance_queries_have_the_search_limits(client):
    r = client.get("/api/kwic", query_string={"q": "党" * 1001})
    assert r.status_code == 400 and "too long" in r.get_json()["error"]
    r = client.get("/api/kwic", query_string={"q": "\x00"})
    assert r.status_code == 400  # NUL carries no text: nothing to look for, not a 500


def test_a_concordance_page_past_the_last_shows_the_last(client):
    import re

    r = client.get("/kwic", query_string={"q": "的", "page": "9999999"})  # several pages of lines
    shown, pages = map(int, re.search(r"Page (\d+) of (\d+)", r.text).groups())
    assert r.status_code == 200 and shown == pages > 1 and r.text.count("<mark>") > 0


def test_a_year_outside_the_query_language_gets_no_broken_facet_link():
    from index.query import narrow

    assert narrow("党建", "year", "2019") == "党建 year:2019"
    assert narrow("党建", "year", "99999") is None  # year:99999 would answer 400


def test_a_server_opens_no_shared_control_socket(seed_index, tmp_path, start_server):
    home = tmp_path / "home"
    home.mkdir()
    server = start_server(seed_index, workers=1, env={"HOME": str(home), "XDG_RUNTIME_DIR": str(home)})
    import urllib.request

    with urllib.request.urlopen(server.url + "/api/search?q=%E5%85%9A%E5%BB%BA", timeout=10) as r:
        assert r.status == 200
    assert not list(home.rglob("gunicorn.ctl"))  # gunicorn's default would be $XDG_RUNTIME_DIR/gunicorn.ctl


def test_a_forged_host_does_not_become_a_permalink(app, client):
    # Permalinks are on a paragraph's citation page (the document page links to it: issue 13, finding 3).
    for path in ("/doc/000_facb8668b9a49bed", "/doc/000_facb8668b9a49bed/cite/8"):
        r = client.get(path, headers={"Host": "evil.example"})
        assert r.status_code == 400 and "evil.example" not in r.text, path
    r = client.get("/doc/000_facb8668b9a49bed/cite/8", headers={"Host": "127.0.0.1:5000"})
    assert r.status_code == 200 and "http://127.0.0.1:5000/doc/000_facb8668b9a49bed#p8" in r.text
    assert r.headers["Cache-Control"] == "no-cache"


def test_base_url_sets_permalinks_and_is_trusted(seed_index):
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "BASE_URL": "https://archive.example/"}
                        ).test_client()
    r = client.get("/doc/000_facb8668b9a49bed/cite/8", headers={"Host": "archive.example"})
    assert r.status_code == 200 and "https://archive.example/doc/000_facb8668b9a49bed#p8" in r.text


def test_an_id_cannot_inject_a_bibtex_field(client_of):
    client = client_of({"x},note={pwn.txt": "标题\n正文一肩挑。\n"})
    r = client.get("/doc/x%7D%2Cnote%3D%7Bpwn/cite/1")  # the paragraph's citations, linked from its page
    assert r.status_code == 200
    bib = r.text.split('data-style="bibtex">', 1)[1].split("</pre>", 1)[0]
    assert "note = {pwn" not in bib and bib.startswith("@misc{x__note__pwn-p1,")
    (entry,) = __import__("bibtexparser").parse_string(bib).entries
    assert set(entry.fields_dict) == {"title", "url", "urldate", "note"} and entry["note"] == "¶1"


def test_caches_do_not_grow_with_what_queries_bring():
    from index.analysis import FOLD_TABLE_MAX, _FoldTable, fold_char, is_punctuation_or_space

    table = _FoldTable(fold_char)  # a table of its own: the process's tables stay as they are
    every = "".join(chr(c) for c in range(0x20000, 0x20000 + FOLD_TABLE_MAX + 5000))  # Han of plane 2
    assert len(every.translate(table)) == len(every)
    assert len(table) <= FOLD_TABLE_MAX
    assert "瞭解黨建".translate(table) == "了解党建"  # still folding right past the cap
    for n in range(70_000):
        is_punctuation_or_space(f"词{n}")
    assert is_punctuation_or_space.cache_info().currsize <= 65536


def test_a_long_chinese_query_fits_the_request_line(seed_index, start_server):
    import http.client
    import json
    from urllib.parse import quote

    server = start_server(seed_index, workers=1)
    query = "党建" + "的" * 898  # 900 characters: 8,100 bytes percent-encoded, past gunicorn's default 4,094
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/api/search?q=" + quote(query))
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status in (200, 503) and "query" in json.loads(body)  # answered by the app, not refused as too long


# --- finding 1: the concordance is bounded like search -----------------------------------------------


@pytest.mark.parametrize("sort", ["doc", "left", "right"])
def test_concordance_pages_add_up_to_the_whole_concordance(engine, sort):
    from index.kwic import concordance

    whole = concordance(engine, "党建", sort=sort)
    pages = [concordance(engine, "党建", sort=sort, offset=k, limit=7) for k in range(0, whole.occurrences + 7, 7)]
    assert [line for p in pages for line in p.lines] == whole.lines and whole.occurrences == 91
    assert {(p.occurrences, p.documents) for p in pages} == {(91, 5)}  # every page carries the exact counts
    assert all(p.per_year == whole.per_year and p.per_document == whole.per_document for p in pages)
    assert [p.has_more for p in pages[-3:]] == [True, False, False]  # 91 lines: 84–90 is the last page


def test_a_huge_concordance_answers_one_page_and_streams_its_csv(client_of):
    # 60,000 commas in 3 articles: the old concordance answered every line (26 MB of JSON at width 200).
    par = "，党建" * 1000
    client = client_of({f"{k}.txt": f"标题{k}\n" + "\n".join([par] * 20) + "\n" for k in range(3)})
    r = client.get("/api/kwic", query_string={"q": "，", "width": 200, "offset": 30_005})
    data = r.get_json()
    assert r.status_code == 200 and (data["occurrences"], data["documents"]) == (60_000, 3)
    assert len(data["lines"]) == data["limit"] == 100 and len(r.data) < 150_000
    assert data["lines"][0]["id"] == "1" and data["lines"][0]["paragraph"] == 11  # 30,005 = 20,000 + 10 × 1,000 + 5
    r = client.get("/api/kwic", query_string={"q": "，", "format": "csv", "limit": 500, "offset": 100})
    assert r.status_code == 200 and r.is_streamed and r.headers["X-Occurrences"] == "60000"
    assert "offset=600" in r.headers["Link"] and 'rel="next"' in r.headers["Link"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert len(rows) == 501 and rows[1][5] == "，"
    r = client.get("/api/kwic", query_string={"q": "，", "sort": "left", "offset": 9_990, "limit": 20})
    assert r.status_code == 400 and "first 10,000 lines" in r.get_json()["error"]
    r = client.get("/api/kwic", query_string={"q": "，", "sort": "left", "offset": 9_990})
    assert r.status_code == 200 and len(r.get_json()["lines"]) == 10  # the default page ends at the window
    page = client.get("/kwic", query_string={"q": "，", "page": 250})
    assert page.status_code == 200 and "Page 250 of 600" in page.text and page.text.count("<mark>") == 100


def test_the_time_limit_covers_a_sorted_concordance(engine):
    from index.errors import QueryTimeout
    from index.kwic import concordance

    with pytest.raises(QueryTimeout):
        concordance(engine, "的", sort="left", time_limit=1e-6)


def test_cli_concordance_pages(runner, seed_index, engine):
    from cli.main import main
    from index.kwic import concordance

    whole = concordance(engine, "党建").lines
    result = runner.invoke(main, ["kwic", "党建", "--offset", "1", "--limit", "2", "--index-dir", str(seed_index)])
    assert result.exit_code == 0 and result.output.startswith("91 occurrences in 5 documents")
    shown = result.output.splitlines()[1:]
    assert len(shown) == 2 and all(x.id in s and x.match in s for x, s in zip(whole[1:3], shown, strict=True))


def test_a_supplied_title_is_searched_but_holds_no_occurrence(client_of):
    # The first line reads as body (a sentence of clauses): the title is supplied from the file name.
    client = client_of({"党建工作.txt": "党建工作要抓实，抓细，抓好，抓长，见成效。\n第二段也讲党建。\n"})
    doc = client.get("/api/search", query_string={"q": "党建"}).get_json()["hits"][0]
    assert doc["title_supplied"] and "党建" in doc["title"]
    data = client.get("/api/kwic", query_string={"q": "党建"}).get_json()
    assert data["occurrences"] == 2 and {line["field"] for line in data["lines"]} == {"paragraph"}


def test_a_huge_article_is_answered_within_the_time_limit(client_of, seed_docs):
    """Issue 13, finding 2: one big article (under the 5 MB limit) and ``/api/search?q=的`` took the worker
    past gunicorn's 30 s (an HTML 500): snippets took quadratic time, outside the time limit. Under half that
    size here (2 MB)."""
    import time

    text = "".join(p for d in seed_docs.values() for p in d.paragraphs)  # real sentences, many 的
    par = (text * (700_000 // len(text) + 1))[:700_000]
    client = client_of({"big.txt": "一篇很长的文章\n\n" + par + "\n"})
    assert client.get("/api/search", query_string={"q": "一篇"}).status_code == 200  # opened, jieba loaded
    started = time.perf_counter()
    r = client.get("/api/search", query_string={"q": "的"})
    took = time.perf_counter() - started
    assert r.status_code == 200, r.text
    [hit] = r.get_json()["hits"]
    assert len(hit["passages"]) == 3 and all(p["paragraph"] == 1 for p in hit["passages"])
    for p in hit["passages"]:  # every 的 of a shown passage marked
        assert p["html"].count("<mark>的</mark>") == p["text"].count("的") > 0
    # Some 60 ms now, well inside the engine's 5 s limit; the code before took 7.7 s (the full 4.9 MB: 8 to 17
    # minutes), past the limit, which did not cover snippets.
    assert took < 1.0, f"{took:.1f} s"


def test_remembered_concordance_counts_follow_a_rebuild(tmp_path):
    from index.build import build_index
    from index.kwic import concordance
    from index.search import Engine

    src, ix = tmp_path / "src", tmp_path / "ix"
    src.mkdir()
    (src / "a.txt").write_text("标题\n党建，党建。\n", encoding="utf-8")
    build_index([src], ix)
    engine = Engine(ix)
    assert [concordance(engine, "党建").occurrences for _ in range(2)] == [2, 2]  # the second from memory
    (src / "b.txt").write_text("另一篇\n党建。\n", encoding="utf-8")
    build_index([src], ix)
    result = concordance(engine, "党建")
    assert (result.occurrences, result.documents, len(result.lines)) == (3, 2, 3)


def test_a_concordance_file_links_only_to_a_next_file_that_exists(client):
    for args in ({"limit": 0}, {"offset": 91}, {"sort": "left", "offset": 200}):
        r = client.get("/api/kwic", query_string={"q": "党建", "format": "csv", **args})
        assert r.status_code == 200 and "Link" not in r.headers and r.data.startswith(b"\xef\xbb\xbfid,"), args
    r = client.get("/api/kwic", query_string={"q": "党建", "format": "csv", "limit": 90})
    assert "offset=90" in r.headers["Link"] and r.data.count(b"\n") == 91


def test_argument_names_the_api_does_not_take_are_refused_not_passed_on(client):
    # url_for took _method, _external or _anchor in a query string as its own keywords: a 500. Now an
    # unknown argument is a 400 naming it, before any link is built from the request's arguments.
    for name in ("_method", "_external", "_anchor", "endpoint"):
        r = client.get("/api/kwic", query_string={"q": "党建", "format": "csv", "limit": 90, name: "1"})
        assert r.status_code == 400 and r.get_json()["parameter"] == name, name
    r = client.get("/api/kwic", query_string={"q": "党建", "format": "csv", "limit": 90, "sort": "doc"})
    link = r.headers["Link"]
    assert r.status_code == 200 and link.startswith("</api/kwic?") and link.endswith('>; rel="next"')
    assert "sort=doc" in link and "offset=90" in link and "offset=0" not in link


def test_a_query_string_that_is_not_utf8_is_refused_by_the_api(client):
    # Werkzeug reads the bytes as U+FFFD; searched, that would find whatever holds a U+FFFD.
    for path in ("/api/search?q=%ED%A0%80", "/api/kwic?q=%FF%FE", "/api/search?q=%E5%85&limit=5"):
        r = client.get(path)
        assert r.status_code == 400 and r.get_json()["parameter"] == "q", path
        assert "UTF-8" in r.get_json()["error"]
    assert client.get("/api/search?q=%E5%85%9A").status_code == 200  # 党, whole


def test_a_post_body_that_cannot_be_read_says_why(client):
    for body, said in ((b'{"q": "x", "limit": ' + b"9" * 5000 + b"}", "digits"), (b'{"q": "x"', "delimiter"),
                       (b'{"q": "\xff"}', "utf-8")):
        r = client.post("/api/search", data=body, content_type="application/json")
        assert r.status_code == 400 and "body is not JSON" in r.get_json()["error"], r.get_json()
        assert said.lower() in r.get_json()["error"].lower(), r.get_json()
    r = client.post("/api/search", data=b'{"q": "x"}', content_type="text/plain")
    assert r.status_code == 400 and "Content-Type: application/json" in r.get_json()["error"]
