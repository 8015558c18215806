from archive.mojibake import LOST, repair_mojibake


def test_span_with_lost_trail_byte_resolved_by_pinyin():
    text, fixes = repair_mojibake("要看領頭羊?!彼魏渔?zhèn)把黨的組織", "hant")
    # 。 is lost (only its byte A3 survives), ” 宋 河 realign, 鎮 is the one standard
    # Traditional character with first byte E6 read zhèn (the variant 鎭 is not standard).
    assert text == f"要看領頭羊{LOST}”宋河鎮把黨的組織"
    assert len(fixes) == 1
    assert fixes[0].before == "?!彼魏渔?zhèn)"
    assert "鎮 from first byte E6 and pinyin zhèn" in fixes[0].note


def test_span_ending_in_ascii_trail_byte():
    text, _ = repair_mojibake("我們也樂意?!毙鞓蚓茦I(yè)負責人表示", "hant")
    assert text == f"我們也樂意{LOST}”徐橋酒業負責人表示"


def test_opening_quote_and_letter():
    text, _ = repair_mojibake("行為規范?!鞍l(fā)展企業人才”", "hant")
    assert text == f"行為規范{LOST}“發展企業人才”"


def test_pinyin_that_fits_nothing_gives_the_lost_mark():
    text, fixes = repair_mojibake("一崗?fù)ā狈?wù)。持續", "hant")
    assert text == f"一崗{LOST}”{LOST}。持續"
    assert "fit no standard character" in fixes[0].note


def test_script_decides_the_candidate_set():
    # In a Simplified document 務 is not a standard character, so nothing fits wù.
    text, _ = repair_mojibake("心?!蹦壳霸诨貏?wù)工", "hans")
    assert text == f"心{LOST}”目前在回{LOST}工"
    text, _ = repair_mojibake("心?!蹦壳霸诨貏?wù)工", "hant")
    assert text == f"心{LOST}”目前在回務工"


def test_ordinary_question_marks_are_untouched():
    for text in ("What? 党建", "你好?", "A?B", "中文?", "党建?!"):
        assert repair_mojibake(text, "hans") == (text, [])


def test_question_marks_around_plain_text_are_not_mojibake():
    # Realigned, these bytes happen to hit the A1 punctuation row; without a pinyin
    # annotation in the span they are ordinary text and stay as written.
    for text in ("?是不是配的药不恰当?", "你确定?!我不信?", "??在中宁圈子上点击中间按钮“电话本”??"):
        assert repair_mojibake(text, "hans") == (text, [])
