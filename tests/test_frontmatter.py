from archive import build_document
from archive.frontmatter import extract_front_matter, extract_trailing_byline, parse_byline, parse_name_line
from archive.model import Author


def test_bylines():
    assert parse_byline("本报记者 吴柳") == [Author("吴柳", "本报记者")]
    assert parse_byline("记者王雁博") == [Author("王雁博", "记者")]
    assert parse_byline("□本报记者 王凤侠 通讯员 刘一帆") == [
        Author("王凤侠", "本报记者"), Author("刘一帆", "通讯员")]
    assert parse_byline("重温入党誓词，牢记初心使命。") is None
    assert parse_byline("吴柳") is None  # a bare name needs a role or the names-line form


def test_name_lines():
    assert [a.name for a in parse_name_line("周 俊 龙良红 刘 璐")] == ["周俊", "龙良红", "刘璐"]
    assert parse_name_line("新闻标题 测试") is None
    assert parse_name_line("红色筑魂践初心 党建聚力促发展") is None
    assert parse_name_line("周 龙良红 刘") is None  # a lone single character is not a name


def test_front_matter_order():
    fm = extract_front_matter(["标题一行", "——副标题", "本报记者 张三", "正文。"])
    assert (fm.title, fm.subtitle, fm.byline, fm.consumed) == ("标题一行", "副标题", "本报记者 张三", 3)
    fm = extract_front_matter(["正文第一段，很长。", "正文。"])
    assert fm.title is None and fm.consumed == 0


def test_trailing_byline():
    kept, names, fix = extract_trailing_byline("市域經濟的“新引擎”。(程一舟 陳紅革)")
    assert kept == "市域經濟的“新引擎”。"
    assert [a.name for a in names] == ["程一舟", "陳紅革"]
    assert fix.rule == "byline"
    assert extract_trailing_byline("建设“一刻钟(15分钟)生活圈”。") is None


def test_no_title_file_gets_a_supplied_title(data_dir):
    doc = build_document((data_dir / "no_title.txt").read_bytes(), "no_title", "no_title.txt")
    assert doc.title_supplied
    assert doc.paragraphs[0].startswith("近年来")  # nothing taken out of the body
    assert doc.title == "no_title"  # no heading to borrow: the id, marked as supplied


def test_titles_may_end_with_quotes_or_question_marks():
    for title in ("“输血”实体经济 激活经济“细胞”", "你幸福吗？"):
        assert extract_front_matter([title, "正文第一段，很长很长。"]).title == title
    assert extract_front_matter(["第一句话，没有标题。", "正文。"]).title is None


def test_dash_led_running_text_is_body_not_a_subtitle():
    # News pages put whole articles on one line that starts with a dash.
    body = "——中国移动江西公司重拳打击伪基站纪实　　2014年11月26日，江西移动吉安分公司网优中心人员协同无线电管理局。"
    fm = extract_front_matter(["标题一行", body, "第二段。"])
    assert (fm.title, fm.subtitle, fm.consumed) == ("标题一行", None, 1)


def test_front_matter_leaves_a_body():
    # "求助帖 求翻译 跪谢" reads like a line of names, but it is the article's only text.
    fm = extract_front_matter(["求助帖 藏族的朋友们 帮忙翻译一下", "求助帖 求翻译 跪谢"])
    assert (fm.title, fm.byline, fm.consumed) == ("求助帖 藏族的朋友们 帮忙翻译一下", None, 1)


def test_trailing_byline_keeps_roles_apart_from_names():
    kept, names, _ = extract_trailing_byline("……这是最后一段。(记者 王玉婷 通讯员 洪恒亮)")
    assert kept == "……这是最后一段。"
    assert names == [Author("王玉婷", "记者"), Author("洪恒亮", "通讯员")]
