"""Issue 14: the results page (sorting, facets as removable filters, a folded facet list on a phone), the
home page (the collection in numbers) and the concordance on a phone. On the real seeds."""

from __future__ import annotations

import html
import json
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cli.main import main
from index import query as q
from index.errors import QueryError, QueryTimeout

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Queries whose facets are clicked through: many documents, one, nearly all, an exclusion, a filter.
FACET_QUERIES = ["党建", "一肩挑", "的", '"黨建" -扶贫', "乡村", "党建 year:2019..2023"]

# --- reading a results page ------------------------------------------------------------------------

def total(page: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong> documents? match", page).group(1))


def hit_ids(page: str) -> list[str]:
    return re.findall(r'<li class="hit">\s*<h2 lang="[^"]+"><a href="/doc/([^"?]+)', page)


def facet_links(page: str) -> list[tuple[str, str, int]]:
    """(value shown, href, count) of every facet value linked in the wide-screen facets."""
    aside = page.split('<aside class="facets">', 1)[1].split("</aside>", 1)[0]
    return [(html.unescape(text), html.unescape(href), int(n)) for href, text, n in
            re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a> <span>(\d+)</span>', aside)]


def chips(page: str) -> list[tuple[str, str | None]]:
    """(label, href to remove it or None) of every filter chip."""
    if '<ul class="chips"' not in page:
        return []
    block = page.split('<ul class="chips"', 1)[1].split("</ul>", 1)[0]
    found = []
    for item in re.findall(r"<li>(.*?)</li>", block, re.S):
        link = re.search(r'<a class="chip"[^>]* href="([^"]+)"[^>]*>([^<]+) <span', item)
        if link:
            found.append((html.unescape(link.group(2)), html.unescape(link.group(1))))
        else:
            found.append((html.unescape(re.search(r'<span class="chip">([^<]+)</span>', item).group(1)), None))
    return found


def query_of(href: str) -> str:
    return parse_qs(urlsplit(href).query)["q"][0]


def api(client, **params) -> dict:
    r = client.get("/api/search", query_string={"limit": "100", **params})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# --- sorting ---------------------------------------------------------------------------------------

def years_in_order(years: list[int | None], descending: bool) -> bool:
    dated = [y for y in years if y is not None]
    k = len(dated)
    return years[k:] == [None] * (len(years) - k) and dated == sorted(dated, reverse=descending)


@pytest.mark.parametrize("query", ["党建", "的", "year:2019..2023 OR 乡村"])
def test_relevance_is_the_default_order(client, query):
    default = api(client, q=query)
    assert default["sort"] == "relevance" and default["order"] is None
    assert [h["id"] for h in api(client, q=query, sort="relevance")["hits"]] == [h["id"] for h in default["hits"]]
    assert [h["id"] for h in api(client, q=query, sort="relevance", order="desc")["hits"]] == [
        h["id"] for h in default["hits"]]  # relevance has one direction: best first


@pytest.mark.parametrize("query", ["党建", "的", "乡村"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_year_order_either_way_puts_documents_without_a_year_last(client, query, order):
    data = api(client, q=query, sort="year", order=order)
    years = [h["year"] for h in data["hits"]]
    assert data["sort"] == "year" and data["order"] == order and len(years) == data["total"]
    assert years_in_order(years, order == "desc"), years
    # Ties (the same year, or no year) in id order, as /docs has them.
    for year in set(years):
        same = [h["id"] for h in data["hits"] if h["year"] == year]
        assert same == sorted(same)
    assert None in years and len({y for y in years if y}) > 1  # the seeds test both: several years, and none


def test_year_orders_on_the_seeds_exactly(client):
    asc = [h["id"][:3] for h in api(client, q="党建", sort="year")["hits"]]
    desc = [h["id"][:3] for h in api(client, q="党建", sort="year", order="desc")["hits"]]
    assert asc == ["000", "001", "004", "002", "003"]  # 2019, 2020, 2023, then the two without a year
    assert desc == ["004", "001", "000", "002", "003"]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_title_order_is_by_code_point_as_on_the_list_of_documents(client, engine, order):
    data = api(client, q="的", sort="title", order=order)
    titles = [h["title"] for h in data["hits"]]
    assert titles == sorted(titles, reverse=order == "desc")  # Python compares str by code point
    assert titles[0 if order == "asc" else -1].startswith("“")  # U+201C sorts before every Han character
    listed = [r.id for r in engine.listing("title", order == "desc", 0, 100)]  # /docs, sorted by SQLite
    assert [h["id"] for h in data["hits"]] == [i for i in listed if i in {h["id"] for h in data["hits"]}]


def test_the_sort_keys_order_titles_and_years_either_way_and_ties_by_id():
    from index.schema import sort_keys

    docs = [("d", "党建", 2019), ("c", "党建引领", None), ("b", "党建a", 1), ("a", "党", 9999), ("e", "“党建”", 2019),
            ("f", "Z", None), ("g", "", 2020), ("h", "党建\x01", 2019), ("i", "党建", 2019), ("0", "党建", None)]
    for descending in (False, True):
        by_title = sorted(docs, key=lambda d: sort_keys(*d)["title_down" if descending else "title_up"])
        assert [(t, i) for i, t, _ in by_title] == sorted(
            ((t, i) for i, t, _ in docs), key=lambda ti: (ti[0] if not descending else _Reversed(ti[0]), ti[1]))
        by_year = sorted(docs, key=lambda d: sort_keys(*d)["year_down" if descending else "year_up"])
        years = [y for _, _, y in by_year]
        assert years_in_order(years, descending), years
        assert all(by_year[k][0] < by_year[k + 1][0] for k in range(len(by_year) - 1) if years[k] == years[k + 1])


class _Reversed(str):
    """A string that sorts the other way."""

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)


@pytest.mark.parametrize("sort, order", [("relevance", "asc"), ("year", "asc"), ("year", "desc"),
                                         ("title", "asc"), ("title", "desc")])
def test_every_order_keeps_the_total_the_facets_and_the_pages(client, sort, order):
    whole = api(client, q="党建", sort=sort, order=order)
    relevance = api(client, q="党建")
    assert whole["total"] == relevance["total"] == 5 and whole["facets"] == relevance["facets"]
    assert sorted(h["id"] for h in whole["hits"]) == sorted(h["id"] for h in relevance["hits"])
    paged = [h["id"] for offset in range(0, 6, 2)
             for h in api(client, q="党建", sort=sort, order=order, limit="2", offset=str(offset))["hits"]]
    assert paged == [h["id"] for h in whole["hits"]]


def test_a_sorted_hit_keeps_its_score_and_passages(client):
    by_relevance = {h["id"]: h for h in api(client, q="党建")["hits"]}
    for hit in api(client, q="党建", sort="year")["hits"]:
        assert hit["score"] == by_relevance[hit["id"]]["score"] > 0
        assert hit["passages"] == by_relevance[hit["id"]]["passages"]


def test_the_page_is_sorted_as_the_api_and_marks_the_current_order(client):
    for sort, order in [("relevance", None), ("year", "asc"), ("year", "desc"), ("title", "asc"), ("title", "desc")]:
        params = {"q": "党建", "lang": "en", "sort": sort, **({"order": order} if order else {})}
        page = client.get("/search", query_string=params).text
        asked = {k: v for k, v in params.items() if k != "lang"}  # the API has no languages: lang is refused
        assert hit_ids(page) == [h["id"] for h in api(client, **asked)["hits"]]
        current = re.findall(r'<strong aria-current="true" data-sort="(\w+)" data-order="(\w+)"', page)
        assert current == [(sort, order or "asc")]
        links = re.findall(r'<a href="([^"]+)" data-sort="(\w+)" data-order="(\w+)"', page)
        assert len(links) == 4  # every other order, one click away, for the same query
        for href, key, direction in links:
            args = parse_qs(urlsplit(html.unescape(href)).query)
            assert args["q"] == ["党建"] and args.get("sort", ["relevance"]) == [key]
            assert args.get("order", ["asc"]) == [direction]


def test_the_order_survives_paging_and_narrowing(app, client):
    app.config["PAGE_SIZE"] = 2
    page = client.get("/search", query_string={"q": "党建", "sort": "year", "order": "desc", "lang": "en"}).text
    nxt = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', page).group(1))
    assert "sort=year" in nxt and "order=desc" in nxt
    assert hit_ids(page) + hit_ids(client.get(nxt).text) == [h["id"] for h in api(
        client, q="党建", sort="year", order="desc")["hits"]][:4]
    for _, href, _ in facet_links(page):
        assert "sort=year" in href and "order=desc" in href


def test_an_unknown_order_is_refused_by_the_api_and_ignored_by_the_page(client):
    for params in ({"sort": "date"}, {"order": "down"}, {"sort": "year", "order": "backwards"}):
        r = client.get("/api/search", query_string={"q": "党建", **params})
        assert r.status_code == 400 and ("sort" in r.get_json()["error"] or "order" in r.get_json()["error"])
        page = client.get("/search", query_string={"q": "党建", **params})
        assert page.status_code == 200 and total(page.text) == 5
    r = client.post("/api/search", json={"q": "党建", "sort": "year", "order": "desc", "limit": 2})
    assert [h["year"] for h in r.get_json()["hits"]] == [2023, 2020]


def test_the_command_line_sorts_as_the_api(runner, seed_index, client):
    result = runner.invoke(main, ["search", "党建", "--sort", "year", "--order", "desc", "--json",
                                  "--index-dir", str(seed_index)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = api(client, q="党建", sort="year", order="desc")["hits"]
    assert [h["id"] for h in data["hits"]] == [h["id"] for h in expected]
    text = runner.invoke(main, ["search", "党建", "--sort", "year", "--index-dir", str(seed_index)]).output
    assert "  2019  score" in text and "  no year  score" in text
    assert runner.invoke(main, ["search", "党建", "--sort", "date", "--index-dir", str(seed_index)]).exit_code == 2


def test_a_sorted_search_keeps_to_the_time_limit(engine):
    # A query of metadata alone scans no text: the sorting itself meets the spent time limit.
    with pytest.raises(QueryTimeout):
        engine.search("year:2019..2023", sort="year", time_limit=0)
    assert engine.search("year:2019..2023", sort="year").total == 3


def test_a_ranking_lists_only_matching_documents(engine):
    """Ranking scores the matching documents, not every document holding a word of the query (a filter
    inside Whoosh's time limit was once ignored, and the documents ``-扶贫`` excludes were listed)."""
    excluded = {h.id for h in engine.search("党建 扶贫", limit=100).hits}
    page = engine.search("党建 -扶贫", limit=100)
    assert page.total == len(page.hits) == 3 and not {h.id for h in page.hits} & excluded


# --- facets as filters -------------------------------------------------------------------------------

@pytest.mark.parametrize("query", FACET_QUERIES)
def test_every_facet_value_finds_its_count_and_its_chip_removes_just_it(client, query):
    before = client.get("/search", query_string={"q": query, "lang": "en"}).text
    links = facet_links(before)
    shown = api(client, q=query)["facets"]
    assert len(links) == sum(len(values) for values in shown.values()) > 0  # every value is a link
    for value, href, count in links:
        after = client.get(href).text
        assert total(after) == count, (query, value)  # clicking a value finds exactly its count
        narrowed = query_of(href)
        assert api(client, q=narrowed)["total"] == count
        added = [c for c in chips(after) if c[0] not in dict(chips(before))]
        assert len(added) == 1 and added[0][0].endswith(": " + value), (added, value)
        # Its chip removes that filter alone: the query, and the total, are what they were.
        assert query_of(added[0][1]) == q.normalize_query(query)
        assert total(client.get(added[0][1]).text) == total(before)


def test_facet_counts_hold_for_every_value_of_the_whole_collection(client, engine):
    """Every facet value of the query that finds everything (not only the top eight): its filter finds it."""
    collection = engine.collection()
    for year, n in collection.years:
        assert engine.search(f"year:{year}").total == n
    assert engine.search("year:none").total == collection.undated == 2
    for place, n in collection.places:
        assert engine.search(q.narrow("", "place", place)).total == n
    assert sum(n for _, n in collection.years) + collection.undated == collection.documents == 5


def test_the_year_facet_counts_the_documents_without_a_year(client):
    data = api(client, q="党建")
    # A year is an integer in the API, the documents without one null; the facet's query says year:none.
    assert data["facets"]["year"][-1] == {"value": None, "count": 2, "query": "党建 year:none"}
    page = client.get("/search", query_string={"q": "党建", "lang": "en"}).text
    [(value, href, count)] = [link for link in facet_links(page) if "year:none" in query_of(link[1])]
    assert value == "no year" and count == 2 and query_of(href) == "党建 year:none"
    narrowed = client.get(href).text
    assert total(narrowed) == 2 and chips(narrowed) == [("Year: no year", "/search?q=%E5%85%9A%E5%BB%BA")]
    assert {h["year"] for h in api(client, q="党建 year:none")["hits"]} == {None}
    assert api(client, q="党建 -year:none")["total"] == 3  # the dated ones
    # No document of 一肩挑 lacks a year: no entry then.
    assert all(v["value"] is not None for v in api(client, q='"一肩挑"')["facets"]["year"])


@pytest.mark.parametrize("typed", ["year:none", "YEAR:None", "year：none", "year:NONE"])
def test_year_none_is_a_query(typed):
    assert q.parse_query(typed) == q.NoYear()


def test_year_none_is_said_in_the_message_for_a_bad_year():
    with pytest.raises(QueryError, match="year:none"):
        q.parse_query("year:nothing")


@pytest.mark.parametrize("query, found", [
    ("党建 year:2019", [("year", "2019", "党建")]),
    ("党建 AND year:2019", [("year", "2019", "党建")]),
    ("year:2019 AND 党建", [("year", "2019", "党建")]),
    ('党建 year:none place:"宋河 镇"',
     [("year", "none", '党建 place:"宋河 镇"'), ("place", "宋河 镇", "党建 year:none")]),
    ("党建 author：吴柳", [("author", "吴柳", "党建")]),
    ("year:2019", [("year", "2019", "")]),  # nothing left: the chip goes home
    ("year:2019 -扶贫", [("year", "2019", None)]),  # what is left only excludes: not removable
    ("党建 -year:2019", []), ("党建 NOT year:2019", []), ("党建 OR year:2019", []), ("year:2019 | 党建", []),
    ("(党建 year:2019)", []), ("title:党建", []), ('"abc', []),
])
def test_the_filters_of_a_query(query, found):
    assert [(f.field, f.value, f.without) for f in q.filters(query)] == found


def test_two_chips_each_remove_their_own_filter(client):
    query = '党建 year:2019..2023 place:"竹溪县丰溪镇"'
    page = client.get("/search", query_string={"q": query, "lang": "en"}).text
    assert total(page) == 1
    labels = dict(chips(page))
    assert set(labels) == {"Year: 2019–2023", "Place: 竹溪县丰溪镇"}
    assert query_of(labels["Year: 2019–2023"]) == '党建 place:"竹溪县丰溪镇"'
    assert query_of(labels["Place: 竹溪县丰溪镇"]) == "党建 year:2019..2023"
    assert total(client.get(labels["Place: 竹溪县丰溪镇"]).text) == 3
    # The value a filter is on is shown as chosen, not as a link adding it again.
    assert '<strong class="active" aria-current="true">竹溪县丰溪镇</strong> <span>1</span>' in page


def test_a_chip_whose_removal_leaves_nothing_goes_home(client):
    page = client.get("/search", query_string={"q": "year:2019", "lang": "en"}).text
    assert chips(page) == [("Year: 2019", "/")]


# --- the home page -------------------------------------------------------------------------------------

def test_the_home_page_shows_the_collection(client):
    page = client.get("/", query_string={"lang": "en"}).text
    assert 'The archive holds <a href="/docs"><strong>5</strong> articles</a>' in page
    years = page.split('<div class="years">', 1)[1].split("</div>", 1)[0]
    assert "2019–2023" in years
    counts = re.findall(r'<a [^>]*href="([^"]+)">([^<]+)</a> <span>(\d+)</span>', years)
    assert [(html.unescape(h), y, int(n)) for h, y, n in counts] == [
        ("/search?q=year:2019", "2019", 1), ("/search?q=year:2020", "2020", 1), ("/search?q=year:2023", "2023", 1),
        ("/search?q=year:none", "no year", 2)]
    places = page.split('<div class="places">', 1)[1].split("</div>", 1)[0]
    for href, place, n in re.findall(r'<a href="([^"]+)">([^<]+)</a> <span>(\d+)</span>', places):
        assert total(client.get(html.unescape(href)).text) == int(n), place
    assert places.count("<li>") == 5
    sample = page.split('<div class="sample">', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="/doc/(\w+)"', sample) == ["004_0a8221172ae4e7ee", "001_e97faf7f5b0c99b6",
                                                        "000_facb8668b9a49bed"]  # the most recent, by year
    assert 'href="/docs?sort=year&amp;order=desc"' in sample
    assert "Query syntax" in page and "<code>year:none</code>" in page


def test_the_home_page_is_worked_out_once_per_index_generation(client, engine):
    client.get("/")
    started = time.perf_counter()
    for _ in range(20):
        client.get("/")
    assert (time.perf_counter() - started) / 20 < 0.1
    assert engine.collection() is engine.collection()


def test_a_home_page_without_years_offers_titles(client_of):
    c = client_of({"b.txt": "乙篇\n\n正文。\n", "a.txt": "甲篇\n\n正文。\n"})
    page = c.get("/", query_string={"lang": "en"}).text
    assert "First by title" in page and '<div class="years">' not in page
    assert re.findall(r'href="/doc/(\w+)"', page.split('<div class="sample">', 1)[1]) == ["b", "a"]  # 乙 < 甲


def test_the_most_recent_are_in_the_order_of_their_dates_within_a_year(client_of):
    c = client_of({"a.txt": "甲篇\n\n正文。\n", "b.txt": "乙篇\n\n正文。\n", "c.txt": "丙篇\n\n正文。\n",
                   "d.txt": "丁篇\n\n正文。\n",
                   "catalog.toml": '[a]\ndate = "2020-03-01"\n[b]\ndate = "2020-11-20"\n[c]\nyear = 2020\n'
                                   '[d]\ndate = "2019-12-31"\n'})
    sample = c.get("/", query_string={"lang": "en"}).text.split('<div class="sample">', 1)[1].split("</div>", 1)[0]
    # 2020-11-20, 2020-03-01, then 2020 with no date, then 2019: not the order of their ids within 2020.
    assert re.findall(r'href="/doc/(\w+)"', sample) == ["b", "a", "c", "d"]
    assert '<time datetime="2020-11-20">2020-11-20</time>' in sample and "丙篇</a> <span class=\"meta\">2020<" in sample
    listed = c.get("/docs", query_string={"sort": "year", "order": "asc"}).text
    at = {i: listed.index(f'href="/doc/{i}"') for i in "abcd"}
    assert sorted(at, key=at.get) == ["d", "a", "b", "c"]  # within 2020 too, the undated last


# --- in a browser ----------------------------------------------------------------------------------------

@pytest.fixture
def phone(browse):
    return browse(390, 844)


@pytest.fixture
def desktop(browse):
    return browse(1280, 900)


def test_on_a_phone_the_first_hit_is_on_the_first_screen_and_the_facets_are_folded(server, phone):
    ARTIFACTS.mkdir(exist_ok=True)
    phone.goto(server + "/search?q=" + urllib.request.quote("党建"))
    first = phone.locator("li.hit").first.bounding_box()
    assert first is not None and 0 <= first["y"] and first["y"] + 40 < 844  # its title is on the first screen
    folded = phone.locator("details.facets-folded")
    assert folded.is_visible() and folded.get_attribute("open") is None
    assert not phone.locator("aside.facets").is_visible()
    assert not folded.locator("a").first.is_visible()  # closed: its values are hidden
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(ARTIFACTS / "results-390.png"))
    folded.locator("summary").click()
    assert folded.locator("a").first.is_visible()


def test_on_a_desktop_the_facets_are_open_beside_the_results(server, desktop):
    desktop.goto(server + "/search?q=" + urllib.request.quote("党建"))
    assert desktop.locator("aside.facets").is_visible()
    assert not desktop.locator("details.facets-folded").is_visible()
    aside, hits = desktop.locator("aside.facets").bounding_box(), desktop.locator("ol.hits").bounding_box()
    assert aside["x"] + aside["width"] <= hits["x"]  # beside, not above
    desktop.screenshot(path=str(ARTIFACTS / "results-1280.png"))


def test_clicking_a_facet_then_its_chip_in_a_browser(server, desktop):
    desktop.goto(server + "/search?q=" + urllib.request.quote("党建") + "&lang=en")
    before = int(desktop.locator("p.summary strong").first.inner_text())
    desktop.locator("aside.facets a", has_text="no year").click()
    desktop.wait_for_selector("a.chip")
    assert int(desktop.locator("p.summary strong").first.inner_text()) == 2
    assert desktop.locator("a.chip").inner_text().startswith("Year: no year")
    desktop.locator("a.chip").click()
    desktop.wait_for_load_state()
    assert desktop.locator("a.chip").count() == 0
    assert int(desktop.locator("p.summary strong").first.inner_text()) == before


def test_the_concordance_fits_a_phone(server, phone):
    phone.goto(server + "/kwic?q=" + urllib.request.quote("党建"))
    rows = phone.locator("table.kwic tbody tr")
    assert rows.count() > 50
    for k in range(10):
        row = rows.nth(k)
        boxes = {cls: row.locator(f"td.{cls}").bounding_box() for cls in ("left", "match", "right")}
        for cls, box in boxes.items():
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5, (k, cls, box)
        assert boxes["left"]["width"] > 60 and boxes["right"]["width"] > 60  # some of each context shows
        assert boxes["left"]["x"] + boxes["left"]["width"] <= boxes["match"]["x"] + 0.5
        assert boxes["match"]["x"] + boxes["match"]["width"] <= boxes["right"]["x"] + 0.5
        assert abs(boxes["left"]["y"] - boxes["match"]["y"]) < 2  # one line: left, match, right
    # The context beside the match is what shows: the left one is cut on its left, the right one on its right.
    first = rows.nth(0)
    left_text = first.locator("td.left").inner_text()
    assert phone.evaluate("""(cell) => { const r = document.createRange(); r.selectNodeContents(cell);
        const box = cell.getBoundingClientRect(), text = r.getBoundingClientRect();
        return Math.abs(text.right - box.right) < 4; }""", first.locator("td.left").element_handle()), left_text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(ARTIFACTS / "kwic-390.png"))


def test_the_home_page_on_a_phone_and_a_desktop(server, phone, desktop):
    for page, width in ((phone, 390), (desktop, 1280)):
        page.goto(server + "/")
        assert page.locator("div.years a").count() == 4 and page.locator("div.sample a").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"home-{width}.png"), full_page=True)
