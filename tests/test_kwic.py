"""Concordance: every occurrence of a phrase, with context, counted; JSON, CSV and the command line agree."""

import csv
import io
import json
from collections import Counter

import pytest

from cli.main import main
from index.analysis import fold_text
from index.errors import QueryError
from index.kwic import concordance
from web.present import KWIC_CSV_COLUMNS as CSV_COLUMNS


def printed_lines(doc) -> list[str]:
    """Every printed line: the title (unless supplied), subtitle, byline and paragraphs."""
    return [x for x in (None if doc.title_supplied else doc.title, doc.subtitle, doc.byline, *doc.paragraphs) if x]


def test_count_equals_a_plain_count_over_every_printed_line(engine, seed_docs):
    result = concordance(engine, "党建")
    counts = {d.id: sum(fold_text(p).count("党建") for p in printed_lines(d)) for d in seed_docs.values()}
    assert result.occurrences == sum(counts.values()) == 91  # 86 in paragraphs, 2 in titles, 3 in subtitles
    assert result.documents == sum(1 for n in counts.values() if n) == 5
    assert dict(result.per_document) == {i: n for i, n in counts.items() if n}
    assert result.per_year == {2019: counts["000_facb8668b9a49bed"], 2020: counts["001_e97faf7f5b0c99b6"],
                               2023: counts["004_0a8221172ae4e7ee"]}


@pytest.mark.parametrize("phrase", ["的", "，", "党建", "一肩挑", "不在文中"])
def test_per_document_counts_read_as_a_counter_would(engine, seed_docs, phrase):
    needle = fold_text(phrase)
    counter = Counter({d.id: n for d in sorted(seed_docs.values(), key=lambda d: d.id)
                       if (n := sum(fold_text(p).count(needle) for p in printed_lines(d)))})
    per_document = concordance(engine, phrase, limit=0).per_document
    assert list(per_document) == sorted(counter) and len(per_document) == len(counter)
    assert per_document.most_common(3) == counter.most_common(3)
    assert all(per_document[i] == n for i, n in counter.items())
    with pytest.raises(KeyError):
        per_document["no such id"]


def test_title_subtitle_and_byline_rows_are_labelled(engine, client):
    rows = [(x.id[:3], x.field, x.paragraph) for x in concordance(engine, "党建").lines if x.paragraph is None]
    assert rows == [("000", "title", None), ("000", "subtitle", None), ("001", "subtitle", None),
                    ("004", "title", None), ("004", "subtitle", None)]
    (line,) = concordance(engine, "吴柳").lines
    assert (line.id[:3], line.field, line.left + line.match + line.right) == ("000", "byline", "本报记者 吴柳")
    data = client.get("/api/kwic", query_string={"q": "吴柳"}).get_json()
    assert data["lines"][0]["field"] == "byline" and data["lines"][0]["paragraph"] is None
    page = client.get("/kwic", query_string={"q": "吴柳"}).get_data(as_text=True)
    assert '<span class="field">byline</span>' in page and "¶None" not in page


def test_yi_jian_tiao_is_one_row_in_000_paragraph_8(engine):
    result = concordance(engine, '"一肩挑"', width=6)
    assert (result.occurrences, result.documents) == (1, 1)
    (line,) = result.lines
    assert (line.id, line.paragraph, line.match) == ("000_facb8668b9a49bed", 8, "一肩挑")
    assert (line.left, line.right) == ("村委会主任“", "”比例，坚持")


def test_traditional_matches_are_shown_as_written(engine, seed_docs):
    simplified, traditional = concordance(engine, "党组织书记"), concordance(engine, "黨組織書記")
    assert simplified.lines == traditional.lines
    matches = {line.id[:3]: line.match for line in simplified.lines}
    assert matches["002"] == "黨組織書記" and matches["000"] == "党组织书记"


@pytest.mark.parametrize("width", [0, 5, 20])
def test_context_is_the_line_s_own_text_and_never_crosses_it(engine, seed_docs, width):
    docs = {d.id: d for d in seed_docs.values()}
    for line in concordance(engine, "发展", width=width).lines:
        doc = docs[line.id]
        par = doc.paragraphs[line.paragraph - 1] if line.paragraph else getattr(doc, line.field)
        assert line.left + line.match + line.right in par
        assert len(line.left) <= width and len(line.right) <= width
        assert fold_text(line.match) == "发展"


def test_sorts(engine):
    by_doc = concordance(engine, "党建").lines
    # Document order, and in each document title, subtitle, byline, then the paragraphs.
    assert [(x.id, x.position) for x in by_doc] == sorted((x.id, x.position) for x in by_doc)
    assert [x.field for x in by_doc[:3]] == ["title", "subtitle", "paragraph"]
    # Sorted by the context as phrase search reads it: folded, with the match beside it (a space between two
    # Han characters is no character there).
    left = concordance(engine, "党建", sort="left").lines
    left_keys = [fold_text(x.left + x.match)[:-len(fold_text(x.match))][::-1] for x in left]
    assert left_keys == sorted(left_keys) and len(set(left_keys)) > 10
    right = concordance(engine, "党建", sort="right").lines
    right_keys = [fold_text(x.match + x.right)[len(fold_text(x.match)):] for x in right]
    assert right_keys == sorted(right_keys) and len(set(right_keys)) > 10
    assert sorted(map(repr, left)) == sorted(map(repr, by_doc))  # the same rows, reordered


def test_api_json_and_csv(client, engine):
    r = client.get("/api/kwic", query_string={"q": "党建", "width": 10})
    data = r.get_json()
    assert r.status_code == 200
    assert set(data) == {"query", "occurrences", "documents", "offset", "limit", "years", "lines"}
    assert data["occurrences"] == len(data["lines"]) == concordance(engine, "党建").occurrences
    assert set(data["lines"][0]) == {"id", "field", "paragraph", "caption", "left", "match", "right"}
    r = client.get("/api/kwic", query_string={"q": "党建", "format": "csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) - 1 == data["occurrences"]
    assert rows[1][CSV_COLUMNS.index("match")] == "党建"
    first = data["lines"][0]  # 000's title: a link to the top of the document
    assert (first["field"], rows[1][CSV_COLUMNS.index("field")]) == ("title", "title")
    assert rows[1][CSV_COLUMNS.index("url")] == f"http://localhost/doc/{first['id']}"  # absolute, as the results'"
    k, line = next((k, line) for k, line in enumerate(data["lines"]) if line["paragraph"])
    assert rows[k + 1][CSV_COLUMNS.index("url")] == f"http://localhost/doc/{line['id']}#p{line['paragraph']}"


def test_cli_csv_links_are_permalinks_under_the_base_url(seed_index, runner):
    result = runner.invoke(main, ["kwic", "一肩挑", "--csv", "--index-dir", str(seed_index),
                                  "--base-url", "https://news.example.org/archive"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows and all(r["url"] == f"https://news.example.org/archive/doc/{r['id']}#p{r['paragraph']}"
                        for r in rows if r["paragraph"])
    assert "on this machine only" not in result.stderr
    local = runner.invoke(main, ["kwic", "一肩挑", "--csv", "--index-dir", str(seed_index)])
    assert "http://127.0.0.1:5000/doc/" in local.stdout and "on this machine only" in local.stderr


def test_cli_json_is_the_api_object(client, seed_index, runner):
    result = runner.invoke(main, ["kwic", "党建", "--json", "--limit", "100", "--index-dir", str(seed_index)])
    assert result.exit_code == 0
    assert json.loads(result.output) == client.get("/api/kwic", query_string={"q": "党建"}).get_json()
    # Without --limit the command line gives every line (the API pages them, 100 by default).
    whole = json.loads(runner.invoke(main, ["kwic", "的", "--json", "--index-dir", str(seed_index)]).output)
    assert whole["limit"] is None and len(whole["lines"]) == whole["occurrences"] > 100
    result = runner.invoke(main, ["kwic", "一肩挑", "--index-dir", str(seed_index)])
    assert "1 occurrence in 1 document " in result.output and "【一肩挑】" in result.output


def test_quotes_around_the_phrase_are_optional_and_may_be_mixed(engine):
    plain = concordance(engine, "党建").lines
    for quoted in ('"党建"', "“党建”", "「党建」", "“党建\"", " 『党建』 "):
        assert concordance(engine, quoted).lines == plain, quoted


def test_bad_requests(client, engine):
    for q in ("", "  ", '""', "\u3000"):
        r = client.get("/api/kwic", query_string={"q": q})
        assert r.status_code == 400 and "phrase" in r.get_json()["error"]
    assert client.get("/api/kwic", query_string={"q": "党建", "sort": "x"}).status_code == 400
    r = client.get("/api/kwic", query_string={"q": "党建", "width": "-5"})  # refused, no longer clamped
    assert r.status_code == 400 and r.get_json()["error"] == "width must be an integer from 0 to 200, not '-5'"
    with pytest.raises(QueryError):
        concordance(engine, "党建", width=10_000)


def test_page(client):
    r = client.get("/kwic", query_string={"q": "党建"})
    body = r.get_data(as_text=True)
    # 68 marked 党建 (63 in paragraphs, 2 in titles, 3 in subtitles) and 23 marked 黨建: seed 002 is shown
    # in its own script.
    assert body.count("<mark>党建</mark>") == 68 and body.count("<mark>黨建</mark>") == 23
    assert r.status_code == 200 and body.count("<svg") == 4  # two charts, each drawn for wide and narrow screens
    assert "/api/kwic?q=" in body and "format=csv" in body and "#cite-p" in body
    r = client.get("/kwic", query_string={"q": "的"})  # more lines than a page holds
    body = r.get_data(as_text=True)
    assert "Page 1 of" in body and 'rel="next"' in body and body.count("<mark>") == 100
    assert client.get("/kwic", query_string={"q": "的", "page": 2}).get_data(as_text=True).count("<mark>") > 0
    r = client.get("/kwic", query_string={"q": "<script>alert(1)</script>"})
    assert r.status_code == 200 and "<script>alert(1)" not in r.get_data(as_text=True)
    assert client.get("/kwic", query_string={"q": ""}).status_code == 400
    # An order the page does not know is its default one, as on /search and /docs (the API says 400).
    unknown = client.get("/kwic", query_string={"q": "党建", "sort": "x"})
    assert unknown.status_code == 200 and "<strong>document</strong>" in unknown.text
    assert client.get("/api/kwic", query_string={"q": "党建", "sort": "x"}).status_code == 400


def test_search_results_link_to_all_occurrences_of_a_single_phrase(client):
    assert "all occurrences of “一肩挑”" in client.get("/search", query_string={"q": '"一肩挑"'}).get_data(as_text=True)
    assert "all occurrences" not in client.get("/search", query_string={"q": "党建 OR 扶贫"}).get_data(as_text=True)


def test_the_counts_kept_are_of_the_generation_in_service(tmp_path, seeds_dir):
    """A concordance's counts are kept for the next page; after a build swaps the generation, those of the
    old one are dropped (they hold its mapped tables open)."""
    import shutil

    import index.kwic as kwic
    from index.build import build_index
    from index.search import Engine

    src, ix = tmp_path / "src", tmp_path / "ix"
    shutil.copytree(seeds_dir, src)
    build_index([src], ix)
    engine = Engine(ix)
    first = concordance(engine, "党建", limit=1)
    old = engine.generation
    assert any(k[0] == old for k in kwic._counts_cache)
    (src / "extra.txt").write_text("新增\n\n党建引领，党建先行。\n", encoding="utf-8")
    build_index([src], ix)
    again = concordance(engine, "党建", limit=1)
    assert engine.generation != old and again.occurrences == first.occurrences + 2
    assert not any(k[0] == old for k in kwic._counts_cache)
    engine.close()
