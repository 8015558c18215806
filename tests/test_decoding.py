import pytest

from archive import SourceError, load_seed
from archive.decoding import decode_bytes


def test_utf8_plain():
    assert decode_bytes("中文".encode(), "a.txt") == ("中文", "utf-8")


def test_utf8_bom_is_dropped():
    text, enc = decode_bytes(b"\xef\xbb\xbf" + "中文".encode(), "a.txt")
    assert (text, enc) == ("中文", "utf-8-sig")


def test_gb18030_fallback():
    assert decode_bytes("黨建與党建".encode("gb18030"), "a.txt") == ("黨建與党建", "gb18030")


def test_undecodable_is_refused_by_name():
    with pytest.raises(SourceError) as err:
        decode_bytes(b"\xe4\xb8\xad\xff\xfe", "dir/bad.txt")
    assert "dir/bad.txt" in str(err.value)
    assert "neither UTF-8 nor GB18030" in str(err.value)


def test_fixture_files(data_dir):
    gb = load_seed(data_dir / "gb18030_article.txt")
    assert gb.encoding == "gb18030"
    assert gb.title == "新闻标题 测试"
    assert "一肩挑" in gb.paragraphs[-1]
    bom = load_seed(data_dir / "bom_article.txt")
    assert bom.encoding == "utf-8-sig"
    assert bom.title == "带BOM的标题"
    assert not bom.title.startswith("\ufeff")
    with pytest.raises(SourceError, match=r"undecodable\.txt"):
        load_seed(data_dir / "undecodable.txt")
