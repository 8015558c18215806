"""Issue 14 (in progress): what a Chinese keyboard types is what it looks like; English counts read right."""

from __future__ import annotations

import pytest

from archive.wording import counted
from cli.main import main

FULL_WIDTH = [
    ("author：吴柳", "author:吴柳"), ("title：党建", "title:党建"), ("year：2019", "year:2019"),
    ("year：2019..2023 党建", "year:2019..2023 党建"), ('author："吴柳"', 'author:"吴柳"'),
    ("党建 －扶贫", "党建 -扶贫"), ("党建 —扶贫", "党建 -扶贫"), ("（党建 ｜ 扶贫） 乡村", "(党建 | 扶贫) 乡村"),
    ("（党建 OR 扶贫）－乡村", "(党建 OR 扶贫) -乡村"),
    # An input method types the bar without spaces: it is OR all the same.
    ("（党建｜扶贫）", "(党建 OR 扶贫)"), ("党建|扶贫", "党建 OR 扶贫"), ("党建｜扶贫 乡村", "(党建 OR 扶贫) 乡村"),
]


@pytest.mark.parametrize(("typed", "ascii_form"), FULL_WIDTH)
def test_every_full_width_operator_is_its_ascii_form(engine, typed, ascii_form):
    typed_page, ascii_page = engine.search(typed, limit=100), engine.search(ascii_form, limit=100)
    assert typed_page.total == ascii_page.total
    assert [h.id for h in typed_page.hits] == [h.id for h in ascii_page.hits]


def test_the_full_width_forms_change_what_is_found(engine):
    # Read as text, `－扶贫` would be a word to include, and `author：吴柳` a word no article holds.
    assert engine.search("扶贫").total > 0 and engine.search("党建 －扶贫").total > 0
    assert engine.search("author：吴柳").total == 1
    assert {h.id for h in engine.search("党建 －扶贫", limit=100).hits}.isdisjoint(
        {h.id for h in engine.search("扶贫", limit=100).hits})


def test_a_bar_in_quotes_is_text_and_a_dash_apart_from_its_term_is_explained(engine):
    from index.errors import QueryError

    assert engine.search("党建｜扶贫").total == engine.search("党建 OR 扶贫").total > engine.search("扶贫").total
    assert engine.search('"党建｜扶贫"').total == 0  # in quotes, the bar is the text to find
    for query in ("党建 - 扶贫", "党建 － 扶贫", "党建 — 扶贫", "党建 -"):
        # Read as a word, the dash found nothing; dropped, it would find what was meant to be excluded.
        with pytest.raises(QueryError, match="stands apart from the term to exclude"):
            engine.search(query)


def test_a_colon_after_anything_but_a_field_is_text(engine):
    assert engine.search("记者：吴柳").total == engine.search('"记者：吴柳"').total


def test_counts_read_right_in_english():
    assert [counted(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document", "2 documents"]
    assert counted(1, "repair") == "1 repair" and counted(3, "entry", "entries") == "3 entries"


def test_the_command_line_says_1_occurrence_and_reads_a_query_starting_with_minus(runner, seed_index):
    result = runner.invoke(main, ["kwic", "一肩挑", "--index-dir", str(seed_index)])
    assert result.exit_code == 0 and result.output.startswith("1 occurrence in 1 document (")
    result = runner.invoke(main, ["search", "-扶贫 党建", "--index-dir", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 documents match")
    result = runner.invoke(main, ["search", '"一肩挑"', "--index-dir", str(seed_index)])
    assert result.output.startswith("1 document matches")
    listing = runner.invoke(main, ["list", "--index-dir", str(seed_index)]).output
    assert " 1 repairs" not in listing and "\t1 paragraphs" not in listing


def test_serving_on_a_busy_port_says_so_in_one_line(seed_index):
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "cli", "serve", "--port", str(port), "--index-dir",
                               str(seed_index)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: port {port} on 127.0.0.1 is in use; serve on another "
                                                f"with --port (make serve PORT={port + 1})"]


def test_lower_case_operators_that_find_nothing_get_a_hint(client, runner, seed_index, engine):
    from index.query import operator_hint

    assert engine.search("一肩挑 or 扶贫").total == 0  # "or" is a word to find, and no article holds it
    assert operator_hint("一肩挑 or 扶贫") == "一肩挑 OR 扶贫" and engine.search("一肩挑 OR 扶贫").total > 0
    assert operator_hint('"a or b" 党建') is None and operator_hint("党建 OR 扶贫") is None
    page = client.get("/search", query_string={"q": "一肩挑 or 扶贫"}).text
    assert "Did you mean" in page and "一肩挑 OR 扶贫" in page
    assert "Did you mean" not in client.get("/search", query_string={"q": "一肩挑"}).text
    result = runner.invoke(main, ["search", "一肩挑 or 扶贫", "--index-dir", str(seed_index)])
    assert result.exit_code == 0 and "did you mean: 一肩挑 OR 扶贫" in result.output


@pytest.mark.parametrize(("sort", "key"), [("title", lambda d: d.title), ("year", lambda d: d.year),
                                           ("place", lambda d: d.place)])
def test_the_collection_list_sorts_every_document(client, seed_docs, sort, key):
    import re

    docs = {d.id: d for d in seed_docs.values()}
    for order in ("asc", "desc"):
        page = client.get("/docs", query_string={"sort": sort, "order": order}).text
        ids = re.findall(r'href="/doc/([^"#?]+)"', page)
        ids = list(dict.fromkeys(ids))  # a title and a repairs link may name the same document
        assert sorted(ids) == sorted(docs)  # every document, once
        known = [i for i in ids if key(docs[i]) is not None]
        values = [key(docs[i]) for i in known]
        assert values == sorted(values, reverse=order == "desc"), (sort, order, values)
        assert ids[len(known):] == sorted(i for i in ids if key(docs[i]) is None)  # unknown last, by id


def test_the_collection_list_pages_and_links_from_home(client, many, start_server):
    from index.build import build_index
    from web import create_app

    src = many(60)
    ix = src.parent / "ix-list"
    build_index([src], ix)
    c = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
    c.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert 'href="/docs"' in c.get("/").text
    first, second = (c.get("/docs", query_string={"page": n}).text for n in (1, 2))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('<td class="title"') == 50 and second.count('<td class="title"') == 10
    assert "Page 2 of 2" in c.get("/docs", query_string={"page": 99}).text  # past the end: the last page


def test_a_results_page_past_the_last_says_so_and_shows_the_last(client):
    import re

    last = client.get("/search", query_string={"q": "党建", "page": 1}).text
    pages = int(re.search(r"Page 1 of (\d+)", last).group(1)) if "Page 1 of" in last else 1
    page = client.get("/search", query_string={"q": "党建", "page": 50}).text
    assert f"There is no page 50: the results end on page {pages}" in page
    assert page.count('class="hit"') > 0
    assert "There is no page" not in client.get("/search", query_string={"q": "党建"}).text
