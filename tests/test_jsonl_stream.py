"""A plain UTF-8 JSONL file is read a line at a time (readers/jsonl.py, issue 13's memory): it must
give what decoding the whole file gave, article for article and message for message, whatever the
line ends, blank lines, bad lines, byte-order marks and encodings; files that are not plain UTF-8
go the whole-file way."""

from __future__ import annotations

import json
import random
import time

import pytest

from storytrace import ingest, limits
from storytrace.readers import jsonl


def _whole(monkeypatch, path):
    with monkeypatch.context() as m:
        def refuse(*args, **kwargs):
            raise jsonl.NotPlainUtf8
        m.setattr(ingest, "stream_jsonl", refuse)
        return ingest.read_inputs([path])


def _both(monkeypatch, path):
    streamed = ingest.read_inputs([path])
    whole = _whole(monkeypatch, path)
    return streamed, whole


def _good(i: int) -> bytes:
    return json.dumps({"text": f"Story {i} \u00e9t\u00e9 “quoted” text.", "title": f"T{i}"},
                      ensure_ascii=bool(i % 2)).encode("utf-8")


PIECES = [_good(1), _good(2), b"{not json", b'{"title": "no text"}', b'["a", "list"]', b'{"text": "   "}',
          b"", b"  ", b"\t", b"\xc2\xa0", "\u2028".encode(), b"\x1c", b'{"text": "a\\u0000b c d"}',
          b'{"id": "same", "text": "One."}', b'{"id": "same", "text": "Two."}']
ENDS = [b"\n", b"\r\n", b"\r", b"\r\r\n", b"\n\r"]


@pytest.mark.parametrize("seed", range(60))
def test_streamed_as_whole(monkeypatch, tmp_path, seed):
    rng = random.Random(seed)
    data = b"".join(rng.choice(PIECES) + rng.choice(ENDS) for _ in range(rng.randint(1, 12)))
    if rng.random() < 0.3:
        data = data.rstrip(b"\r\n")  # the last line without its end
    if rng.random() < 0.2:
        data = b"\xef\xbb\xbf" + data  # a UTF-8 byte-order mark
    path = tmp_path / "feed.jsonl"
    path.write_bytes(data)
    streamed, whole = _both(monkeypatch, path)
    assert streamed.articles == whole.articles
    assert streamed.errors == whole.errors


@pytest.mark.parametrize("data", [b"", b"\n\n", b" \r\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n",
                                  b'{"text": "caf\xe9 au lait."}\n',  # Latin-1: read whole, as cp1252
                                  b'{"text": "one"}\n\x00\n',  # a NUL byte: read whole
                                  '{"text": "UTF-16 text."}\n'.encode("utf-16"),
                                  b'{"text": "ok"}\r\n{"text": "bad \xff byte"}\r\n'])
def test_edge_files_streamed_as_whole(monkeypatch, tmp_path, data):
    path = tmp_path / "edge.jsonl"
    path.write_bytes(data)
    streamed, whole = _both(monkeypatch, path)
    assert (streamed.articles, streamed.errors) == (whole.articles, whole.errors)


def test_line_numbers_and_messages(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_bytes(b'{"text": "One."}\r\n{bad\r{"text": "Three."}\r\r\n{"text": "Five."}')
    result = ingest.read_inputs([path])
    assert [a.id for a in result.articles] == ["n:1", "n:3", "n:5"]
    assert result.errors == [f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes)"]


def test_a_utf8_file_over_the_file_limit_is_read(tmp_path):
    """Streamed, a JSONL file is bounded line by line, as a WARC file record by record: a corpus of
    300,000 articles (1.1 GB) is read, not skipped, with the default --max-file-bytes (1 GB)."""
    path = tmp_path / "big.jsonl"
    path.write_bytes(b'{"text": "One."}\n' * 100)
    limits.use(limits.Limits(file_bytes=1000))
    try:
        result = ingest.read_inputs([path])
    finally:
        limits.use(limits.from_environment())
    assert len(result.articles) == 100 and result.errors == []


def test_an_overlong_line_is_skipped_and_the_rest_read(tmp_path):
    path = tmp_path / "long.jsonl"
    long_line = json.dumps({"text": "word " * 400}).encode()  # 2,012 bytes
    path.write_bytes(b'{"text": "One."}\n' + long_line + b'\n{"text": "Three."}\n' + long_line)
    errors: list[str] = []
    articles = jsonl.stream_jsonl(path, errors, max_line_bytes=1000)
    assert [(a.id, a.text) for a in articles] == [("long:1", "One."), ("long:3", "Three.")]
    assert errors == [f"{path}:{k}: a line over the file-size limit of 1000 bytes (--max-file-bytes), skipped"
                      for k in (2, 4)]


def test_a_line_at_the_bound_is_kept(tmp_path):
    path = tmp_path / "edge.jsonl"
    line = json.dumps({"text": "x" * 980}).encode()
    path.write_bytes(line + b"\n" + line)
    errors: list[str] = []
    articles = jsonl.stream_jsonl(path, errors, max_line_bytes=len(line))
    assert len(articles) == 2 and errors == []


def test_a_file_not_utf8_over_the_limit_is_refused(tmp_path):
    """What cannot be streamed is decoded whole, so the file limit applies to it."""
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"text": "caf\u00e9"}\n'.encode("latin-1") * 100)
    limits.use(limits.Limits(file_bytes=1000))
    try:
        result = ingest.read_inputs([path])
    finally:
        limits.use(limits.from_environment())
    assert result.articles == []
    assert result.errors == [f"{path}: 1.66 KB, over the file-size limit of 1000 bytes (--max-file-bytes), skipped"]


def test_a_sparse_jsonl_file_is_refused_unread(tmp_path):
    """3 GB of zeros named .jsonl: the first chunk's NUL bytes send it the whole-file way, which
    the file limit refuses by its size: neither read through nor held."""
    path = tmp_path / "zeros.jsonl"
    with open(path, "wb") as f:
        f.truncate(3 << 30)
    started = time.perf_counter()
    result = ingest.read_inputs([path])
    assert time.perf_counter() - started < 2  # reading 3 GB through takes longer
    assert result.errors == [f"{path}: 3 GB, over the file-size limit of 1 GB (--max-file-bytes), skipped"]


def test_not_held_whole(monkeypatch, tmp_path):
    """The streamed way never reads the file into one bytes object."""
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "One."}\n{"text": "Two."}\n')
    monkeypatch.setattr(ingest, "decode", lambda *a, **k: pytest.fail("decoded whole"))
    assert [a.text for a in ingest.read_inputs([path]).articles] == ["One.", "Two."]


def test_lines_longer_than_a_piece(monkeypatch, tmp_path):
    """A line is read in pieces (a megabyte each; five bytes here): pieces join into the same lines."""
    path = tmp_path / "pieces.jsonl"
    path.write_bytes('\ufeff{"text": "Caf\u00e9 one."}\r\n\n{"text": "Two,\\nlines."}\r{"text": "Three."}'.encode())
    whole = _whole(monkeypatch, path)
    monkeypatch.setattr(jsonl, "_PIECE", 5)
    streamed = ingest.read_inputs([path])
    assert [a.text for a in streamed.articles] == ["Café one.", "Two,\nlines.", "Three."]
    assert (streamed.articles, streamed.errors) == (whole.articles, whole.errors)
