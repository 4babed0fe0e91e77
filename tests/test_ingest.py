import json
from pathlib import Path

import pytest

from storytrace.ingest import IngestResult, read_inputs
from storytrace.model import Article
from storytrace.text.segment import tokenize


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_txt_file_is_one_article_with_stem_id_and_exact_text(tmp_path):
    p = write(tmp_path / "story-1.txt", "Title\n\nFirst paragraph.\nSecond line.\n")
    result = read_inputs([p])
    assert isinstance(result, IngestResult)
    assert result.errors == []
    [a] = result.articles
    assert a.id == "story-1"
    assert a.text == "Title\n\nFirst paragraph.\nSecond line.\n"
    assert a.origin == str(p)


def test_text_md_and_extensionless_files_are_read(tmp_path):
    write(tmp_path / "a.text", "Alpha text.")
    write(tmp_path / "b.md", "Beta text.")
    write(tmp_path / "c", "Gamma text.")
    result = read_inputs([tmp_path])
    assert [a.id for a in result.articles] == ["a", "b", "c"]
    assert [a.text for a in result.articles] == ["Alpha text.", "Beta text.", "Gamma text."]


def test_a_lone_path_is_accepted_as_one_input(tmp_path):
    p = write(tmp_path / "x.txt", "Some text.")
    assert [a.id for a in read_inputs(p).articles] == ["x"]
    assert [a.id for a in read_inputs(str(p)).articles] == ["x"]


def test_jsonl_good_bad_and_textless_lines(tmp_path):
    lines = [
        json.dumps({"text": "First story.", "id": "s1", "title": "One", "url": "https://x.test/1",
                    "outlet": "X Times", "published": "2023-09-28", "byline": "A. Writer"}),
        "{not json",
        json.dumps({"title": "no text here"}),
        "",
        json.dumps({"text": "Fifth line story."}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "   "}),
    ]
    p = write(tmp_path / "bad.jsonl", "\n".join(lines) + "\n")
    result = read_inputs([p])
    assert [a.id for a in result.articles] == ["s1", "bad:5"]
    first, fifth = result.articles
    assert (first.title, first.url, first.outlet, first.published, first.byline) == (
        "One", "https://x.test/1", "X Times", "2023-09-28", "A. Writer")
    assert first.origin == f"{p}:1" and fifth.origin == f"{p}:5"
    assert fifth.text == "Fifth line story."
    assert result.errors[0] == f"{p}:2: not valid JSON (Expecting property name enclosed in double quotes)"
    assert result.errors[1].startswith(f"{p}:3: ") and "text" in result.errors[1]
    assert result.errors[2].startswith(f"{p}:6: ") and "not a JSON object" in result.errors[2]
    assert result.errors[3] == f"{p}:7: empty text, skipped"
    assert len(result.errors) == 4


def test_ndjson_numeric_id_becomes_text(tmp_path):
    p = write(tmp_path / "feed.ndjson", json.dumps({"id": 17, "text": "Story."}) + "\n")
    assert [a.id for a in read_inputs([p]).articles] == ["17"]


def test_folder_recursion_sorted_hidden_and_other_extensions_skipped(tmp_path):
    root = tmp_path / "corpus"
    write(root / "b.txt", "B text.")
    write(root / "a.txt", "A text.")
    write(root / "sub" / "c.txt", "C text.")
    write(root / "sub" / "deeper" / "d.jsonl", json.dumps({"text": "D text."}) + "\n")
    write(root / ".hidden.txt", "hidden")
    write(root / ".git" / "e.txt", "in a hidden folder")
    table = write(root / "table.csv", "x,y\n1,2\n")  # a CSV is read, but this one holds no articles
    write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / "README.md", "About this folder.")
    other = write(tmp_path / "elsewhere" / "z.txt", "Z text.")
    result = read_inputs([root, other])
    assert [a.id for a in result.articles] == ["a", "b", "c", "d:1", "z"]
    assert result.errors == [f"{table}: the header has no \"text\" or \"html\" column, skipped"]


def test_same_file_named_twice_is_read_once(tmp_path):
    p = write(tmp_path / "x.txt", "Text.")
    result = read_inputs([tmp_path, p])
    assert [a.id for a in result.articles] == ["x"]
    assert result.errors == [f"{p}: already read, skipped"]


def test_cp1252_file_is_decoded_with_a_note_and_offsets_hold(tmp_path):
    p = write(tmp_path / "old.txt", "Le café est fermé.\r\nIl pleut à Paris.".encode("cp1252"))
    result = read_inputs([p])
    [a] = result.articles
    assert a.text == "Le café est fermé.\nIl pleut à Paris."
    assert result.errors == [f"{p}: not UTF-8, read as cp1252"]
    # Offsets from the shared tokenizer point at the right characters of the stored text.
    cafe = next(t for t in tokenize(a.text) if t.norm == "cafe")
    assert a.text[cafe.start : cafe.end] == "café"
    ferme = next(t for t in tokenize(a.text) if t.norm == "ferme")
    assert a.text[ferme.start : ferme.end] == "fermé"


def test_short_cp1252_word_is_still_read_as_cp1252(tmp_path):
    p = write(tmp_path / "tiny.txt", "café".encode("cp1252"))
    [a] = read_inputs([p]).articles
    assert a.text == "café"


def test_utf8_bom_is_stripped_and_crlf_normalised(tmp_path):
    p = write(tmp_path / "bom.txt", "\ufeffHeadline\r\nBody.\rMore.".encode("utf-8"))
    result = read_inputs([p])
    assert result.articles[0].text == "Headline\nBody.\nMore."
    assert result.errors == []


def test_utf16_with_bom_is_read(tmp_path):
    p = write(tmp_path / "wide.txt", "Kyiv story.".encode("utf-16"))
    assert read_inputs([p]).articles[0].text == "Kyiv story."


def test_empty_and_whitespace_files_are_skipped_with_a_message(tmp_path):
    e = write(tmp_path / "empty.txt", "")
    w = write(tmp_path / "blank.txt", "  \n\t\n")
    j = write(tmp_path / "blank.jsonl", "\n\n")
    result = read_inputs([e, w, j])
    assert result.articles == []
    assert result.errors == [f"{e}: empty file, skipped", f"{w}: empty file, skipped", f"{j}: empty file, skipped"]


def test_binary_files_are_skipped_with_a_message(tmp_path):
    b = write(tmp_path / "blob.txt", b"GIF89a\x00\x01\x02\x03binary")
    u = write(tmp_path / "noise.txt", bytes(range(0x80, 0x100)) * 4)
    result = read_inputs([b, u])
    assert result.articles == []
    assert result.errors[0] == f"{b}: binary file, skipped"
    assert result.errors[1].startswith(f"{u}: ") and "skipped" in result.errors[1]


def test_explicit_unknown_extension_is_read_as_text_if_it_decodes(tmp_path):
    good = write(tmp_path / "note.log", "A plain note.")
    bad = write(tmp_path / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    result = read_inputs([good, bad])
    assert [a.id for a in result.articles] == ["note"]
    assert result.errors == [f"{bad}: binary file, skipped"]


def test_missing_and_unreadable_paths_are_reported(tmp_path, monkeypatch):
    locked = write(tmp_path / "locked.txt", "secret")
    real_open = Path.open

    def open_(self, *args, **kwargs):  # root reads a chmod-000 file, so the refusal is simulated
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    missing = tmp_path / "missing.txt"
    result = read_inputs([missing, locked, write(tmp_path / "ok.txt", "Fine.")])
    assert [a.id for a in result.articles] == ["ok"]
    assert result.errors == [f"{missing}: no such file or folder", f"{locked}: cannot read (Permission denied)"]


def test_empty_folder_is_reported(tmp_path):
    (tmp_path / "nothing").mkdir()
    result = read_inputs([tmp_path / "nothing"])
    assert result.articles == [] and result.errors == [f"{tmp_path / 'nothing'}: no readable files in folder"]


def test_duplicate_ids_get_a_suffix_and_a_message(tmp_path):
    write(tmp_path / "a" / "x.txt", "First.")
    second = write(tmp_path / "b" / "x.txt", "Second.")
    third = write(tmp_path / "c" / "x.md", "Third.")
    result = read_inputs([tmp_path])
    assert [(a.id, a.text) for a in result.articles] == [("x", "First."), ("x#2", "Second."), ("x#3", "Third.")]
    assert result.errors == [f"{second}: duplicate id 'x', renamed 'x#2'", f"{third}: duplicate id 'x', renamed 'x#3'"]


def test_dicts_and_articles_are_accepted(tmp_path):
    given = Article(id="keep", text="Already an article.")
    result = read_inputs([{"text": "From a dict.", "id": "d1", "outlet": "Wire"}, given, {"text": "No id."},
                          {"id": "broken"}, {"text": "Clash.", "id": "keep"}])
    assert [a.id for a in result.articles] == ["d1", "keep", "input:3", "keep#2"]
    assert result.articles[0].outlet == "Wire"
    assert result.articles[1] is given
    assert result.errors[0].startswith("input 4: ") and "text" in result.errors[0]
    assert result.errors[1] == "input 5: duplicate id 'keep', renamed 'keep#2'"


def test_programmer_errors_raise():
    with pytest.raises(TypeError):
        read_inputs([42])


def test_example_corpus_reads_cleanly():
    root = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"
    result = read_inputs([root])
    assert result.errors == []
    assert [a.id[:3] for a in result.articles] == ["000", "001", "002", "003", "004"]
    assert result.articles[0].text == (root / "000_a37f6e7e984c68d0.txt").read_text(encoding="utf-8")
