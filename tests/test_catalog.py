import pytest

from archive import CatalogError, load_sources
from archive.catalog import CATALOG_FIELDS, load_catalog


def test_missing_catalog_is_empty(tmp_path):
    assert load_catalog(tmp_path / "catalog.toml") == {}


@pytest.mark.parametrize("body, message", [
    ('["a"]\nyear = "2019"\n', "year must be int"),
    ('["a"]\nauthor = "x"\n', "unknown key 'author'"),
    ('["a"]\nyear = 3000000000\n', "year must be between 1 and 9999, not 3000000000"),
    ('["a"]\nyear = 0\n', "year must be between 1 and 9999"),
    ('["a"\n', "catalog.toml"),
    ('["a"]\ndate = "2020-13-01"\n', "date must be a date written YYYY-MM-DD, YYYY-MM or YYYY, not '2020-13-01'"),
    ('["a"]\ndate = "2020-02-30"\n', "not '2020-02-30'"),
    ('["a"]\ndate = "0000-00-00"\n', "not '0000-00-00'"),
    ('["a"]\ndate = "２０２０-０１-１５"\n', "date must be a date"),
    ('["a"]\ndate = "2020/01/15"\n', "date must be a date"),
    ('["a"]\ndate = "15 January 2020"\n', "date must be a date"),
    ('["a"]\npage = "3\\nER  - "\n', "page must be one line without control characters"),
    ('["a"]\npublication = "报\\u0007"\n', "publication must be one line"),
    ('["a"]\nurl = "https://a.example/\\u2028"\n', "url must be one line"),
])
def test_bad_catalog_is_reported(tmp_path, body, message):
    (tmp_path / "catalog.toml").write_text(body, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(tmp_path / "catalog.toml")


@pytest.mark.parametrize("value", ["2020-01-15", "2020-01", "2020", "2024-02-29"])
def test_a_real_date_is_taken(tmp_path, value):
    (tmp_path / "catalog.toml").write_text(f'["a"]\ndate = "{value}"\nnote = "line 1\\nline 2"\n', encoding="utf-8")
    assert load_catalog(tmp_path / "catalog.toml")["a"]["date"] == value


def test_catalog_applies_and_title_only_when_unprinted(tmp_path):
    # A first line that reads as body text (a finished sentence, four clause marks): no printed title.
    (tmp_path / "a.txt").write_text("正文第一段，没有标题，只有正文，一句接一句，写完了。\n", encoding="utf-8")
    (tmp_path / "catalog.toml").write_text('["a"]\ntitle = "编目题名"\nyear = 2020\n', encoding="utf-8")
    (doc,) = load_sources([tmp_path])
    assert (doc.title, doc.title_supplied, doc.year) == ("编目题名", True, 2020)


def test_every_catalog_key_is_documented():
    readme = (__import__("pathlib").Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for key in CATALOG_FIELDS:
        assert f"`{key}`" in readme, key
