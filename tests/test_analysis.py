from whoosh.analysis import Composable

from index.analysis import (
    CharTokenizer,
    DropPunctuationFilter,
    JiebaTokenizer,
    OrdinalPositionFilter,
    fold,
    fold_text,
    query_words,
    word_analyzer,
)


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
