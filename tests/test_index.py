"""The index objects (src/storytrace/index/) give, for each new article against the stored ones,
the candidates their batch self-join (the engines' candidates stage) gives for those pairs on the
stored articles plus it:
checked at every insertion, on the example corpus and a small synthetic corpus, with the real
caps and with caps small enough that each one bites, on both storage back ends."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

from storytrace import thresholds as T
from storytrace.text.clean import mark_furniture
from storytrace.index import CandidateIndex, MemoryStorage, SqliteStorage, features_of
from storytrace.ingest import read_inputs
from storytrace.index.bands import BandIndex
from storytrace.index.ngrams import NgramIndex
from storytrace.index.terms import TermIndex
from storytrace.index.vectors import VectorIndex
from storytrace.text.prepared import prepare

ROOT = Path(__file__).resolve().parents[1]


def _features(records):
    articles = sorted(read_inputs(records).articles, key=lambda a: a.id)
    mark_furniture(articles)
    return features_of(prepare(articles))


@pytest.fixture(scope="module")
def example():
    return _features([str(ROOT / "examples" / "nato-kyiv")])


@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    articles, _ = synthetic.make_corpus(150, 5)
    features = _features(articles)
    random.Random(1).shuffle(features)  # insertion order is not id order
    return features


def _partners(pairs: np.ndarray, j: int) -> list[int]:
    return sorted(int(a) for a, b in pairs.tolist() if b == j)


def _batch(features, j: int) -> dict[str, list[int]]:
    """What the batch's self-join (the engines' candidates stage) pairs article j with among 0 .. j."""
    upto = features[:j + 1]
    return {
        "ngrams": _partners(NgramIndex.self_join(upto), j),
        "bands": _partners(BandIndex.self_join(upto), j),
        "terms": _partners(TermIndex.self_join(upto), j),
        "vectors": _partners(VectorIndex.self_join(upto), j),
    }


def _with_ties(features, j: int) -> list[int]:
    """The vector pairs of article j when every cosine within TIE of a k-th nearest counts as among
    the nearest (the batch ranks equal cosines by article index; the index, filled one article at
    a time, takes every tie)."""
    leads = np.stack([f.lead for f in features[:j + 1]]).astype(np.float64)
    sims = leads @ leads.T
    np.fill_diagonal(sims, -1.0)
    k = min(T.VECTOR_NEIGHBOURS, j)
    kth = np.sort(sims, axis=1)[:, -k] if k else np.full(j + 1, 2.0)
    tie = 2e-5
    return [i for i in range(j) if sims[j, i] >= T.MIN_ARTICLE_COSINE - tie
            and (sims[j, i] >= kth[j] - tie or sims[i, j] >= kth[i] - tie)]


SMALL_CAPS = {"MAX_NGRAM_DOCUMENT_FREQUENCY": 3, "MAX_TERM_OWNERS": 4, "NEARDUP_MAX_BUCKET": 2,
              "VECTOR_NEIGHBOURS": 3}


@pytest.mark.parametrize("caps", ["real", "small"])
@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("corpus", ["example", "synthetic"])
def test_index_gives_the_batch_candidates(corpus, backend, caps, request, monkeypatch):
    features = request.getfixturevalue(corpus)
    if caps == "small":
        for name, value in SMALL_CAPS.items():
            monkeypatch.setattr(T, name, value)
    storage = MemoryStorage() if backend == "memory" else SqliteStorage(sqlite3.connect(":memory:"))
    index = CandidateIndex(storage)
    found_any = {kind: 0 for kind in ("ngrams", "bands", "terms", "vectors")}
    for j, f in enumerate(features):
        expected = _batch(features, j)
        got = {"ngrams": index.ngrams.query(f), "bands": index.bands.query(f),
               "terms": index.terms.query(f), "vectors": index.vectors.query(f)}
        vectors_batch, vectors_ties = expected.pop("vectors"), _with_ties(features, j)
        assert set(vectors_batch) <= set(got["vectors"]) <= set(vectors_ties), f"article {j}"
        expected["vectors"] = got["vectors"]
        assert got == expected, f"article {j}"
        for kind, owners in got.items():
            found_any[kind] += len(owners)
        index.insert(j, f)
    assert all(found_any.values()), found_any  # every source found something: the check had teeth


def test_sqlite_storage_is_forgotten_on_rollback(example):
    db = sqlite3.connect(":memory:", isolation_level=None)
    storage = SqliteStorage(db)
    index = CandidateIndex(storage)
    index.insert(0, example[0])
    db.execute("BEGIN")
    index.insert(1, example[1])
    db.execute("ROLLBACK")
    storage.forget()
    assert storage.vectors()[0].tolist() == [0]
    assert index.query(example[1]).text == [0]  # 000 and 001 share text


def test_sqlite_postings_keep_the_high_bits_and_a_collision_only_adds_owners():
    from storytrace.index.sqlite_storage import KEY_BITS

    db = sqlite3.connect(":memory:", isolation_level=None)
    storage = SqliteStorage(db)
    high = 0x1234_5678 << 32
    keys = np.array([high | 1, high | 2, -(7 << 32) | 5, 99 << 32], dtype=np.int64)  # the first two collide
    storage.add_postings("ngrams", 1, keys[[0, 2]])
    storage.add_postings("ngrams", 2, keys[[1]])
    storage.add_postings("bands", 3, keys[[0]])
    assert KEY_BITS["ngrams"] == 32 and KEY_BITS["bands"] == 48
    assert postings(db, "ngrams") == [(-7, 1), (0x1234_5678, 1), (0x1234_5678, 2)]  # the same signed high bits
    assert postings(db, "bands") == [(0x1234_5678_0000, 3)]
    # in buckets of their high 16 bits, each entry 2 bytes of key and 3 of owner (schema 4)
    assert dict(db.execute("SELECT bucket, length(entries) FROM index_ngrams")) == {0x1234: 1 + 2 * 5, 0xFFFF: 1 + 5}
    storage.add_postings("ngrams", 2, keys[[1]])  # already there: nothing added
    assert postings(db, "ngrams") == [(-7, 1), (0x1234_5678, 1), (0x1234_5678, 2)]
    owners = {k: v.tolist() for k, v in storage.postings("ngrams", keys).items()}
    assert owners == {int(keys[0]): [1, 2], int(keys[1]): [1, 2], int(keys[2]): [1]}
    assert {k: v.tolist() for k, v in storage.postings("bands", keys[[1]]).items()} == {int(keys[1]): [3]}  # 48 bits: these still collide
    assert storage.postings("bands", np.array([high | 1 << 40], np.int64)) == {}  # ... these do not


def postings(db, kind: str) -> list[tuple[int, int]]:
    """A bucketed posting table's (short key, owner) rows, signed as schema 3 kept them, in order."""
    from storytrace.index.sqlite_storage import BUCKET_BITS, KEY_BITS, _unpack

    bits, rest_bits = KEY_BITS[kind], KEY_BITS[kind] - BUCKET_BITS[kind]
    out = []
    for bucket, blob in db.execute(f"SELECT bucket, entries FROM index_{kind}"):
        rests, owners = _unpack(kind, blob)
        for rest, owner in zip(rests.tolist(), owners.tolist()):
            key = bucket << rest_bits | rest
            out.append((key - (1 << bits) if key >= 1 << (bits - 1) else key, owner))
    return sorted(out)


@pytest.mark.parametrize("seed", [1, 2])
def test_inserting_into_a_buckets_bytes_gives_what_packing_gives(seed, monkeypatch):
    from storytrace.index import sqlite_storage

    rng = np.random.default_rng(seed)
    # few distinct keys, so that buckets, keys and (key, owner) repeat; owners past 2^24 widen a bucket
    pool = (rng.integers(0, 40, 300).astype(np.int64) << 48) | (rng.integers(0, 6, 300).astype(np.int64) << 32) \
        | rng.integers(0, 1 << 32, 300)
    steps = [(int(owner), pool[rng.integers(0, len(pool), rng.integers(1, 6))])
             for owner in np.r_[rng.integers(0, 50, 150), rng.integers(1 << 24, (1 << 24) + 3, 10), rng.integers(0, 50, 40)]]
    tables = []
    for fast in (True, False):
        monkeypatch.setattr(sqlite_storage, "FAST_INSERT", fast)
        db = sqlite3.connect(":memory:", isolation_level=None)
        storage = SqliteStorage(db)
        for owner, keys in steps:
            for kind in ("ngrams", "bands"):
                storage.add_postings(kind, owner, keys)
        tables.append([db.execute(f"SELECT bucket, entries FROM index_{kind} ORDER BY bucket").fetchall()
                       for kind in ("ngrams", "bands")])
    assert tables[0] == tables[1]
    assert any(blob[0] == 3 for rows in tables[0] for _, blob in rows)
    assert any(blob[0] == 4 for rows in tables[0] for _, blob in rows)



@pytest.mark.parametrize("fast", [True, False])
def test_postings_looked_up_in_a_buckets_bytes_are_the_decoded_buckets_owners(fast, monkeypatch):
    """postings() finds a key's owners by a binary search of its bucket's bytes (_owners_of): the
    owners and their order of decoding the whole bucket, for keys of no, one, a few and many owners
    (more than _FEW_OWNERS, read in one numpy pass), owners of 3, 4 and 8 bytes, both rest widths."""
    from storytrace.index import sqlite_storage
    from storytrace.index.sqlite_storage import BUCKET_BITS, KEY_BITS, _FEW_OWNERS, _unpack

    monkeypatch.setattr(sqlite_storage, "FAST_INSERT", fast)
    rng = np.random.default_rng(4)
    keys = (rng.integers(0, 4, 60).astype(np.int64) << 48) | rng.integers(0, 1 << 40, 60)
    db = sqlite3.connect(":memory:", isolation_level=None)
    storage = SqliteStorage(db)
    owners = [*range(1, 200), 1 << 24, (1 << 24) + 5, 1 << 33]
    for owner in owners:
        chosen = keys[:3] if owner % 2 else keys[rng.integers(0, len(keys), 5)]  # keys[:3]: many owners each
        for kind in ("ngrams", "bands", "terms"):
            storage.add_postings(kind, owner, chosen)
    asked = np.r_[keys, keys + 1, np.array([12345 << 40], np.int64)]  # owned keys, a neighbour, an empty bucket
    for kind in ("ngrams", "bands", "terms"):
        expected = {}
        for key in dict.fromkeys(asked.tolist()):
            unsigned = (key >> (64 - KEY_BITS[kind])) & ((1 << KEY_BITS[kind]) - 1)
            rest_bits = KEY_BITS[kind] - BUCKET_BITS[kind]
            row = db.execute(f"SELECT entries FROM index_{kind} WHERE bucket = ?", (unsigned >> rest_bits,)).fetchone()
            if row:
                rests, found = _unpack(kind, row[0])
                found = found[rests == (unsigned & ((1 << rest_bits) - 1))]
                if len(found):
                    expected[key] = found.tolist()
        got = storage.postings(kind, asked)
        assert {k: v.tolist() for k, v in got.items()} == expected
        assert all(v.dtype == np.int64 for v in got.values())
        assert any(len(v) > _FEW_OWNERS for v in expected.values()) and any(len(v) <= 2 for v in expected.values())
        assert any(max(v) >= 1 << 32 for v in expected.values())
        # ``most``: keys with more owners are left out (their owners not decoded), the others as above
        for most in (1, _FEW_OWNERS, 150):
            few = storage.postings(kind, asked, most=most)
            assert {k: v.tolist() for k, v in few.items()} == {k: v for k, v in expected.items() if len(v) <= most}

@pytest.mark.parametrize("held_bytes", [None, 0, 64 << 20])
def test_buckets_held_through_a_transaction_give_the_same_answers_and_tables(held_bytes, monkeypatch):
    """Store.transaction holds the posting buckets it reads and writes (sqlite_storage.holding):
    queries inside the block see the held writes, and the tables after it are byte for byte those
    of writing each article's buckets at once; past HELD_BYTES (0: at every insert) they are
    written early, with the same result; an error inside the block writes nothing held."""
    from storytrace.index import sqlite_storage

    rng = np.random.default_rng(3)
    pool = (rng.integers(0, 30, 200).astype(np.int64) << 48) | rng.integers(0, 1 << 40, 200)
    steps = [(owner, pool[rng.integers(0, len(pool), rng.integers(1, 8))]) for owner in range(120)]

    def run(hold: bool):
        db = sqlite3.connect(":memory:", isolation_level=None)
        storage = SqliteStorage(db)
        answers = []
        with (storage.holding() if hold else contextlib.nullcontext()):
            for owner, keys in steps:
                for kind in ("ngrams", "bands"):
                    answers.append({k: v.tolist() for k, v in storage.postings(kind, keys).items()})
                    storage.add_postings(kind, owner, keys)
        tables = [db.execute(f"SELECT bucket, entries FROM index_{kind} ORDER BY bucket").fetchall()
                  for kind in ("ngrams", "bands")]
        return answers, tables

    if held_bytes is not None:
        monkeypatch.setattr(sqlite_storage, "HELD_BYTES", held_bytes)
    plain, held = run(False), run(True)
    assert held[1] == plain[1] and any(held[1])
    assert repr(held[0]) == repr(plain[0])

    db = sqlite3.connect(":memory:", isolation_level=None)
    storage = SqliteStorage(db)
    with pytest.raises(RuntimeError):
        with storage.holding():
            storage.add_postings("ngrams", 1, steps[0][1])
            raise RuntimeError("the batch fails")
    if held_bytes != 0:  # written early only when over the bound
        assert db.execute("SELECT COUNT(*) FROM index_ngrams").fetchone()[0] == 0
    assert storage._held is None


class _Led:
    """What the vector index reads of Features: the packed lead, and ``lead`` unpacked anew at each
    call as Features.lead does (an index keyed on the array's identity would miss every time)."""

    def __init__(self, vector: np.ndarray) -> None:
        from storytrace.encode.leads import pack

        self.packed_lead = pack(vector)

    @property
    def lead(self) -> np.ndarray:
        from storytrace.encode.leads import unpack

        return unpack(self.packed_lead, 384)


def test_a_batch_expected_by_the_vector_index_finds_what_one_scan_each_finds(monkeypatch):
    """add() has the vector index expect its batch (VectorIndex.expecting): cosines a block of
    EXPECTED_BLOCK at a time. The candidates and each stored vector's floor must be those of one
    scan per article, across block edges, with stored vectors before the batch and without; an
    expected batch scans nothing one article at a time, and otherwise insert reuses query's scan."""
    from storytrace.encode.leads import round_leads
    from storytrace.index import vectors as vector_module
    from storytrace.index.vector_rows import VectorRows
    from storytrace.index.vectors import VectorIndex

    rng = np.random.default_rng(5)
    centres = rng.standard_normal((12, 384)).astype(np.float32)
    leads = centres[rng.integers(0, 12, 260)] + 0.8 * rng.standard_normal((260, 384)).astype(np.float32)
    leads = round_leads(leads / np.linalg.norm(leads, axis=1, keepdims=True))
    scanned = []
    cosines = VectorRows.cosines
    monkeypatch.setattr(VectorRows, "cosines", lambda self, lead: scanned.append(1) or cosines(self, lead))

    for stored in (0, 90):
        runs = []
        for expect in (False, True):
            index = VectorIndex(MemoryStorage())
            for owner in range(stored):
                index.insert(owner, _Led(leads[owner]))
            batch = [_Led(v) for v in leads[stored:]]
            found, scans = [], []
            scanned.clear()
            context = index.expecting(batch) if expect else contextlib.nullcontext()
            with context:
                for owner, f in enumerate(batch, start=stored):
                    found.append(index.query(f))
                    index.insert(owner, f)
                    scans.append(index._next if expect else owner - stored + 1)
            runs.append((found, index.storage.vectors()[2].copy(), scans, len(scanned)))
        assert runs[0][0] == runs[1][0]
        assert np.allclose(runs[0][1], runs[1][1], atol=1e-6)
        assert runs[1][2][-1] == len(leads) - stored  # every article took the block's cosines
        assert runs[1][3] == 0  # and none scanned alone
        assert runs[0][3] == len(leads) - stored  # one scan an article: insert reused query's
        assert len(leads) - stored > 2 * vector_module.EXPECTED_BLOCK  # blocks' edges crossed
        assert any(len(f) for f in runs[0][0])


@pytest.mark.parametrize("size", [0, 1, T.VECTOR_NEIGHBOURS - 1, T.VECTOR_NEIGHBOURS, T.VECTOR_NEIGHBOURS + 1, 5000])
def test_a_vectors_top_cosines_and_floor_are_those_of_a_full_sort(size):
    """insert keeps each vector's VECTOR_NEIGHBOURS largest cosines and the floor they make; taken
    by a partition, they must be a full sort's head (ties included: copies have equal leads), and
    query's k-th largest the last of them."""
    from storytrace.index.vectors import OPEN, _top_and_floor

    rng = np.random.default_rng(size)
    cosines = np.round(rng.uniform(-1, 1, size), 2).astype(np.float32)  # rounded: many ties
    top, floor = _top_and_floor(cosines)
    expected = np.sort(cosines)[::-1][:T.VECTOR_NEIGHBOURS]
    assert top.dtype == np.float32 and np.array_equal(top, expected)
    assert floor == (float(expected[-1]) if size >= T.VECTOR_NEIGHBOURS else OPEN)


def test_shared_text_candidates_count_keys_over_every_hash_range():
    """The n-gram self-join runs a range of hash values at a time and adds the ranges' counts up: its
    pairs are those a count over all pairs gives (keys over the whole hash space, some held by more
    documents than the cap, short documents with their lower bar)."""
    from storytrace.index.candidate_pairs import shared_text_candidates

    rng = np.random.default_rng(7)
    pool = rng.integers(0, 2**64, size=400, dtype=np.uint64)  # every top-bit range is drawn from
    common = pool[:3]  # in every document: over the cap, so never evidence
    docs = [np.unique(np.r_[rng.choice(pool[3:], size=int(rng.integers(0, 40))), common])
            for _ in range(T.MAX_NGRAM_DOCUMENT_FREQUENCY + 30)]
    docs[5] = docs[6][:2].copy()  # a short document: shares 1 key with docs[6], its bar is 1
    holders: dict[int, set[int]] = {}
    for d, keys in enumerate(docs):
        for k in keys.tolist():
            holders.setdefault(k, set()).add(d)
    expected = []
    for a in range(len(docs)):
        for b in range(a + 1, len(docs)):
            shared = sum(1 for k in set(docs[a].tolist()) & set(docs[b].tolist())
                         if len(holders[k]) <= T.MAX_NGRAM_DOCUMENT_FREQUENCY)
            need = min(T.MIN_SHARED_SAMPLED_NGRAMS, max(1, min(len(docs[a]), len(docs[b])) // 2))
            if shared and shared >= need:
                expected.append((a, b))
    found = shared_text_candidates(docs)
    assert len({int(k) >> 61 for k in pool.tolist()}) == 8
    assert [tuple(p) for p in found.tolist()] == expected and len(expected) > 50
    assert (5, 6) in expected


def test_shared_term_candidates_count_names_over_every_range():
    """Names are joined a range of their numbers at a time: the pairs are those sharing at least
    MIN_SHARED_KEY_TERMS names held by no more than MAX_TERM_OWNERS documents, counted over all."""
    from storytrace.index.candidate_pairs import shared_term_candidates

    rng = np.random.default_rng(11)
    names = [f"Name{k}" for k in range(60)] + [str(1900 + k) for k in range(20)]
    common = ("Reuters", "Monday")  # in every document: over the cap
    docs = [tuple(sorted({*rng.choice(names, size=int(rng.integers(0, 25))).tolist(), *common}))
            for _ in range(T.MAX_TERM_OWNERS + 40)]
    docs[3] = ()  # a text without names
    holders: dict[str, set[int]] = {}
    for d, ts in enumerate(docs):
        for t in ts:
            holders.setdefault(t, set()).add(d)
    expected = [(a, b) for a in range(len(docs)) for b in range(a + 1, len(docs))
                if sum(1 for t in set(docs[a]) & set(docs[b]) if len(holders[t]) <= T.MAX_TERM_OWNERS)
                >= T.MIN_SHARED_KEY_TERMS]
    found = [tuple(p) for p in shared_term_candidates(docs).tolist()]
    assert found == expected and len(expected) > 100
    # the same from sets, in any order they iterate
    assert [tuple(p) for p in shared_term_candidates([set(ts) for ts in docs]).tolist()] == expected
    assert shared_term_candidates([]).shape == (0, 2) and shared_term_candidates([(), ()]).shape == (0, 2)


@pytest.mark.parametrize("block", [1, 7, 100, 1 << 20])
def test_pairs_sharing_at_least_gives_the_one_pass_pairs_in_blocks_of_any_size(block, monkeypatch):
    """Counting pairs a block of first owners at a time (an owner never split, however many pairs it
    makes) gives the pairs that share at least so many keys, as one pass over all pairs does."""
    from storytrace.index import candidate_pairs as cp

    monkeypatch.setattr(cp, "_PAIRS_A_BLOCK", block)
    rng = np.random.default_rng(block)
    for _ in range(25):
        n, m = int(rng.integers(2, 200)), int(rng.integers(0, 3000))
        keys = rng.integers(0, int(rng.integers(1, 300)), m).astype(np.int64)
        owners = rng.integers(0, n, m).astype(np.int32)
        at_least, cap = int(rng.integers(1, 5)), int(rng.integers(2, 60))
        pairs, counts = cp.pairs_sharing_keys(keys, owners.astype(np.int64), cap)
        assert np.array_equal(cp.pairs_sharing_at_least(keys, owners, cap, at_least), pairs[counts >= at_least])


def test_shared_counts_count_each_owner_over_the_keys_under_the_cap():
    """A query's owners with how many of its keys each holds, keys held by too many ignored."""
    from storytrace.index.postings import shared_counts

    postings = {11: np.array([3, 7]), 12: np.array([7]), 13: np.array([2, 3, 7, 9]), 14: np.array([7, 40])}
    owners, counts = shared_counts(postings, most_owners=3)  # key 13: 4 owners + the querying article
    assert owners.tolist() == [3, 7, 40] and counts.tolist() == [1, 3, 1]
    owners, counts = shared_counts(postings, most_owners=5)
    assert dict(zip(owners.tolist(), counts.tolist())) == {2: 1, 3: 2, 7: 4, 9: 1, 40: 1}
    assert [len(x) for x in shared_counts({}, 5)] == [0, 0]
    assert [len(x) for x in shared_counts({1: np.array([1, 2, 3])}, 3)] == [0, 0]


@pytest.mark.parametrize("kind", ["ngrams", "terms"])
def test_a_key_at_its_cap_takes_no_more_owners_and_queries_answer_the_same(kind):
    """add_postings(most=cap): a key held by cap articles already takes no more (a query ignores a
    key with that many), in both storages, through the slow path too (two keys in one bucket); and
    the index's query finds what it found when every owner was kept."""
    from storytrace.index.ngrams import NgramIndex
    from storytrace.index.terms import TermIndex
    from storytrace.index.sqlite_storage import SqliteStorage

    cap = T.MAX_NGRAM_DOCUMENT_FREQUENCY if kind == "ngrams" else T.MAX_TERM_OWNERS
    common, rare, neighbour = 5 << 48, 9 << 48, (5 << 48) | (1 << 32)  # neighbour: common's bucket
    for storage in (MemoryStorage(), SqliteStorage(sqlite3.connect(":memory:", isolation_level=None))):
        for owner in range(1, cap + 11):
            keys = [common, neighbour] if owner % 2 else [common]
            if owner <= cap - 2:
                keys.append(rare)
            storage.add_postings(kind, owner, np.array(keys, np.int64), most=cap)
        got = {k: v.tolist() for k, v in storage.postings(kind, np.array([common, rare, neighbour], np.int64)).items()}
        assert got[common] == list(range(1, cap + 1))  # the first cap owners, no more
        assert got[rare] == list(range(1, cap - 1))
        assert len(got[neighbour]) == min(cap, (cap + 11) // 2)
        assert set(storage.postings(kind, np.array([common, rare], np.int64), most=cap - 1)) == {rare}

    # the index's answers with the cap are those of keeping every owner (the old way)
    from types import SimpleNamespace
    rng = np.random.default_rng(3)
    pool = rng.integers(1, 1 << 62, 40)
    articles = [np.unique(np.r_[pool[:3], rng.choice(pool[3:], 12, replace=False)]) for _ in range(cap + 30)]

    def feature(keys):
        terms = {f"t{k}" for k in keys.tolist()}
        return SimpleNamespace(sampled=keys.astype(np.uint64), terms=terms)

    answers = []
    for most in (cap, None):
        storage = MemoryStorage()
        index = NgramIndex(storage) if kind == "ngrams" else TermIndex(storage)
        if most is None:  # every owner kept
            add = storage.add_postings
            storage.add_postings = lambda k, o, keys, most=None: add(k, o, keys)
        found = []
        for owner, keys in enumerate(articles):
            found.append(index.query(feature(keys)))
            index.insert(owner, feature(keys))
        answers.append(found)
    assert answers[0] == answers[1] and any(answers[0])
