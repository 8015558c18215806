from html.parser import HTMLParser

from archive import build_document
from web.render import render_html, render_markdown

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
