"""The nearest lead vectors of a batch (index/candidate_pairs.vector_neighbour_candidates) against a
brute force: every article's VECTOR_NEIGHBOURS nearest others by dot product, equal dot products
ranked by article index (lower first), at MIN_ARTICLE_COSINE or above; a pair when either is among
the other's. Most inputs are small integers over a power of two, so every dot product is exact
whatever the order of the sums: ties are real ties, and both sides see the same values."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace import thresholds as T
from storytrace.index import candidate_pairs, row_selection
from storytrace.index.candidate_pairs import vector_neighbour_candidates


def brute_force(vectors: np.ndarray) -> set[tuple[int, int]]:
    n = len(vectors)
    sims = vectors.astype(np.float64) @ vectors.astype(np.float64).T
    k = min(T.VECTOR_NEIGHBOURS, n - 1)
    pairs = set()
    for i in range(n):
        others = [j for j in range(n) if j != i]
        others.sort(key=lambda j: (-sims[i, j], j))
        for j in others[:k]:
            if sims[i, j] >= np.float32(T.MIN_ARTICLE_COSINE):
                pairs.add((min(i, j), max(i, j)))
    return pairs


def found(vectors: np.ndarray) -> set[tuple[int, int]]:
    pairs = vector_neighbour_candidates(vectors)
    assert pairs.dtype.kind == "i" and (len(pairs) == 0 or (pairs[:, 0] < pairs[:, 1]).all())
    rows = [tuple(p) for p in pairs.tolist()]
    assert rows == sorted(set(rows)), "sorted and distinct"
    return set(rows)


def exact_vectors(rng, n: int, dims: int = 8, levels: int = 3) -> np.ndarray:
    """Integer components over 2**k: exact float32 dot products, scaled to about unit length."""
    q = rng.integers(-levels, levels + 1, size=(n, dims))
    q[np.abs(q).sum(axis=1) == 0, 0] = 1
    return (q / 8.0).astype(np.float32)


def clustered_exact(rng, n: int, dims: int = 12, copies: float = 0.3) -> np.ndarray:
    """Vectors around a few centres, and a share of them exact copies of another (one text's copies
    share their lead vector)."""
    centres = rng.integers(-2, 3, size=(6, dims))
    q = centres[rng.integers(0, len(centres), n)] + rng.integers(-1, 2, size=(n, dims))
    q[np.abs(q).sum(axis=1) == 0, 0] = 1
    copy = rng.random(n) < copies
    q[copy] = q[rng.integers(0, n, copy.sum())]
    return (q / 16.0).astype(np.float32)


@pytest.mark.parametrize("seed", range(4))
def test_random_vectors_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    vectors = exact_vectors(rng, 150)
    expected = brute_force(vectors)
    assert expected, "the floor let some pairs through"
    assert found(vectors) == expected


@pytest.mark.parametrize("seed", range(4))
def test_clustered_vectors_with_copies_equal_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    vectors = clustered_exact(rng, 260)
    assert len(np.unique(vectors, axis=0)) < len(vectors) - 30  # many copies
    assert found(vectors) == brute_force(vectors)


def test_unit_float_vectors_without_ties_equal_brute_force():
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((10, 64))
    v = centres[rng.integers(0, 10, 400)] + 0.8 * rng.standard_normal((400, 64))
    vectors = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
    # no copies: one block's product over all rows gives the brute force's float32 cosines
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    k = T.VECTOR_NEIGHBOURS
    top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    expected = {(min(i, j), max(i, j)) for i in range(len(vectors)) for j in top[i].tolist()
                if sims[i, j] >= np.float32(T.MIN_ARTICLE_COSINE)}
    assert found(vectors) == expected


def test_copies_are_ranked_by_article_index():
    # 30 copies of one vector: each article's 20 nearest are the 20 lowest other indices
    vectors = np.tile(np.array([[0.5, 0.5, 0.5, 0.5]], np.float32), (30, 1))
    expected = {(i, j) for i in range(21) for j in range(i + 1, 21)} | {(j, i) for i in range(21, 30) for j in range(20)}
    assert found(vectors) == expected
    # the same, whatever the order the copies come in among other vectors
    rng = np.random.default_rng(3)
    others = exact_vectors(rng, 40, dims=4) * np.float32(0.25)  # dot products below the floor with the copies
    mixed = np.r_[others[:20], vectors[:15], others[20:], vectors[15:]]
    assert found(mixed) == brute_force(mixed)


def test_ties_among_distinct_vectors_go_to_the_lower_index(monkeypatch):
    monkeypatch.setattr(T, "VECTOR_NEIGHBOURS", 1)
    monkeypatch.setattr(T, "MIN_ARTICLE_COSINE", 0.0)
    # article 0's dot product is 0.5 with each of 1..5 (distinct vectors): it keeps 1; each of 1..5
    # is nearer its own partner among 6..10 (dot 1), so only 0 can pair it with 0
    eye = np.eye(6, dtype=np.float32)
    vectors = np.r_[eye[:1], 0.5 * eye[:1] + eye[1:], eye[1:]]
    pairs = found(vectors)
    assert {j for i, j in pairs if i == 0} == {1}
    assert pairs == brute_force(vectors) == {(0, 1)} | {(m, m + 5) for m in range(1, 6)}
    # reversed, the lowest index among the tied is another vector: the pair follows it
    order = np.r_[0, np.arange(5, 0, -1), np.arange(10, 5, -1)]
    assert {j for i, j in found(vectors[order]) if i == 0} == {1}


def test_the_floor_is_kept(monkeypatch):
    monkeypatch.setattr(T, "MIN_ARTICLE_COSINE", 0.5)
    a = np.array([1, 0, 0, 0], np.float32)
    at_floor = np.array([0.5, 0.75, 0, 0], np.float32)       # dot 0.5: in
    below = np.array([0.484375, 0, 0.75, 0], np.float32)     # dot 0.484375: out
    far = np.array([0, 0, 0, 1], np.float32)
    vectors = np.stack([a, at_floor, below, far])
    pairs = found(vectors)
    assert (0, 1) in pairs and (0, 2) not in pairs and not any(3 in p for p in pairs)
    assert pairs == brute_force(vectors)
    assert found(np.stack([a, far, far * -1])) == set()  # nothing near enough: no pairs


def test_small_batches():
    assert len(vector_neighbour_candidates(np.zeros((0, 4), np.float32))) == 0
    assert len(vector_neighbour_candidates(np.ones((1, 4), np.float32) / 2)) == 0
    same = np.ones((2, 4), np.float32) / 2
    assert found(same) == {(0, 1)}
    assert found(np.ones((3, 4), np.float32) / 2) == {(0, 1), (0, 2), (1, 2)}
    two = np.array([[1, 0], [0, 1]], np.float32)
    assert found(two) == set()
    # fewer distinct vectors than neighbours wanted
    rng = np.random.default_rng(5)
    few = exact_vectors(rng, 4, dims=4)[rng.integers(0, 4, 25)]
    assert found(few) == brute_force(few)


def test_blocks_and_threads_do_not_change_the_pairs(monkeypatch):
    rng = np.random.default_rng(11)
    vectors = clustered_exact(rng, 300)
    whole = found(vectors)
    monkeypatch.setattr(candidate_pairs, "_BLOCK", 7)
    monkeypatch.setattr(candidate_pairs, "_MIN_BLOCK", 7)
    assert found(vectors) == whole == brute_force(vectors)
    monkeypatch.setattr(candidate_pairs, "default_cores", lambda: 1)
    assert found(vectors) == whole


@pytest.mark.parametrize("seed", range(3))
def test_many_tied_distinct_vectors_go_to_the_lowest_indices(monkeypatch, seed):
    monkeypatch.setattr(T, "VECTOR_NEIGHBOURS", 2)
    monkeypatch.setattr(T, "MIN_ARTICLE_COSINE", 0.3)
    # article 0 has dot product 0.75 with one article, 0.5 with 150 distinct vectors and 0.375 with
    # 150 more, each of those held by 3 articles, all placed at random: its two nearest are the
    # 0.75 and the lowest index among the 450 at 0.5. Each of those 900 has its 2 copies nearer
    # (above 1) than article 0, so only article 0's own choice pairs it with them.
    dims = 302
    eye = np.eye(dims, dtype=np.float32)
    held = np.r_[0.75 * eye[0] + eye[1:2], 0.5 * eye[0] + eye[2:152], 0.375 * eye[0] + eye[152:]]
    rng = np.random.default_rng(seed)
    rest = np.r_[held[:1], np.repeat(held[1:], 3, axis=0)]
    rest = rest[rng.permutation(len(rest))]
    vectors = np.r_[eye[:1], rest]
    first_tied = 1 + min(j for j in range(len(rest)) if rest[j, 0] == 0.5)
    nearest = [1 + j for j in range(len(rest)) if rest[j, 0] == 0.75]
    pairs = found(vectors)
    assert {j for i, j in pairs if i == 0} == {first_tied, nearest[0]}
    assert pairs == brute_force(vectors)


def test_distinct_rows_group_copies_even_after_a_hash_collision(monkeypatch):
    rng = np.random.default_rng(2)
    vectors = clustered_exact(rng, 200)
    vectors[7] = vectors[3][::-1]  # the same components in another order (another vector)
    assert not np.array_equal(vectors[7], vectors[3])
    expected = candidate_pairs._distinct_rows_sorted(np.ascontiguousarray(vectors))
    for a, b in zip(candidate_pairs._distinct_rows(vectors), expected):
        assert np.array_equal(a, b)
    # multipliers all 1: a row's hashes are the sums of its words, so rows 3 and 7 collide; the
    # check sees them unequal and the rows are grouped by sorting instead
    monkeypatch.setattr(np.random, "default_rng", lambda seed: type("Ones", (), {
        "integers": lambda self, low, high, size, dtype: np.ones(size, dtype)})())
    sorted_calls = []
    real = candidate_pairs._distinct_rows_sorted
    monkeypatch.setattr(candidate_pairs, "_distinct_rows_sorted", lambda rows: sorted_calls.append(1) or real(rows))
    for a, b in zip(candidate_pairs._distinct_rows(vectors), expected):
        assert np.array_equal(a, b)
    assert sorted_calls
    assert found(vectors) == brute_force(vectors)


def test_packed_lead_vectors_give_the_matrix_pairs():
    """The batch's leads read packed (leads.pack's 388 bytes, a chunk at a time) give the pairs and
    the groups of copies the float32 matrix gives, and a row kept as plain float32 bytes too."""
    from storytrace.encode.leads import pack, round_leads, rounded_packs
    from storytrace.index.candidate_pairs import PackedRows

    rng = np.random.default_rng(5)
    centres = rng.normal(size=(10, 384))
    raw = (centres[rng.integers(0, 10, 300)] + rng.normal(size=(300, 384))).astype(np.float32)
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    raw[rng.integers(0, 300, 90)] = raw[rng.integers(0, 300, 90)]  # copies: one text's leads
    rounded = round_leads(raw)
    packs = rounded_packs(raw)
    packs[11] = rounded[11].tobytes()  # the plain float32 form (a vector pack could not round)
    assert len(packs[10]) == 388 and len(packs[11]) == 1536 and pack(rounded[10]) == packs[10]
    for a, b in zip(candidate_pairs._distinct_rows(PackedRows(packs, 384)), candidate_pairs._distinct_rows(rounded)):
        assert np.array_equal(a, b) and a.dtype == b.dtype
    assert PackedRows(packs, 384)[np.array([11, 10])].tobytes() == rounded[[11, 10]].tobytes()
    expected = vector_neighbour_candidates(rounded)
    assert np.array_equal(vector_neighbour_candidates(PackedRows(packs, 384)), expected) and len(expected) > 2000


def brute_nearest_with_ties(sims: np.ndarray, k: int) -> set[tuple[int, int]]:
    out = set()
    for i, row in enumerate(sims):
        kth = np.sort(row)[::-1][k - 1]
        out |= {(i, j) for j in np.flatnonzero(row >= kth).tolist()}
    return out


@pytest.mark.parametrize("seed", range(6))
def test_nearest_with_ties_equals_sorting_each_row(seed):
    """Each row's k largest and every value tied with its k-th, whatever the sample of columns the
    bar is taken from: values drawn from few levels (many ties), the row itself at -inf, and rows
    whose largest values sit only in columns the sample skips."""
    rng = np.random.default_rng(seed)
    b, m = 40, [23, 60, 500, 3000, 22, 401][seed]
    k = min(20, m - 3)
    sims = rng.integers(0, 6 if seed % 2 else 1000, size=(b, m)).astype(np.float32)
    sims[np.arange(b), rng.integers(0, m, b)] = -np.inf
    skipped = np.flatnonzero(np.arange(m) % row_selection._SAMPLE_STEP)[: k + 5]
    sims[:5, skipped] = 5000  # larger than anything in the sampled columns
    rows, cols = row_selection.nearest_with_ties(sims.copy(), k)
    got = list(zip(rows.tolist(), cols.tolist()))
    assert len(got) == len(set(got))
    assert set(got) == brute_nearest_with_ties(sims, k)
    assert all(len([1 for r, _ in got if r == i]) >= k for i in range(b))

