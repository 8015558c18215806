"""The mapped tables (index/tables.py) say of each document what its stored Document says."""

from __future__ import annotations

from collections import Counter

from index.build import build_index
from index.generation import current_generation
from index.mapped import IDS, Texts
from index.query import field_key
from index.search import Engine
from index.tables import FACETS, Tables


def test_every_document_is_found_by_id_and_described_as_stored(tmp_path, many, seeds_dir):
    ix = tmp_path / "ix"
    src = many(60)
    build_index([src, seeds_dir], ix)
    (src / "00007.txt").unlink()  # a deleted docnum among the live ones
    (src / "00011.txt").write_text("改过的第十一篇\n\n新的正文，编号11。\n", encoding="utf-8")
    build_index([src, seeds_dir], ix)
    gen = current_generation(ix)
    ids = Texts(gen, IDS)
    tables = Tables(gen, ids)
    engine = Engine(ix)
    docs = {d.id: d for d in engine.documents()}
    assert tables.live == len(docs) == 64 and len(ids) > tables.live  # the deleted docnum is still counted
    assert [tables.doc_id(n) for n in tables.order] == sorted(docs)
    for doc_id, doc in docs.items():
        n = tables.docnum(doc_id)
        assert n is not None and tables.doc_id(n) == doc_id and tables.is_live(n)
        assert tables.year(n) == doc.year and tables.supplied(n) == doc.title_supplied
        keys = {"place": [field_key(doc.place)] if doc.place else [],
                "author": list(dict.fromkeys(field_key(a) for a in doc.author_names))}
        for name in FACETS:
            assert [tables.keys[name][k] for k in tables.facet_numbers(name, n)] == keys[name], (doc_id, name)
    assert tables.docnum("00007") is None and tables.docnum("nope") is None and tables.docnum("") is None
    # The labels are the spelling most documents print.
    for name in FACETS:
        printed = Counter(s for d in docs.values() for s in ([d.place] if name == "place" and d.place else
                                                               d.author_names if name == "author" else []))
        for key, label in tables.labels[name].items():
            best = max((n for s, n in printed.items() if field_key(s) == key))
            assert printed[label] == best


def test_facets_counted_in_numpy_equal_a_count_document_by_document(tmp_path, many, seeds_dir, data_dir):
    """``Tables.count_facet`` gathers the documents' key numbers with numpy; counted here a document at a
    time from ``facet_numbers``. Documents with one value, several, or none; a deleted docnum among them."""
    import numpy as np

    ix = tmp_path / "ix"
    src = many(40)
    build_index([src, seeds_dir], ix)
    (src / "00003.txt").unlink()
    build_index([src, seeds_dir], ix)
    gen = current_generation(ix)
    tables = Tables(gen, Texts(gen, IDS))
    every = np.sort(np.asarray(tables.order, dtype=np.int64))
    held = {name: sum(len(tables.facet_numbers(name, n)) for n in every.tolist()) for name in FACETS}
    assert held["author"] >= 3 and held["place"] >= 2  # the seeds' bylines and catalog places
    rng = np.random.default_rng(16)
    for found in (every, every[:0], every[-5:], *(np.sort(rng.choice(every, k, replace=False)) for k in (1, 7, 30))):
        for name in FACETS:
            expected = Counter(k for n in found.tolist() for k in tables.facet_numbers(name, n))
            assert tables.count_facet(name, found) == expected, (name, found)
