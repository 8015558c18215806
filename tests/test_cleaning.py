from archive.cleaning import (
    drop_stray_commas,
    is_heading,
    is_page_break_split,
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


def test_split_detection():
    assert is_page_break_split("组织体系重部署。先后建立党建活动，将全年党建重点任务实行清单", "化管理。结合青年工人。")
    body = "2023年,示范区在深入开展主题教育中充分发挥党组织战斗堡垒作用和党员先锋模范作用。"
    assert not is_page_break_split("主题教育走深走实", body)
    assert not is_page_break_split("第一句。", "第二句。")


def test_rejoin_records_and_maps():
    head = "在整治活动中，广大党员干部带头摒弃不文明生活习惯，做移风"
    pars = ["标题", head, "易俗、树立文明新风的示范者。", "下一段。"]
    out, mapping, fixes = rejoin_paragraphs(pars)
    assert out == ["标题", head + "易俗、树立文明新风的示范者。", "下一段。"]
    assert mapping == [0, 1, 1, 2]
    assert len(fixes) == 1 and "做移风¶易俗" in fixes[0].before


def test_short_fragment_with_one_clause_break_is_not_joined():
    # Known limit, documented in the README: this looks exactly like a heading.
    assert not is_page_break_split("正文一直写到了末尾，做移风", "易俗、树立文明新风的示范者。")
