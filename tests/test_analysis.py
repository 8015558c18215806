from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import Composable
from whoosh.fields import ID, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.index import create_in
from whoosh.query import Or, Term
from whoosh.scoring import BM25F

from archive.segmenter import segment, segment_jieba
from index.analysis import (
    CharTokenizer,
    DropPunctuationFilter,
    JiebaTokenizer,
    OrdinalPositionFilter,
    WordsStr,
    count_words,
    fold,
    fold_char,
    fold_known,
    fold_text,
    fold_words,
    query_words,
    word_analyzer,
)
from index.schema import TITLE_BOOST, WordField


def tokens(analyzer, text):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]


def test_word_analyzer_is_composed():
    analyzer = word_analyzer()
    assert isinstance(analyzer, Composable)
    kinds = [type(x) for x in analyzer.items]
    assert kinds == [JiebaTokenizer, DropPunctuationFilter, OrdinalPositionFilter]


def test_positions_are_ordinals_not_character_offsets():
    text = "村黨組織書記和村委會主任“一肩挑”比例"
    assert tokens(word_analyzer(), text) == [
        ("村", 0, 0, 1), ("党组织", 1, 1, 4), ("书记", 2, 4, 6), ("和", 3, 6, 7), ("村委会", 4, 7, 10),
        ("主任", 5, 10, 12), ("一", 6, 13, 14), ("肩挑", 7, 14, 16), ("比例", 8, 17, 19),
    ]
    # Offsets point into the *original* (Traditional) text.
    for word, _, start, end in tokens(word_analyzer(), text):
        assert fold_text(text[start:end]) == word


def test_punctuation_is_dropped_and_positions_stay_consecutive():
    toks = tokens(word_analyzer(), "党建，，引领。发展！")
    assert [t[0] for t in toks] == ["党建", "引领", "发展"]
    assert [t[1] for t in toks] == [0, 1, 2]


def test_char_tokenizer_positions():
    assert tokens(CharTokenizer(), "黨 建") == [("党", 0, 0, 1), ("建", 1, 2, 3)]


def test_folding():
    assert fold_text("黨建") == "党建"
    assert fold_text("２０１９年") == "2019年"
    assert fold_text("ＡＢＣ abc") == "abc abc"
    assert fold_text("红色筑魂践初心 党建聚力") == "红色筑魂践初心党建聚力"  # space between Han dropped
    assert fold_text("COVID 19") == "covid 19"  # but not between Latin words
    assert fold_text("一\u3000肩挑") == "一肩挑"  # ideographic space too


def test_fold_offsets_map_back_exactly():
    text = "要看領頭羊〓”宋河鎮把  ２０１９年…ß"
    f = fold(text)
    for i in range(len(f.text)):
        a, b = f.original_span(i, i + 1)
        assert f.text[i] in fold_text(text[a:b])
    a, b = f.original_span(f.text.index("宋河镇"), f.text.index("宋河镇") + 3)
    assert text[a:b] == "宋河鎮"
    a, b = f.original_span(f.text.index("2019年"), f.text.index("2019年") + 5)
    assert text[a:b] == "２０１９年"


def test_query_words_match_indexed_words():
    assert query_words("黨組織書記") == ["党组织", "书记"]
    assert query_words("移风易俗") == ["移风易俗"]


def test_folding_is_idempotent_on_every_bmp_character():
    # OpenCC's t2s chains 薴 → 苧 → 苎; a query and a text must fold to the same end.
    assert fold_text("薴") == fold_text("苧") == "苎"
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        once = fold_text(chr(cp))
        assert fold_text(once) == once, hex(cp)


# --- the fast paths agree with their references ---------------------------------------------

# Han (both scripts), full-width forms, Latin with case and ß, digits, white space of several kinds, a
# zero-width space (unprintable, not white space).
_TEXTS = st.lists(st.sampled_from("黨党建組织書记一肩挑２０１９ＡａAbß ㈠\u3000\t\n\u2028\x85\u200b，。！“”?薴苧"),
                  max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_fold_with_offsets_agrees_with_fold_text(text):
    folded = fold(text)
    assert folded.text == fold_text(text)
    assert len(folded.origin) == len(folded.text) + 1
    for i, ch in enumerate(folded.text):
        source = text[folded.origin[i]]
        # Each folded character comes from its original character, or is the one space a run became.
        assert ch in fold_char(source) or (ch == " " and source.isspace())


def test_word_field_indexes_what_the_analyzer_yields(seed_docs):
    for boost in (1.0, TITLE_BOOST):
        field = WordField(field_boost=boost)
        for doc in seed_docs.values():
            text = "\n".join(doc.paragraphs)
            reference = Frequency(field_boost=boost).word_values(text, word_analyzer(), mode="index")
            # The same words, counts and weights; the count is not repeated as value bytes.
            expected = sorted((w.encode("utf-8"), n, weight, b"") for w, n, weight, _ in reference)
            assert sorted(field.index(text)) == expected
            assert count_words(text) == Counter(query_words(text))


def test_word_field_scores_like_whoosh_s_own_frequency_field(tmp_path, seed_docs):
    schemas = {
        "ours": Schema(id=ID(stored=True), title=WordField(TITLE_BOOST), body=WordField()),
        "whoosh": Schema(id=ID(stored=True), title=TEXT(analyzer=word_analyzer(), phrase=False,
                                                        field_boost=TITLE_BOOST),
                         body=TEXT(analyzer=word_analyzer(), phrase=False)),
    }
    scores = {}
    for name, schema in schemas.items():
        (tmp_path / name).mkdir()
        ix = create_in(str(tmp_path / name), schema)
        with ix.writer() as w:
            for doc in seed_docs.values():
                w.add_document(id=doc.id, title=doc.title, body="\n".join(doc.paragraphs))
        with ix.searcher(weighting=BM25F()) as s:
            for words in (["党建"], ["党建", "引领"], ["一", "肩挑"], ["村", "书记"], ["发展"]):
                q = Or([Term(f, w) for w in words for f in ("title", "body")])
                scores[name, tuple(words)] = {h["id"]: round(h.score, 5) for h in s.search(q, limit=None)}
    for key in {k[1] for k in scores}:
        assert scores["ours", key] == scores["whoosh", key] and scores["ours", key], key


def test_segmenter_gives_jieba_s_words(seed_docs):
    # rjieba (jieba-rs) is used for speed; jieba itself is the reference (bench checks the 8.9 M-character corpus).
    for doc in seed_docs.values():
        for par in (doc.title, *doc.paragraphs):
            text = fold_text(par)
            assert [tuple(t) for t in segment(text)] == segment_jieba(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_folding_twice_changes_nothing(text):
    once = fold_text(text)
    assert fold_text(once) == once
    words = fold_words(text)
    assert fold_words(words) == words and len(words) == len(once)  # the two foldings differ char for char
    assert count_words(WordsStr(words)) == count_words(text)


def test_folded_paragraphs_index_as_their_raw_text(seed_docs):
    for doc in seed_docs.values():
        for par in (doc.title, *doc.paragraphs):
            assert count_words(WordsStr(fold_words(par))) == count_words(par)



#: Characters that fold to several (… → ..., ß → ss, ﷺ → eighteen, ¨ → a space and a diaeresis), next to
#: white space and to one another.
_UNEVEN_TEXTS = st.lists(st.sampled_from("党建一肩挑…ß㈠ﷺ¨Ａa ,。\u3000\t\n\u2028"), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_TEXTS, _UNEVEN_TEXTS))
def test_fold_known_is_fold(text):
    # Rebuilt from the stored folded text (white-space runs and uneven characters) or by folding again: the
    # same map.
    known, again = fold_known(text, fold_text(text)), fold(text)
    assert (known.text, list(known.origin)) == (again.text, list(again.origin))


def test_fold_known_maps_an_ellipsis_without_folding_again(monkeypatch):
    # The Chinese ellipsis (……, six folded characters) is in most news: its map comes from the stored text.
    text = "他说：“我们……再看看。” 好"
    expected = fold(text)
    monkeypatch.setattr("index.analysis.fold", lambda _text: pytest.fail("folded again"))
    known = fold_known(text, fold_text(text))
    assert known.text == expected.text == "他说:“我们......再看看。” 好"
    assert list(known.origin) == list(expected.origin)
    assert [known.origin[i] for i in range(6, 12)] == [6, 6, 6, 7, 7, 7]


def test_fold_known_on_the_seeds(seed_docs):
    for doc in seed_docs.values():
        for par in doc.paragraphs:
            known, again = fold_known(par, fold_text(par)), fold(par)
            assert (known.text, list(known.origin)) == (again.text, list(again.origin))
