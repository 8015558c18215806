import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import build_document
from archive.frontmatter import (
    extract_front_matter,
    extract_lead_authors,
    extract_trailing_byline,
    parse_byline,
    parse_name_line,
)
from archive.model import Author

BODY = ("近年来，宋河镇全面实施党建工程，把党建引领作为发展壮大村集体经济、护航基层治理、"
        "助推经济社会发展的新引擎，形成了强大合力。")


def test_bylines():
    assert parse_byline("本报记者 吴柳") == [Author("吴柳", "本报记者")]
    assert parse_byline("记者王雁博") == [Author("王雁博", "记者")]
    assert parse_byline("□本报记者 王凤侠 通讯员 刘一帆") == [
        Author("王凤侠", "本报记者"), Author("刘一帆", "通讯员")]
    assert parse_byline("重温入党誓词，牢记初心使命。") is None
    assert parse_byline("吴柳") is None  # a bare name needs a role or the names-line form


@pytest.mark.parametrize(("line", "authors"), [
    ("新华社记者 张三 李四", [Author("张三", "新华社记者"), Author("李四", "新华社记者")]),
    ("新華社記者 張三", [Author("張三", "新華社記者")]),
    ("人民日报记者 王五", [Author("王五", "人民日报记者")]),
    ("中新社记者 李明 通讯员 王五", [Author("李明", "中新社记者"), Author("王五", "通讯员")]),
    ("央视记者 赵六", [Author("赵六", "央视记者")]),
    ("澎湃新闻记者 赵六", [Author("赵六", "澎湃新闻记者")]),
    ("記者林志明／宜蘭報導", [Author("林志明", "記者")]),  # where it was reported from is no author
])
def test_a_news_organisation_before_the_role_is_part_of_the_role(line, authors):
    assert parse_byline(line) == authors


@pytest.mark.parametrize("line", [
    "新华社记者", "张三记者", "新华社 张三", "记者跑社区",
    # headlines and sentences of that shape: no space parts the role from the name (a review found them)
    "专访新华社记者张严平", "悼念人民日报记者李明", "感谢电视台记者张伟", "请联系本报记者李明", "他曾是新华社记者李华",
    "新华社记者张三"])
def test_an_organisation_is_never_an_author_nor_a_headline_a_byline(line):
    assert parse_byline(line) is None


def test_a_role_word_is_never_taken_into_an_organisation():
    assert parse_byline("记者 李闻 通讯员 王五") == [Author("李闻", "记者"), Author("王五", "通讯员")]
    assert parse_byline("记者李闻通讯员王五") is None  # as before: no organisation "记者李闻"


def test_name_lines():
    assert [a.name for a in parse_name_line("周 俊 龙良红 刘 璐")] == ["周俊", "龙良红", "刘璐"]
    assert parse_name_line("新闻标题 测试") is None
    assert parse_name_line("红色筑魂践初心 党建聚力促发展") is None
    assert parse_name_line("周 龙良红 刘") is None  # a lone single character is not a name


def test_front_matter_order():
    fm = extract_front_matter(["标题一行", "——副标题", "本报记者 张三", "正文。"])
    assert (fm.title, fm.subtitle, fm.byline, fm.consumed) == ("标题一行", "副标题", "本报记者 张三", 3)
    fm = extract_front_matter([BODY, "正文。"])
    assert fm.title is None and fm.consumed == 0
    assert [f.note for f in fm.moves] == ["no printed title: the first line reads as body text (a finished "
                                          "sentence with four or more clause marks)"]


def test_trailing_byline():
    kept, names, fix, printed = extract_trailing_byline("市域經濟的“新引擎”。(程一舟 陳紅革)")
    assert kept == "市域經濟的“新引擎”。"
    assert [a.name for a in names] == ["程一舟", "陳紅革"] and printed == "程一舟 陳紅革"
    assert fix.rule == "byline"
    assert extract_trailing_byline("建设“一刻钟(15分钟)生活圈”。") is None


def test_a_byline_under_the_lead_paragraph_is_the_byline():
    lead = "夜幕降臨，港口的燈火次第亮起，貨輪在碼頭靜靜停泊，工人們仍在忙碌地裝卸貨物。"
    rest = "港務局表示，今年的貨物吞吐量比去年增加了一成，夜間作業的時間也隨之延長。"
    doc = build_document(f"港口夜景\n\n{lead}\n\n本報記者 陳大文\n\n{rest}\n".encode(), "p", "p.txt")
    assert doc.byline == "本報記者 陳大文" and [(a.name, a.role) for a in doc.authors] == [("陳大文", "本報記者")]
    assert doc.paragraphs == (lead, rest)
    assert [(r.before, r.paragraph, r.note) for r in doc.repairs if r.before.startswith("本報")] == [
        ("本報記者 陳大文", None, "printed under the first paragraph; taken as the byline")]
    # Not a bare line of names there, nor a byline that is the article's last line, nor a second byline.
    for text in (f"港口夜景\n\n{lead}\n\n陳大文 李小明 王美玲\n\n{rest}\n", f"港口夜景\n\n{lead}\n\n本報記者 陳大文\n",
                 f"港口夜景\n\n本報記者 李明\n\n{lead}\n\n本報記者 陳大文\n\n{rest}\n"):
        doc = build_document(text.encode(), "q", "q.txt")
        assert any("陳大文" in p for p in doc.paragraphs), text


def test_no_title_file_gets_a_supplied_title(data_dir):
    doc = build_document((data_dir / "no_title.txt").read_bytes(), "no_title", "no_title.txt")
    assert doc.title_supplied
    assert doc.paragraphs[0].startswith("近年来")  # nothing taken out of the body
    assert doc.title == "no_title"  # no heading to borrow: the id, marked as supplied
    assert [r.note for r in doc.repairs if r.rule == "front-matter"] == [
        "no printed title: the first line reads as body text (a finished sentence with four or more clause marks)",
        "title supplied from the file's id (no heading to borrow)"]


TITLES = [
    "“输血”实体经济 激活经济“细胞”", "你幸福吗？",
    # inews headlines the 40-character rule lost: long, ending in ！ or 。, holding 。 or ？
    "是他！德庆一男子伙同他人多次窜到凤村、播植等地果园偷皇帝柑！德庆一妇女踩住单车突",
    "兴伟集团董事长王伟在京观看“脱贫攻坚看贵州”图片展。",
    "还敢请朋友这么喝酒?凌晨，男子醉酒后坠桥身亡，宴请者被要求索赔93万!不幸怎么发生的?宴请者为何发朋友圈说“我们两个都跳桥了”?",
    "入新农合2018年每人180元，东良乡中心卫生院，三天两头，",
    "本文授权转自：概率论",  # a strange title, but the printed first line
]


def test_the_first_line_is_the_title_whatever_its_length_or_final_punctuation():
    for title in TITLES:
        fm = extract_front_matter([title, "正文第一段，很长很长。"])
        assert fm.title == title and fm.consumed == 1
        assert fm.moves[0].note == "the first line, taken as the title"


def test_no_title_when_the_first_line_is_a_byline_a_dateline_or_body_text():
    for first, reason in (("本报记者 吴柳", "byline"), ("2019-01-15 10:23", "dateline"),
                          ("2019年1月15日 来源：新华网", "dateline"), (BODY, "body text")):
        fm = extract_front_matter([first, "正文第一段，很长很长。", "第二段。"])
        assert fm.title is None and reason in fm.moves[0].note, first


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
    kept, names, _, printed = extract_trailing_byline("……这是最后一段。(记者 王玉婷 通讯员 洪恒亮)")
    assert kept == "……这是最后一段。"
    assert names == [Author("王玉婷", "记者"), Author("洪恒亮", "通讯员")]
    assert printed == "记者 王玉婷 通讯员 洪恒亮"  # shown as printed, roles and all


@pytest.mark.parametrize("text", ["(微信同号)", "(全剧终)", "(资料图)", "(法院供图)", "(新华社)",
                                  "(版权所有 不得转载)"])
def test_ordinary_text_in_final_parentheses_stays(text):
    assert extract_trailing_byline(f"……这是最后一段。{text}") is None


@pytest.mark.parametrize("line", ["记者跑社区", "本报记者 网讯", "记者 报道"])
def test_a_role_word_without_a_name_is_no_byline(line):
    assert parse_byline(line) is None


def test_front_matter_moves_are_recorded(data_dir):
    doc = build_document("标题一行\n——副标题一行\n本报记者 吴柳\n正文。\n".encode(), "x", "x.txt")
    moves = [(r.rule, r.before, r.note) for r in doc.repairs if r.rule == "front-matter"]
    assert moves == [("front-matter", "标题一行", "the first line, taken as the title"),
                     ("front-matter", "——副标题一行", "taken as the subtitle"),
                     ("front-matter", "本报记者 吴柳", "taken as the byline")]


def test_person_names_by_jieba_s_tagger():
    from archive.frontmatter import is_person_name

    for name in ("程一舟", "陳紅革", "吴柳", "吴柳青", "王凤侠", "刘一帆", "龙良红"):
        assert is_person_name(name), name
    for text in ("微信同号", "全剧终", "资料图", "内江日报", "法院供图", "新华社", "刘海涛周", "网讯", "报道", ""):
        assert not is_person_name(text), text


#: Names and not-names, bylines' lines, and text around them: what the tagger is asked, and harder.
TAGGED = ("程一舟", "陳紅革", "吴柳", "吴柳青", "王凤侠", "刘一帆", "龙良红", "微信同号", "全剧终", "资料图",
          "内江日报", "法院供图", "新华社", "刘海涛周", "网讯", "报道", "孙立平", "张三", "李四", "林志明", "習近平",
          "欧阳娜娜", "司马懿", "诸葛亮", "本报记者 吴柳", "□本报记者 王凤侠 通讯员 刘一帆", "新华社北京12月1日电",
          "AT&T与B超", "4S店", "記者林志明／宜蘭報導", "南京市长江大桥", "他说：“我们走。”", "")


def jieba_s_own_tags(text: str) -> list[tuple[str, str]]:
    import jieba.posseg  # the whole dictionary (built once, for the test session)

    return [(pair.word, pair.flag) for pair in jieba.posseg.lcut(text, HMM=True)]


@pytest.mark.parametrize("text", TAGGED)
def test_pos_tags_are_jieba_s_own_with_the_whole_dictionary(text):
    from archive.frontmatter import pos_tags

    assert pos_tags(text) == jieba_s_own_tags(text)


@pytest.fixture(scope="module")
def dictionary_words() -> list[str]:
    from archive.segmenter import read_jieba_dictionary

    words = read_jieba_dictionary().words
    return [str(words[k]) for k in range(0, len(words), 97)]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_pos_tags_of_generated_text_are_jieba_s_own(dictionary_words, data):
    from archive.frontmatter import pos_tags

    characters = st.sampled_from("王李张刘陈杨黄赵吴周柳青凤侠红一帆的了在是和与 ，。、ab12.X")
    pieces = st.one_of(st.sampled_from(dictionary_words), st.sampled_from(TAGGED), st.text(characters, max_size=3))
    text = "".join(data.draw(st.lists(pieces, max_size=5)))
    assert pos_tags(text) == jieba_s_own_tags(text)


@pytest.mark.parametrize("first", ["2019-01-15 10:23", "本报记者 吴柳"])
def test_a_line_refused_as_title_is_not_borrowed_as_one(first):
    doc = build_document(f"{first}\n正文第一段，很长很长。\n".encode(), "x", "x.txt")
    assert doc.title_supplied and doc.title == "x"
    notes = [r.note for r in doc.repairs if r.rule == "front-matter"]
    assert notes[0].startswith("no printed title: the first line is a")
    assert notes[-1] == "title supplied from the file's id (no heading to borrow)"


@pytest.mark.parametrize(("lead", "names"), [
    ("本报讯（记者 孙立平）12月1日，县政协召开座谈会。", ["孙立平"]),
    ("新华社广州11月17日电（记者 张三 李四）记者从广东省获悉。", ["张三", "李四"]),
    ("扬子晚报讯（记者 郭一鹏 通讯员 宁交轩）记者昨从南京交管部门获悉。", ["郭一鹏", "宁交轩"]),
    ("长江网3月27日讯(长江日报记者 齐云)27日，武汉市网上群众工作部启动。", ["齐云"]),
    ("中国法院网讯(徐晓霞 李红艳)近日，法院审结一起盗窃案。", ["徐晓霞", "李红艳"]),
    ("新华社成都12月11日电（记者吴文诩）记者日前获悉。", ["吴文诩"]),
])
def test_a_lead_paragraph_s_dateline_names_its_reporters(lead, names):
    found = extract_lead_authors(lead)
    assert found is not None and [a.name for a in found[0]] == names


@pytest.mark.parametrize("lead", [
    "本报讯（图为村民在插秧）田间地头，农机轰鸣。", "新华社北京1月15日电 国家统计局今天发布数据。",
    "近日，有关部门通报（全文见附件）相关情况。", "本报讯（微信同号）"])
def test_a_dateline_without_reporters_names_none(lead):
    assert extract_lead_authors(lead) is None


def test_the_reporters_of_the_dateline_are_the_authors_and_the_paragraph_keeps_it():
    lead = "本报讯（记者 孙立平）12月1日，岐山县政协召开调研全域旅游工作座谈会。"
    doc = build_document(f"全域旅游座谈会召开\n{lead}\n第二段。\n".encode(), "l", "l.txt")
    assert [a.name for a in doc.authors] == ["孙立平"] and doc.byline is None
    assert doc.paragraphs[0] == lead and doc.origins["authors"] == "the lead paragraph's dateline"
