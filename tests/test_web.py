"""Every route through Flask's test client, with good and bad input."""

import re

import pytest


def test_home(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "5 articles" in r.text and 'name="q"' in r.text and "Query syntax" in r.text


def test_search_page(client):
    r = client.get("/search", query_string={"q": '"一肩挑"'})
    assert r.status_code == 200
    assert "<strong>1</strong> documents match" in r.text
    assert "<mark>一肩挑</mark>" in r.text
    assert re.search(r'href="/doc/000_facb8668b9a49bed\?q=[^"]*#p8"', r.text)
    assert 'value="&#34;一肩挑&#34;"' in r.text or 'value="&quot;一肩挑&quot;"' in r.text  # query box keeps the query


def test_search_facets_and_pagination(app, client):
    app.config["PAGE_SIZE"] = 2
    r = client.get("/search", query_string={"q": "党建"})
    assert "Page 1 of 3" in r.text and 'rel="next"' in r.text
    assert "Year" in r.text and "2019" in r.text and "Place" in r.text and "Author" in r.text
    r = client.get("/search", query_string={"q": "党建", "page": "3"})
    assert "Page 3 of 3" in r.text and r.text.count('class="hit"') == 1


@pytest.mark.parametrize("q", ['"abc', "(党建", "year:abc", "OR", "x" * 10_000])
def test_malformed_query_is_explained(client, q):
    r = client.get("/search", query_string={"q": q})
    assert r.status_code == 400
    assert 'class="error"' in r.text and "Query syntax" in r.text


@pytest.mark.parametrize("qs", [{"q": ""}, {"q": "   "}, {"q": "党建", "page": "-1"}, {"q": "党建", "page": "abc"},
                                {"q": "党建", "page": "99999999999"}])
def test_odd_parameters(client, qs):
    r = client.get("/search", query_string=qs)
    assert r.status_code == 200


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
    r = client.get("/doc/000_facb8668b9a49bed", query_string={"q": '"一肩挑"'})
    assert r.status_code == 200
    doc = seed_docs["000"]
    for n in range(1, len(doc.paragraphs) + 1):
        assert f'id="p{n}"' in r.text
    assert "<mark>一肩挑</mark>" in r.text and "in ¶8" in r.text
    assert 'id="cite-p8"' in r.text and "[N]" in r.text and "@article" in r.text
    r = client.get("/doc/002_4d89ad2df1300591")
    assert "What cleaning changed (436)" in r.text and "〓”宋河鎮" in r.text
    assert "No title is printed" in r.text


def test_unknown_document_and_paths(client):
    assert client.get("/doc/nope").status_code == 404
    assert client.get("/doc/../../etc/passwd").status_code == 404
    assert client.get("/doc/..%2F..%2Fsetup.cfg").status_code == 404
    assert client.get("/api/doc/nope").get_json() == {"error": "not found"}


def test_headers(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_api_search_matches_cli_json(client, seed_index):
    from click.testing import CliRunner

    from cli.main import main

    api = client.get("/api/search", query_string={"q": '"党组织书记"'}).get_json()
    cli = CliRunner().invoke(main, ["search", '"党组织书记"', "--json", "--index-dir", str(seed_index)])
    import json

    cli_data = json.loads(cli.output)
    for data in (api, cli_data):
        data.pop("took_ms")
    assert api == cli_data
    assert list(api)[:3] == ["query", "total", "offset"] or list(api)[:2] == ["query", "total"]


@pytest.mark.parametrize("qs, status", [
    ({"q": '"abc'}, 400), ({"q": ""}, 400), ({"q": "党建", "limit": "100000000"}, 200),
    ({"q": "党建", "limit": "-5"}, 200), ({"q": "党建", "offset": "-1"}, 200), ({"q": "x" * 10_000}, 400),
])
def test_api_bad_input(client, qs, status):
    r = client.get("/api/search", query_string=qs)
    assert r.status_code == status
    data = r.get_json()
    assert ("error" in data) == (status >= 400)
    if status == 200:
        assert data["limit"] <= 1000 and data["offset"] >= 0


def test_api_doc(client, seed_docs):
    data = client.get("/api/doc/004_0a8221172ae4e7ee").get_json()
    assert data["paragraphs"] == list(seed_docs["004"].paragraphs)
    assert data["url"] == "/doc/004_0a8221172ae4e7ee"
    assert [a["name"] for a in data["authors"]] == ["王凤侠", "刘一帆"]


def test_every_setting_is_documented():
    from pathlib import Path

    from web import create_app

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Web settings", 1)[1].split("\n## ", 1)[0]
    defaults = set(create_app({"INDEX_DIR": "/nonexistent"}).config) - set(
        __import__("flask").Flask("x").config)
    assert defaults == {"INDEX_DIR", "PAGE_SIZE", "BASE_URL"}
    for key in defaults:
        assert f"`{key}`" in section, key
