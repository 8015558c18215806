"""A damaged index is detected when it is opened and named, with what to do; nothing wrong is served."""

import time

import pytest

from index.build import build_index
from index.errors import DamagedIndexError
from index.generation import current_generation
from index.search import Engine
from index.store import STORE_NAME


@pytest.fixture
def ix(tmp_path, seeds_dir):
    build_index([seeds_dir], tmp_path / "ix")
    return tmp_path / "ix"


def truncate_store(ix):
    path = current_generation(ix) / STORE_NAME
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def delete_segment(ix):
    """A segment's postings (segments are plain files, not Whoosh's compound .seg: index.build.COMPOUND)."""
    segment = next(p for p in current_generation(ix).iterdir() if p.suffix == ".pst")
    segment.unlink()
    return segment.name


def delete_folded_text(ix):
    (current_generation(ix) / "folded.bin").unlink()


def truncate_years(ix):
    path = current_generation(ix) / "years.bin"
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size - 2)


@pytest.mark.parametrize("damage", [truncate_store, delete_segment, delete_folded_text, truncate_years])
def test_damage_is_detected_on_open_and_named(ix, damage):
    damage(ix)
    with pytest.raises(DamagedIndexError) as err:
        Engine(ix)
    message = str(err.value)
    assert "damaged" in message and "make index" in message and str(current_generation(ix)) in message


def test_web_and_cli_say_so_instead_of_answering(ix, runner):

    from cli.main import main
    from web import create_app

    delete_segment(ix)
    client = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
    r = client.get("/api/search", query_string={"q": "党建"})
    assert r.status_code == 503 and "make index" in r.get_json()["error"]
    r = client.get("/search", query_string={"q": "党建"})
    assert r.status_code == 503 and "make index" in r.get_data(as_text=True)
    assert client.get("/doc/000_facb8668b9a49bed").status_code == 503
    result = runner.invoke(main, ["search", "党建", "--index-dir", str(ix)])
    assert result.exit_code == 1 and "make index" in result.output and "Traceback" not in result.output


def test_a_build_replaces_a_damaged_index_from_scratch(ix, seeds_dir):
    truncate_store(ix)
    report = build_index([seeds_dir], ix)
    assert report.added == 5 and any("damaged" in w for w in report.warnings)
    assert Engine(ix).search('"一肩挑"').total == 1


def test_server_start_up_names_the_damage(ix, start_server):
    delete_segment(ix)
    proc = start_server(ix, wait=False, capture=True).proc
    seen = ""
    deadline = time.monotonic() + 30
    while "make index" not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += proc.stdout.readline()
    assert "damaged" in seen and "make index" in seen, seen[-2000:]


def test_an_index_built_by_other_code_is_not_served_until_rebuilt(ix, seeds_dir):
    from index.errors import IndexError_
    from index.generation import CODE_NAME, write_manifest

    gen = current_generation(ix)
    (gen / CODE_NAME).write_text("0123456789abcdef\n")  # as if built before a change to cleaning or folding
    write_manifest(gen)  # intact, only older
    with pytest.raises(IndexError_, match="another version of the archive; rebuild it"):
        Engine(ix)
    report = build_index([seeds_dir], ix)
    assert report.added == 5  # everything built again
    assert Engine(ix).search('"一肩挑"').total == 1
