import json

from cli.main import main


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


def test_an_id_that_is_not_utf8_is_not_found_not_a_traceback(seed_index):
    import os
    import subprocess
    import sys

    archive = os.path.join(os.path.dirname(sys.executable), "archive")
    for command in ("cite", "show"):
        args = [archive, command, b"\xed\xa0\x80x", *(["1"] if command == "cite" else []),
                "--index-dir", str(seed_index)]
        done = subprocess.run(args, capture_output=True, timeout=60)
        assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
        assert b"no document with id" in done.stderr + done.stdout


def test_errors_are_messages_not_tracebacks(runner, seeds_dir, tmp_path):
    result = runner.invoke(main, ["show", "nope", "--source", str(seeds_dir)])
    assert result.exit_code == 1 and "no document with id 'nope'" in result.output
    result = runner.invoke(main, ["show", "000_facb8668b9a49bed", "-p", "0", "--source", str(seeds_dir)])
    assert result.exit_code == 1 and "paragraphs 1–27" in result.output
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x80")
    result = runner.invoke(main, ["list", "--source", str(tmp_path)])
    assert result.exit_code == 1 and "bad.txt" in result.output and "Traceback" not in result.output


def test_build_search_show_through_the_index(runner, seeds_dir, tmp_path):
    ix = str(tmp_path / "ix")
    result = runner.invoke(main, ["build", "--source", str(seeds_dir), "--index-dir", ix])
    assert result.exit_code == 0, result.output
    assert "indexed 5 documents, 136 paragraphs" in result.output
    result = runner.invoke(main, ["build", "--source", str(seeds_dir), "--index-dir", ix])
    assert "nothing re-indexed" in result.output

    result = runner.invoke(main, ["search", '"一肩挑"', "--json", "--index-dir", ix])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= {"query", "total", "took_ms", "hits"} and data["total"] == 1
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "score", "url", "passages"}
    assert hit["id"] == "000_facb8668b9a49bed"
    p = hit["passages"][0]
    assert set(p) == {"paragraph", "caption", "text", "html"} and "<mark>一肩挑</mark>" in p["html"]
    assert hit["url"] == f"/doc/000_facb8668b9a49bed#p{p['paragraph']}"

    result = runner.invoke(main, ["search", '"一肩挑"', "--index-dir", ix])
    assert "1 document matches" in result.output and "\x1b[" not in result.output  # piped: no colour
    result = runner.invoke(main, ["search", '"一肩挑"', "--index-dir", ix], color=True)
    assert "\x1b[" in result.output

    result = runner.invoke(main, ["show", "002_4d89ad2df1300591", "-p", "4", "--index-dir", ix])
    assert result.exit_code == 0 and "宋河鎮" in result.output
    result = runner.invoke(main, ["list", "--index-dir", ix])
    assert len(result.output.strip().splitlines()) == 5


def test_search_errors(runner, tmp_path, seeds_dir):
    result = runner.invoke(main, ["search", "党建", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no index" in result.output and "archive build" in result.output
    ix = str(tmp_path / "ix")
    runner.invoke(main, ["build", "--source", str(seeds_dir), "--index-dir", ix])
    result = runner.invoke(main, ["search", '"abc', "--index-dir", ix])
    assert result.exit_code == 2 and "unbalanced quote" in result.output
    assert "Traceback" not in result.output


def test_index_dir_from_environment(runner, seeds_dir, tmp_path):
    ix = str(tmp_path / "env-ix")
    result = runner.invoke(main, ["build", "--source", str(seeds_dir)], env={"ARCHIVE_INDEX_DIR": ix})
    assert result.exit_code == 0 and (tmp_path / "env-ix" / "CURRENT").exists()


def test_options_follow_the_library_s_limits(runner, seed_index):
    from archive.cite import STYLES
    from index.limits import DEFAULT_LIMIT, KWIC_DEFAULT_WIDTH, KWIC_MAX_WIDTH, KWIC_SORTS, MAX_LIMIT

    params = {name: {p.name: p for p in main.commands[name].params} for name in ("search", "kwic", "cite")}
    assert (params["search"]["limit"].default, params["search"]["limit"].type.max) == (DEFAULT_LIMIT, MAX_LIMIT)
    assert (params["kwic"]["width"].default, params["kwic"]["width"].type.max) == (KWIC_DEFAULT_WIDTH, KWIC_MAX_WIDTH)
    assert tuple(params["kwic"]["sort_by"].type.choices) == KWIC_SORTS
    # --style takes any installed CSL style too: its default is the library's, and its help names the short ones.
    assert params["cite"]["style"].default == STYLES[0] and all(s in params["cite"]["style"].help for s in STYLES)
    ix = str(seed_index)
    assert runner.invoke(main, ["search", "党建", "--limit", str(MAX_LIMIT), "--index-dir", ix]).exit_code == 0
    result = runner.invoke(main, ["search", "党建", "--limit", str(MAX_LIMIT + 1), "--index-dir", ix])
    assert result.exit_code == 2 and f"0<=x<={MAX_LIMIT}" in result.output


def test_terminal_escapes_in_an_article_are_shown_not_obeyed(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "evil.txt").write_text("标题\x1b]0;pwned\x07新闻\n正文\x1b[2J一肩挑的做法。\n", encoding="utf-8")
    ix = str(tmp_path / "ix")
    assert runner.invoke(main, ["build", "--source", str(src), "--index-dir", ix]).exit_code == 0
    for args in (["show", "evil", "--index-dir", ix], ["search", "一肩挑", "--index-dir", ix],
                 ["kwic", "一肩挑", "--index-dir", ix], ["list", "--index-dir", ix]):
        result = runner.invoke(main, args, color=True)
        assert result.exit_code == 0, args
        assert "\x1b]" not in result.output and "\x07" not in result.output and "\x1b[2J" not in result.output
        assert "\\x1b" in result.output or args[0] == "kwic", args  # shown, visibly


def test_quick_commands_run_without_the_collector_and_give_it_back(runner, seed_index):
    """search, kwic, show, cite and list run with the cyclic collector off (a cold command is mostly imports
    it would go through again and again); the process that ran one gets its collector back, even on error."""
    import gc

    import click

    from cli.main import quick_start

    seen = []

    @click.command()
    @click.option("--fail", is_flag=True)
    @quick_start
    def probe(fail: bool) -> None:
        """Probe."""
        seen.append(gc.isenabled())
        if fail:
            raise click.ClickException("failed on purpose")

    assert gc.isenabled()
    assert runner.invoke(probe, []).exit_code == 0
    assert runner.invoke(probe, ["--fail"]).exit_code == 1
    assert seen == [False, False] and gc.isenabled()
    result = runner.invoke(main, ["search", "一肩挑", "--index-dir", str(seed_index)])
    assert result.exit_code == 0 and "一肩挑" in result.output
    assert gc.isenabled()
    wrapped = {name for name, command in main.commands.items() if getattr(command.callback, "quick_start", False)}
    assert {"search", "kwic", "show", "cite", "list"} <= wrapped and not {"build", "serve"} & wrapped
