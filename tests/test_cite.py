import pytest

from archive.cite import cite
from archive.errors import NotFoundError

LINK = "https://archive.example/doc/000_facb8668b9a49bed#p8"


def test_gbt7714_leaves_unknowns_out(seed_docs):
    text = cite(seed_docs["000"], 8, "gbt7714", LINK)
    assert text == f"吴柳. 红色筑魂践初心 党建聚力促发展[N]. {LINK}"


def test_gbt7714_with_known_publication(seed_docs):
    from dataclasses import replace

    doc = replace(seed_docs["000"], publication="上饶日报", date="2020-01-10")
    expected = f"吴柳. 红色筑魂践初心 党建聚力促发展[N]. 上饶日报, 2020-01-10. {LINK}"
    assert cite(doc, 8, "gbt7714", LINK) == expected


def test_plain_and_bibtex(seed_docs):
    doc = seed_docs["002"]
    plain = cite(doc, 4, "plain", "L#p4")
    assert plain.startswith("「" + doc.paragraphs[3] + "」") and "第4段" in plain and "[凸顯" in plain
    assert plain.endswith("。L#p4")
    bib = cite(doc, 4, "bibtex", "L#p4")
    assert bib.startswith("@article{002_4d89ad2df1300591_p4,")
    assert "author = {程一舟 and 陳紅革}" in bib and "journal" not in bib and "url = {L#p4}" in bib


def test_bad_paragraph(seed_docs):
    with pytest.raises(NotFoundError):
        cite(seed_docs["000"], 999, "gbt7714", LINK)
