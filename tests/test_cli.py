"""The command line as a user meets it: bad input reported and skipped, exit status, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

from storytrace.cli import main

TEXTS = Path(__file__).with_name("texts")


def _copy(name: str, folder: Path) -> Path:
    target = folder / f"{name}.txt"
    target.write_text((TEXTS / f"{name}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_bad_inputs_are_reported_and_the_rest_analysed(tmp_path, capsys):
    _copy("harbour_original", tmp_path)
    _copy("harbour_version", tmp_path)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00garbage")
    (tmp_path / "feed.jsonl").write_text('{"id": "ok", "text": "A short note about the weather."}\nnot json\n{"id": "x"}\n',
                                         encoding="utf-8")
    out = tmp_path / "result.json"
    status = main(["analyze", str(tmp_path), "--json", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert status == 0
    assert "empty.txt" in err and "binary.txt" in err
    assert "feed.jsonl:2" in err and "feed.jsonl:3" in err
    result = json.loads(out.read_text(encoding="utf-8"))
    ids = {a["id"] for a in result["articles"]}
    assert {"harbour_original", "harbour_version", "ok"} <= ids
    assert "empty" not in ids and "binary" not in ids
    assert [p["relation"] for p in result["pairs"]] == ["version"]
    assert result["schema"] == "storytrace/1"
    assert len(result["errors"]) >= 4
    # the stats block the dask engine writes too (run.finish_run), reading timed as it is there
    assert result["stats"]["engine"]["name"] == "local" and result["stats"]["articles"] == 3
    assert set(result["stats"]["seconds"]) >= {"read", "clean", "prepare", "candidates", "compare", "stories"}


def test_nothing_readable_exits_non_zero(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    assert main(["analyze", str(tmp_path / "empty.txt"), "--quiet"]) == 1
    assert "nothing to analyse" in capsys.readouterr().err


def test_compare_texts_writes_a_pair(tmp_path, capsys):
    out = tmp_path / "pair.json"
    status = main(["compare", "--text", "The council approved the harbour plan on Tuesday.",
                   "On Tuesday the council approved the plan for the harbour.", "--json", str(out)])
    assert status == 0
    pair = json.loads(out.read_text(encoding="utf-8"))
    assert pair["relation"] == "rewrite"  # the same fact re-worded
    assert set(pair) >= {"relation", "similarity", "coverage", "passages"}


def test_summary_escapes_article_text(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # no wrapping inside table cells
    text = (TEXTS / "harbour_original.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text("[bold red]Injected[/bold red] markup\n\n" + text, encoding="utf-8")
    (tmp_path / "b.txt").write_text("[bold red]Injected[/bold red] markup\n\n" + text, encoding="utf-8")
    assert main(["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    # the markup-like text is printed as text, not interpreted as style
    assert "red]Injected[/bold red] markup" in capsys.readouterr().out


def test_each_input_problem_is_one_stderr_line_however_long(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4)
    folder.mkdir()
    _copy("harbour_original", folder)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00garbage")
    assert main(["analyze", str(folder), "--quiet"]) == 0
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("storytrace: ") and lines[0].rstrip().endswith("skipped")


def test_summary_is_bounded_and_puts_reuse_first(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    corpus = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"
    assert main(["analyze", str(corpus), "--top", "2"]) == 0
    out = capsys.readouterr().out
    pair_rows = [ln for ln in out.splitlines() if ln.startswith("│") and any(f"│ {r} " in ln for r in ("version", "rewrite", "related"))]
    assert len(pair_rows) == 2 and " version " in pair_rows[0] and " rewrite " in pair_rows[1]
    assert "... and 8 more pairs (all of them are in the --json output)" in out
    assert main(["analyze", str(corpus), "--top", "0"]) == 0
    assert "more pairs" not in capsys.readouterr().out


def test_json_written_a_pair_at_a_time_is_the_plain_documents_text(tmp_path):
    """The CLI's document makes each pair's record as it is written (``PairRecords``); the file is
    byte for byte what ``json.dump`` writes of the plain document, and a summary of it is the same."""
    import io

    from rich.console import Console

    from storytrace.engine.pipeline import analyze
    from storytrace.output.paths import write_json
    from storytrace.output.report import print_summary
    from storytrace.output.result import PairRecords

    result = analyze([Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"], processes=1)
    lazy, plain = result.to_json(lazy_pairs=True), result.to_json()
    assert isinstance(lazy["pairs"], PairRecords) and len(lazy["pairs"]) == len(plain["pairs"]) == 10
    assert lazy["pairs"][1:3] == plain["pairs"][1:3] and list(lazy["pairs"]) == plain["pairs"]
    write_json(lazy, str(tmp_path / "lazy.json"))
    text = (tmp_path / "lazy.json").read_text(encoding="utf-8")
    assert text == json.dumps(plain, ensure_ascii=False, indent=1) + "\n"
    summaries = []
    for document in (lazy, plain):
        out = io.StringIO()
        print_summary(document, Console(file=out, width=300), rows=3)
        summaries.append(out.getvalue())
    assert summaries[0] == summaries[1] and "... and 7 more pairs" in summaries[0]


def test_a_reader_that_stops_reading_gets_no_traceback(tmp_path):
    """``storytrace export --db S --json - | head`` closes the pipe before the document is written:
    the command ends quietly (exit status 1), not with a BrokenPipeError traceback (analyze said
    one line already; export and trace printed a traceback)."""
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"
    db = tmp_path / "s.db"
    assert main(["add", str(example), "--db", str(db), "-q"]) == 0
    for args in (["export", "--db", str(db), "--json", "-"], ["trace", "--id", "002_5985c9d0a73851b2", "--db", str(db)],
                 ["analyze", str(example), "--json", "-"]):
        proc = subprocess.Popen([sys.executable, "-m", "storytrace.cli", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()  # before anything is written: the first write meets a closed pipe
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=300) == 1, stderr
        assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Broken pipe" not in stderr, stderr


def test_compare_texts_refuses_an_empty_one_and_repairs_one_not_valid_utf8(capsys, tmp_path):
    assert main(["compare", "--text", " ", "The harbour reopened."]) == 2
    assert capsys.readouterr().err == "storytrace: --text: text A is empty\n"
    # an argument not valid UTF-8 reaches Python with unpaired surrogates ("\udcff" for the byte 0xff)
    a, b = "The harbour \udcff reopened on Monday after the storm.", "The harbour \udcff reopened on Monday."
    out = tmp_path / "pair.json"
    assert main(["compare", "--text", a, b, "--json", str(out)]) == 0
    pair = json.loads(out.read_text(encoding="utf-8"))
    assert pair["relation"] != "unrelated" and pair["passages"]
    assert main(["compare", "--text", a, b]) == 0
    assert "The harbour \ufffd reopened" in capsys.readouterr().out
