"""The pair scorer's word vectors kept in the store (store/word_vectors.py): add keeps every word it
encodes, trace reads them instead of running the model again, and the answers do not change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import storytrace
from storytrace.encode.embed import get_encoder
from storytrace.judge import pairscore

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "examples" / "nato-kyiv").glob("0*.txt"))


@pytest.fixture
def words_encoded(monkeypatch):
    """The words the pair scorer asks the encoder for (each call's texts), from a cold word cache."""
    encoder = get_encoder()
    asked: list[str] = []
    encode = encoder.encode

    def counting(texts, max_word_pieces=128):
        if max_word_pieces == pairscore.WORD_PIECES_PER_WORD:
            asked.extend(texts)
        return encode(texts, max_word_pieces)

    monkeypatch.setattr(encoder, "encode", counting)
    monkeypatch.setattr(pairscore, "_WORD_CACHE", (None, {}))
    return asked


def _kept(path) -> dict[str, bytes]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT word, vector FROM word_vectors"))


def _trace_cold(store, text, asked) -> dict:
    pairscore._WORD_CACHE = (None, {})  # as a new process: only the store keeps words
    asked.clear()
    return store.trace(text)


def test_add_keeps_the_words_it_encodes_and_trace_reads_them_with_the_same_answer(tmp_path, words_encoded):
    path = tmp_path / "s.db"
    with storytrace.Store(path) as store:
        store.add([FILES[0], FILES[1], FILES[3], FILES[4]])
    kept = _kept(path)
    assert set(words_encoded) <= set(kept) and len(kept) > 20  # every word add encoded is kept
    vector = get_encoder().encode([next(iter(kept))], pairscore.WORD_PIECES_PER_WORD)[0]
    assert vector.tobytes() == kept[next(iter(kept))]  # the encoder's float32 values, byte for byte

    text = FILES[2].read_text("utf-8")
    with storytrace.Store(path) as store:
        with_kept = _trace_cold(store, text, words_encoded)
        asked_with = list(words_encoded)
        store.db.execute("DELETE FROM word_vectors")
        without = _trace_cold(store, text, words_encoded)
        asked_without = list(words_encoded)
    assert with_kept == without
    assert not set(asked_with) & set(kept)  # a kept word is never encoded again
    assert set(asked_without) & set(kept)   # ... and the trace needed some of them
    assert len(asked_with) < len(asked_without)
    assert _kept(path) == {}  # a trace keeps nothing


def test_vectors_of_another_encoder_are_not_read_and_the_next_batch_starts_the_table_again(tmp_path, words_encoded):
    path = tmp_path / "s.db"
    with storytrace.Store(path) as store:
        store.add([FILES[0], FILES[1]])
        store.db.execute("UPDATE meta SET value = 'another-encoder' WHERE key = 'word_vectors_encoder'")
        store.db.execute("INSERT INTO word_vectors (word, vector) VALUES ('stale', x'00')")
        kept = set(_kept(path)) - {"stale"}
        _trace_cold(store, FILES[2].read_text("utf-8"), words_encoded)
        assert set(words_encoded) & kept  # read nothing: encoded again
        pairscore._WORD_CACHE = (None, {})
        store.add([FILES[2]])
    after = _kept(path)
    assert "stale" not in after and after
    with sqlite3.connect(path) as db:
        identity = db.execute("SELECT value FROM meta WHERE key = 'word_vectors_encoder'").fetchone()[0]
    assert identity == get_encoder().identity()


def test_a_store_made_before_the_table_gets_it_when_opened_and_traces_without_it(tmp_path):
    path = tmp_path / "s.db"
    with storytrace.Store(path) as store:
        store.add([FILES[0], FILES[1]])
        store.db.execute("DROP TABLE word_vectors")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM meta WHERE key = 'word_vectors_encoder'")
    with storytrace.Store(path) as store:  # opened where it can be written: the table again
        assert store.db.execute("SELECT COUNT(*) FROM word_vectors").fetchone()[0] == 0
        store.db.execute("DROP TABLE word_vectors")
        traced = store.trace(FILES[2].read_text("utf-8"))  # no table: traced all the same
    assert traced["articles"][0]["sources"][0]["id"] == FILES[0].stem


def test_opening_a_store_without_the_table_never_waits_for_another_writer(tmp_path):
    import time

    from storytrace.store.schema import connect

    path = tmp_path / "s.db"
    with storytrace.Store(path) as store:
        store.add([FILES[0], FILES[1]])
        store.db.execute("DROP TABLE word_vectors")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process's batch, holding the write lock
    writer.execute("INSERT INTO meta (key, value) VALUES ('other', 'batch')")
    started = time.perf_counter()
    db = connect(path, create=False)  # as trace opens it
    assert time.perf_counter() - started < 5  # not the 60 s busy timeout
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 60_000  # the wait for a batch's own writes stays
    assert not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'word_vectors'").fetchone()
    writer.execute("ROLLBACK")
    db.close()
    with storytrace.Store(path) as store:
        store.db.execute("DROP TABLE word_vectors")  # opened again while nobody writes: made again; drop it
        pairscore._WORD_CACHE = (None, {})
        store.add([FILES[2]])  # the next batch makes it, inside its transaction
    assert _kept(path)
