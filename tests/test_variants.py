"""Variant folding (issue 12): derived from OpenCC's data, it makes a Simplified query find the Traditional
spelling OpenCC writes (了解 → 瞭解), and keeps apart what is not one word's spelling (炼 ≠ 链)."""

from __future__ import annotations

import pytest

from archive.script import to_traditional
from index.analysis import fold_text
from index.variants import derive, variants


def test_the_table_is_opencc_s_data_derived_again():
    assert variants() == derive() and len(variants()) > 20


@pytest.mark.parametrize("simplified, traditional", [
    ("了解", "瞭解"), ("反复", "反覆"), ("凭借", "憑藉"), ("仿佛", "彷彿"), ("想象", "想像"), ("苏醒", "甦醒"),
    ("背着", "揹著"), ("昵称", "暱稱"), ("咨询", "諮詢"), ("具备", "俱備"), ("随着", "隨著"), ("着", "著"),
])
def test_variant_spellings_fold_together(simplified, traditional):
    assert fold_text(simplified) == fold_text(traditional)


@pytest.mark.parametrize("a, b", [("炼", "链"), ("么", "幺"), ("资讯", "信息")])
def test_what_is_not_one_word_s_spelling_stays_apart(a, b):
    # 炼 is the Simplified form of 煉 and 么 of 麼; regional vocabulary (資訊/信息) is out of scope.
    assert fold_text(a) != fold_text(b)


def test_folding_stays_idempotent():
    for v, s in variants().items():
        assert fold_text(v) == fold_text(s) == fold_text(fold_text(s)), (v, s)


def test_a_simplified_query_finds_the_opencc_traditional_copy(tmp_path):
    from index.build import build_index
    from index.search import Engine

    text = "基层调研\n干部深入了解民情，反复研究，凭借经验，仿佛回到过去，难以想象，随着时间推移苏醒过来。\n"
    hant = to_traditional(text)
    assert all(v in hant for v in ("瞭解", "反覆", "憑藉", "彷彿", "想像", "甦醒")), hant
    src = tmp_path / "src"
    src.mkdir()
    (src / "hant.txt").write_text(hant, encoding="utf-8")
    build_index([src], tmp_path / "ix")
    engine = Engine(tmp_path / "ix")
    for word in ("了解", "反复", "凭借", "仿佛", "想象", "随着", "苏醒"):
        assert engine.search(f'"{word}"').total == 1, word
        assert engine.search(word).total == 1, word


def test_variants_do_not_break_jieba_s_words(tmp_path):
    """Words are cut before the variant table applies: 著名 stays one word, so a keyword search for it does
    not turn into 着 AND 名 (which would match any article holding both characters anywhere)."""
    from index.analysis import count_words
    from index.build import build_index
    from index.search import Engine

    assert "著名" in count_words("他是一位著名的作家") and "着" not in count_words("他是一位著名的作家")
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("作家\n他是一位著名的作家，写了很多书。\n", encoding="utf-8")
    (src / "b.txt").write_text("名字\n他的名字在上面写着呢。\n", encoding="utf-8")  # 着 and 名, apart
    (src / "c.txt").write_text("等待\n我们等待你的消息。\n", encoding="utf-8")
    (src / "d.txt").write_text("发呆\n他在等人时发呆。\n", encoding="utf-8")
    build_index([src], tmp_path / "ix")
    engine = Engine(tmp_path / "ix")
    assert [h.id for h in engine.search("著名").hits] == ["a"]  # not b: 著名 is one word, not 着 AND 名
    assert [h.id for h in engine.search("等待").hits] == ["c"]


def test_the_stored_fold_is_the_words_fold_with_variants():
    from index.analysis import add_variants, fold_words

    for text in ("瞭解 反覆\n憑藉", "著名 作家", "ＡＢＣ 黨建　工作", "金正(zhèng)恩", "一 二\u3000三", "𰬸子"):
        assert add_variants(fold_words(text)) == fold_text(text), text


def test_a_word_never_runs_across_printed_lines(tmp_path):
    from index.build import build_index
    from index.generation import open_current

    src = tmp_path / "src"
    src.mkdir()
    # Two paragraphs (one clause mark before the break: not a page-break candidate), 移风 | 易俗 across them.
    text = "标题\n第一段写到这里为止，然后是移风\n易俗这个词不该跨行出现在索引里。\n"
    (src / "a.txt").write_text(text, encoding="utf-8")
    build_index([src], tmp_path / "ix")
    _, searcher, store = open_current(tmp_path / "ix")
    try:
        reader = searcher.reader()
        assert ("body", "易俗") in reader and ("body", "移风易俗") not in reader
    finally:
        searcher.close()
        store.close()
