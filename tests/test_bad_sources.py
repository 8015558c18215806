"""Bad source files: each gets a clear message naming it, and nothing already in service is lost."""

import os
from pathlib import Path

import pytest

from index.build import BuildError, build_index
from index.generation import current_generation
from index.search import Engine


def refused(src: Path, ix: Path, name: str) -> str:
    before = current_generation(ix)
    with pytest.raises(BuildError) as err:
        build_index([src], ix)
    message = str(err.value)
    assert name in message and "unchanged" in message
    assert current_generation(ix) == before and Engine(ix).search('"一肩挑"').total == 1
    return message


def test_empty_file(served):
    src, ix = served
    (src / "empty.txt").write_bytes(b"")
    assert "holds no text" in refused(src, ix, "empty.txt")


def test_binary_files(served):
    src, ix = served
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "binary" in refused(src, ix, "image.txt")
    (src / "image.txt").unlink()
    # No NUL byte, and GB18030 decodes it: the control characters give it away.
    (src / "noise.md").write_bytes(bytes(b for b in range(1, 256) if b not in b"\t\n\r\x0b\x0c") * 20)
    assert "binary" in refused(src, ix, "noise.md")


def test_fifty_megabyte_single_line_file(served):
    src, ix = served
    (src / "huge.txt").write_bytes(("党建" * 9_000_000).encode())  # 54 MB, one line
    assert "MB" in refused(src, ix, "huge.txt")


@pytest.mark.parametrize("name, shown", [
    (b"a\nER  - b.txt", "a\\x0aER  - b.txt"), (b"tab\there.txt", "tab\\x09here.txt"),
    (b"\xed\xa0\x80.txt", "\\xed\\xa0\\x80.txt"), (b"gbk\xb5\xb3.txt", "gbk\\xb5\\xb3.txt"),
])
def test_a_name_that_cannot_be_an_id_is_refused(served, name, shown):
    # The file name is the document's id: in RIS, BibTeX and permalinks a line break or stray bytes break
    # what a reference manager reads (a newline in RIS's ID line started a record of its own; a name that
    # was not UTF-8 stopped the build with a traceback).
    src, ix = served
    (Path(os.fsencode(src).decode("utf-8")) / os.fsdecode(name)).write_text("标题\n\n正文一段。\n", encoding="utf-8")
    message = refused(src, ix, shown)
    assert "rename the file" in message and "\n  " not in message.split("\n  ", 1)[1]


def test_name_with_spaces_and_chinese(served, tmp_path):
    from web import create_app

    src, ix = served
    text = "村里的新事\n\n本报记者 赵六\n\n村支书一肩挑的做法在全村推开。\n"
    (src / "新闻 稿 2019.txt").write_text(text, encoding="utf-8")
    report = build_index([src], ix)
    assert report.added == 1
    hits = Engine(ix).search('"一肩挑的做法"').hits
    assert [h.id for h in hits] == ["新闻 稿 2019"]
    client = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
    page = client.get("/api/search", query_string={"q": '"一肩挑的做法"'}).get_json()
    url = page["hits"][0]["url"]
    assert url == "/doc/%E6%96%B0%E9%97%BB%20%E7%A8%BF%202019#p1"  # the id percent-encoded, as url_for writes it
    r = client.get(url.split("#")[0])
    assert r.status_code == 200 and "村支书一肩挑的做法" in r.get_data(as_text=True)


def test_symlink_loop_and_dangling_links_are_skipped_with_a_message(served):
    src, ix = served
    sub = src / "more"
    sub.mkdir()
    (sub / "005_extra.txt").write_text("补充稿件\n\n本报记者 赵六\n\n补充的正文。\n", encoding="utf-8")
    os.symlink(src, sub / "loop")  # a folder that contains itself
    os.symlink(src / "nowhere.txt", src / "dangling.txt")
    os.symlink("self.txt", src / "self.txt")  # a link to itself
    report = build_index([src], ix)
    assert report.documents == 6 and report.added == 1
    assert any("loop" in w and "more/loop" in w for w in report.warnings), report.warnings
    assert any("dangling.txt" in w for w in report.warnings) and any("self.txt" in w for w in report.warnings)
    assert Engine(ix).search('"补充的正文"').total == 1


def test_links_out_of_the_source_folder_are_skipped_and_named(served, tmp_path):
    src, ix = served
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("机密文件\n不该被收录的内容。\n", encoding="utf-8")
    (src / "passwd.txt").symlink_to("/etc/passwd")
    (src / "secret.txt").symlink_to(outside / "secret.txt")
    (src / "elsewhere").symlink_to(outside, target_is_directory=True)
    (src / "inside.txt").symlink_to(src / "000_facb8668b9a49bed.txt")  # a link that stays inside: followed
    report = build_index([src], ix)
    assert sum("outside the source folder" in w for w in report.warnings) == 3
    engine = Engine(ix)
    assert engine.document("passwd") is None and engine.document("secret") is None
    assert engine.search('"不该被收录"').total == 0 and engine.search('"root:"').total == 0
    assert engine.document("inside") is not None
