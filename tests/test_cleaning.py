import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.cleaning import (
    crossing_word,
    drop_stray_commas,
    is_heading,
    is_split_candidate,
    normalize_newlines,
    normalize_unicode,
    rejoin_paragraphs,
    strip_pinyin,
)


# Rule 2 -----------------------------------------------------------------
def test_line_endings():
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_nfc_and_zero_width():
    text, fixes = normalize_unicode("e\u0301党\u200b建\ufeff")
    assert text == "é党建"
    assert [f.rule for f in fixes] == ["nfc", "zero-width"]


def test_clean_text_has_no_fix():
    assert normalize_unicode("党建") == ("党建", [])


# Rule 3 -----------------------------------------------------------------
def test_pinyin_after_han_is_stripped():
    text, fixes = strip_pinyin("宋河鎮(zhèn)全面實施黨建引領(lǐng)")
    assert text == "宋河鎮全面實施黨建引領"
    assert [(f.before, f.after) for f in fixes] == [("鎮(zhèn)", "鎮"), ("領(lǐng)", "領")]


def test_real_parentheticals_stay():
    # 克雷泰伊(créteil): a tone mark, but a French place name, not a pinyin syllable.
    for text in ("(程一舟 陈红革)", "村組(網格)黨小組", "一刻钟(15分钟)生活圈", "(zhen)", "abc(zhèn)",
                 "克雷泰伊(créteil)地方"):
        assert strip_pinyin(text) == (text, [])


def test_nested_annotation_inside_parenthetical():
    assert strip_pinyin("村組(網(wǎng)格)")[0] == "村組(網格)"


def test_annotation_after_question_mark_is_left_for_mojibake_rule():
    assert strip_pinyin("渔?(zhèn)把")[0] == "渔?(zhèn)把"


# Rule 4 -----------------------------------------------------------------
def test_stray_commas():
    cases = {
        "近年來,,宋河鎮": "近年來,宋河鎮",
        "治理,、助推": "治理、助推",
        "興,。": "興。",
        "開心,?!": "開心?!",
        "甲,乙": "甲,乙",
    }
    for before, after in cases.items():
        assert drop_stray_commas(before)[0] == after
    assert len(drop_stray_commas("a,,b,、c")[1]) == 2


# Rule 6 -----------------------------------------------------------------
def test_headings_are_recognised():
    for h in ("主题教育走深走实", "党建+组织建设 筑牢堡垒强引领", "凸顯“黨建紅”,激活產業發展“新動能”",
              "“支部+产业发展”,激发经济活力", "近叶药材基地"):
        assert is_heading(h), h
    for p in ("在分红现场,居民们有序排队,逐一签", "重温入党誓词，牢记初心使命。"):
        assert not is_heading(p), p


def test_split_candidates():
    assert is_split_candidate("组织体系重部署。先后建立党建活动，将全年党建重点任务实行清单", "化管理。结合青年工人。")
    body = "2023年,示范区在深入开展主题教育中充分发挥党组织战斗堡垒作用和党员先锋模范作用。"
    assert not is_split_candidate("主题教育走深走实", body)  # a heading
    assert not is_split_candidate("第一句。", "第二句。")  # a finished sentence
    assert not is_split_candidate("正文写到末尾，做移风", "易俗、树立文明新风的示范者。")  # one clause mark: a heading
    # inews: a line of a tender list, and a label opening the next line.
    assert not is_split_candidate("第一中标候选人：河南正海实业有限公司", "投标报价：14711元，工期：120日历天。")
    assert not is_split_candidate("发车时间：10：00，16：00，18：00", "15：00 终点站：南站。")  # digits at the break


def test_crossing_word():
    assert crossing_word("带头摒弃不文明生活习惯，做移风", "易俗、树立文明新风的示范者。") == "移风易俗"
    assert crossing_word("在分红现场,居民们有序排队,逐一签", "字,按手印。") == "签字"
    assert crossing_word("将全年党建重点任务实行清单", "化管理。") is None
    assert crossing_word("举报电话：0797-89228377", "qq：2901613") is None  # not Han


def test_rejoin_records_and_maps():
    head = "在整治活动中，广大党员干部带头摒弃不文明生活习惯，做移风"
    pars = ["标题", head, "易俗、树立文明新风的示范者。", "下一段。"]
    out, mapping, fixes = rejoin_paragraphs(pars)
    assert out == ["标题", head + "易俗、树立文明新风的示范者。", "下一段。"]
    assert mapping == [0, 1, 1, 2]
    assert len(fixes) == 1 and "做移风¶易俗" in fixes[0].before


def test_short_fragment_with_one_clause_break_is_not_joined():
    # Known limit, documented in the README: this looks exactly like a heading.
    pars = ["正文一直写到了末尾，做移风", "易俗、树立文明新风的示范者。"]
    assert rejoin_paragraphs(pars)[0] == pars


# Real news one paragraph a line (inews): breaks without a full stop that are the newspaper's own.
INEWS_BREAKS = [
    ["据悉，该镇第四季度基干民兵训练为期10天，图为训练现场",
     "11月16日上午，在张滩镇九年制学校的操场上，民兵进行队列训练。"],
    ["请问您的年龄：1、18岁以下，2、18至30岁，3、30岁以上", "您的职业：1、学生，2、公务员，3、其他。"],
    ["本报讯，记者昨日获悉，咨询电话：0755-12345678", "活动将于本月底举行，欢迎市民参加。"],
    ["来源：新华网，作者：王晓民，编辑：周小博", "特别声明：以上文章内容仅代表作者本人观点。"],
    ["是他！德庆一男子伙同他人多次窜到凤村、播植等地果园偷皇帝柑",
     "近日，德庆县公安局破获一起盗窃案，抓获犯罪嫌疑人3名。"],
]


@pytest.mark.parametrize("before, after", [
    ("旗帜就是方向,党建引领发展。", "旗帜就是方向，党建引领发展。"),
    ("支部强,则产业兴;产业兴,则乡村兴。", "支部强，则产业兴；产业兴，则乡村兴。"),
    ("记者:张三", "记者：张三"), ("你好吗?好!", "你好吗？好！"), ("村组(网格)党小组", "村组（网格）党小组"),
    ("走访群众1,500人,现场", "走访群众1,500人，现场"),  # inside a number: stays
    ("(1)加强组织建设", "（1）加强组织建设"), ("简称(ABC)标准", "简称（ABC）标准"),  # brackets go as a pair
    ("10:00-12:00 开放", "10:00-12:00 开放"), ("hey ! ok, fine", "hey ! ok, fine"),  # no Chinese beside it
])
def test_half_width_marks_beside_chinese_are_restored(before, after):
    from archive.cleaning import restore_full_width

    text, fixes = restore_full_width(before)
    assert text == after
    assert len(fixes) == (before != after)


def test_full_width_is_restored_only_where_a_half_width_pass_shows():
    from archive import build_document

    passed = "新闻标题\n旗帜就是方向,党建引领发展。支部强,则产业兴;产业兴,则乡村兴。\n"
    doc = build_document(passed.encode(), "p", "p.txt")
    assert doc.paragraphs == ("旗帜就是方向，党建引领发展。支部强，则产业兴；产业兴，则乡村兴。",)
    slip = "新闻标题\n旗帜就是方向，党建引领发展。支部强,则产业兴；产业兴，则乡村兴。\n"  # one slip among marks
    doc = build_document(slip.encode(), "s", "s.txt")
    assert doc.paragraphs == ("旗帜就是方向，党建引领发展。支部强,则产业兴；产业兴，则乡村兴。",)  # as printed
    assert not [r for r in doc.repairs if r.rule == "width"]


@pytest.mark.parametrize("pars", INEWS_BREAKS)
def test_a_newspaper_s_own_breaks_stay(pars):
    assert rejoin_paragraphs(pars) == (pars, list(range(len(pars))), [])


def test_page_breaks_are_joined_only_in_a_document_that_shows_a_certain_one():
    tail = "结合实际，突出重点，将全年党建重点任务实行清单"
    cont = "化管理。结合青年工人多的特点，组建志愿服务队。"
    alone = [tail, cont]
    assert rejoin_paragraphs(alone)[0] == alone  # possible, not certain: kept apart
    certain = ["在分红现场,居民们有序排队,逐一签", "字,按手印,社区干部在一旁耐心解答。"]
    out, mapping, fixes = rejoin_paragraphs(certain + alone)
    assert out == [certain[0] + certain[1], tail + cont]
    assert mapping == [0, 0, 1, 1]
    assert "签字" in fixes[0].note and "other such breaks" in fixes[1].note


def test_an_isolated_reading_note_stays_and_the_scraper_s_pattern_goes():
    from archive import build_document

    note = "朝鲜领导人金正(zhèng)恩出席了会议。\n会议在平壤举行。\n"
    doc = build_document(("新闻标题\n" + note).encode(), "note", "note.txt")
    assert doc.paragraphs[0] == "朝鲜领导人金正(zhèng)恩出席了会议。"  # the author's own note, as printed
    assert not [r for r in doc.repairs if r.rule == "pinyin"]
    scraped = "宋河鎮(zhèn)全面實施黨建引領(lǐng)工程,發(fā)展壯大。\n"
    doc = build_document(("新闻标题\n" + scraped).encode(), "scraped", "scraped.txt")
    assert doc.paragraphs[0] == "宋河鎮全面實施黨建引領工程，發展壯大。"
    assert len([r for r in doc.repairs if r.rule == "pinyin"]) == 3


def test_the_scraper_s_pinyin_is_recognised_in_decomposed_text():
    import unicodedata

    from archive import build_document

    scraped = unicodedata.normalize("NFD", "新闻标题\n他(tā)说我(wǒ)们你(nǐ)好。\n")  # tone marks as combining marks
    doc = build_document(scraped.encode(), "nfd", "nfd.txt")
    assert doc.paragraphs == ("他说我们你好。",)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="中國国黨党發发的 a。𠀀\U00030000\U0003134a\ud800鎮镇臺台A1\x00", max_size=40))
def test_script_detection_counts_traditional_against_simplified_only_characters(text):
    """``detect_script`` translates the text to script marks; the definition is a count over its characters:
    Traditional-only Han characters against Simplified-only ones (shared ones and everything else ignored)."""
    from archive.script import _char_script, detect_script, is_han

    scripts = [_char_script(ch) for ch in text if is_han(ch)]
    assert detect_script(text) == ("hant" if scripts.count("hant") > scripts.count("hans") else "hans")
