"""The SIMD scan finds exactly what a plain ``in`` over each title and paragraph finds."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.mapped import Texts, write_texts
from index.scan import Haystack

# One-, two-, three- and four-byte UTF-8 characters: a byte match must never start mid-character.
ALPHABET = "a中国的发展黨𠀀😀é 。"
paragraphs = st.lists(st.text(ALPHABET, min_size=0, max_size=12), min_size=1, max_size=4)
documents = st.lists(paragraphs, min_size=1, max_size=12)
needles = st.text(ALPHABET, min_size=1, max_size=4)


def mapped(tmp_path, texts: list[str | None]) -> Haystack:
    """A haystack of ``texts`` (docnum k: ``texts[k]``; None: a deleted docnum), written as a build writes
    it and mapped as a search maps it."""
    write_texts(tmp_path, "folded", ((t or "").encode() for t in texts))
    return Haystack(Texts(tmp_path, "folded"))


def expected(docs: list[list[str]], needle: str, keys: list[int]) -> set[int]:
    return {key for key, paras in zip(keys, docs, strict=True) if any(needle in p for p in paras)}


@settings(max_examples=400, deadline=None)
@given(documents, needles, st.data())
def test_find_is_a_substring_test_per_paragraph(tmp_path_factory, docs, needle, data):
    keys = [3 * k + 1 for k in range(len(docs))]  # docnums with deleted ones between them
    texts: list[str | None] = [None] * (3 * len(docs) + 1)
    for key, paras in zip(keys, docs, strict=True):
        texts[key] = "\n".join(paras)
    hay = mapped(tmp_path_factory.mktemp("hay"), texts)
    deadline = time.monotonic() + 10
    assert hay.find(needle, deadline).tolist() == sorted(expected(docs, needle, keys))
    within = set(data.draw(st.lists(st.sampled_from(keys), max_size=len(keys))))
    found = hay.find(needle, deadline, np.array(sorted(within), dtype=np.int64)).tolist()
    assert found == sorted(expected(docs, needle, keys) & within)
    for key, paras in zip(keys, docs, strict=True):
        assert hay.text(key) == "\n".join(paras)
    # Counted as str.count counts, in each paragraph, each document holding it once, in key order.
    counts = {key: sum(p.count(needle) for p in paras) for key, paras in zip(keys, docs, strict=True)}
    found, numbers = hay.count_each(needle, deadline)
    assert found.tolist() == sorted(k for k, n in counts.items() if n)
    assert numbers.tolist() == [counts[k] for k in found.tolist()]
    assert all(hay.count(key, needle) == counts[key] for key in keys)


def test_a_match_never_spans_two_paragraphs_or_documents(tmp_path):
    hay = mapped(tmp_path, ["党建\n引领", "发展"])
    deadline = time.monotonic() + 10
    assert hay.find("建引", deadline).tolist() == []
    assert hay.find("领发", deadline).tolist() == []
    assert hay.find("党建", deadline).tolist() == [0]
    assert hay.count_each("建引", deadline)[0].tolist() == hay.count_each("领发", deadline)[0].tolist() == []
    with pytest.raises(ValueError):
        hay.find("党建\n引领", deadline)
    with pytest.raises(ValueError):
        hay.count_each("党建\n引领", deadline)


def test_a_scan_past_its_deadline_stops_every_so_many_documents(tmp_path, monkeypatch):
    import index.scan
    from index.errors import QueryTimeout

    hay = mapped(tmp_path, ["党建"] * 10)
    monkeypatch.setattr(index.scan, "_CHECK_EVERY", 4)
    assert hay.find("党建", time.monotonic() + 10).tolist() == list(range(10))
    with pytest.raises(QueryTimeout):
        hay.find("党建", time.monotonic() - 1)
    with pytest.raises(QueryTimeout):
        hay.count_each("党建", time.monotonic() - 1)
    monkeypatch.setattr(index.scan, "_CHECK_EVERY", 11)  # never looked at within ten documents
    assert hay.find("党建", time.monotonic() - 1).tolist() == list(range(10))


# --- the scan helper: the second half of a large file scanned by a second process -------------------------

@pytest.fixture(scope="module")
def helper():
    """This process's scan helper, sharing every scan (of any size) while the module's tests run."""
    from index.scan import stop_scan_helper, use_scan_helper

    given = use_scan_helper(min_bytes=0)
    assert given.ready(timeout=30), "the scan helper did not start"
    yield given
    stop_scan_helper()


def opened(gen, texts: list[str | None]) -> Haystack:
    """Like :func:`mapped`, opened as the engine opens a generation's file (so a helper can map it too)."""
    write_texts(gen, "folded", ((t or "").encode() for t in texts))
    return Haystack.open(gen, "folded")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), paragraphs.map("\n".join)), min_size=2, max_size=14), needles)
def test_a_scan_shared_with_the_helper_finds_what_one_process_finds(tmp_path_factory, helper, texts, needle):
    hay = opened(tmp_path_factory.mktemp("gen"), texts)
    deadline = time.monotonic() + 10
    answered = helper.answered
    holding = [k for k, t in enumerate(texts) if t and any(needle in p for p in t.split("\n"))]
    assert hay.find(needle, deadline).tolist() == holding
    assert hay.find_range(needle, 0, len(hay), deadline).tolist() == holding
    keys, counts = hay.count_each(needle, deadline)
    assert keys.tolist() == holding
    assert counts.tolist() == [sum(p.count(needle) for p in texts[k].split("\n")) for k in holding]
    assert helper.answered == answered + 2  # it did scan its half, both times


def test_searches_through_the_helper_answer_as_one_process_does(seed_index, helper):
    from index.kwic import concordance
    from index.search import Engine

    queries = ['"一肩挑"', "党建", "發展 -扶贫", '"的" year:2019', "title:党建", '"不在任何文章里"', "村 OR 镇"]
    engine = Engine(seed_index)

    def answers() -> tuple[list, list]:
        pages = [engine.search(query) for query in queries]
        lines = concordance(engine, "的", limit=500).lines
        return [(p.total, [(h.id, h.score, h.passages) for h in p.hits], p.facets) for p in pages], lines

    answered = helper.answered
    shared = answers()
    assert helper.answered > answered
    helper.min_bytes = 2**62  # no file is that large: every scan this process's own
    try:
        answered = helper.answered
        alone = answers()
        assert helper.answered == answered
    finally:
        helper.min_bytes = 0
    assert shared == alone
    assert shared[0][0][0] == 1 and len(shared[1]) > 100


def test_an_answer_the_worker_gave_up_on_is_not_taken_for_the_next(tmp_path, helper):
    hay = opened(tmp_path, ["党建", "发展", "党建发展", "扶贫"])
    deadline = time.monotonic() + 10
    with helper.part(tmp_path, "folded", 4, "find", "党建", 1, 4, deadline) as pending:
        assert pending is not None  # asked, never collected (as when the worker's own half ran out of time)
    assert hay.find("发展", deadline).tolist() == [1, 2]
    assert hay.find("扶贫", deadline).tolist() == [3]


def test_answers_given_up_on_never_fill_the_pipes(tmp_path, helper):
    """One request in flight at most: a request given up on is read before the next is sent (else, after a
    few thousand, both sides would block writing to each other, the helper's lock held)."""
    hay = opened(tmp_path, ["党建" * 3000] * 40)  # answers of 40 counts, a request of 3 KB
    needle = "党建" * 500
    began = time.monotonic()
    for _ in range(3000):
        with helper.part(tmp_path, "folded", 40, "count", needle, 0, 40, time.monotonic() + 10):
            pass
    assert time.monotonic() - began < 60
    answered = helper.answered
    assert helper.ready(timeout=10)
    keys, counts = hay.count_each(needle, time.monotonic() + 10)
    assert keys.tolist() == list(range(40)) and counts.tolist() == [6] * 40
    assert helper.answered == answered + 1


def test_a_helper_past_the_deadline_says_so(tmp_path, helper):
    from index.errors import QueryTimeout

    hay = opened(tmp_path, ["党建"] * 10000)
    with pytest.raises(QueryTimeout):  # each looks at the clock every 4,096 documents of its 5,000
        hay.find("党建", time.monotonic() - 1)
    # Asked for all of it past the deadline, the helper says so (its answer, not this process's clock).
    assert helper.ready(timeout=10)  # once it has given the answer owed to the search above
    with helper.part(tmp_path, "folded", 10000, "find", "党建", 0, 10000, time.monotonic() - 1) as pending:
        with pytest.raises(QueryTimeout):
            pending.result(time.monotonic() + 10, patience=10)
    assert hay.find("党建", time.monotonic() + 10).tolist() == list(range(10000))


def test_a_stopped_helper_is_not_waited_for(tmp_path, helper):
    import os
    import signal

    hay = opened(tmp_path, ["党建", "发展", "党建发展", "扶贫"])
    os.kill(helper.pid, signal.SIGSTOP)  # alive, but answering nothing (swapped out, starved of CPU)
    try:
        began = time.monotonic()
        assert hay.find("党建", time.monotonic() + 10).tolist() == [0, 2]
        assert hay.find("发展", time.monotonic() + 10).tolist() == [1, 2]  # it owes an answer: not asked
        assert time.monotonic() - began < 2
        assert not helper.ready()
    finally:
        os.kill(helper.pid, signal.SIGCONT)
    assert helper.ready(timeout=10)  # the answer it owed read, it takes requests again
    answered = helper.answered
    assert hay.find("扶贫", time.monotonic() + 10).tolist() == [3]
    assert helper.answered == answered + 1


def test_a_helper_that_cannot_open_the_file_leaves_the_scan_to_the_worker(tmp_path, helper):
    hay = opened(tmp_path, ["党建", "发展", "党建发展", "扶贫"])
    (tmp_path / "folded.bin").unlink()  # the worker has it mapped; the helper cannot open it by name
    answered = helper.answered
    assert hay.find("党建", time.monotonic() + 10).tolist() == [0, 2]
    assert helper.answered == answered


def test_the_helper_lets_go_of_a_removed_generation(tmp_path, helper):
    from pathlib import Path

    old, new = tmp_path / "gen-old", tmp_path / "gen-new"
    old.mkdir()
    new.mkdir()
    assert opened(old, ["党建", "发展"]).find("党建", time.monotonic() + 10).tolist() == [0]
    maps = Path(f"/proc/{helper.pid}/maps")
    assert str(old / "folded.bin") in maps.read_text()
    (old / "folded.bin").unlink()  # as a build removes the generation it replaced
    assert opened(new, ["扶贫", "党建"]).find("党建", time.monotonic() + 10).tolist() == [1]
    assert str(old / "folded.bin") not in maps.read_text()


def test_a_helper_that_died_is_replaced_and_meanwhile_the_worker_scans_alone(tmp_path, helper):
    import os
    import signal

    hay = opened(tmp_path, ["党建", "发展", "党建发展", "扶贫"])
    first = helper.pid
    os.kill(first, signal.SIGKILL)
    for _ in range(100):  # until the kill has landed
        if helper._proc.poll() is not None:
            break
        time.sleep(0.05)
    assert hay.find("党建", time.monotonic() + 10).tolist() == [0, 2]  # no helper: scanned here
    helper.restart_after = 0
    assert helper.ready(timeout=30) and helper.pid != first
    answered = helper.answered
    assert hay.find("党建", time.monotonic() + 10).tolist() == [0, 2]
    assert helper.answered == answered + 1


def test_a_helper_that_cannot_start_is_logged_and_not_used(monkeypatch, caplog):
    import sys

    from index.scan import ScanHelper

    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    helper = ScanHelper(min_bytes=0)
    assert not helper.ready(timeout=1)
    assert "the scan helper could not start" in caplog.text
    assert not helper.ready(timeout=1)  # not tried again before restart_after
    helper.close()
