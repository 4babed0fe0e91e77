"""The on-disk vector cache stays under its bound (STORYTRACE_VECTOR_CACHE_MAX), deleting the vectors
written longest ago, and a vector it let go of is encoded again to the same values."""

from __future__ import annotations

import numpy as np

from storytrace.encode import embed, vector_store
from storytrace.encode.vector_store import DEFAULT_MAX_BYTES, VectorStore


def _vectors(count: int, seed: int) -> list[tuple[bytes, np.ndarray]]:
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(count, 384)).astype(np.float32)
    return [(rng.bytes(16), row / np.linalg.norm(row)) for row in rows]


def test_the_cache_stays_under_its_bound_and_keeps_the_newest(tmp_path):
    limit = 256 * 1024  # about 120 vectors
    store = VectorStore(tmp_path / "vectors.sqlite3", 384, limit)
    written = _vectors(600, seed=1)
    for first in range(0, len(written), 25):
        store.put_many(written[first:first + 25])
        assert store.live_bytes() <= limit
    assert store.trims >= 2
    newest, oldest = written[-25:], written[:25]
    kept = store.get_many([k for k, _ in newest])
    assert len(kept) == 25 and all(np.array_equal(kept[k], v) for k, v in newest)
    assert store.get_many([k for k, _ in oldest]) == {}
    left = store._connect().execute("SELECT count(*) FROM vectors").fetchone()[0]
    assert 0.6 * limit / 2200 < left < limit / 1500  # deleted down to ~90% of the bound, not emptied


def test_unbounded_enough_nothing_is_deleted(tmp_path):
    store = VectorStore(tmp_path / "vectors.sqlite3", 384, 64 << 20)
    written = _vectors(300, seed=2)
    store.put_many(written)
    assert store.trims == 0 and len(store.get_many([k for k, _ in written])) == 300


def test_a_vector_let_go_of_is_encoded_again_to_the_same_values(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE", "on")
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE_MAX", "96K")
    texts = [f"The ferry to island {n} resumed service on day {n} after the storm." for n in range(80)]
    first = embed.Encoder("torch")
    before = first.encode(texts)
    assert first._store.trims >= 1 and first._store.live_bytes() <= 96 * 1024
    second = embed.Encoder("torch")  # a new process, as far as the in-memory cache knows
    after = second.encode(texts)
    assert 0 < second.from_store < len(texts) and second.encoded == len(texts) - second.from_store
    np.testing.assert_allclose(after, before, atol=1e-6)  # torch: the same vectors, stored or not


def test_a_bound_that_is_not_a_size_is_reported_and_the_default_kept(monkeypatch, capsys):
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE_MAX", "plenty")
    assert vector_store.max_bytes() == DEFAULT_MAX_BYTES
    err = capsys.readouterr().err
    assert "STORYTRACE_VECTOR_CACHE_MAX" in err and "plenty" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE_MAX", "2G")
    assert vector_store.max_bytes() == 2 << 30
