"""The exact cosines of 8-bit leads (index/lead_cosines.py) and the nearest lead vectors ranked by
them (candidate_pairs.vector_neighbour_candidates on packed leads): against numpy's int64
products and a brute force over scale_i * scale_j * (q_i . q_j), with both kernels (bfloat16 only
on a CPU that has it)."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace import thresholds as T
from storytrace.index import candidate_pairs, lead_cosines
from storytrace.index.candidate_pairs import PackedRows, vector_neighbour_candidates
from storytrace.index.row_selection import at_least_kth, nearest_with_ties
from storytrace.index.lead_cosines import LeadCosines

KERNELS = ["float32", pytest.param("bfloat16", marks=pytest.mark.skipif(
    not (lead_cosines._bfloat16_instructions() and lead_cosines._bfloat16_probe()),
    reason="this CPU has no bfloat16 instructions"))]


@pytest.fixture(params=KERNELS)
def kernel(request, monkeypatch):
    """Each kernel at every size (the bfloat16 one is used from BFLOAT16_FROM_ROWS rows)."""
    monkeypatch.setattr(lead_cosines, "BFLOAT16_FROM_ROWS", 0)
    monkeypatch.setattr(lead_cosines, "_bfloat16", request.param == "bfloat16")
    return request.param


def packs_of(codes: np.ndarray, scales: np.ndarray) -> list[bytes]:
    """``leads.pack``'s 8-bit form: the float32 scale, then the signed bytes."""
    return [np.float32(s).tobytes() + q.astype(np.int8).tobytes() for q, s in zip(codes, scales)]


def brute_force(codes: np.ndarray, scales: np.ndarray) -> set[tuple[int, int]]:
    """Each row's VECTOR_NEIGHBOURS nearest others by exact cosine (ties: lower index), at the floor.
    scale_j * dot is exact in float64 (24 + 23 bits) and orders row i as its cosines do."""
    dots = codes.astype(np.int64) @ codes.astype(np.int64).T
    s = scales.astype(np.float64)
    n = len(codes)
    k = min(T.VECTOR_NEIGHBOURS, n - 1)
    pairs = set()
    for i in range(n):
        others = sorted((j for j in range(n) if j != i), key=lambda j: (-(s[j] * dots[i, j]), j))
        for j in others[:k]:
            if s[i] * (s[j] * dots[i, j]) >= T.MIN_ARTICLE_COSINE:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def found(codes: np.ndarray, scales: np.ndarray) -> set[tuple[int, int]]:
    pairs = vector_neighbour_candidates(PackedRows(packs_of(codes, scales), codes.shape[1]))
    rows = [tuple(p) for p in pairs.tolist()]
    assert rows == sorted(set(rows))
    return set(rows)


def unit_codes(rng, n: int, dims: int = 48, centres: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Rounded unit vectors around a few centres, as ``leads.round_leads`` rounds them, with copies
    (one text's leads) and equal codes under other scales."""
    middle = rng.normal(size=(centres, dims))
    raw = middle[rng.integers(0, centres, n)] + rng.normal(size=(n, dims))
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    scales = (np.abs(raw).max(axis=1) / 127).astype(np.float32)
    codes = np.rint(raw / scales[:, None]).astype(np.int8)
    to, source = rng.integers(0, n, n // 4), rng.integers(0, n, n // 4)
    codes[to], scales[to] = codes[source], scales[source]
    codes[rng.integers(0, n, n // 6)] = codes[rng.integers(0, n, n // 6)]
    return codes, scales


def test_blocks_keys_are_within_their_error_and_values_are_exact(kernel):
    rng = np.random.default_rng(1)
    codes = np.concatenate([np.full((2, 384), 127, np.int8), np.full((1, 384), -127, np.int8),
                            rng.integers(-127, 128, (400, 384), dtype=np.int8)])
    scales = rng.uniform(0.001, 0.02, len(codes)).astype(np.float32)
    cosines = LeadCosines(codes, scales)
    assert cosines.kernel == kernel
    dots = codes.astype(np.int64) @ codes.astype(np.int64).T
    exact = scales[:, None].astype(np.float64) * (scales[None, :].astype(np.float64) * dots)
    with cosines:
        block = cosines.block(100, 250)
    want = scales.astype(np.float64)[None, :] * dots[100:250]  # a key: scale_j * dot
    if kernel == "float32":
        keys = block.keys
        assert (np.abs(keys - want) <= lead_cosines.FLOAT32_RELATIVE * np.abs(want)).all()
    else:
        keys = lead_cosines._bfloat16_floats(block.bits).astype(np.float64)
        bound = lead_cosines._BF16_OUTPUT * np.abs(keys) + block.absolute[:, None]
        assert (np.abs(keys - want) <= bound).all()
        assert (np.abs(keys - want) > lead_cosines.FLOAT32_RELATIVE * np.abs(want)).any()  # not exact
    r, c = rng.integers(0, len(codes), 3000), rng.integers(0, len(codes), 3000)
    assert np.array_equal(cosines.exact(r, c), exact[r, c])
    local = np.sort(rng.integers(0, 150, 3000))
    assert np.array_equal(block.values(local, c), exact[100 + local, c])
    own = np.arange(150)
    assert np.array_equal(block.values(own, 100 + own), exact[100 + own, 100 + own])


@pytest.mark.parametrize("seed", range(3))
def test_packed_leads_equal_the_exact_brute_force(kernel, seed):
    codes, scales = unit_codes(np.random.default_rng(seed), 260)
    expected = brute_force(codes, scales)
    assert len(expected) > 1000
    assert found(codes, scales) == expected


def test_small_blocks_and_one_thread_give_the_same_pairs(kernel, monkeypatch):
    codes, scales = unit_codes(np.random.default_rng(9), 300)
    whole = found(codes, scales)
    monkeypatch.setattr(candidate_pairs, "_BLOCK", 7)
    monkeypatch.setattr(candidate_pairs, "_MIN_BLOCK", 7)
    monkeypatch.setattr(candidate_pairs, "default_cores", lambda: 1)
    assert found(codes, scales) == whole == brute_force(codes, scales)


def test_cosines_tied_in_float32_are_ranked_by_their_exact_values(kernel, monkeypatch):
    monkeypatch.setattr(T, "VECTOR_NEIGHBOURS", 1)
    monkeypatch.setattr(T, "MIN_ARTICLE_COSINE", 0.0)
    # article 1's dot products: with 0, 1 * 1.0 = 1; with 2, 3 * float32(1/3) = 1.00000003, which
    # float32 rounds to 1: tied there, where the lower index (0) would win; exactly, 2 is nearer
    codes = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [3, 0, 0, 5], [-9, -9, -9, -9]], np.int8)
    scales = np.array([1.0, 1.0, 1 / 3, 1.0], np.float32)
    assert np.float32(scales[2] * np.float32(3)) == np.float32(1.0) < scales[2].astype(np.float64) * 3
    pairs = found(codes, scales)
    assert (1, 2) in pairs and (0, 1) not in pairs
    assert pairs == brute_force(codes, scales)


def test_exact_ties_go_to_the_lower_index(kernel, monkeypatch):
    monkeypatch.setattr(T, "VECTOR_NEIGHBOURS", 2)
    monkeypatch.setattr(T, "MIN_ARTICLE_COSINE", 0.0)
    # article 0's dot product is 2 with each of six distinct vectors (equal scales), placed at random
    rng = np.random.default_rng(4)
    eye = np.eye(8, dtype=np.int8)
    rest = np.r_[2 * eye[0] + eye[1:7], np.tile(-eye[7], (5, 1))]
    order = rng.permutation(len(rest))
    codes = np.r_[eye[:1], rest[order]]
    scales = np.full(len(codes), 0.5, np.float32)
    pairs = found(codes, scales)
    assert pairs == brute_force(codes, scales)
    assert {j for i, j in pairs if i == 0} == set(sorted(1 + np.flatnonzero(order < 6))[:2])


def test_with_an_error_the_selection_keeps_every_column_that_can_be_nearest():
    """Keys off their values by up to ``relative`` each (either way): the columns returned hold
    every column at its row's k-th value or above, and ranking them by value gives exactly those."""
    rng = np.random.default_rng(3)
    values = np.round(rng.normal(0.3, 0.2, size=(60, 900)), 3)  # rounded: many exact ties
    values[np.arange(60), rng.integers(0, 900, 60)] = -np.inf
    relative = 2.0 ** -8
    keys = (values * (1 + rng.uniform(-relative, relative, values.shape))).astype(np.float64)
    rows, cols = nearest_with_ties(keys.copy(), 20, relative)
    keep = at_least_kth(rows, values[rows, cols], 60, 20)
    got = set(zip(rows[keep].tolist(), cols[keep].tolist()))
    want = set()
    for i, row in enumerate(values):
        kth = np.sort(row)[::-1][19]
        want |= {(i, j) for j in np.flatnonzero(row >= kth).tolist()}
    assert got == want
    assert len(rows) > len(want)  # the slack took in some that ranking then dropped
    # without the slack, the keys' own order misses some
    rows0, cols0 = nearest_with_ties(keys.copy(), 20)
    assert not want <= set(zip(rows0.tolist(), cols0.tolist()))


@pytest.mark.parametrize("kernel", KERNELS[1:], indirect=True)
def test_bfloat16_rows_with_a_bar_at_or_below_zero_take_every_column(kernel, monkeypatch):
    """A few leads in 3 dimensions: their 20 nearest include negative cosines, so their bars are
    not positive and the 16 bits' order cannot be used; the pairs still equal the brute force."""
    monkeypatch.setattr(T, "MIN_ARTICLE_COSINE", -1.0)
    codes, scales = unit_codes(np.random.default_rng(7), 40, dims=3, centres=40)
    taken = []
    real = lead_cosines.at_least_kth
    monkeypatch.setattr(lead_cosines, "at_least_kth", lambda rows, *a: taken.append(np.bincount(rows)) or real(rows, *a))
    with LeadCosines(codes, scales) as cosines:
        cosines.block(0, 40).nearest(20)
    assert taken[0].max() == 40  # a row that took every column (itself at -inf among them)
    assert found(codes, scales) == brute_force(codes, scales)


def test_a_torch_that_fails_leaves_the_float32_kernel(monkeypatch):
    import torch

    monkeypatch.setattr(torch, "mm", lambda *a: (_ for _ in ()).throw(RuntimeError("no bfloat16 here")))
    assert not lead_cosines._bfloat16_probe()
    monkeypatch.setattr(lead_cosines, "_bfloat16", None)
    monkeypatch.setattr(lead_cosines, "_bfloat16_instructions", lambda: True)
    assert lead_cosines.kernel(10 ** 6) == "float32"
    assert lead_cosines.kernel(10) == "float32"
