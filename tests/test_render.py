import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from archive import build_document
from web.render import render_html, render_markdown
from web.repairs import lost_rows

TRICKY = ["1. 开头像列表", "*星号* 与 _下划线_", "# 井号开头", "<script>alert(1)</script> & [链](x) {: #p1 }",
          "> 引用", "- 减号", "`代码` \\ 反斜杠 2019."]


class _Paragraphs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.current: str | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        ident = dict(attrs).get("id")
        if tag == "p" and ident:
            self.current = ident
            self.by_id[ident] = ""

    def handle_endtag(self, tag):
        if tag == "p":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.by_id[self.current] += data


def test_text_renders_verbatim_with_anchors():
    source = "测试标题\n\n" + "\n\n".join(TRICKY) + "\n"
    doc = build_document(source.encode(), "t", "t.txt")
    assert list(doc.paragraphs) == TRICKY
    parser = _Paragraphs()
    parser.feed(render_html(doc))
    assert list(parser.by_id) == [f"p{n}" for n in range(1, len(TRICKY) + 1)]
    for n, par in enumerate(TRICKY, start=1):
        assert parser.by_id[f"p{n}"] == f"¶{n} {par}"
    assert "script" not in parser.tags and "ol" not in parser.tags and "em" not in parser.tags
    assert "h1" in parser.tags


def test_seed_renders_every_paragraph(seed_docs):
    doc = seed_docs["002"]
    parser = _Paragraphs()
    parser.feed(render_html(doc))
    assert len(parser.by_id) == len(doc.paragraphs)
    assert parser.by_id["p4"].endswith(doc.paragraphs[3])
    assert render_markdown(doc).startswith("# [")  # a supplied title is bracketed


# Markdown itself is the oracle for the HTML written directly (issue 13, finding 3): the same elements and
# escapes as the `markdown` package gives for render_markdown's source. Tabs are left out: Markdown expands
# them to spaces, the direct HTML keeps the article's tab, and a browser shows either as one space.
_SPECIALS = "*_`#<>&[]{}()!\\-+.:|~'\"= 1中文字。，“”\n"


def _markdown_html(doc, marks=None):
    from web.render import _md  # the configuration the pages were rendered with

    md = _md()
    md.reset()
    return md.convert(render_markdown(doc, marks))


_PAGE_LINKS = re.compile(r'<a class="cite" id="cite-p\d+" href="[^"]*">[^<]*</a>'
                         r'|<a class="lost" href="#repair-\d+">(〓)</a>')


def test_html_is_what_markdown_makes_of_the_source(seed_docs):
    docs = [*seed_docs.values(), build_document(("测试标题\n\n" + "\n\n".join(TRICKY) + "\n").encode(), "t", "t.txt")]
    for doc in docs:
        marks = {n: [(0, 2), (4, 9)] for n in range(1, len(doc.paragraphs) + 1, 3)}
        assert render_html(doc) == _markdown_html(doc), doc.id
        assert render_html(doc, marks) == _markdown_html(doc, marks), doc.id
        assert render_html(doc, marks).count("<mark>") == 2 * len(marks)
        # The document page's own links (a cite link ending each paragraph, each lost character linked to its
        # repair row) are all it adds: without them, the same HTML.
        page = render_html(doc, marks, cite=("/doc/x/cite/", "Cite"), lost=lost_rows(doc))
        assert _PAGE_LINKS.sub(r"\1", page) == _markdown_html(doc, marks), doc.id
        assert page.count('<a class="cite"') == len(doc.paragraphs)
        assert page.count('<a class="lost"') == sum(p.count("〓") for p in doc.paragraphs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_SPECIALS, min_size=1, max_size=40), min_size=1, max_size=4))
def test_html_is_what_markdown_makes_of_any_punctuation(pieces):
    doc = build_document(("标题\n\n" + "\n\n".join(pieces) + "\n").encode(), "h", "h.txt")
    assert render_html(doc) == _markdown_html(doc)
