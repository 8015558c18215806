"""index.writing: Whoosh's segment writer made cheaper must write what Whoosh writes."""

import pickle
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.multiproc import MpWriter

from archive.loading import load_sources
from index.build import POSTINGS_BLOCK, _codec, _index_document
from index.schema import build_schema
from index.store import printed_lines_for_words
from index.writing import Codec, ParallelWriter, SortedPool, segment_writer, sort_postings


@pytest.fixture(scope="module")
def docs(tmp_path_factory, seeds_dir):
    """300 articles of seed paragraphs, and the seeds: common words hold several 128-posting blocks."""
    from tests.conftest import write_many

    folder = write_many(tmp_path_factory.mktemp("writing") / "src", seeds_dir, 300)
    return list(load_sources([folder])) + list(load_sources([seeds_dir]))


def stock_codec(blocklimit: int) -> W3Codec:
    codec = W3Codec(blocklimit=blocklimit)
    codec.length_stats = False
    return codec


def write(folder: Path, docs, make_writer) -> whoosh_index.FileIndex:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = make_writer(ix)
    for doc in docs:
        _index_document(writer, doc, printed_lines_for_words(doc))
    writer.commit()
    return ix


def segment_files(ix) -> dict[str, bytes]:
    """The one segment's files by what follows its random id in their names (``.pst``, ``.id.col``, …)."""
    (segment,) = ix._segments()
    prefix = f"{ix.indexname}_{segment.segid}"
    files = {name[len(prefix):]: ix.storage.open_file(name).read() for name in ix.storage.list()
             if name.startswith(prefix)}
    assert {".pst", ".trm"} <= files.keys()
    return files


@pytest.mark.parametrize("blocklimit", [POSTINGS_BLOCK, 16], ids=["as built", "small blocks"])
@pytest.mark.parametrize("limitmb", [256, 0.05], ids=["in memory", "spilled to runs"])
def test_the_segment_files_are_whoosh_s_own_byte_for_byte(tmp_path, docs, limitmb, blocklimit):
    stock = write(tmp_path / "stock", docs,
                  lambda ix: ix.writer(limitmb=limitmb, compound=False, codec=stock_codec(blocklimit)))
    ours = write(tmp_path / "ours", docs,
                 lambda ix: segment_writer(ix, limitmb=limitmb, compound=False, codec=_codec(blocklimit)))
    a, b = segment_files(stock), segment_files(ours)
    assert a.keys() == b.keys()
    for ext in a:
        assert a[ext] == b[ext], ext
    with ours.reader() as reader:  # with small blocks, several per common word, read back by stock Whoosh
        assert max(reader.doc_frequency("body", w) for w in ("的", "党建")) > 2 * 16


def test_the_table_of_contents_names_only_whoosh_s_codec(tmp_path, docs):
    write(tmp_path / "ours", docs[:20], lambda ix: segment_writer(ix, compound=False, codec=_codec()))
    (segment,) = whoosh_index.open_dir(str(tmp_path / "ours"))._segments()  # unpickled from the TOC
    assert type(segment.codec()) is W3Codec and segment.codec().length_stats is False
    assert segment.codec()._blocklimit == POSTINGS_BLOCK
    assert type(pickle.loads(pickle.dumps(Codec()))) is W3Codec
    assert b"index.writing" not in (tmp_path / "ours" / "_MAIN_1.toc").read_bytes()


def postings_by_id(ix) -> dict[tuple[str, bytes], list[tuple[str, float]]]:
    with ix.reader() as reader:
        ids = list(reader.column_reader("id"))
        return {(field, term): sorted((ids[n], w) for n, w in reader.postings(field, term).items_as("weight"))
                for field, term in reader.all_terms()}


def test_a_parallel_build_writes_the_postings_of_whoosh_s_own(tmp_path, docs):
    def parallel(cls):
        return lambda ix: cls(ix, procs=2, multisegment=True, batchsize=20, limitmb=64, compound=False,
                              codec=_codec())

    stock = write(tmp_path / "stock", docs, parallel(MpWriter))
    ours = write(tmp_path / "ours", docs, parallel(ParallelWriter))
    assert len(ours._segments()) == len(stock._segments()) == 2
    assert postings_by_id(ours) == postings_by_id(stock)


postings_lists = st.lists(
    st.lists(st.tuples(st.sampled_from(["authors", "body", "id", "title", "title_up"]),
                       st.binary(max_size=4), st.floats(0.5, 9, width=32)), max_size=12),
    max_size=40)


@settings(max_examples=200, deadline=None)
@given(postings_lists)
def test_sort_postings_is_sorted_for_postings_added_document_by_document(per_document):
    postings = []
    for docnum, words in enumerate(per_document):  # one posting per term and document, as a writer adds them
        seen = {}
        for field, term, weight in words:
            seen.setdefault((field, term), weight)
        postings += [(field, term, docnum, weight, b"") for (field, term), weight in seen.items()]
    expected = sorted(postings)
    assert sort_postings(postings) == expected and postings == expected


def test_a_pool_that_outgrows_its_memory_writes_sorted_runs(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    pool = SortedPool(FileStorage(str(tmp_path)), None, limitmb=0.01)
    rng = random.Random(7)
    postings = [("body", rng.randbytes(3), docnum, 1.0, None) for docnum in range(2000)]
    for posting in postings:
        pool.add(posting)
    assert len(pool.runs) > 3
    assert list(pool.items()) == sorted(postings)


def test_whoosh_s_indexing_process_writes_with_the_sorted_pool(tmp_path):
    """ParallelWriter's processes: the pool is set where Whoosh's task makes its writer (run here in-process,
    told at once that there is no more work)."""
    import queue

    from index.writing import _SubWriterTask

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    jobs, results = queue.Queue(), queue.Queue()
    jobs.put(None)
    task = _SubWriterTask(ix.storage, ix.indexname, jobs, results, {"codec": _codec(), "compound": False}, True)
    task.run()
    assert type(task.writer.pool) is SortedPool
    assert results.get_nowait()[2].doc_count_all() == 0


@pytest.mark.parametrize("make", [segment_writer, lambda ix: ParallelWriter(ix, procs=2)],
                         ids=["one process", "parallel"])
def test_a_schema_with_a_spelling_field_keeps_whoosh_s_pool(tmp_path, make):
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT, Schema

    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT(analyzer=StemmingAnalyzer(), spelling=True)))
    with pytest.raises(ValueError, match="spelling") as refused:
        make(ix)
    assert refused.traceback  # keeps the refused writer alive: its lock must be let go all the same
    ix.writer().cancel()
