"""The store's database: tables, the schema version, and opening a file safely.

A storytrace store is an SQLite database whose ``application_id`` is APPLICATION_ID and whose
``meta`` table records the schema version. Opening anything else (another SQLite database, a
file that is not SQLite) raises NotAStore, so ``add`` never writes into a stranger's file.
WAL mode: readers (``trace``) are not blocked by a batch being written.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from ..index.sqlite_storage import SCHEMA as INDEX_SCHEMA
from .codec import RELATIONS
from .vocabulary import VOCABULARY_TABLE
from .word_vectors import WORD_VECTORS_TABLE, ensure_table

APPLICATION_ID = 0x53545243  # "STRC"
PAIR_TABLES = [
    "CREATE TABLE pair_rows (a INTEGER NOT NULL, b INTEGER NOT NULL, relation NOT NULL, "
    "similarity REAL NOT NULL, own INTEGER NOT NULL, direction INTEGER NOT NULL, data BLOB NOT NULL, "
    "batch INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID",
    "CREATE INDEX pair_rows_b ON pair_rows (b)",
    "CREATE INDEX pair_rows_batch ON pair_rows (batch)",  # rejudge.py reads a batch's pairs
    # the pairs as readers want them, by article id and relation name (writers write pair_rows)
    "CREATE VIEW pairs (a, b, relation, similarity, own_source, own_derived, source, derived, data, batch) AS "
    "SELECT x.id, y.id, CASE p.relation " + " ".join(f"WHEN {i} THEN '{r}'" for i, r in enumerate(RELATIONS)) +
    " ELSE p.relation END, p.similarity, "
    + ", ".join(f"CASE p.{column} {op} 3 WHEN 1 THEN x.id WHEN 2 THEN y.id END"
                for column in ("own", "direction") for op in ("/", "%")) +
    ", p.data, p.batch FROM pair_rows p JOIN articles x ON x.no = p.a JOIN articles y ON y.no = p.b",
]
# bytes per database page of a new store: rows of 1.6 KB (a lead vector) or ~2 KB (a compressed
# text) fill a 16 KB page to within 1-7%, a 4 KB page (SQLite's default) to within 20-27%.
# Measured: BENCHMARKS.md, "Store size, schema 3". A store keeps the page size it was made with.
PAGE_SIZE = 16384
# 2: pairs by article number, their data and bags of words in compact binary (issue 13);
# 3: article texts and bags' counts zlib-compressed (records.pack_text, stats.pack_bag), postings
# keyed by their keys' high bits (index/sqlite_storage.KEY_BITS); 4: lead vectors rounded to 8 bits
# (encode/leads.py: 388 bytes a vector instead of 1,536), postings packed into buckets of their keys
# (index/sqlite_storage.BUCKET_BITS), relations as small integers (codec.relation_code); 5: each
# article's profile (store/profiles.py), so that a stored candidate is not segmented to be judged by
# the event model; 6: bags of words keep their words as ids of table ``vocabulary``
# (store/vocabulary.py), read back without looking a word up. A store of schema 2 to 5 is migrated on open.
SCHEMA_VERSION = 6

# key terms, counts and sketch fingerprint of each article (profiles.pack)
PROFILES_TABLE = "CREATE TABLE profiles (article INTEGER PRIMARY KEY, data BLOB NOT NULL)"
TABLES = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # one row per stored text; a new text under a known id is a new version: id 'x@v2', base_id 'x';
    # text: records.pack_text
    "CREATE TABLE articles (no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, base_id TEXT NOT NULL, "
    "version INTEGER NOT NULL, text BLOB NOT NULL, text_hash BLOB NOT NULL, record TEXT NOT NULL, "
    "batch INTEGER NOT NULL)",
    "CREATE INDEX articles_base ON articles (base_id)",
    # a < b by id, as analyze gives them, each as its article's number; relation = codec.relation_code
    # (no column type: an integer, or the text of a relation codec.RELATIONS does not list);
    # own = the pair's own direction, direction = after the family's evidence
    # (orient_by_credited_copies), each coded records.direction_code; data = coverage, passages,
    # evidence (codec.py)
    *PAIR_TABLES,
    "CREATE TABLE stories (no INTEGER PRIMARY KEY, origin TEXT NOT NULL, title TEXT, articles TEXT NOT NULL, "
    "claims BLOB NOT NULL)",  # claims: records.pack_claims
    "CREATE TABLE story_of (article TEXT PRIMARY KEY, story INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX story_of_story ON story_of (story)",
    "CREATE TABLE sources (article TEXT PRIMARY KEY, sources TEXT NOT NULL) WITHOUT ROWID",
    # corpus statistics kept as the store grows: document frequency of each counted word ...
    "CREATE TABLE bags (article INTEGER PRIMARY KEY, words BLOB NOT NULL, counts BLOB NOT NULL)",  # stats.pack_bag
    VOCABULARY_TABLE,  # the words of the bags
    PROFILES_TABLE,
    "CREATE TABLE word_df (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    # ... and which articles hold each line (furniture recurrence)
    "CREATE TABLE lines (hash INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (hash, article)) WITHOUT ROWID",
    # what judged each batch's pairs: storytrace, threshold and model versions
    "CREATE TABLE batches (no INTEGER PRIMARY KEY, added TEXT NOT NULL, judged_by TEXT NOT NULL)",
    WORD_VECTORS_TABLE,  # the pair scorer's word vectors, kept (store/word_vectors.py; no schema version)
]


class NotAStore(Exception):
    """The file exists but is not a storytrace store (or one of a newer schema)."""


def connect(path: str | Path, create: bool) -> sqlite3.Connection:
    """An open store. ``create``: make a new one when the file does not exist (else NotAStore)."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise NotAStore(f"{path}: no storytrace store there (storytrace add creates one)")
    if path.exists() and not path.is_file():
        raise NotAStore(f"{path}: not a file")
    try:
        db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        application = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotAStore(f"{path}: not a storytrace store ({exc})") from None
    if exists and (application != APPLICATION_ID or not tables):
        db.close()
        raise NotAStore(f"{path}: not a storytrace store (an SQLite database of something else)")
    if not exists:
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before anything is written
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses no committed batch's consistency
    db.execute("PRAGMA foreign_keys=OFF")
    if not exists:
        _create(db)
    version = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    if version in MIGRATIONS:
        try:
            version = _migrate(db, version, path)
        except sqlite3.OperationalError as exc:  # a read-only file, another writer holding it too long
            db.close()
            raise NotAStore(f"{path}: store schema version {version} must be migrated to {SCHEMA_VERSION} "
                            f"and could not be ({exc}); open it once where it can be written") from None
        _compact(db)
        db.close()  # a fresh connection: this one, after the migration's VACUUM, could no longer checkpoint
        return connect(path, create)
    if version != SCHEMA_VERSION:
        db.close()
        raise NotAStore(f"{path}: store schema version {version}; this storytrace reads version {SCHEMA_VERSION} "
                        f"(README, \"The store's file\": export it with the storytrace that made it, or add its "
                        f"inputs to a new store)")
    ensure_table(db)  # a table a store of this schema may lack (store/word_vectors.py)
    return db


def _migrate(db: sqlite3.Connection, version: int, path: Path) -> int:
    """Bring a store of an older schema up to SCHEMA_VERSION, step by step, in one transaction (a
    crash leaves the old store as it was; another process migrating first is seen after the lock)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
        if version in MIGRATIONS:  # minutes for a large store (README, "The store's file"): say why it waits
            articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            print(f"storytrace: {path}: migrating the store from schema {version} to {SCHEMA_VERSION} "
                  f"({articles:,} articles; once)", file=sys.stderr, flush=True)
        while version in MIGRATIONS:
            MIGRATIONS[version](db)
            version += 1
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return version


def _compact(db: sqlite3.Connection) -> None:
    """After a migration: give back the pages it freed and take PAGE_SIZE (SQLite changes a page
    size only by a VACUUM outside WAL mode). Skipped when another process has the store open: the
    free pages are then reused by later batches."""
    try:  # each statement's rows read to the end: a statement left open blocks a later checkpoint
        if db.execute("PRAGMA journal_mode=DELETE").fetchall() == [("delete",)]:
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}").fetchall()
        db.execute("VACUUM").fetchall()
    except sqlite3.OperationalError:
        pass
    finally:
        db.execute("PRAGMA journal_mode=WAL").fetchall()


def _compress_texts(db: sqlite3.Connection) -> None:
    """2 -> 3: the article texts as records.pack_text gives them."""
    from .records import pack_text

    last = 0
    while rows := db.execute("SELECT no, text FROM articles WHERE no > ? ORDER BY no LIMIT 1000", (last,)).fetchall():
        db.executemany("UPDATE articles SET text = ? WHERE no = ?", [(pack_text(text), no) for no, text in rows])
        last = rows[-1][0]


def _shorten_postings(db: sqlite3.Connection) -> None:
    """2 -> 3: each posting table keyed by its keys' high KEY_BITS (a new table, filled in key order)."""
    from ..index.sqlite_storage import KEY_BITS

    for kind, bits in KEY_BITS.items():
        db.execute(f"ALTER TABLE index_{kind} RENAME TO old_{kind}")
        db.execute(f"CREATE TABLE index_{kind} (key INTEGER NOT NULL, owner INTEGER NOT NULL, "
                   f"PRIMARY KEY (key, owner)) WITHOUT ROWID")
        db.execute(f"INSERT OR IGNORE INTO index_{kind} SELECT key >> {64 - bits}, owner FROM old_{kind} "
                   f"ORDER BY 1, 2")
        db.execute(f"DROP TABLE old_{kind}")


def _compress_counts(db: sqlite3.Connection) -> None:
    """2 -> 3: each bag's counts as stats.pack_bag gives them."""
    from .stats import compress_counts

    last = -1
    while rows := db.execute("SELECT article, counts FROM bags WHERE article > ? ORDER BY article LIMIT 1000",
                             (last,)).fetchall():
        db.executemany("UPDATE bags SET counts = ? WHERE article = ?", [(compress_counts(c), no) for no, c in rows])
        last = rows[-1][0]


def _to_3(db: sqlite3.Connection) -> None:
    _compress_texts(db)
    _shorten_postings(db)
    _compress_counts(db)


def _round_vectors(db: sqlite3.Connection) -> None:
    """3 -> 4: the lead vectors rounded as ``prepared.prepare`` now rounds them (encode/leads.py) and
    packed in 388 bytes; each one's top cosines and floor computed again from the rounded vectors
    (the top VECTOR_NEIGHBOURS cosines with every other stored vector, as ``VectorIndex.insert``
    keeps them). The pairs already stored keep the evidence they were judged with."""
    import numpy as np

    from ..encode.embed import DIMENSIONS
    from ..encode.leads import pack, round_leads, unpack
    from ..index.vectors import OPEN
    from ..thresholds import VECTOR_NEIGHBOURS

    rows = db.execute("SELECT owner, vector FROM index_vectors ORDER BY owner").fetchall()
    if not rows:
        return
    owners = [owner for owner, _ in rows]
    matrix = round_leads(np.stack([unpack(v, DIMENSIONS) for _, v in rows]))
    updates = []
    for first in range(0, len(owners), _ROUND_BLOCK):
        sims = matrix[first:first + _ROUND_BLOCK] @ matrix.T
        for i, row in enumerate(sims, start=first):
            row[i] = -np.inf  # not its own neighbour
            k = min(VECTOR_NEIGHBOURS, len(owners) - 1)
            top = np.sort(np.partition(row, len(row) - k)[len(row) - k:])[::-1] if k else row[:0]
            floor = float(top[-1]) if len(top) == VECTOR_NEIGHBOURS else OPEN
            updates.append((pack(matrix[i]), np.ascontiguousarray(top, np.float32).tobytes(), floor, owners[i]))
        db.executemany("UPDATE index_vectors SET vector = ?, top = ?, floor = ? WHERE owner = ?", updates)
        updates = []


_ROUND_BLOCK = 256  # vectors whose cosines with all the others are computed at once (256 x N float32)


def _bucket_postings(db: sqlite3.Connection) -> None:
    """3 -> 4: each posting table's (key, owner) rows packed into buckets (index/sqlite_storage.py),
    read a sixteenth of the key space at a time."""
    import numpy as np

    from ..index.sqlite_storage import KEY_BITS, bucket_rows

    for kind, bits in KEY_BITS.items():
        db.execute(f"ALTER TABLE index_{kind} RENAME TO old_{kind}")
        db.execute(f"CREATE TABLE index_{kind} (bucket INTEGER PRIMARY KEY, entries BLOB NOT NULL)")
        step = 1 << (bits - 4)
        for first in range(0, 1 << bits, step):  # unsigned ranges, each within one sign of the stored keys
            low = first if first < 1 << (bits - 1) else first - (1 << bits)
            rows = db.execute(f"SELECT key, owner FROM old_{kind} WHERE key BETWEEN ? AND ?",
                              (low, low + step - 1)).fetchall()
            if rows:
                keys, owners = np.array(rows, np.int64).T
                db.executemany(f"INSERT INTO index_{kind} (bucket, entries) VALUES (?, ?)",
                               bucket_rows(kind, keys, owners))
        db.execute(f"DROP TABLE old_{kind}")


def _code_relations(db: sqlite3.Connection) -> None:
    """3 -> 4: table pair_rows anew, each relation as codec.relation_code gives it (the old column
    had TEXT affinity, which would turn a code back into text), and the view that names them."""
    db.execute("DROP VIEW pairs")
    db.execute("ALTER TABLE pair_rows RENAME TO old_pair_rows")
    db.execute("DROP INDEX pair_rows_b")
    db.execute("DROP INDEX pair_rows_batch")
    for statement in PAIR_TABLES:
        if statement.startswith("CREATE TABLE"):
            db.execute(statement)
            codes = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(RELATIONS))
            db.execute(f"INSERT INTO pair_rows SELECT a, b, CASE relation {codes} ELSE relation END, similarity, own, "
                       f"direction, data, batch FROM old_pair_rows ORDER BY a, b")
            db.execute("DROP TABLE old_pair_rows")
        else:
            db.execute(statement)


def _to_4(db: sqlite3.Connection) -> None:
    _round_vectors(db)
    _bucket_postings(db)
    _code_relations(db)


_PROFILE_CHUNK = 512  # articles read, segmented and profiled at a time by _to_5


def _to_5(db: sqlite3.Connection) -> None:
    """Profile every stored article (each segmented and sketched once: 94.9 s for 79,000 articles,
    the VACUUM after included, on a loaded machine)."""
    from .profiles import pack, profiles_of_articles
    from .records import article_from_row

    db.execute(PROFILES_TABLE)
    last = 0
    while True:
        rows = db.execute("SELECT no, text, record FROM articles WHERE no > ? ORDER BY no LIMIT ?",
                          (last, _PROFILE_CHUNK)).fetchall()
        if not rows:
            break
        articles = [article_from_row(text, record) for _, text, record in rows]
        db.executemany("INSERT INTO profiles (article, data) VALUES (?, ?)",
                       [(no, pack(p)) for (no, *_), p in zip(rows, profiles_of_articles(articles))])
        last = rows[-1][0]


_BAG_CHUNK = 2000  # bags rewritten at a time by _to_6


def _to_6(db: sqlite3.Connection) -> None:
    """Each bag's words as vocabulary ids (stats.pack_bag), the vocabulary numbered in the order
    the bags first name its words."""
    from .stats import pack_word_ids, unpack_words

    db.execute(VOCABULARY_TABLE)
    vocabulary: dict[str, int] = {}
    last = -1
    while rows := db.execute("SELECT article, words, counts FROM bags WHERE article > ? ORDER BY article LIMIT ?",
                             (last, _BAG_CHUNK)).fetchall():
        updates = []
        for no, words, counts in rows:
            ids = [vocabulary.setdefault(w, len(vocabulary) + 1) for w in unpack_words(words)]
            updates.append((pack_word_ids(ids), no))
        db.executemany("UPDATE bags SET words = ? WHERE article = ?", updates)
        last = rows[-1][0]
    db.executemany("INSERT INTO vocabulary (id, word) VALUES (?, ?)", ((i, w) for w, i in vocabulary.items()))


# schema version -> the step that makes it the next one
MIGRATIONS = {2: _to_3, 3: _to_4, 4: _to_5, 5: _to_6}


def _create(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in TABLES + INDEX_SCHEMA:
            db.execute(statement)
        db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
