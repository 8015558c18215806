import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import QueryError
from index.query import And, Author, Not, Or, Phrase, Place, Title, Words, Year, parse_query


@pytest.mark.parametrize("q, tree", [
    ("一肩挑", Words("一肩挑")),
    ('"一肩挑"', Phrase("一肩挑")),
    ("“一肩挑”", Phrase("一肩挑")),
    ("党建 OR 黨建 -扶贫", And((Or((Words("党建"), Words("黨建"))), Not(Words("扶贫"))))),
    ("a NOT b", And((Words("a"), Not(Words("b"))))),
    ("(a OR b) c", And((Or((Words("a"), Words("b"))), Words("c")))),
    ("a AND b", And((Words("a"), Words("b")))),
    ('title:"党建 工作"', Title("党建 工作")),
    ("author:陈红革", Author("陈红革")),
    ('place:"上饶市 广丰区"', Place("上饶市 广丰区")),
    ("PLACE:宋河镇", Place("宋河镇")),
    ("year:2019", Year(2019, 2019)),
    ("year:2019..2023", Year(2019, 2023)),
])
def test_parse(q, tree):
    assert parse_query(q) == tree


@pytest.mark.parametrize("q, fragment", [
    ('"abc', "unbalanced quote"), ("(a", "unbalanced parenthesis"), ("a)", "no matching ("),
    ("OR", "OR needs a term"), ("a OR", "OR needs a term"), ("NOT", "must be followed"),
    ("-党建", "cannot only exclude"), ("year:abc", "not a year"), ("year:2023..2019", "empty"),
    ("title:", "needs a value"), ("", "empty query"), ("()", "empty group"), ('""', "empty phrase"),
])
def test_errors_explain(q, fragment):
    with pytest.raises(QueryError, match=re.escape(fragment)):
        parse_query(q)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parser_never_crashes(text):
    try:
        parse_query(text)
    except QueryError as exc:
        assert str(exc)


def test_narrow_quotes_values_and_gives_up_where_no_query_can_say_it():
    from index.limits import MAX_QUERY_LENGTH
    from index.query import narrow, parse_query

    assert narrow("党建", "year", "2019") == "党建 year:2019"
    assert narrow("党建", "author", "王 凤侠") == '党建 author:"王 凤侠"'
    assert narrow("党建", "place", '宋河镇"东村"') == '党建 place:“宋河镇"东村"”'
    assert parse_query(narrow("a OR b", "author", "吴柳")) == And((Or((Words("a"), Words("b"))), Author("吴柳")))
    assert narrow("党建", "place", '"”」』') is None  # every closing quote: no quotes can hold it
    long = "党" * (MAX_QUERY_LENGTH - 5)
    assert narrow(long, "year", "2019") is None  # the narrowed query would be over the length limit


def test_field_key_reads_values_as_the_parser_does():
    from index.query import field_key

    assert field_key(" 陳紅革\u200b ") == field_key("陈红革") == "陈红革"
