"""The dictionary a generation carries (index.dictionary): a cold command cuts its query with only the
dictionary words found in it. It must get the words the whole dictionary gives, or a keyword search misses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.segmenter import dictionary_loaded, segment, segment_with
from index.analysis import fold_words, query_words
from index.build import build_index
from index.dictionary import FREQS_NAME, WORDS_NAME, Dictionary, read_dictionary, write_dictionary
from index.generation import current_generation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def entries() -> tuple[list[str], list[int]]:
    words, freqs = read_dictionary()
    return words.tolist(), freqs.tolist()


@pytest.fixture(scope="module")
def dictionary(tmp_path_factory) -> Dictionary:
    gen = tmp_path_factory.mktemp("gen")
    write_dictionary(gen)
    return Dictionary(gen)


def test_the_entries_are_jieba_s_dictionary_as_jieba_rs_reads_it(entries):
    words, freqs = entries
    assert len(words) == len(freqs) > 340_000
    assert words == sorted(set(words))  # sorted, each word once: 'B超' is listed twice in dict.txt
    assert words.count("B超") == 1
    assert dict(zip(words, freqs, strict=True))["的"] == 318825
    import rjieba  # every word is one of jieba-rs's own (its copy of dict.txt cannot be read), and the totals

    assert all(rjieba.has_word(w) for w in words)
    assert rjieba.suggest_freq("") == sum(freqs) + 1  # jieba-rs's total, B超 counted once


def test_found_in_gives_each_dictionary_word_of_the_text_with_its_frequency(dictionary, entries):
    freq = dict(zip(*entries, strict=True))
    text = fold_words("習近平在北京主持召開會議，黨建工作一肩挑。AT&T與B超、4S店")
    expected = sorted({(text[i:j], freq[text[i:j]]) for i in range(len(text))
                       for j in range(i + 1, len(text) + 1) if text[i:j] in freq})
    assert len(expected) > 20
    assert dictionary.found_in(text) == expected


def test_a_piece_ending_in_nul_is_not_taken_for_the_word_before_it(dictionary):
    # numpy's fixed-width strings drop trailing NULs: "中\0" must not be found as "中".
    assert all("\x00" not in word for word, _ in dictionary.found_in("中\x00国\x00"))
    assert dictionary.segment("中\x00国\x00人") == segment("中\x00国\x00人")


def test_it_cuts_every_seed_as_the_whole_dictionary_does(dictionary, seed_docs, data_dir):
    texts = [fold_words(t) for doc in seed_docs.values() for t in (doc.title, *doc.paragraphs)]
    texts += [fold_words(line) for page in (data_dir / "pages").glob("*.json")
              for line in page.read_text(encoding="utf-8").splitlines()]
    assert sum(map(len, texts)) > 5_000
    for text in texts:
        assert dictionary.segment(text) == segment(text), text


_CHARACTERS = "的了一是在不人有我他这中大来上个国到说们为和地出也时年得就要下党建工作村书记主任市长abAT&T超09.%，。、 "


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_it_cuts_any_text_as_the_whole_dictionary_does(dictionary, entries, data):
    # Dictionary words, characters and ASCII run together: where jieba has routes to choose between, its
    # choice rests on every frequency and on the total.
    words = entries[0]
    piece = st.one_of(st.integers(0, len(words) - 1).map(words.__getitem__),
                      st.text(alphabet=_CHARACTERS, min_size=1, max_size=3))
    text = "".join(data.draw(st.lists(piece, min_size=1, max_size=12)))
    assert dictionary.segment(text) == segment(text)
    assert query_words(text, dictionary.segment) == query_words(text)


def test_a_text_holding_the_rest_marker_is_cut_with_the_whole_dictionary(entries):
    text = "党建\ufdd0\ufdef工作"
    assert segment_with(text, [], 1) == segment(text)


def test_a_fresh_build_writes_it_and_an_incremental_build_links_it(tmp_path, seeds_dir):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(seeds_dir, src)
    build_index([src], tmp_path / "ix")
    first = current_generation(tmp_path / "ix")
    assert Dictionary.exists(first)
    (src / "new.txt").write_text("新文章\n\n党建工作一肩挑。\n", encoding="utf-8")
    build_index([src], tmp_path / "ix")
    second = current_generation(tmp_path / "ix")
    assert second != first
    for name in (WORDS_NAME, FREQS_NAME):
        assert (second / name).stat().st_ino == (first / name).stat().st_ino


_COLD = """
import contextlib, io, json, sys
from cli.main import main
out = io.StringIO()
sys.argv = ["archive", "search", "--index-dir", sys.argv[1], "--json", sys.argv[2]]
with contextlib.redirect_stdout(out):
    try:
        main()
    except SystemExit:
        pass
from archive.segmenter import dictionary_loaded
state = {"loaded": dictionary_loaded(), "package": "rjieba" in sys.modules}
import rjieba  # the package imports still, its compiled module having been taken alone
state["cut"] = rjieba.cut("党建工作一肩挑", hmm=False)
print(json.dumps({"answer": json.loads(out.getvalue()), **state}, ensure_ascii=False))
"""


@pytest.mark.parametrize("query", ["一肩挑", "党建 工作", "村党支部书记 OR 主任", "title:党建引领 发展"])
def test_a_cold_search_answers_as_a_warm_one_without_the_whole_dictionary(seed_index, runner, query):
    from cli.main import main

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _COLD, str(seed_index), query], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, check=True)
    cold = json.loads(done.stdout)
    assert not cold["loaded"] and not cold["package"]
    assert cold["cut"] == ["党建", "工作", "一", "肩挑"]
    warm = json.loads(runner.invoke(main, ["search", "--index-dir", str(seed_index), "--json", query]).output)
    assert dictionary_loaded()  # the build of seed_index has built it in this process
    for answer in (cold["answer"], warm):
        answer.pop("took_ms")
    assert cold["answer"] == warm
    assert warm["total"] > 0


def test_a_large_build_writes_the_dictionary_in_a_process_of_its_own(tmp_path):
    from index.build import _DictionaryWriter, _many_files

    assert not _many_files([tmp_path])
    for n in range(500):
        (tmp_path / f"{n}.txt").touch()
    assert _many_files([tmp_path, tmp_path / "missing"])
    index_dir, gen = tmp_path / "ix", tmp_path / "ix" / "gen"
    gen.mkdir(parents=True)
    (index_dir / ".dictionary-left-by-a-killed-build").mkdir()
    writer = _DictionaryWriter(index_dir, background=True)
    try:
        assert writer._process is not None  # its own process, not this one
        assert [p.name for p in index_dir.glob(".dictionary-*")] == [writer._scratch.name]
        writer.write(gen)
    finally:
        writer.close()
    assert not list(index_dir.glob(".dictionary-*"))
    expected_words, expected_freqs = read_dictionary()
    dictionary = Dictionary(gen)
    assert (dictionary._words == expected_words).all() and (dictionary._freqs == expected_freqs).all()


def test_an_interrupted_build_stops_the_dictionary_s_process_and_leaves_nothing(tmp_path):
    from index.build import _DictionaryWriter

    writer = _DictionaryWriter(tmp_path, background=True)
    process = writer._process
    writer.close()  # what an interrupted build's clean-up does, at once
    assert process.poll() is not None and not list(tmp_path.glob(".dictionary-*"))


def test_without_a_process_to_be_had_the_build_writes_the_dictionary_itself(tmp_path, monkeypatch):
    from index.build import _DictionaryWriter

    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    writer = _DictionaryWriter(tmp_path, background=True)
    assert writer._process is None
    (tmp_path / "gen").mkdir()
    writer.write(tmp_path / "gen")
    writer.close()
    assert Dictionary.exists(tmp_path / "gen")
