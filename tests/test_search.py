"""Search on the real seeds: what the issue says it must show."""

import pytest

from index.analysis import fold_text
from index.errors import QueryError


def ids(page):
    return sorted(h.id[:3] for h in page.hits)


def marked(passage) -> list[str]:
    """The texts a passage's spans mark."""
    return [passage.text[a:b] for a, b in passage.spans]


def test_yijiantiao_phrase_only_000_with_mark(engine):
    page = engine.search('"一肩挑"')
    assert page.total == 1 and ids(page) == ["000"]
    passage = page.hits[0].passages[0]
    assert marked(passage) == ["一肩挑"]
    assert page.hits[0].paragraph == passage.paragraph == 8
    assert "一肩挑" in engine.document("000_facb8668b9a49bed").paragraph(passage.paragraph)


def test_party_secretary_in_000_and_002(engine):
    page = engine.search('"党组织书记"')
    assert ids(page) == ["000", "002"]
    passage_002 = next(h for h in page.hits if h.id.startswith("002")).passages[0]
    assert marked(passage_002) == ["黨組織書記"]  # shown in its own (Traditional) script


@pytest.mark.parametrize("q", ['"黨建"', '"党建"', "党建", "黨建"])
def test_party_building_in_all_five(engine, q):
    assert ids(engine.search(q)) == ["000", "001", "002", "003", "004"]


def test_full_width_equals_half_width(engine):
    assert ids(engine.search('"２０１９年"')) == ids(engine.search('"2019年"')) != []


def test_every_printed_word_is_searchable(engine):
    # 000's subtitle and its author, typed without author:, by phrase and by keyword.
    for q in ('"湖丰镇党建工作纪略"', "湖丰镇党建工作纪略", '"吴柳"', "吴柳", "本报记者 吴柳", '"陈红革"'):
        assert ids(engine.search(q)) == (["002"] if "陈红革" in q else ["000"]), q
    assert ids(engine.search('"丰溪镇强党建促发展工作纪实"')) == ["001"]


def test_rejoined_paragraph_is_found(engine):
    page = engine.search('"移风易俗"')
    assert ids(page) == ["000"]
    assert marked(page.hits[0].passages[0]) == ["移风易俗"]


@pytest.mark.parametrize("q", ["zhèn", '"zhèn"', "lǐng", '"(zhèn)"'])
def test_pinyin_annotations_are_gone(engine, q):
    assert engine.search(q).total == 0


@pytest.mark.parametrize("q, expected", [
    ('"肩挑"', ["000"]), ('"委会主"', ["000"]), ('"组织书记"', ["000", "002"]),
    ('"挑"', ["000"]), ('"宋河镇"', ["002"]), ('"逐一签字"', ["004"]),
])
def test_phrases_ignore_jieba_boundaries(engine, q, expected):
    assert ids(engine.search(q)) == expected


def test_phrase_does_not_cross_paragraphs(engine):
    doc = engine.document("004_0a8221172ae4e7ee")
    tail, head = doc.paragraphs[0][-2:], doc.paragraphs[1][:2]
    assert engine.search(f'"{tail}{head}"').total == 0


def test_keyword_and_verbatim_first(engine):
    page = engine.search("党建 引领")
    assert page.total >= 1
    # documents holding the whole run "党建引领" verbatim rank above those with the words apart
    page = engine.search("党建引领")
    verbatim = [("党建引领" in engine.folded_text(h.id)) for h in page.hits]
    assert verbatim == sorted(verbatim, reverse=True)


def test_boolean_and_fields(engine):
    assert ids(engine.search('"党建" -"扶贫"')) == sorted(
        set(ids(engine.search('"党建"'))) - set(ids(engine.search('"扶贫"'))))
    assert ids(engine.search('"一肩挑" OR "宋河镇"')) == ["000", "002"]
    assert ids(engine.search("author:陈红革")) == ["002"]
    assert ids(engine.search("author:吴柳")) == ["000"]
    assert ids(engine.search("year:2019")) == ["000"]
    assert ids(engine.search("year:2019..2023")) == ["000", "001", "004"]
    assert ids(engine.search("title:党建")) == ["000", "002", "004"]
    assert ids(engine.search('("一肩挑" OR "宋河镇") year:2019')) == ["000"]


SENTENCE_END = "。！？；…!?;"


def test_snippets_are_whole_sentences_with_their_matches_marked(engine):
    page = engine.search("党建", limit=5)
    assert len(page.hits) == 5
    for hit in page.hits:
        doc = engine.document(hit.id)
        assert 1 <= len(hit.passages) <= 3
        for p in hit.passages:
            assert p.spans and all(fold_text(m) == "党建" for m in marked(p))
            par = doc.paragraph(p.paragraph)
            core = p.text.removeprefix("…").removesuffix("…")
            start = par.find(core)
            assert start >= 0, p.text
            end = start + len(core)
            # It begins a sentence (or is a window of a long one, marked by …) …
            assert p.text.startswith("…") or start == 0 or par[:start].rstrip()[-1] in SENTENCE_END + "”’」』）)\"'"
            # … and ends one: at a sentence end, at the paragraph's end, or cut with ….
            assert p.text.endswith("…") or end == len(par) or par[end - 1] in SENTENCE_END + "”’」』）)\"'"


def test_total_counts_all_and_pages(engine):
    full = engine.search("党建", limit=5)
    page2 = engine.search("党建", limit=2, offset=2)
    assert full.total == page2.total == 5
    assert [h.id for h in page2.hits] == [h.id for h in full.hits[2:4]]


@pytest.mark.parametrize("q", ['"abc', "(党建", "党建)", "OR", "NOT", "year:abc", "year:99999999999999999999",
                               "title:", "-", "", "   ", "\u3000", '""', "a OR OR b", "x" * 2000])
def test_malformed_queries_raise_clear_errors(engine, q):
    with pytest.raises(QueryError) as err:
        engine.search(q)
    assert str(err.value)


@pytest.mark.parametrize("q", ["*", "?", "{{7*7}}", "<script>alert(1)</script>", "😀", "党建*"])
def test_odd_queries_answer_and_mark_only_what_they_asked_for(engine, q):
    page = engine.search(q, limit=1000)
    assert len(page.hits) == page.total
    for hit in page.hits:
        for p in hit.passages:
            for text in marked(p):
                assert text and set(fold_text(text)) <= set(fold_text(q)), (hit.id, text)


@pytest.mark.parametrize("q", ["\x00党建", "党\u200b建", "\u200b党建\ufeff"])
def test_invisible_characters_in_a_query_are_ignored(engine, q):
    assert [h.id for h in engine.search(q).hits] == [h.id for h in engine.search("党建").hits]


def test_zero_width_in_query_is_ignored(engine):
    assert ids(engine.search('"一\u200b肩挑"')) == ["000"]


def test_time_limit(seed_index):
    from index.errors import QueryTimeout
    from index.search import Engine

    slow = Engine(seed_index, time_limit=0.0)
    with pytest.raises(QueryTimeout):
        slow.search('"党建"')


def test_facets_count_every_match(engine):
    page = engine.search("党建", limit=1)
    assert len(page.hits) == 1
    # The two documents without a year are counted too, last (the query year:none finds them).
    assert page.facets["year"] == [("2019", 1), ("2020", 1), ("2023", 1), ("none", 2)]
    assert sum(n for _, n in page.facets["place"]) == 5


def test_highlight_needles_skip_exclusions():
    from index.search import highlight_needles

    assert highlight_needles('"黨建" OR 扶贫 -"一肩挑"') == ["党建", "扶贫"]
    assert highlight_needles('"abc') == []
