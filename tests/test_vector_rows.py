"""The index's lead vectors held in 8 bits (index/vector_rows.py): the cosines of the int8 scan and
the block products are the float32 products of the unpacked rows, within the rounding vectors.TIE
allows; rows and leads not in 8-bit form take the float32 path and stay exact."""

import numpy as np

from storytrace.encode import leads
from storytrace.index.vector_rows import VectorRows
from storytrace.index.vectors import TIE

DIMENSIONS = 384


def _unit_rows(count: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, DIMENSIONS)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return leads.round_leads(rows)


def _filled(vectors: np.ndarray) -> VectorRows:
    rows = VectorRows(DIMENSIONS)
    for owner, vector in enumerate(vectors):
        rows.append(100 + owner, leads.pack(vector), float(owner) / 10)
    return rows


def test_int8_cosines_are_the_float32_product_within_tie():
    vectors = _unit_rows(300, seed=1)
    rows = _filled(vectors)
    for lead in vectors[:5]:
        expected = vectors @ lead
        found = rows.cosines(leads.pack(lead))
        assert found.dtype == np.float32 and found.shape == expected.shape
        assert np.abs(found - expected).max() < TIE / 10
        assert int(np.argmax(found)) == int(np.argmax(expected))
    owners, same, floors = rows.view()
    assert same is rows and owners.tolist() == list(range(100, 400)) and floors[3] == np.float32(0.3)


def test_rows_give_back_the_stored_vectors_bit_for_bit():
    vectors = _unit_rows(70, seed=2)  # past the first doubling of the arrays (64 rows)
    rows = _filled(vectors)
    assert rows.vector_of(100 + 69).tobytes() == vectors[69].tobytes()
    assert rows.unpacked(0, 70).tobytes() == vectors.tobytes()
    assert rows.vector_of(5) is None


def test_block_products_match_the_matrix_product_over_chunks(monkeypatch):
    import storytrace.index.vector_rows as vector_rows

    monkeypatch.setattr(vector_rows, "_UNPACK_ROWS", 7)  # several chunks and a ragged last one
    vectors = _unit_rows(50, seed=3)
    rows = _filled(vectors)
    block = vectors[:4]
    assert np.allclose(rows.products(block, 45), block @ vectors[:45].T, atol=1e-6)
    assert rows.products(block, 0).shape == (4, 0)


def test_block_products_on_threads_are_the_one_thread_products_bit_for_bit(monkeypatch):
    import storytrace.index.vector_rows as vector_rows
    from storytrace.engine.threads import single_threaded_blas

    monkeypatch.setattr(vector_rows, "_UNPACK_ROWS", 64)
    vectors = _unit_rows(1000, seed=5)
    rows = _filled(vectors)
    rows.append(7, leads.pack(np.full(DIMENSIONS, 1 / np.sqrt(DIMENSIONS), np.float32) * 0.999), 0.0)  # float32 row
    block = _unit_rows(70, seed=6)
    with single_threaded_blas():
        monkeypatch.setattr(vector_rows, "SCAN_THREADS", 1)
        alone = rows.products(block, 1001)
        monkeypatch.setattr(vector_rows, "SCAN_THREADS", 2)
        threaded = rows.products(block, 1001)
    assert threaded.tobytes() == alone.tobytes()
    assert np.allclose(threaded, block @ rows.unpacked(0, 1001).T, atol=1e-6)


def test_rows_and_leads_not_in_eight_bits_take_the_float_path():
    vectors = _unit_rows(20, seed=4)
    odd = np.random.default_rng(5).normal(size=DIMENSIONS).astype(np.float32)
    odd /= np.linalg.norm(odd)  # not rounded: pack keeps it as float32
    assert len(leads.pack(odd)) == 4 * DIMENSIONS
    mixed = np.vstack([vectors[:10], odd[None, :], vectors[10:]])
    rows = _filled(mixed)
    assert rows.vector_of(110).tobytes() == odd.tobytes()
    found = rows.cosines(leads.pack(vectors[0]))
    assert abs(found[10] - odd @ vectors[0]) < 1e-7  # the float row, exactly as float32 takes it
    assert np.abs(found - mixed @ vectors[0]).max() < TIE / 10
    by_odd = rows.cosines(leads.pack(odd))  # a lead not in 8-bit form: the float32 product of every row
    assert np.abs(by_odd - mixed @ odd).max() < 1e-6
    assert abs(by_odd[10] - 1.0) < 1e-5


def test_an_empty_index_scans_to_nothing():
    rows = VectorRows(DIMENSIONS)
    assert rows.cosines(leads.pack(_unit_rows(1, seed=6)[0])).shape == (0,)
    assert len(rows) == 0


def _state(rows: VectorRows) -> tuple:
    owners, _, floors = rows.view()
    return (owners.tolist(), floors.tobytes(), rows.unpacked(0, len(rows)).tobytes(),
            {o: rows.vector_of(o).tobytes() for o in owners.tolist()})


def test_extend_lays_out_the_rows_append_would():
    """The store loads its vectors in bulk (``extend``): the same owners, floors, codes and scales as
    appending each row, in 8-bit form or (a row kept in float32 among them) one at a time; after
    rows appended already, and followed by more."""
    vectors = _unit_rows(90, seed=7)
    odd = np.random.default_rng(8).normal(size=DIMENSIONS).astype(np.float32)
    odd /= np.linalg.norm(odd)
    for batch in (vectors[:80], np.vstack([vectors[:40], odd[None, :], vectors[40:80]])):
        owners = [1000 + k for k in range(len(batch))]
        packs = [leads.pack(v) for v in batch]
        floors = [k / 7 for k in range(len(batch))]
        one_by_one, bulk = VectorRows(DIMENSIONS), VectorRows(DIMENSIONS)
        for rows in (one_by_one, bulk):
            rows.append(7, leads.pack(vectors[85]), 0.5)
        for owner, packed, floor in zip(owners, packs, floors):
            one_by_one.append(owner, packed, floor)
        bulk.extend(owners[:30], packs[:30], floors[:30])
        bulk.extend(owners[30:], packs[30:], floors[30:])
        for rows in (one_by_one, bulk):
            rows.append(5000, leads.pack(vectors[86]), 0.25)
        assert _state(bulk) == _state(one_by_one)
        lead = leads.pack(vectors[3])
        assert bulk.cosines(lead).tobytes() == one_by_one.cosines(lead).tobytes()
