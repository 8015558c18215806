"""The API's OpenAPI document (issue 15): valid OpenAPI 3.1, and true. Every operation it documents is called
on the seeds, with its examples, with each documented parameter at its bounds and past them, and in every
documented error; each answer is checked against the schema the document gives for its status, by
``jsonschema`` (the library openapi-spec-validator runs on), never by hand."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.http import parse_options_header

from tests.conftest import english

BASE = "urn:archive-api"  # the document's address for the validator: its $refs resolve inside it


@pytest.fixture(scope="module")
def spec(seed_index) -> dict:
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(seed_index)}).test_client()
    r = client.get("/api/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


@pytest.fixture(scope="module")
def registry(spec) -> Registry:
    return Registry().with_resource(BASE, Resource.from_contents(spec, default_specification=DRAFT202012))


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _ref_parts(ref: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in ref.removeprefix("#").removeprefix("/").split("/")]


def response_of(spec: dict, path: str, method: str, status: int) -> tuple[str, dict]:
    """The documented response for ``status`` (or ``default``), ``$ref`` followed, and its pointer."""
    responses = spec["paths"][path][method]["responses"]
    key = str(status) if str(status) in responses else "default"
    assert key in responses, f"{method.upper()} {path} does not document {status}"
    pointer = _pointer("paths", path, method, "responses", key)
    response = responses[key]
    while "$ref" in response:
        pointer = response["$ref"].removeprefix("#")
        response = spec
        for part in _ref_parts(pointer):
            response = response[part]
    return pointer, response


def check_answer(spec: dict, registry: Registry, path: str, method: str, r) -> str:
    """``r`` is what the document says ``method path`` answers with its status: a documented content type,
    a JSON body valid against the documented schema, the documented headers. Returns the status key."""
    pointer, response = response_of(spec, path, method, r.status_code)
    assert r.mimetype in response["content"], (path, r.status_code, r.mimetype)
    r.get_data()  # a streamed file read to its end, in its request's context
    r.close()
    if r.mimetype == "application/json":
        schema = {"$ref": f"{BASE}#{pointer}{_pointer('content', 'application/json', 'schema')}"}
        Draft202012Validator(schema, registry=registry).validate(r.get_json())
    for name in response.get("headers", {}):
        if name in r.headers and response["headers"][name]["schema"]["type"] == "integer":
            assert r.headers[name].isdigit(), name
    return str(r.status_code) if str(r.status_code) in spec["paths"][path][method]["responses"] else "default"


def call(client, path: str, method: str, params: dict):
    """``method path`` with ``params``: path parameters in the path, the rest in the query string, or for a
    POST the JSON body."""
    where = path
    for key in re.findall(r"{(\w+)}", path):
        where = where.replace(f"{{{key}}}", str(params.pop(key)))
    if method == "post":
        return client.post(where, json=params)
    return client.open(where, method=method.upper(), query_string={k: str(v) for k, v in params.items()})


def operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_the_document_is_valid_openapi_3_1(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert set(spec["components"]["schemas"]) >= {"SearchPage", "Hit", "Passage", "Facet", "Concordance", "Line",
                                                  "Document", "Repair", "Author", "Error"}


def test_the_document_describes_every_route_of_the_api(app, spec):
    # Path parameters compared by place, not name (Flask's <doc_id> is the document's {id}).
    routes = {(re.sub(r"<[^>]+>", "{}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/") and rule.rule != "/api/"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == {(re.sub(r"{\w+}", "{}", path), method) for path, method, _ in operations(spec)}


def test_its_own_examples_fit_its_schemas(spec, registry):
    for path, method, op in operations(spec):
        by_name = {p["name"]: p for p in op.get("parameters", ())}
        for p in by_name.values():
            if "example" in p:
                Draft202012Validator(p["schema"]).validate(p["example"])
        for example in op.get("x-examples", ()):
            for name, value in example.items():
                Draft202012Validator(by_name[name]["schema"]).validate(value)
        if "requestBody" in op:
            body = op["requestBody"]["content"]["application/json"]
            pointer = _pointer("paths", path, method, "requestBody", "content", "application/json", "schema")
            schema = {"$ref": f"{BASE}#{pointer}"}
            Draft202012Validator(schema, registry=registry).validate(body["example"])


def test_every_documented_answer_is_given_as_documented(app, client, spec, registry, tmp_path):
    """Each operation: its examples (200), bad values of each of its parameters and a parameter it does not
    take (400), an unknown document
    (404), a search past its time limit and an index that is not there (503), a method the path does not
    take (the default error). Every status every operation documents is seen."""
    from web import create_app

    seen: set[tuple[str, str, str]] = set()

    def ask(client, path, method, params):
        r = call(client, path, method, dict(params))
        seen.add((path, method, check_answer(spec, registry, path, method, r)))
        return r

    for path, method, op in operations(spec):
        for example in op.get("x-examples", ()):
            assert ask(client, path, method, example).status_code == 200, (path, example)
        if method == "post":
            example = op["requestBody"]["content"]["application/json"]["example"]
            assert ask(client, path, method, example).status_code == 200
            for bad in ({**example, "limit": "5"}, {**example, "q": 5}, {**example, "sort": "date"}, [example]):
                r = client.post(path, json=bad)
                seen.add((path, method, check_answer(spec, registry, path, method, r)))
                assert r.status_code == 400
        for p in op.get("parameters", ()):
            example = op["x-examples"][0]
            for bad in bad_values(p["schema"]):
                r = ask(client, path, method, {**example, p["name"]: bad})
                expected = 404 if p["in"] == "path" else 400
                assert r.status_code == expected, (path, p["name"], bad, r.get_json())
                if p["name"] == "q":  # the query: the search says what is wrong with it, and echoes it
                    assert r.get_json()["query"] == bad
                elif expected == 400:
                    assert r.get_json()["parameter"] == p["name"] and p["name"] in r.get_json()["error"]
        if method == "get" and "400" in op["responses"]:
            # A parameter the operation does not take (misspelt, or another endpoint's) is refused by name.
            r = ask(client, path, method, {**op["x-examples"][0], "bogus": "1"})
            assert r.status_code == 400 and r.get_json()["parameter"] == "bogus", (path, r.get_json())
        r = client.open(path.replace("{id}", "x"), method="DELETE")
        seen.add((path, method, check_answer(spec, registry, path, method, r)))
        assert r.status_code == 405

    slow = create_app({"TESTING": True, "INDEX_DIR": app.config["INDEX_DIR"], "SEARCH_TIME_LIMIT": 0})
    gone = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "no-index")})
    for path, method, op in operations(spec):
        if "503" in op["responses"]:
            example = op.get("x-examples", [None])[0] or op["requestBody"]["content"]["application/json"]["example"]
            r = ask(english(gone.test_client()), path, method, example)
            assert r.status_code == 503 and "Retry-After" not in r.headers
            if "id" not in example:  # the time limit is a search's
                r = ask(english(slow.test_client()), path, method, {**example, "q": '"党建"'})
                assert r.status_code == 503 and r.headers["Retry-After"] == "5"

    documented = {(path, method, status) for path, method, op in operations(spec) for status in op["responses"]}
    assert documented - seen == set()


def bad_values(schema: dict) -> list[str]:
    """Values the schema refuses, as a query string would carry them."""
    if "enum" in schema:
        return ["x", schema["enum"][0].upper(), ""]
    if schema.get("type") == "integer":
        return ["abc", "1.5", "", " 1", str(schema["minimum"] - 1), str(schema["maximum"] + 1)]
    if schema.get("type") == "string" and "maxLength" in schema:
        return ["党" * (schema["maxLength"] + 1)]
    return ["nope"]  # the document's id


@pytest.mark.parametrize("path, name", [
    ("/api/search", "limit"), ("/api/search", "offset"), ("/api/kwic", "width"), ("/api/kwic", "limit"),
    ("/api/kwic", "offset"),
])
def test_an_integer_is_taken_at_its_bounds(client, spec, registry, path, name):
    (schema,) = [p["schema"] for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name]
    base = {"q": "党建"} | ({"format": "csv"} if (path, name) == ("/api/kwic", "limit") else {})
    for value in (schema["minimum"], schema["maximum"]):
        r = client.get(path, query_string={**base, name: value})
        check_answer(spec, registry, path, "get", r)
        assert r.status_code == 200, (name, value, r.get_json() if r.is_json else None)


def test_the_concordance_s_json_page_is_smaller_than_its_file(client):
    r = client.get("/api/kwic", query_string={"q": "党建", "limit": 1001})
    assert r.status_code == 400 and r.get_json() == {
        "error": "limit must be an integer from 0 to 1,000, not '1001'", "parameter": "limit"}
    assert client.get("/api/kwic", query_string={"q": "党建", "limit": 1001, "format": "csv"}).status_code == 200


@pytest.mark.parametrize("args, message", [
    ({"limit": "abc"}, "limit must be an integer from 0 to 1,000, not 'abc'"),
    ({"offset": "-1"}, "offset must be an integer from 0 to 1,000,000,000, not '-1'"),
    ({"sort": "x"}, "sort must be one of relevance, year, title, not 'x'"),
    ({"order": "sideways"}, "order must be one of asc, desc, not 'sideways'"),
    ({"limit": ["1", "2"]}, "limit is given 2 times; give it once"),
])
def test_a_bad_value_is_refused_with_what_is_allowed(client, args, message):
    r = client.get("/api/search", query_string={"q": "党建", **args})
    assert r.status_code == 400 and r.get_json() == {"error": message, "parameter": next(iter(args))}
    # The page is lenient: a person who edits an address gets results.
    assert client.get("/search", query_string={"q": "党建", **args}).status_code == 200


@pytest.mark.parametrize("body, message", [
    ({"q": "党建", "limit": "10"}, "limit must be an integer from 0 to 1,000, not '10'"),
    ({"q": "党建", "limit": True}, "limit must be an integer from 0 to 1,000, not true"),
    ({"q": "党建", "offset": 1.5}, "offset must be an integer from 0 to 1,000,000,000, not 1.5"),
    ({"q": "党建", "order": "sideways"}, "order must be one of asc, desc, not 'sideways'"),
    ({"q": ["党建"]}, 'q must be a string, not ["党建"]'),
    ({"q": "党建", "limt": 5}, "unknown field 'limt'; the fields are q, limit, offset, sort, order"),
    ({"q": "党建", "sort": None}, "sort cannot be null; leave it out for its default"),
])
def test_a_posted_search_is_typed(client, body, message):
    r = client.post("/api/search", json=body)
    assert r.status_code == 400 and r.get_json()["error"] == message


def test_a_posted_search_sorts_as_the_address_does(client):
    body = {"q": "党建", "sort": "title", "order": "desc", "limit": 3, "offset": 1}
    posted = client.post("/api/search", json=body).get_json()
    asked = client.get("/api/search", query_string=body).get_json()
    for data in (posted, asked):
        data.pop("took_ms")
    assert posted == asked and posted["sort"] == "title" and posted["order"] == "desc"
    assert len(posted["hits"]) == 3 and posted["offset"] == 1


def _disposition(value: str) -> tuple[str | None, str | None]:
    """The name a browser saves a download under (``filename*`` decoded, RFC 5987, preferred as RFC 6266
    says: Werkzeug reads it so) and the ASCII ``filename`` an older client takes."""
    kind, options = parse_options_header(value)
    plain = re.search(r'filename="([^"]*)"', value)
    assert kind == "attachment"
    return options.get("filename"), plain.group(1) if plain else None


@pytest.mark.parametrize("args, name, ascii_name", [
    ({"q": "党建"}, "kwic-党建.csv", "kwic.csv"),
    ({"q": "“一肩挑”"}, "kwic-一肩挑.csv", "kwic.csv"),  # the phrase, not its quotes
    ({"q": "党建", "limit": 50}, "kwic-党建-1-50.csv", "kwic-1-50.csv"),  # one of several files
    ({"q": "党建", "limit": 50, "offset": 50}, "kwic-党建-51-91.csv", "kwic-51-91.csv"),
    ({"q": "ＡＢＣ"}, "kwic-ＡＢＣ.csv", "kwic-ABC.csv"),
    ({"q": "a/b"}, "kwic-a_b.csv", "kwic-a_b.csv"),
])
def test_a_concordance_file_is_named_after_its_phrase(client, args, name, ascii_name):
    r = client.get("/api/kwic", query_string={"format": "csv", **args})
    assert r.status_code == 200
    header = r.headers["Content-Disposition"]
    assert header.startswith('attachment; filename="')
    assert _disposition(header) == (name, ascii_name)
    assert header.isascii()
    if name != ascii_name:
        assert "filename*=UTF-8''" in header
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "title", "field"]


def test_a_file_name_holds_no_path_and_no_control(client_of):
    client = client_of({"a.txt": "标题\n党建/../\u202eexe\n"})
    r = client.get("/api/kwic", query_string={"q": "党建/../\u202eexe", "format": "csv"})
    name, ascii_name = _disposition(r.headers["Content-Disposition"])
    assert "/" not in name and "\u202e" not in name and name.startswith("kwic-党建") and name.endswith(".csv")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", ascii_name)


# --- the same types everywhere --------------------------------------------------------------------

def test_authors_are_objects_and_years_integers_in_hits_and_facets(client):
    data = client.get("/api/search", query_string={"q": "党建"}).get_json()
    (hit,) = [h for h in data["hits"] if h["id"].startswith("004")]
    assert hit["authors"] == [{"name": "王凤侠", "role": "本报记者"}, {"name": "刘一帆", "role": "通讯员"}]
    assert {type(h["year"]) for h in data["hits"]} == {int, type(None)}
    assert data["facets"]["year"] == [
        {"value": 2019, "count": 1, "query": "党建 year:2019"}, {"value": 2020, "count": 1, "query": "党建 year:2020"},
        {"value": 2023, "count": 1, "query": "党建 year:2023"}, {"value": None, "count": 2, "query": "党建 year:none"}]


def test_each_facet_s_query_finds_exactly_its_count(client):
    facets = client.get("/api/search", query_string={"q": "党建 OR 扶贫"}).get_json()["facets"]
    for field, values in facets.items():
        for facet in values:
            narrowed = client.get("/api/search", query_string={"q": facet["query"], "limit": 100}).get_json()
            assert narrowed["total"] == facet["count"], facet
            for hit in narrowed["hits"]:
                if field == "year":
                    assert hit["year"] == facet["value"]
                elif field == "place":
                    assert hit["place"] is not None


def test_a_document_s_paragraphs_are_numbered_from_one(client, seed_docs):
    data = client.get("/api/doc/000_facb8668b9a49bed").get_json()
    doc = seed_docs["000"]
    assert data["paragraphs"] == [{"n": n, "text": t} for n, t in enumerate(doc.paragraphs, 1)]
    assert data["paragraphs"][7]["n"] == 8 and "一肩挑" in data["paragraphs"][7]["text"]
    assert data["authors"] == [{"name": "吴柳", "role": "本报记者"}]


def test_the_command_line_prints_the_api_s_objects(client, runner, seed_index):
    from cli.main import main

    doc = runner.invoke(main, ["show", "003_a1d20547fb6c16bf", "--json", "--index-dir", str(seed_index)])
    assert doc.exit_code == 0, doc.output
    assert json.loads(doc.output) == client.get("/api/doc/003_a1d20547fb6c16bf").get_json()
    kwic = runner.invoke(main, ["kwic", "一肩挑", "--width", "5", "--limit", "100", "--json",
                                "--index-dir", str(seed_index)])
    assert json.loads(kwic.output) == client.get("/api/kwic", query_string={"q": "一肩挑", "width": 5}).get_json()


# --- the page --------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.inline: list[str] = []  # inline scripts and styles, which the site's CSP refuses

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if "style" in attrs or tag == "style" or (tag == "script" and "src" not in attrs):
            self.inline.append(tag)


def test_the_api_page_lists_every_operation_with_an_example_that_answers(client, spec):
    r = client.get("/api")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = _Links()
    page.feed(r.text)
    assert page.inline == [] and "/api/openapi.json" in page.hrefs
    for path, method, op in operations(spec):
        assert f"<code>{method.upper()} {path}</code>" in r.text
        for p in op.get("parameters", ()):
            assert f"<code>{p['name']}</code>" in r.text
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in r.text
    examples = [h for h in page.hrefs if h.startswith("/api/") and "#" not in h]
    assert len(examples) >= 5
    for href in examples:
        assert client.get(href).status_code == 200, href
    assert "curl -X POST" in r.text
    assert client.get("/api/").status_code == 308


def test_the_api_page_speaks_the_reader_s_language(zh_client, client):
    assert '<html lang="zh-CN"' in zh_client.get("/api").text
    assert '<html lang="en"' in client.get("/api").text and "JSON API" in client.get("/api").text


def test_the_examples_name_a_document_of_the_collection(client_of):
    client = client_of({"mine.txt": "标题\n正文。\n"})
    assert "/api/doc/mine" in client.get("/api").text
    assert client.get("/api/doc/mine").status_code == 200


def test_the_document_is_served_under_the_site_s_root(seed_index):
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(seed_index)}).test_client()
    spec = client.get("/api/openapi.json", base_url="http://localhost/archive").get_json()
    assert spec["servers"] == [{"url": "/archive"}]
    assert "servers" not in client.get("/api/openapi.json").get_json()
    page = client.get("/api", base_url="http://localhost/archive").text
    assert 'href="/archive/api/search?q=' in page

