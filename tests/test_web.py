"""Every route through Flask's test client, with good and bad input."""

import re

import pytest


def test_home(client):
    r = client.get("/", query_string={"lang": "en"})
    assert r.status_code == 200
    assert "<strong>5</strong> articles" in r.text and 'name="q"' in r.text and "Query syntax" in r.text


def test_no_index_is_explained_on_every_page(tmp_path):
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    for path in ("/", "/search?q=党建", "/doc/000_facb8668b9a49bed", "/kwic?q=党建"):
        r = client.get(path)
        assert r.status_code == 503 and "`archive build`" in r.text and "索引" in r.text, path  # in Chinese
    r = client.get("/api/search", query_string={"q": "党建"})
    assert r.status_code == 503 and r.get_json() == {"error": f"no index in {tmp_path / 'none'}: build one with "
                                                              "`archive build` (or `make index`)"}


def test_a_byline_match_is_marked(client):
    r = client.get("/search", query_string={"q": "吴柳"})
    assert "本报记者 <mark>吴柳</mark>" in r.text


def test_search_page(client):
    r = client.get("/search", query_string={"q": '"一肩挑"'})
    assert r.status_code == 200
    assert "<strong>1</strong> document matches" in r.text  # English plurals: one document, not "1 documents"
    assert "<mark>一肩挑</mark>" in r.text
    assert re.search(r'href="/doc/000_facb8668b9a49bed\?q=[^"]*#p8"', r.text)
    assert 'value="&#34;一肩挑&#34;"' in r.text or 'value="&quot;一肩挑&quot;"' in r.text  # query box keeps the query


def test_search_facets_and_pagination(app, client):
    app.config["PAGE_SIZE"] = 2
    r = client.get("/search", query_string={"q": "党建", "lang": "en"})
    assert "Page 1 of 3" in r.text and 'rel="next"' in r.text
    assert "Year" in r.text and "2019" in r.text and "Place" in r.text and "Author" in r.text
    r = client.get("/search", query_string={"q": "党建", "page": "3"})
    assert "Page 3 of 3" in r.text and r.text.count('class="hit"') == 1


@pytest.mark.parametrize("q, reason", [('"abc', "unbalanced quote"), ("(党建", "unbalanced parenthesis"),
                                       ("year:abc", "is not a year"), ("OR", "OR needs a term"),
                                       ("x" * 10_000, "query too long")])
def test_malformed_query_is_explained(client, q, reason):
    r = client.get("/search", query_string={"q": q})
    assert r.status_code == 400
    assert 'class="error"' in r.text and "Query syntax" in r.text and reason in r.text
    assert 'name="q" value="' in r.text  # the search box is there to fix the query in


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_asks_for_one(client, q):
    r = client.get("/search", query_string={"q": q, "lang": "en"})
    assert r.status_code == 200 and "Type something to search for." in r.text and 'class="hit"' not in r.text


@pytest.mark.parametrize("page, shown", [("-1", 1), ("abc", 1), ("0", 1), ("99999999999", 3)])
def test_odd_page_numbers_are_clamped(app, client, page, shown):
    app.config["PAGE_SIZE"] = 2
    r = client.get("/search", query_string={"q": "党建", "page": page})
    assert r.status_code == 200 and "<strong>5</strong> documents match" in r.text
    assert f'start="{(shown - 1) * 2 + 1}"' in r.text
    # Five documents, two a page: past the end is the last page, holding the fifth, with a notice.
    assert r.text.count('class="hit"') == (2 if shown == 1 else 1)
    assert ("There is no page" in r.text) == (shown == 3)


def test_script_in_query_is_escaped(client):
    payload = "<script>alert(1)</script>"
    r = client.get("/search", query_string={"q": payload})
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    # JSON carries the query verbatim; it is data, served as JSON with nosniff, never as HTML.
    r = client.get("/api/search", query_string={"q": payload})
    assert r.mimetype == "application/json" and r.get_json()["query"] == payload
    r = client.get("/doc/000_facb8668b9a49bed", query_string={"q": payload})
    assert "<script>alert" not in r.text


def test_document_page(client, seed_docs):
    r = client.get("/doc/000_facb8668b9a49bed", query_string={"q": '"一肩挑"', "lang": "en"})
    assert r.status_code == 200
    doc = seed_docs["000"]
    for n in range(1, len(doc.paragraphs) + 1):
        assert f'id="p{n}"' in r.text
    assert "<mark>一肩挑</mark>" in r.text and 'in <a href="#p8">¶8</a>' in r.text
    # Paragraph 8's cite link goes to its citations' own page; the document page repeats no citation (issue
    # 13: the quotation repeated every paragraph, so the page grew as paragraphs × text).
    # Matched, it carries the query: its quotation is then the sentence matched (tests/test_cite.py).
    assert 'id="cite-p8"' in r.text and 'href="/doc/000_facb8668b9a49bed/cite/8?q=%22%E4%B8%80%E8%82%A9%E6%8C%91%22"' \
        in r.text
    assert "[N/OL]" not in r.text and "@misc" not in r.text
    r = client.get("/doc/000_facb8668b9a49bed/cite/8")
    assert r.status_code == 200 and "[N/OL]" in r.text and "@misc{000_facb8668b9a49bed-p8," in r.text
    assert f"「{doc.paragraphs[7]}」" in r.text
    r = client.get("/doc/002_4d89ad2df1300591", query_string={"lang": "en"})
    assert f"What cleaning changed ({len(seed_docs['002'].repairs)})" in r.text and "〓”宋河鎮" in r.text
    assert len([x for x in seed_docs["002"].repairs if x.rule not in ("front-matter", "width")]) == 436
    assert "No title is printed" in r.text


@pytest.mark.parametrize("path", ["/doc/nope", "/doc/../../etc/passwd", "/doc/..%2F..%2Fsetup.cfg", "/nowhere"])
def test_unknown_document_and_paths(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "<h1>Not found</h1>" in r.text and "[metadata]" not in r.text and "root:" not in r.text


def test_api_errors_are_json(client):
    r = client.get("/api/doc/nope")
    assert (r.status_code, r.get_json()) == (404, {"error": "not found"})
    r = client.post("/api/kwic", data={"q": "党建"})
    assert (r.status_code, r.get_json()) == (405, {"error": "method not allowed"})
    r = client.post("/api/search", data={"q": "党建"})  # POST takes a JSON object (for long queries)
    assert r.status_code == 400 and "JSON object" in r.get_json()["error"]
    r = client.get("/api/nowhere")
    assert (r.status_code, r.get_json()) == (404, {"error": "not found"})


def test_a_search_over_its_time_limit_is_503_with_retry_after(app, client):
    app.config["SEARCH_TIME_LIMIT"] = 0
    for path in ("/api/search", "/search", "/api/kwic", "/kwic"):
        r = client.get(path, query_string={"q": '"党建"'})
        assert r.status_code == 503, path
        assert r.headers["Retry-After"] == "5"
        assert "time limit" in (r.get_json()["error"] if path.startswith("/api/") else r.text)


def test_an_unexpected_failure_is_a_500_page_or_json_not_a_traceback(app, client, monkeypatch):
    import index.search

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handler answers
    monkeypatch.setattr(index.search.Engine, "search", broken)
    r = client.get("/api/search", query_string={"q": "党建"})
    assert r.status_code == 500 and r.get_json() == {"error": "something went wrong"}
    r = client.get("/search", query_string={"q": "党建"})
    assert r.status_code == 500 and "Something went wrong" in r.text and "secret" not in r.text
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]


def test_headers(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_api_search_matches_cli_json(client, seed_index, runner):

    from cli.main import main

    api = client.get("/api/search", query_string={"q": '"党组织书记"'}).get_json()
    cli = runner.invoke(main, ["search", '"党组织书记"', "--json", "--index-dir", str(seed_index)])
    import json

    cli_data = json.loads(cli.output)
    assert list(api) == list(cli_data) == ["query", "total", "took_ms", "offset", "limit", "hits", "facets",
                                           "sort", "order"]
    for data in (api, cli_data):
        data.pop("took_ms")
    assert api == cli_data and api["total"] == 2


@pytest.mark.parametrize("qs, status", [
    ({"q": '"abc'}, 400), ({"q": ""}, 400), ({"q": "党建", "limit": "1000"}, 200), ({"q": "x" * 10_000}, 400),
    # Out of range: refused with what is allowed, no longer clamped in silence (issue 15).
    ({"q": "党建", "limit": "100000000"}, 400), ({"q": "党建", "limit": "-5"}, 400),
    ({"q": "党建", "offset": "-1"}, 400),
])
def test_api_bad_input(client, qs, status):
    r = client.get("/api/search", query_string=qs)
    assert r.status_code == status
    data = r.get_json()
    assert ("error" in data) == (status >= 400)
    if status == 200:
        assert data["limit"] == 1000
    elif set(qs) != {"q"}:  # a parameter's value, not the query, is what is wrong
        assert data["parameter"] in data["error"] and "must be an integer from 0 to" in data["error"]


def test_api_doc(client, seed_docs):
    data = client.get("/api/doc/004_0a8221172ae4e7ee").get_json()
    assert [p["text"] for p in data["paragraphs"]] == list(seed_docs["004"].paragraphs)
    assert [p["n"] for p in data["paragraphs"]] == list(range(1, len(seed_docs["004"].paragraphs) + 1))
    assert data["url"] == "/doc/004_0a8221172ae4e7ee"
    assert [a["name"] for a in data["authors"]] == ["王凤侠", "刘一帆"]


def test_every_setting_is_documented():
    from pathlib import Path

    from web import create_app

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Web settings", 1)[1].split("\n## ", 1)[0]
    defaults = set(create_app({"INDEX_DIR": "/nonexistent"}).config) - set(
        __import__("flask").Flask("x").config)
    assert defaults == {"INDEX_DIR", "PAGE_SIZE", "BASE_URL", "SEARCH_TIME_LIMIT", "EXPORT_LIMIT", "SCAN_HELPER",
                        "SCAN_SPLIT_MB"}
    for key in defaults:
        assert f"`{key}`" in section, key


@pytest.mark.parametrize("query", ['"一肩挑"', "“一肩挑”", "一肩挑"])
def test_a_quoted_phrase_is_shown_in_one_pair_of_quotes(client, query):
    for path in ("/search", "/kwic"):
        page = client.get(path, query_string={"q": query}).text
        assert "<q>一肩挑</q>" in page, path
        assert "<q>&#34;" not in page and "<q>“" not in page, path


def test_a_query_with_a_phrase_and_more_is_shown_as_typed(client):
    page = client.get("/search", query_string={"q": '"一肩挑" 书记'}).text
    assert "<q>&#34;一肩挑&#34; 书记</q>" in page
