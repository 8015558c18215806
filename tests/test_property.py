"""Property: a quoted phrase finds exactly the documents whose folded title or one folded paragraph holds it."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.analysis import fold_text

QUOTES = set('"“”「」『』')


@st.composite
def folded_substrings(draw, docs):
    doc = draw(st.sampled_from(docs))
    texts = [fold_text(doc.title), *(fold_text(p) for p in doc.paragraphs)]
    text = draw(st.sampled_from(texts))
    start = draw(st.integers(0, max(0, len(text) - 1)))
    length = draw(st.integers(1, 12))
    return text[start:start + length]


def expected_ids(docs, needle):
    return sorted(d.id for d in docs
                  if needle in fold_text(d.title) or any(needle in fold_text(p) for p in d.paragraphs))


@given(data=st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_phrase_search_is_exact(engine, seed_docs, data):
    docs = list(seed_docs.values())
    needle = data.draw(folded_substrings(docs))
    assume(needle.strip() and not (set(needle) & QUOTES))
    assume(needle == needle.strip())
    page = engine.search(f'"{needle}"', limit=10)
    assert sorted(h.id for h in page.hits) == expected_ids(docs, needle), needle


def test_folding_is_idempotent(seed_docs):
    for doc in seed_docs.values():
        for par in doc.paragraphs:
            once = fold_text(par)
            assert fold_text(once) == once
