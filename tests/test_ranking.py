"""index.ranking: BM25F of a whole group in numpy, held equal to Whoosh's own scorer."""

from __future__ import annotations

import contextlib
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.query import Or, Term
from whoosh.scoring import BM25F

from index.build import build_index
from index.errors import QueryTimeout
from index.ranking import FIELDS, Scorer, _matchers, word_documents
from index.search import Engine, _SearcherPool

WORDS = [["党建"], ["党建", "引领"], ["一", "肩挑"], ["村", "书记"], ["发展"], ["第", "篇"], ["编号"], ["的", "了"],
         ["不在任何文章里的词"]]


@pytest.fixture(scope="module")
def grown(tmp_path_factory, seeds_dir):
    """An index of several segments, with deleted documents: 300 generated articles and the seeds, built
    in three steps, the last replacing an article and removing another."""
    from tests.conftest import write_many

    root = tmp_path_factory.mktemp("grown")
    src = write_many(root / "src", seeds_dir, 300)
    ix = root / "ix"
    with pytest.MonkeyPatch.context() as patch:
        # Blocks of 32 postings: a common word's fill several (as at 735,300 articles in blocks of 512), so
        # reading only the blocks that may hold a document is put to the test.
        patch.setattr("index.build.POSTINGS_BLOCK", 32)
        build_index([src], ix)
        for seed in seeds_dir.iterdir():
            shutil.copy(seed, src / seed.name)
        build_index([src], ix)
        (src / "00007.txt").write_text("第七篇改写\n\n党建引领，一肩挑。\n", encoding="utf-8")
        (src / "00011.txt").unlink()
        build_index([src], ix)
    engine = Engine(ix)
    yield engine
    engine.close()


def whoosh_scores(searcher, words: list[str]) -> dict[int, float]:
    query = Or([Term(f, w) for w in words for f in FIELDS])
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def test_the_index_has_segments_and_deletions_and_words_of_several_blocks(grown):
    with grown._g.searchers.lend(5) as searcher:
        assert len(searcher.leaf_searchers()) >= 2
        assert searcher.doc_count_all() > searcher.doc_count()
        blocks = 0
        for matcher, _ in _matchers(searcher, "body", "编号"):
            while matcher.is_active():
                blocks += 1
                matcher._next_block()
        assert blocks >= 8


@pytest.mark.parametrize("words", WORDS)
def test_scores_are_whoosh_s_bm25f(grown, words):
    with grown._g.searchers.lend(5) as searcher:
        assert isinstance(searcher.weighting, BM25F)
        expected = whoosh_scores(searcher, words)
        live = np.array(sorted(n for n in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(n)))
        got = Scorer(searcher).score(searcher, live, words)
    by_doc = dict(zip(live.tolist(), got.tolist(), strict=True))
    assert {n for n, s in by_doc.items() if s} == set(expected)  # the same documents score
    for n, score in expected.items():
        assert by_doc[n] == pytest.approx(score, rel=1e-12), n
    if words == ["不在任何文章里的词"]:
        assert not expected and not got.any()


def test_a_subset_scores_as_in_the_whole(grown):
    # A third of the archive is placed through an array over every docnum, three documents by a search.
    with grown._g.searchers.lend(5) as searcher:
        scorer = Scorer(searcher)
        every = np.array(sorted(whoosh_scores(searcher, ["党建"])))
        whole = dict(zip(every.tolist(), scorer.score(searcher, every, ["党建"]).tolist(), strict=True))
        for part in (every[::3], every[1:4]):
            some = scorer.score(searcher, part, ["党建"])
            assert len(part) >= 2 and [whole[n] for n in part.tolist()] == some.tolist()


def test_the_ranking_is_verbatim_runs_then_score_then_docnum(grown):
    # The run 党建引领 matches documents holding it, and documents holding both its words apart.
    page = grown.search("党建引领", limit=1000, passages=0)
    with grown._g.searchers.lend(5) as searcher:
        docnum = {searcher.stored_fields(n).get("id"): n for n in range(searcher.doc_count_all())
                  if not searcher.reader().is_deleted(n)}
    verbatim = {h.id for h in grown.search('"党建引领"', limit=1000, passages=0).hits}
    keys = [(-(h.id in verbatim), -h.score, docnum[h.id]) for h in page.hits]
    assert page.total == len(page.hits) > len(verbatim) > 0
    assert keys == sorted(keys)


def test_ranking_keeps_to_the_time_limit(grown):
    with pytest.raises(QueryTimeout):
        grown._scores(np.arange(10), ["党建"], deadline=0)


def test_a_run_s_word_lookup_does_not_need_a_second_searcher(seed_index):
    """``_docs_with_word`` holds a searcher of the pool and, inside that, asks ``_scorer()`` for the
    generation's Scorer, which (not yet made on a freshly opened generation) borrows a second searcher.
    With the pool's other searchers lent (three other requests in flight, each doing the same right after
    a build swapped in a generation), the request waits for a searcher it can never get and times out;
    four such requests wait on each other until every one of them fails. (Found in review: a request
    holds one searcher at a time.)"""
    expected = Engine(seed_index).search("党建引领", passages=0).total
    engine = Engine(seed_index, time_limit=1.0)  # a generation just opened: no Scorer made yet
    try:
        pool: _SearcherPool = engine._g.searchers
        with contextlib.ExitStack() as others:
            for _ in range(_SearcherPool.SIZE - 1):
                others.enter_context(pool.lend(1.0))
            page = engine.search("党建引领", passages=0, time_limit=5.0)
        assert page.total == expected > 0
    finally:
        engine.close()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.5, 1.25, 2.0, 7.5])), min_size=1, max_size=200),
       st.integers(1, 60))
def test_the_page_is_the_head_of_the_full_order(rows, need):
    """The partial selection of a page (index.search._best) equals the head of a full sort, ties and all."""
    from index.search import _best

    found = np.arange(len(rows), dtype=np.int64) * 3 + 1
    held = np.array([h for h, _ in rows], dtype=np.int64)
    scores = np.array([s for _, s in rows], dtype=np.float64)
    full = sorted(range(len(rows)), key=lambda i: (-held[i], -scores[i], found[i]))[:need]
    assert _best(found, held, scores, need).tolist() == full


@pytest.mark.parametrize("words", WORDS[:-1])
def test_whoosh_s_pruned_top_k_holds_without_length_statistics(grown, words):
    """The build writes no length statistics with the postings (``index.build._codec``): Whoosh's pruned
    top-k reads them as a bound on a block's best score. Without them it must still find the best documents."""
    with grown._g.searchers.lend(5) as searcher:
        segments = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        assert segments and all(reader.codec().length_stats is False for reader in segments)
        every = sorted(whoosh_scores(searcher, words).items(), key=lambda item: (-item[1], item[0]))
        query = Or([Term(f, w) for w in words for f in FIELDS])
        pruned = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=3, optimize=True)]
    assert [s for _, s in pruned] == pytest.approx([s for _, s in every[:3]], rel=1e-12)
    assert {n for n, s in every if s > pruned[-1][1]} <= {n for n, _ in pruned}


@pytest.mark.parametrize("words", WORDS)
def test_a_word_s_documents_among_some_are_found_without_reading_all(grown, words):
    # Several blocks of postings, several segments, deleted documents (the index of ``grown``).
    with grown._g.searchers.lend(5) as searcher:
        everything = word_documents(searcher, words[0])
        n = searcher.doc_count_all()
        for among in (np.arange(0, n, 7), np.arange(n - 3, n), np.array([everything[-1]]) if len(everything) else
                      np.arange(1), np.arange(0)):
            got = word_documents(searcher, words[0], among.astype(np.int64))
            assert got.tolist() == sorted(set(everything.tolist()) & set(among.tolist()))


def test_an_and_scans_its_rarest_term_first_and_finds_what_each_term_finds(grown, monkeypatch):
    with grown._g.searchers.lend(5) as searcher:
        common, rare = (sum(searcher.doc_frequency(f, w) for f in FIELDS) for w in ("编号", "肩挑"))
    assert common > 10 * rare > 0
    haystack = grown._g.haystack
    real_find, scanned = haystack.find, []
    monkeypatch.setattr(haystack, "find", lambda needle, *args: scanned.append(needle) or real_find(needle, *args))
    forward, backward = (grown.search(q, limit=1000) for q in ("编号 一肩挑", "一肩挑 编号"))
    assert scanned == ["一肩挑", "编号"] * 2  # the run whose rarest word is rarer, first
    each = [{h.id for h in grown.search(q, limit=1000, passages=0).hits} for q in ("编号", "一肩挑")]
    assert {h.id for h in forward.hits} == each[0] & each[1] != set()
    assert forward.total == backward.total == len(each[0] & each[1])
    # What the page shows does not depend on the order the terms were looked for in.
    assert [(h.id, h.passages) for h in forward.hits] == [(h.id, h.passages) for h in backward.hits]


@pytest.mark.parametrize("query, primary", [('"一肩挑" OR (发展 year:2019)', ["一肩挑", "发展"]),
                                            ("编号1 OR (的 author:吴柳)", ["编号1", "的"])])
def test_a_run_held_by_a_document_another_branch_found_counts(grown, query, primary):
    # 发展 is looked for only in the documents of 2019 (the year first, an AND's cheapest term): a document
    # that "一肩挑" brings from another year and that prints 发展 still holds both runs, and ranks so.
    page = grown.search(query, limit=1000, passages=0)
    held = {h.id: sum(run in grown.folded_text(h.id) for run in primary) for h in page.hits}
    keys = [(-held[h.id], -h.score, grown._docnum(h.id)) for h in page.hits]
    assert page.total == len(page.hits) and keys == sorted(keys)
    assert any(held[h.id] == 2 and h.year != 2019 and "吴柳" not in (h.byline or "") for h in page.hits)
