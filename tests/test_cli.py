import json

import pytest
from click.testing import CliRunner

from cli.main import main


@pytest.fixture
def runner():
    return CliRunner()


def test_list_prints_title_authors_and_counts(runner, seeds_dir, seed_docs):
    result = runner.invoke(main, ["list", "--source", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 5
    assert "红色筑魂践初心 党建聚力促发展\t吴柳（本报记者）\t27 paragraphs" in lines[0]
    rows = json.loads(runner.invoke(main, ["list", "--json", "--source", str(seeds_dir)]).output)
    assert {r["id"][:3]: r["paragraphs"] for r in rows} == {k: len(d.paragraphs) for k, d in seed_docs.items()}
    assert [a["name"] for a in rows[3]["authors"]] == ["周俊", "龙良红", "刘璐"]


def test_show_paragraph_and_repairs(runner, seeds_dir, seed_docs):
    result = runner.invoke(main, ["show", "002_4d89ad2df1300591", "--repairs", "--source", str(seeds_dir)])
    assert result.exit_code == 0
    mojibake = [line for line in result.output.splitlines() if "\tmojibake\t" in line]
    assert len(mojibake) == 5 and mojibake[0].startswith("¶4\t")
    n = next(i for i, p in enumerate(seed_docs["000"].paragraphs, 1) if "一肩挑" in p)
    result = runner.invoke(main, ["show", "000_facb8668b9a49bed", "-p", str(n), "--source", str(seeds_dir)])
    assert result.output == f"¶{n} {seed_docs['000'].paragraphs[n - 1]}\n"


def test_errors_are_messages_not_tracebacks(runner, seeds_dir, tmp_path):
    result = runner.invoke(main, ["show", "nope", "--source", str(seeds_dir)])
    assert result.exit_code == 1 and "no document with id 'nope'" in result.output
    result = runner.invoke(main, ["show", "000_facb8668b9a49bed", "-p", "0", "--source", str(seeds_dir)])
    assert result.exit_code == 1 and "paragraphs 1–27" in result.output
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x80")
    result = runner.invoke(main, ["list", "--source", str(tmp_path)])
    assert result.exit_code == 1 and "bad.txt" in result.output and "Traceback" not in result.output
