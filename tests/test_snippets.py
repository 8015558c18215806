"""Snippets (issue 13, finding 2): linear in what they show, inside the time limit, and the same passages as
their definition: every sentence of every paragraph ranked, every match of a shown sentence marked."""

from __future__ import annotations

import time
from bisect import bisect_left

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import fold, fold_text
from index.errors import QueryTimeout
from index.snippets import (
    _CHUNK,
    MAX_SENTENCE,
    Passage,
    _Alignment,
    _merge,
    _occurrences,
    lead_passage,
    make_passages,
    sentence_at,
    sentences,
)


def defined_passages(paragraphs: tuple[str, ...], needles: list[str], primary: list[str],
                     limit: int = 3) -> list[Passage]:
    """What a snippet is, computed the obvious (quadratic) way: every sentence of every paragraph, ranked by
    the number of different needles it holds, then holding a primary one, then position; a long sentence
    windowed around its first match; every match in the window marked. (The code before issue 13.)"""
    candidates = []
    for n, par in enumerate(paragraphs, start=1):
        occurrences = _occurrences(fold(par), needles)
        spans = _merge([(a, b) for _, a, b in occurrences])
        for s_start, s_end in sentences(par):
            inside = [(a, b) for a, b in spans if a < s_end and b > s_start]
            if not inside:
                continue
            held = {nd for nd, a, b in occurrences if a >= s_start and b <= s_end}
            candidates.append(((-len(held), not held & set(primary), n, s_start), n, s_start, s_end, inside))
    passages = []
    for _, n, start, end, inside in sorted(candidates)[:limit]:
        par = paragraphs[n - 1]
        a, b = start, end
        if end - start > MAX_SENTENCE:
            a = max(start, inside[0][0] - MAX_SENTENCE // 3)
            b = min(end, a + MAX_SENTENCE)
            a = max(start, b - MAX_SENTENCE)
        pre, post = "…" if a > start else "", "…" if b < end else ""
        local = [(max(x, a) - a, min(y, b) - a) for x, y in inside if x < b and y > a]
        text = par[a:b].strip()
        shift = len(pre) - (len(par[a:b]) - len(par[a:b].lstrip()))
        passages.append(Passage(n, pre + text + post, [(x + shift, y + shift) for x, y in local]))
    return passages


def marked(p: Passage) -> list[str]:
    return [p.text[a:b] for a, b in p.spans]


# Han, Traditional and variant forms, white space (removed between Han), sentence ends and closing quotes,
# and characters that fold to more than one (… is also a sentence end; ㎡ → m2, ß → ss, ﬁ → fi).
ALPHABET = "的党建黨組織书記著了一肩挑 \u3000ab。！？；…!?;”’」』）)\"'㎡ßﬁ"


@st.composite
def paragraphs_and_needles(draw):
    paragraphs = tuple(draw(st.lists(st.text(ALPHABET, min_size=1, max_size=120), min_size=1, max_size=4)))
    folded = [fold_text(p) for p in paragraphs]
    needles = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(folded))
        start = draw(st.integers(0, max(0, len(text) - 1)))
        needle = text[start:start + draw(st.integers(1, 4))]
        needles.append(needle or "的")
    primary = draw(st.lists(st.sampled_from(needles), max_size=2))
    return paragraphs, needles, primary


@given(paragraphs_and_needles())
@settings(max_examples=400, deadline=None)
def test_passages_are_their_definition(case):
    paragraphs, needles, primary = case
    folded = [fold_text(p) for p in paragraphs]
    assert make_passages(paragraphs, needles, primary, folded=folded) == defined_passages(paragraphs, needles,
                                                                                           primary)
    assert make_passages(paragraphs, needles, primary) == defined_passages(paragraphs, needles, primary)


def test_passages_of_the_seeds_are_their_definition(seed_docs):
    for doc in seed_docs.values():
        text = "".join(fold_text(p) for p in doc.paragraphs)
        many = sorted(set(text))[:40]
        for needles in (["党建"], ["的"], ["党建", "乡村", "的"], ["。"], ["一肩挑", "一", "肩挑"], many):
            for primary in ([], needles[:1]):
                assert make_passages(doc.paragraphs, needles, primary) == \
                    defined_passages(doc.paragraphs, needles, primary), (doc.id, needles)


def long_paragraph(seed_docs, size: int) -> str:
    """Seed text run together into one paragraph of at least ``size`` characters, with white space and
    characters that fold to more than one mixed in (so the offset map is not one to one)."""
    text = "".join(p for d in seed_docs.values() for p in d.paragraphs)
    text = text.replace("，", "， ").replace("。", "。 ").replace("一", "…").replace("年", "㎡")
    return (text * (size // len(text) + 1))[:size]


def test_a_long_paragraph_read_in_chunks_gives_the_defined_passages(seed_docs):
    par = long_paragraph(seed_docs, 150_000)  # three chunks of the offset map
    assert len(par) > 2 * _CHUNK
    # Needles (folded) that no sentence holds all of: the whole paragraph is read, through every chunk. "。 "
    # runs from one sentence into the next; "..." is what … folds to, m2 what ㎡ folds to.
    for needles in (["宋河镇", "党建", "m2"], ["党组织", "乡村振兴", "书记", "m2"], ["扶贫", "...肩挑", "。 "]):
        for primary in ([], needles[:1]):
            assert make_passages((par,), needles, primary) == defined_passages((par,), needles, primary), needles


@given(st.text(ALPHABET, min_size=1, max_size=300), st.integers(1, 64))
@settings(max_examples=300, deadline=None)
def test_the_offset_map_built_in_chunks_is_folds(text, chunk):
    folded = fold(text)
    alignment = _Alignment(text, folded.text, chunk=chunk)
    for f in range(len(folded.text) + 1):
        assert alignment.origin(f) == folded.origin[f]
    for o in range(len(text) + 1):
        assert alignment.folded_index(o) == bisect_left(folded.origin, o)


@given(st.text("的党建 ab。！？；…!?;”’」』）)\"'", min_size=1, max_size=200), st.data())
@settings(max_examples=300, deadline=None)
def test_a_sentence_found_around_a_position_is_the_split_one(text, data):
    i = data.draw(st.integers(0, len(text) - 1))
    start, end = next((a, b) for a, b in sentences(text) if a <= i < b)
    for window in (len(text), 8):  # read far enough, and a window shorter than some sentences
        s = sentence_at(text, i, window=window)
        assert s.start <= i < s.end
        if s.whole_start:
            assert s.start == start
        else:  # a window of it: no farther back than the window (an ellipsis shows it may go on)
            assert start <= s.start and i - s.start <= window
        if s.whole_end:
            assert s.end == end
        else:
            assert s.end <= end and s.end - i <= window


def test_a_sentence_longer_than_the_window_is_shown_around_its_match_with_ellipses():
    par = "甲" * 30_000 + "的" + "乙" * 30_000 + "。"  # one sentence, six windows long
    [p] = make_passages((par,), ["的"], ["的"])
    assert p.text.startswith("…") and p.text.endswith("…") and len(p.text) == MAX_SENTENCE + 2
    assert marked(p) == ["的"] and p.text[p.spans[0][0] - 1] == "甲"


def huge_article(seed_docs, size: int) -> str:
    """One paragraph of ``size`` characters: the seeds' sentences, over and over (many 的)."""
    text = "".join(p for d in seed_docs.values() for p in d.paragraphs)
    return (text * (size // len(text) + 1))[:size]


def test_a_huge_paragraph_shows_its_first_matching_sentences_all_marked(seed_docs):
    par = huge_article(seed_docs, 1_700_000)  # 4.9 MB of UTF-8, as in the finding
    started = time.perf_counter()
    passages = make_passages((par,), ["的"], ["的"], folded=[fold_text(par)])
    took = time.perf_counter() - started
    # The three first sentences holding 的 (all hold one needle, and the same one), every 的 in them marked.
    first = [(a, b) for a, b in sentences(par[:5000]) if "的" in par[a:b]][:3]
    assert [p.text for p in passages] == [par[a:b].strip() for a, b in first]
    assert all(marked(p) == ["的"] * p.text.count("的") for p in passages)
    assert took < 1.0, f"{took:.2f} s for three passages"  # the code before issue 13: minutes


def test_many_needles_in_a_huge_paragraph_stay_bounded(seed_docs):
    par = huge_article(seed_docs, 1_700_000)
    needles = sorted(set(fold_text(par[:3000])))[:166]  # as many one-character needles as the finding's
    started = time.perf_counter()
    passages = make_passages((par,), needles, needles, folded=[fold_text(par)])
    took = time.perf_counter() - started
    assert len(passages) == 3 and all(p.spans for p in passages)
    for p in passages:  # every needle in a shown passage is marked: nothing unmarked is a needle
        unmarked = "".join(piece for piece in _unmarked_pieces(p))
        assert not set(fold_text(unmarked)) & set(needles), p
    assert took < 3.0, f"{took:.2f} s"


def _unmarked_pieces(p: Passage) -> list[str]:
    pieces, pos = [], 0
    for a, b in p.spans:
        pieces.append(p.text[pos:a])
        pos = b
    pieces.append(p.text[pos:])
    return [x.strip("…") for x in pieces]


def test_snippets_past_the_deadline_raise_query_timeout(seed_docs):
    doc = seed_docs["000"]
    with pytest.raises(QueryTimeout):
        make_passages(doc.paragraphs, ["党建"], ["党建"], deadline=time.monotonic() - 0.001)
    assert make_passages(doc.paragraphs, ["党建"], ["党建"], deadline=time.monotonic() + 60)


def test_the_lead_passage_is_the_first_sentence():
    assert lead_passage(("第一句。第二句。",)) == [Passage(1, "第一句。")]
    assert lead_passage(("长" * 20_000 + "。",)) == [Passage(1, "长" * MAX_SENTENCE + "…")]
    assert lead_passage(()) == []


def test_an_article_without_paragraphs_is_found_by_its_title(client_of):
    # Its stored folded text still has a (blank) body line: the snippets must not trip over it.
    client = client_of({"t.txt": "只有标题的文章\n"})
    r = client.get("/api/search", query_string={"q": "标题"})
    assert r.status_code == 200, r.text
    [hit] = r.get_json()["hits"]
    assert hit["id"] == "t" and hit["passages"] == [] and "<mark>标题</mark>" in hit["title_html"]
