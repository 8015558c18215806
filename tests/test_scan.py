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
