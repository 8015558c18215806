"""The document page as a reader arriving from a search uses it (issue 14): the article's language, each lost
character linked to the repair that explains it, the repair log summed up by rule, the matched paragraphs
linked from the notice, search results opening at their first passage, and a cite link per paragraph."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from archive.model import Document, Repair
from web.repairs import ROUTINE_RULES, lost_rows

TRADITIONAL = "002_4d89ad2df1300591"
SIMPLIFIED = "000_facb8668b9a49bed"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        for c in self.children:
            if isinstance(c, Element):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, (tag, cls, attrs)
        return found[0]

    def ancestor(self, tag: str) -> Element | None:
        e = self.parent
        while e is not None and e.tag != tag:
            e = e.parent
        return e


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        e = self.current
        while e is not None and e.tag != tag:
            e = e.parent
        if e is not None and e.parent is not None:
            self.current = e.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def page(client, path: str, **args: str) -> Element:
    r = client.get(path, query_string={"lang": "en", **args})
    assert r.status_code == 200, path
    return parse(r.text)


def test_the_article_text_says_its_script(client, seed_docs):
    assert (seed_docs["002"].script, seed_docs["000"].script) == ("hant", "hans")
    for doc_id, lang in ((TRADITIONAL, "zh-Hant"), (SIMPLIFIED, "zh-Hans")):
        body = page(client, f"/doc/{doc_id}").find("div", "body")
        assert body.attrs["lang"] == lang and body.find("p", "para", id="p1")
    css = (Path(__file__).resolve().parent.parent / "web" / "static" / "style.css").read_text()
    stacks = dict(re.findall(r"\.body:lang\((zh-Han[st])\)[^{]*\{\s*font-family: \"([^\"]+)\"", css))
    assert stacks == {"zh-Hans": "Noto Serif CJK SC", "zh-Hant": "Noto Serif CJK TC"}  # (the browser test: used)
    assert re.search(r"\.body:lang\(zh-Hant\)[^{]*\{\s*font-family: [^}]*\"PMingLiU\", \"MingLiU\"", css)


def test_every_lost_character_links_to_the_repair_that_explains_it(client, seed_docs):
    doc = seed_docs["002"]
    root = page(client, f"/doc/{TRADITIONAL}")
    rows = {tr.attrs["id"]: tr for tr in root.find("section", "repairs").find_all("tr") if "id" in tr.attrs}
    links = root.find("div", "body").find_all("a", "lost")
    assert len(links) == sum(p.count("〓") for p in doc.paragraphs) == 6
    for link in links:
        assert link.text == "〓"
        row = rows[link.attrs["href"].removeprefix("#")]
        paragraph, _rule, _before, after, _note = (td.text.removeprefix("¶") for td in row.find_all("td"))
        rule = row.find_all("td")[1].attrs["data-rule"]  # the rule's own name; the page shows it translated
        assert "〓" in after and rule == "mojibake"
        assert f"p{paragraph}" == link.ancestor("p").attrs["id"]  # the row of the paragraph the 〓 is in
    # ¶13 lost two characters in one repair: both point at it.
    assert [a.attrs["href"] for a in root.find("p", id="p13").find_all("a", "lost")] == ["#repair-246"] * 2
    # Nothing but the links holds a 〓 in the body.
    for par in root.find("div", "body").find_all("p", "para"):
        bare = "".join(c for c in par.children if isinstance(c, str))
        assert "〓" not in bare


def test_lost_characters_are_matched_to_the_rows_that_made_them():
    """A 〓 the article prints itself explains nothing; a width row whose context shows a lost character did not
    lose it; a row whose `after` a later rule changed still takes the next unexplained 〓."""
    doc = Document(id="x", source="x.txt", sha256="", title="t", paragraphs=("印〓字，甲〓乙〓丙，丁〓",),
                   repairs=(Repair("mojibake", "?!", "甲〓", 1), Repair("width", "〓乙,", "〓乙，", 1),
                            Repair("mojibake", "?(fù)", "乙〓丙", 1), Repair("mojibake", "?!", "丁〓,", 1)))
    assert lost_rows(doc) == {1: {5: 1, 7: 3, 11: 4}}


def test_the_repair_log_sums_up_each_rule_and_folds_the_routine_ones(client, seed_docs):
    doc = seed_docs["002"]
    section = page(client, f"/doc/{TRADITIONAL}").find("section", "repairs")
    summary = {tr.attrs["data-rule"]: int(tr.find("td", "count").text)
               for tr in section.find("table", "repair-summary").find_all("tr") if "data-rule" in tr.attrs}
    rows = [tr for tr in section.find_all("tr") if tr.attrs.get("id", "").startswith("repair-")]
    assert [tr.attrs["id"] for tr in rows] != [] and len(rows) == len(doc.repairs) == 457
    assert {tr.attrs["id"] for tr in rows} == {f"repair-{k}" for k in range(1, len(doc.repairs) + 1)}
    shown = Counter(tr.find_all("td")[1].attrs["data-rule"] for tr in rows)
    assert summary == shown == Counter(r.rule for r in doc.repairs)
    assert summary == {"pinyin": 268, "comma": 162, "width": 19, "mojibake": 5, "front-matter": 2, "byline": 1}
    for tr in rows:
        rule = tr.find_all("td")[1].attrs["data-rule"]
        folded = tr.ancestor("details")
        # Routine rows are folded under their rule; those that change or lose characters are in view.
        assert (folded is not None) == (rule in ROUTINE_RULES), tr.attrs["id"]
        if folded is not None:
            assert folded.attrs["id"] == f"repairs-{rule}" and "open" not in folded.attrs
    for link in section.find("table", "repair-summary").find_all("a"):  # each rule links to its rows
        target = link.attrs["href"].removeprefix("#")
        assert section.find(id=target)


def test_the_notice_links_each_matched_paragraph(client):
    root = page(client, f"/doc/{TRADITIONAL}", q="党建")
    notice = root.find("p", "matches")
    marked = [p.attrs["id"] for p in root.find("div", "body").find_all("p", "para") if p.find_all("mark")]
    links = notice.find_all("a")
    assert len(marked) == 10 and [a.attrs["href"] for a in links] == ["#" + n for n in marked]
    assert [a.text for a in links] == ["¶" + n.removeprefix("p") for n in marked]
    assert notice.text.startswith("Matches of 党建 are highlighted in ¶1, ¶2,")
    assert "none in the body" in page(client, f"/doc/{TRADITIONAL}", q="一肩挑").find("p", "matches").text


def test_a_long_list_of_matched_paragraphs_is_cut_short(client_of):
    client = client_of({"many.txt": "标题\n\n" + "\n\n".join(f"第{n}段讲党建。" for n in range(1, 61)) + "\n"})
    notice = page(client, "/doc/many", q="党建").find("p", "matches")
    assert [a.attrs["href"] for a in notice.find_all("a")] == [f"#p{n}" for n in range(1, 51)]
    assert notice.text.endswith("¶50 and 10 more paragraphs.")


def test_a_hit_s_title_opens_at_its_first_passage(client):
    hits = page(client, "/search", q="党建").find_all("li", "hit")
    for hit in hits:
        title = hit.find("h2").find("a").attrs["href"]
        first = hit.find("a", "pnum").attrs["href"]
        assert re.fullmatch(r"/doc/\w+\?q=[^#]+#p\d+", title) and title == first
    # A hit that matched by its year only shows its lead, and opens at the top.
    hit = page(client, "/search", q="year:2019").find("li", "hit")
    assert "#" not in hit.find("h2").find("a").attrs["href"]


def test_each_paragraph_ends_in_a_link_to_its_citations(client, seed_docs):
    doc = seed_docs["002"]
    r = client.get(f"/doc/{TRADITIONAL}", query_string={"lang": "en"})
    assert 'class="citations"' not in r.text and "cite-box" not in r.text  # no section of boxes at the end
    for n, par in enumerate(parse(r.text).find("div", "body").find_all("p", "para"), 1):
        link = par.children[-1]
        assert link.tag == "a" and link.attrs == {"class": "cite", "id": f"cite-p{n}",
                                                   "href": f"/doc/{TRADITIONAL}/cite/{n}"}
        assert link.text == "Cite"
    assert n == len(doc.paragraphs)
    cite = client.get(f"/doc/{TRADITIONAL}/cite/4", query_string={"lang": "en"}).text
    assert "[凸顯“黨建紅”，激活產業發展“新動能”][N/OL]" in cite and f"/doc/{TRADITIONAL}#p4" in cite
