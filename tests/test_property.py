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
    """The definition of a phrase match: a substring of the folded title, subtitle, byline or one paragraph."""
    return sorted(d.id for d in docs
                  if any(needle in fold_text(x) for x in (d.title, d.subtitle or "", d.byline or "", *d.paragraphs)))


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


@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_and_or_not_of_phrases_are_set_algebra(engine, seed_docs, data):
    # AND looks for later terms only among the documents earlier ones left: the answer must not change.
    docs = list(seed_docs.values())
    a, b = data.draw(folded_substrings(docs)), data.draw(folded_substrings(docs))
    for needle in (a, b):
        assume(needle.strip() and needle == needle.strip() and not (set(needle) & QUOTES))
        # Operators, ASCII or as a Chinese input method types them (issue 14), are not text here.
        assume(needle not in ("OR", "AND", "NOT") and not set(needle) & set("()|-: （）｜－—：")
               and not needle.startswith("-"))
    has_a, has_b = set(expected_ids(docs, a)), set(expected_ids(docs, b))
    every = {d.id for d in docs}
    cases = {f'"{a}" "{b}"': has_a & has_b, f'"{a}" OR "{b}"': has_a | has_b,
             f'"{a}" -"{b}"': has_a - has_b, f'("{a}" OR "{b}") -"{a}"': has_b - has_a,
             f'"{b}" NOT "{a}"': has_b - has_a}
    # Unquoted runs (jieba words, or the run verbatim): combined, they must give the set algebra of
    # what each gives alone.
    alone_a, alone_b = ({h.id for h in engine.search(x, limit=10).hits} for x in (a, b))
    cases |= {f"{a} {b}": alone_a & alone_b, f"{a} OR {b}": alone_a | alone_b, f"{a} -{b}": alone_a - alone_b}
    for query, expected in cases.items():
        page = engine.search(query, limit=10)
        assert page.total == len(expected) and {h.id for h in page.hits} == expected, (query, every)
