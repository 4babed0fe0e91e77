"""The store's compact encodings (schemas 2 to 6): a pair's data, a bag of words and an article's
text come back exactly as they went in, the JSON of schema 1 made from them is the same text, and
they are smaller than that JSON; a store of schema 1 is refused with a one-line error saying what
to do, one of schema 2 to 5 is migrated on open and answers as before; lead vectors (schema 4) round
to 388 bytes and back bit for bit; bags' words become vocabulary ids (schema 6) naming the same words."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest

from storytrace.cli import main
from storytrace.store import NotAStore, Store
from storytrace.store.codec import CorruptData, pack_pair_data, unpack_pair_data, with_evidence
from storytrace.store.schema import PAGE_SIZE
from storytrace.store.stats import pack_bag, unpack_bag
from test_index import postings as bucketed

RELATED = {"coverage": [[0.0, 0.0], [0.0, 0.0]], "passages": [],
           "evidence": {"lead_cosine": 0.6486388444900513, "tfidf_cosine": 0.3434961411742658,
                        "term_overlap": 0.38063364569388664, "number_overlap": 0.0, "days_apart": None,
                        "event_similarity": 0.7066655660113766, "same_event": False}, "meaning": True}
REWRITE = {"coverage": [[0.25, 0.31088082901554404], [1.0, -0.0]],
           "passages": [[225, 540, 138, 380, "paraphrase", 0.603046209733384], [454, 625, 285, 474, "verbatim", 1.0],
                        [7, 3, 0, 0, "a kind not yet known", 1]],
           "evidence": {"lead_cosine": 0.8724901676177979, "days_apart": -3, "big": 2 ** 70,
                        "restated": {"holds": True, "pairs": [[0, 1, 0.91]]}, "word_salad": ["a", "b"],
                        "naïve key ✓": "ünïcode", "paraphrase_probability": 1e-300}}


@pytest.mark.parametrize("data", [RELATED, REWRITE])
def test_pair_data_round_trips_exactly_and_gives_back_the_same_json(data):
    packed = pack_pair_data(data)
    back = unpack_pair_data(packed)
    assert back == data
    assert json.dumps(back, ensure_ascii=False) == json.dumps(data, ensure_ascii=False)  # order and types kept
    assert [str(x) for x in back["coverage"][1]] == [str(x) for x in data["coverage"][1]]  # -0.0 keeps its sign
    assert len(packed) < len(json.dumps(data, ensure_ascii=False).encode("utf-8")) / 2


def test_a_related_pair_takes_about_forty_bytes():
    assert len(pack_pair_data(RELATED)) <= 40  # was 297 characters of JSON, 55 bytes in schema 2


def test_pair_data_schema_2_wrote_still_reads():
    # RELATED as schema 2's codec packed it: evidence keys item by item, no ratios
    schema_2 = bytes.fromhex("0103030303000707000a320d263f070105ab52293dd7fbd53f070205b5cc00394d5cd83f070303070400"
                             "070505594de71a019de63f070601")
    assert unpack_pair_data(schema_2) == RELATED


@pytest.mark.parametrize("x, size", [(317 / 1440, 5), (1 / 16, 3), (3.0, 3), (-2.5, 3), (1 / 3, 3), (-7 / 86400, 5),
                                     (0.3434961411742658, 9), (1 / 86401, 9), (1e-300, 9), (2.0 ** 40 + 0.5, 9)])
def test_a_float_that_is_a_small_ratio_is_stored_as_one_exactly(x, size):
    data = dict(RELATED, evidence={"x": x})
    back = unpack_pair_data(pack_pair_data(data))["evidence"]["x"]
    assert type(back) is float and back.hex() == x.hex()  # the same double, bit for bit
    assert len(pack_pair_data(data)) == len(pack_pair_data(dict(RELATED, evidence={"x": None}))) - 1 + size


@pytest.mark.parametrize("x", [float("nan"), float("inf"), -float("inf"), -0.0])
def test_floats_without_a_ratio_come_back(x):
    back = unpack_pair_data(pack_pair_data(dict(RELATED, evidence={"x": x})))["evidence"]["x"]
    assert (back != back) if x != x else back.hex() == x.hex()


def test_evidence_in_another_order_keeps_its_order():
    data = dict(RELATED, evidence=dict(reversed(list(RELATED["evidence"].items()))))
    back = unpack_pair_data(pack_pair_data(data))
    assert list(back["evidence"]) == list(data["evidence"]) and back == data
    assert len(pack_pair_data(data)) > len(pack_pair_data(RELATED)) + len(data["evidence"])  # keys written out


def test_a_float32_cosine_takes_four_bytes_and_comes_back_exact():
    lead = np.float32(0.6486388444900513)
    data = dict(RELATED, evidence={"lead_cosine": float(lead), "tfidf_cosine": 0.3434961411742658})
    back = unpack_pair_data(pack_pair_data(data))["evidence"]
    assert back == data["evidence"] and back["lead_cosine"] == float(lead)
    assert len(pack_pair_data(data)) == len(pack_pair_data(dict(data, evidence={"tfidf_cosine": 0.3434961411742658}))) + 2 + 1 + 4  # key, tag, 4 bytes


def test_numpy_floats_are_stored_as_floats():
    data = dict(RELATED, evidence={"lead_cosine": np.float64(0.123456789)})
    back = unpack_pair_data(pack_pair_data(data))
    assert type(back["evidence"]["lead_cosine"]) is float and back["evidence"]["lead_cosine"] == 0.123456789


def test_bytes_it_did_not_write_are_refused():
    packed = pack_pair_data(REWRITE)
    with pytest.raises(CorruptData):
        unpack_pair_data(packed[:-3])
    with pytest.raises(CorruptData):
        unpack_pair_data(packed + b"\x00")
    with pytest.raises(CorruptData):
        unpack_pair_data(bytes([0, 7, 200]))  # a known string past the end of KNOWN


@pytest.mark.parametrize("data", [RELATED, REWRITE])
def test_bytes_cut_anywhere_are_refused(data):
    packed = pack_pair_data(data)
    for end in range(len(packed)):
        with pytest.raises(CorruptData):
            unpack_pair_data(packed[:end])


PASSAGES = dict(RELATED, coverage=[[0.5, 0.0], [1 / 3, 1.0]],
                passages=[[0, 200, 3, 300, "verbatim", 1.0], [5, 9, 700, 1200, "paraphrase", 0.71]])


@pytest.mark.parametrize("data", [RELATED, PASSAGES, dict(RELATED, meaning=False)])
@pytest.mark.parametrize("moved", [
    {"tfidf_cosine": 0.1234567891234, "event_similarity": 0.4, "same_event": True},
    {"tfidf_cosine": 0.0, "event_similarity": 1.0, "same_event": False},  # tags alone: fewer bytes
    {"tfidf_cosine": 3 / 7, "event_similarity": float(np.float32(0.8)), "same_event": None},  # a ratio, a float32
    {"same_event": True},
])
def test_evidence_replaced_in_place_is_the_pair_packed_again(data, moved):
    # re-judging (rejudge.py) replaces three evidence values in the stored bytes: they must be the
    # bytes packing the changed pair whole gives, so that the store is the same either way
    packed = pack_pair_data(data)
    spans = {}
    decoded = unpack_pair_data(packed, spans)
    assert list(spans) == list(data["evidence"]) and all(packed[s:e] for s, e in spans.values())
    decoded["evidence"].update(moved)
    replaced = with_evidence(packed, spans, moved)
    assert replaced == pack_pair_data(decoded)
    assert unpack_pair_data(replaced) == decoded


def test_evidence_without_a_known_layout_gives_no_spans():
    # schema 2's bytes (keys written out): rejudge.py packs such a pair whole
    data = dict(RELATED, evidence=dict(reversed(list(RELATED["evidence"].items()))))
    spans = {}
    assert unpack_pair_data(pack_pair_data(data), spans) == data and spans == {}


@pytest.mark.parametrize("counts", [[1, 3, 255], [1, 256, 2], [70_000, 1, 1], []])
@pytest.mark.parametrize("ids", [[7, 1, 250], [3, 65_535, 2], [70_000, 5, 1]])
def test_bags_round_trip_in_order_with_the_narrowest_ids_and_counts(ids, counts):
    ids = ids[:len(counts)]
    packed_ids, packed_counts = pack_bag(ids, counts)
    unpacked_ids, unpacked_counts = unpack_bag(packed_ids, packed_counts)
    assert (unpacked_ids.tolist(), unpacked_counts.tolist()) == (ids, counts)
    width = 1 if max(counts, default=0) < 256 else 2 if max(counts) < 65536 else 4
    assert len(zlib.decompress(packed_counts)) == len(counts) * width
    id_width = 1 if max(ids, default=0) < 256 else 2 if max(ids) < 65536 else 4
    assert len(zlib.decompress(packed_ids)) == 1 + len(ids) * id_width


def test_a_bags_counts_compress():
    ids = list(range(1, 301))
    counts = [1] * 250 + [2, 3, 1, 7] * 12 + [1, 1]
    packed_ids, packed_counts = pack_bag(ids, counts)
    unpacked_ids, unpacked_counts = unpack_bag(packed_ids, packed_counts)
    assert (unpacked_ids.tolist(), unpacked_counts.tolist()) == (ids, counts)
    assert len(packed_counts) < len(counts) / 4


def words_as_text(db) -> list[tuple[int, list[str]]]:
    """The bags' words as schemas 2 to 5 kept them (zlib-compressed text, one a line), and no
    vocabulary; gives each bag's words."""
    vocabulary = dict(db.execute("SELECT id, word FROM vocabulary"))
    bags = []
    for no, ids in db.execute("SELECT article, words FROM bags ORDER BY article").fetchall():
        words = [vocabulary[i] for i in _word_ids(ids)]
        db.execute("UPDATE bags SET words = ? WHERE article = ?", (zlib.compress("\n".join(words).encode(), 6), no))
        bags.append((no, words))
    db.execute("DROP TABLE vocabulary")
    return bags


def stored_words(db) -> list[tuple[int, list[str]]]:
    vocabulary = dict(db.execute("SELECT id, word FROM vocabulary"))
    return [(no, [vocabulary[i] for i in _word_ids(ids)]) for no, ids in db.execute("SELECT article, words FROM bags ORDER BY article")]


def _word_ids(packed: bytes) -> list[int]:
    """pack_word_ids's ids (the counts are not needed, nor always compressed in these tests)."""
    raw = zlib.decompress(packed)
    return np.frombuffer(raw, dtype=f"<u{raw[0]}", offset=1).tolist()


def test_a_store_of_schema_1_is_refused_with_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "old.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with pytest.raises(NotAStore, match="schema version 1; this storytrace reads version 6"):
        Store(path)
    assert main(["trace", "--text", "Some words.", "--db", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "export it with the storytrace that made it" in err


def test_claims_round_trip_and_their_repeated_quotes_compress():
    from storytrace.store.records import pack_claims, unpack_claims

    quote = {"article": "syn1-000060", "span": [820, 960], "text": "4.9 million ünïts were said to cost $58.3 billion,"}
    claims = [{"story": "story-9", "kind": "quote", "speaker": "A Speaker", "grade": "same",
               "items": [quote, dict(quote, article="syn1-000540")]}] * 3
    packed = pack_claims(claims)
    assert unpack_claims(packed) == claims and unpack_claims(pack_claims([])) == []
    assert len(packed) < len(json.dumps(claims, ensure_ascii=False)) / 3


def test_a_new_store_has_the_larger_pages(tmp_path):
    Store(tmp_path / "s.db").close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384


def test_texts_round_trip_exactly_and_compress():
    from storytrace.store.records import pack_text, unpack_text

    text = "NATO allies met in Kyiv. ünïcode ✓, a lone surrogate \udc80 and a\r\nline.\n" * 20
    assert unpack_text(pack_text(text)) == text and unpack_text(pack_text("")) == ""
    assert len(pack_text(text)) < len(text.encode("utf-8", "surrogatepass")) / 4


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"


def test_a_store_of_schema_2_is_migrated_on_open_and_answers_the_same(tmp_path, monkeypatch):
    from storytrace.index import sqlite_storage
    from storytrace.ingest import read_inputs
    from storytrace.store import schema, trace_article
    from storytrace.store.records import unpack_text

    path = tmp_path / "s.db"
    files = sorted(EXAMPLE.glob("0*.txt"))
    query = read_inputs([str(files.pop(2))]).articles[0]  # 002, a rewrite of 000
    with monkeypatch.context() as m:  # the store as schema 2 wrote it: full 64-bit posting keys ...
        m.setattr(sqlite_storage, "KEY_BITS", dict.fromkeys(sqlite_storage.KEY_BITS, 64))
        assert main(["add", *map(str, files), "--db", str(path), "-q"]) == 0
        assert main(["export", "--db", str(path), "--json", str(tmp_path / "before.json")]) == 0
        with Store(path, create=False) as store:
            before = trace_article(store, query)
        db = sqlite3.connect(path)  # ... as (key, owner) rows
        unbucket(db)
        db.commit()
        db.close()
    with sqlite3.connect(path) as db:  # ... 4 KB pages, and the texts as TEXT
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA page_size = 4096")
        db.execute("VACUUM")
        texts = db.execute("SELECT no, text FROM articles").fetchall()
        db.executemany("UPDATE articles SET text = ? WHERE no = ?", [(unpack_text(t), no) for no, t in texts])
        bags = db.execute("SELECT article, counts FROM bags").fetchall()  # ... the bags' counts as they are
        db.executemany("UPDATE bags SET counts = ? WHERE article = ?", [(zlib.decompress(c), no) for no, c in bags])
        db.execute("DROP TABLE profiles")  # ... no profiles (schema 5) ...
        words = words_as_text(db)  # ... and the bags' words as text (schema 6)
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        wide = db.execute("SELECT COUNT(*) FROM index_ngrams WHERE key NOT BETWEEN -2147483648 AND 2147483647").fetchone()[0]
        postings = db.execute("SELECT COUNT(*) FROM index_ngrams").fetchone()[0]
    assert wide > 0.9 * postings > 0
    migrated = schema.connect(path, create=False)
    assert migrated.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0  # the connection not left busy
    migrated.close()
    with Store(path, create=False) as store:  # its postings find what the old ones found
        after = trace_article(store, query)
    assert after == before and any(p["relation"] == "rewrite" for p in after["pairs"])
    assert main(["export", "--db", str(path), "--json", str(tmp_path / "after.json")]) == 0
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "before.json").read_bytes()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "6"
        assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE  # and compacted:
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0  # the old texts' pages given back
        assert db.execute("SELECT COUNT(*) FROM articles WHERE typeof(text) = 'blob'").fetchone()[0] == len(texts) == 4
        assert [(no, zlib.decompress(c)) for no, c in db.execute("SELECT article, counts FROM bags")] == \
            [(no, zlib.decompress(c)) for no, c in bags]
        assert stored_words(db) == words
        rows = bucketed(db, "ngrams")
        assert len(rows) == postings and all(-2 ** 31 <= key < 2 ** 31 for key, _ in rows)


def test_a_schema_2_store_that_cannot_be_migrated_now_is_refused_in_one_line(tmp_path, capsys, monkeypatch):
    from storytrace.store import schema

    path = tmp_path / "old.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    connect = sqlite3.connect
    monkeypatch.setattr(schema.sqlite3, "connect", lambda *a, **k: connect(*a, **{**k, "timeout": 0.1}))
    holder = connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, in the middle of a batch
    try:
        with pytest.raises(NotAStore, match="schema version 2 must be migrated to 6 and could not be"):
            Store(path)
        assert main(["export", "--db", str(path), "--json", str(tmp_path / "e.json")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "open it once where it can be written" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with sqlite3.connect(path) as db:  # left as it was
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"


def test_rounded_lead_vectors_pack_in_388_bytes_and_come_back_bit_for_bit():
    from storytrace.encode.leads import pack, round_leads, rounded_packs, unpack

    rng = np.random.default_rng(3)
    raw = rng.normal(size=(50, 384)).astype(np.float32)
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    raw[7] = 0.0  # an empty text's vector
    rounded = round_leads(raw)
    assert np.abs(rounded - raw).max() <= np.abs(raw).max(axis=1).max() / 254 + 1e-7
    for vector in rounded:
        blob = pack(vector)
        assert len(blob) == 388 and unpack(blob, 384).tobytes() == vector.tobytes()
    assert round_leads(rounded).tobytes() == rounded.tobytes()  # rounding twice changes nothing
    blob = pack(raw[0])  # a vector that was not rounded: kept as it is
    assert len(blob) == 1536 and unpack(blob, 384).tobytes() == raw[0].tobytes()
    # what a prepared article keeps: packed straight from the encoder's rows, the same bytes
    packs = rounded_packs(raw)
    assert packs == [pack(v) for v in rounded]
    assert np.stack([unpack(b, 384) for b in packs]).tobytes() == rounded.tobytes()


def test_a_store_of_schema_3_gets_its_lead_vectors_rounded_and_its_postings_bucketed_on_open(tmp_path, monkeypatch):
    from storytrace.encode.leads import round_leads, unpack
    from storytrace.ingest import read_inputs
    from storytrace.store import trace_article
    from storytrace.text import prepared

    files = sorted(EXAMPLE.glob("0*.txt"))
    query = read_inputs([str(files.pop(2))]).articles[0]
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    with monkeypatch.context() as m:  # schema 3 kept the encoder's float32 vectors as they were
        # (leads.pack's plain float32 form, which unpack reads back as it was)
        m.setattr(prepared, "rounded_packs", lambda vectors: [np.asarray(v, np.float32).tobytes() for v in vectors])
        assert main(["add", *map(str, files), "--db", str(old), "-q"]) == 0
    with sqlite3.connect(old) as db:
        before = {kind: bucketed(db, kind) for kind in ("ngrams", "bands", "terms")}
        unbucket(db)  # the postings as (key, owner) rows
        text_relations(db)  # and the relations as text
        db.execute("DROP TABLE profiles")  # and no profiles (schema 5)
        words = words_as_text(db)  # and the bags' words as text (schema 6)
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        stored = [v for (v,) in db.execute("SELECT vector FROM index_vectors ORDER BY owner")]
        assert {len(v) for v in stored} == {384 * 4}  # kept unrounded, as schema 3 kept them
        raw = [unpack(v, 384) for v in stored]
    assert all(len(v) == 384 for v in raw)
    assert main(["add", *map(str, files), "--db", str(new), "-q"]) == 0
    with Store(old, create=False) as a, Store(new, create=False) as b:
        assert trace_article(a, query) == trace_article(b, query)
    with sqlite3.connect(old) as db, sqlite3.connect(new) as fresh:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "6"
        rows = db.execute("SELECT vector, top, floor FROM index_vectors ORDER BY owner").fetchall()
        want = fresh.execute("SELECT vector, top, floor FROM index_vectors ORDER BY owner").fetchall()
        assert {kind: bucketed(db, kind) for kind in before} == before
        # the pairs as judged (with the vectors unrounded: their lead cosines differ in the last places)
        for table, columns in (("pairs", "a, b, relation, source, derived"), ("pair_rows", "a, b, relation, own, direction")):
            assert db.execute(f"SELECT {columns} FROM {table} ORDER BY a, b").fetchall() == \
                fresh.execute(f"SELECT {columns} FROM {table} ORDER BY a, b").fetchall()
        assert {t for t, in db.execute("SELECT DISTINCT typeof(relation) FROM pair_rows")} == {"integer"}
        assert db.execute("SELECT * FROM profiles").fetchall() == fresh.execute("SELECT * FROM profiles").fetchall()
        assert stored_words(db) == words == stored_words(fresh)
        assert {kind: bucketed(fresh, kind) for kind in before} == before
        assert [r for kind in before for r in db.execute(f"SELECT * FROM index_{kind} ORDER BY bucket")] == \
            [r for kind in before for r in fresh.execute(f"SELECT * FROM index_{kind} ORDER BY bucket")]
    assert [len(v) for v, _, _ in rows] == [388] * len(raw)
    assert np.stack([unpack(v, 384) for v, _, _ in rows]).tobytes() == round_leads(np.stack(raw)).tobytes()
    assert [v for v, _, _ in rows] == [v for v, _, _ in want]
    for (_, top, floor), (_, top_new, floor_new) in zip(rows, want):
        assert np.allclose(np.frombuffer(top, np.float32), np.frombuffer(top_new, np.float32), atol=1e-6)
        assert abs(floor - floor_new) < 1e-6


def unbucket(db) -> None:
    """The posting tables as schema 3 (and 2) kept them: (key, owner) rows."""
    for kind in ("ngrams", "bands", "terms"):
        rows = bucketed(db, kind)
        db.execute(f"DROP TABLE index_{kind}")
        db.execute(f"CREATE TABLE index_{kind} (key INTEGER NOT NULL, owner INTEGER NOT NULL, "
                   f"PRIMARY KEY (key, owner)) WITHOUT ROWID")
        db.executemany(f"INSERT INTO index_{kind} VALUES (?, ?)", rows)


def text_relations(db) -> None:
    """Table pair_rows and view pairs as schema 3 kept them: each relation as its text."""
    from storytrace.store.codec import RELATIONS

    view = db.execute("SELECT sql FROM sqlite_master WHERE name = 'pairs'").fetchone()[0]
    old_view = view[:view.index("CASE p.relation")] + "p.relation" + view[view.index(" ELSE p.relation END") + 20:]
    db.execute("DROP VIEW pairs")
    db.execute("ALTER TABLE pair_rows RENAME TO new_pair_rows")
    db.execute("DROP INDEX pair_rows_b")
    db.execute("DROP INDEX pair_rows_batch")
    db.execute("CREATE TABLE pair_rows (a INTEGER NOT NULL, b INTEGER NOT NULL, relation TEXT NOT NULL, "
               "similarity REAL NOT NULL, own INTEGER NOT NULL, direction INTEGER NOT NULL, data BLOB NOT NULL, "
               "batch INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID")
    names = " ".join(f"WHEN {i} THEN '{r}'" for i, r in enumerate(RELATIONS))
    db.execute(f"INSERT INTO pair_rows SELECT a, b, CASE relation {names} END, similarity, own, direction, data, batch "
               f"FROM new_pair_rows")
    db.execute("DROP TABLE new_pair_rows")
    db.execute("CREATE INDEX pair_rows_b ON pair_rows (b)")
    db.execute("CREATE INDEX pair_rows_batch ON pair_rows (batch)")
    db.execute(old_view)
    assert {t for t, in db.execute("SELECT DISTINCT typeof(relation) FROM pair_rows")} == {"text"}


def test_a_store_of_schema_4_gets_the_profiles_add_would_have_written(tmp_path, monkeypatch, capsys):
    from storytrace.ingest import read_inputs
    from storytrace.store import schema, trace_article

    monkeypatch.setattr(schema, "_PROFILE_CHUNK", 2)  # four articles: two chunks
    files = sorted(EXAMPLE.glob("0*.txt"))
    query = read_inputs([str(files.pop(2))]).articles[0]
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    for path in (old, new):
        assert main(["add", *map(str, files), "--db", str(path), "-q"]) == 0
    with sqlite3.connect(old) as db:
        db.execute("DROP TABLE profiles")
        words_as_text(db)
        db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    capsys.readouterr()
    with Store(old, create=False) as a, Store(new, create=False) as b:
        # one line says why the first open waits (minutes for a large store)
        assert capsys.readouterr().err == f"storytrace: {old}: migrating the store from schema 4 to 6 (4 articles; once)\n"
        assert trace_article(a, query) == trace_article(b, query)
    with sqlite3.connect(old) as db, sqlite3.connect(new) as fresh:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "6"
        profiles = db.execute("SELECT * FROM profiles ORDER BY article").fetchall()
        assert len(profiles) == 4 and profiles == fresh.execute("SELECT * FROM profiles ORDER BY article").fetchall()


def test_a_store_of_schema_5_gets_its_bags_words_as_vocabulary_ids(tmp_path, monkeypatch, capsys):
    """Schema 6 keeps a bag's words as ids of table vocabulary: migrated, every bag names the same
    words in the same order (the TF-IDF row's sums follow it), the store traces as a fresh one and
    takes a new batch as a fresh one does (new words get new ids, known words keep theirs)."""
    from storytrace.ingest import read_inputs
    from storytrace.store import schema, trace_article

    monkeypatch.setattr(schema, "_BAG_CHUNK", 3)  # four articles: two chunks
    files = sorted(EXAMPLE.glob("0*.txt"))
    query = read_inputs([str(files.pop(2))]).articles[0]
    later = files.pop()  # 004, added after the migration
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    for path in (old, new):
        assert main(["add", *map(str, files), "--db", str(path), "-q"]) == 0
    with sqlite3.connect(old) as db:
        words = words_as_text(db)
        db.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
        assert all(len(w) > 50 for _, w in words) and len(words) == 3
    capsys.readouterr()
    with Store(old, create=False) as a, Store(new, create=False) as b:
        assert capsys.readouterr().err == f"storytrace: {old}: migrating the store from schema 5 to 6 (3 articles; once)\n"
        assert trace_article(a, query) == trace_article(b, query)
    with sqlite3.connect(old) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "6"
        assert stored_words(db) == words
        vocabulary = dict(db.execute("SELECT word, id FROM vocabulary"))
        assert len(vocabulary) == len({w for _, ws in words for w in ws})
    for path in (old, new):
        assert main(["add", str(later), "--db", str(path), "-q"]) == 0
    with sqlite3.connect(old) as db, sqlite3.connect(new) as fresh:
        assert stored_words(db) == stored_words(fresh)
        assert {w: i for w, i in db.execute("SELECT word, id FROM vocabulary") if w in vocabulary} == vocabulary
        assert db.execute("SELECT * FROM pairs ORDER BY a, b").fetchall() == \
            fresh.execute("SELECT * FROM pairs ORDER BY a, b").fetchall()
    with Store(old, create=False) as a, Store(new, create=False) as b:
        assert trace_article(a, query) == trace_article(b, query)
        assert any(p["relation"] == "rewrite" for p in trace_article(a, query)["pairs"])
