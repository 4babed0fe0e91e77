"""The index's posting tables alone: how long one article's queries and inserts take on a kept store.

    PYTHONPATH=SRC python benchmarks/postings.py QUERIES.jsonl STORE.db [--rounds 3] [--held]

For each article of QUERIES (features computed as ``add`` computes them): query the n-gram, term
and band postings as the indexes do (``postings``: each key's owners, one read of their
buckets), then, in a transaction rolled back at the end of each
round, insert its postings as a new article's. Prints the median and mean milliseconds per
article of each. The store is opened with plain sqlite3 (no migration), so the code under SRC must
read its posting layout: run it on a copy. Timing is reported, never asserted.

``--held``: rounds alternate between writing each article's buckets at once and holding them
through the transaction as ``add`` does (``SqliteStorage.holding``: read once, written once
before the commit; that final write is timed too, spread over the round's articles). Prints
both and the ratio held / each, whole rounds (query + insert + final write) per article.

``--vectors``: instead, the lead vectors' query and insert (``VectorIndex``) of the same articles,
rounds alternating between one scan of the stored vectors an article and the batch expected
(``VectorIndex.expecting``: cosines a block of EXPECTED_BLOCK articles at a time, as ``add``
does); prints milliseconds an article of each and the ratio, and whether both found the same
candidates.

``--baseline SRC``: instead, rounds alternate between this checkout's ``SqliteStorage`` and the one in
SRC's ``storytrace/index/sqlite_storage.py`` (another version's file, loaded beside this one), both
holding the buckets through the round as ``add`` does; prints milliseconds an article of each
(queries, inserts and the final write), the ratio, and whether both gave the same owners for every
key and the same tables.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries")
    parser.add_argument("db")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--held", action="store_true", help="also hold the buckets through each round, as add does")
    parser.add_argument("--vectors", action="store_true", help="time the lead vectors' scans instead")
    parser.add_argument("--baseline", metavar="SRC", help="this storage against SRC's, rounds alternating")
    args = parser.parse_args()
    if args.vectors:
        _vectors(args)
        return
    if args.baseline:
        _against(args)
        return

    from storytrace.index.features import as_keys, features_of
    from storytrace.index.sqlite_storage import SqliteStorage
    from storytrace.index.terms import term_keys
    from storytrace.ingest import read_inputs
    from storytrace.text.prepared import prepare

    db = sqlite3.connect(args.db, isolation_level=None)
    storage = SqliteStorage(db)
    features = features_of(prepare(read_inputs([args.queries]).articles))
    modes = ("each", "held") if args.held else ("each",)
    queried, inserted = {m: [] for m in modes}, {m: [] for m in modes}
    whole = {m: [] for m in modes}
    for round_ in range(args.rounds * len(modes)):
        mode = modes[round_ % len(modes)]
        db.execute("BEGIN")
        holding = storage.holding() if mode == "held" else contextlib.nullcontext()
        round_started = time.perf_counter()
        holding.__enter__()
        for n, f in enumerate(features):
            keys = (("ngrams", as_keys(f.sampled)), ("terms", term_keys(f.terms)), ("bands", as_keys(f.bands)))
            started = time.perf_counter()
            for kind, k in keys:
                storage.postings(kind, k)  # each key's owners, as the indexes' query reads them
            queried[mode].append(time.perf_counter() - started)
            started = time.perf_counter()
            for kind, k in keys:
                storage.add_postings(kind, 10 ** 6 + n, k)  # a new article (below 2^24)
            inserted[mode].append(time.perf_counter() - started)
        holding.__exit__(None, None, None)  # held: the buckets written now, as before a commit
        whole[mode].append((time.perf_counter() - round_started) / len(features))
        db.execute("ROLLBACK")
    for mode in modes:
        for name, times in (("query", queried[mode]), ("insert", inserted[mode])):
            print(f"{mode} {name}: median {1000 * statistics.median(times):.2f} ms, mean "
                  f"{1000 * statistics.mean(times):.2f} ms per article ({len(times)} timed)")
        print(f"{mode} whole rounds: median {1000 * statistics.median(whole[mode]):.2f} ms per article "
              f"({len(whole[mode])} rounds)")
    if args.held:
        print(f"held / each, whole rounds: {statistics.median(whole['held']) / statistics.median(whole['each']):.2f}")


def _vectors(args) -> None:
    from storytrace.index.sqlite_storage import SqliteStorage
    from storytrace.index.features import features_of
    from storytrace.index.vectors import VectorIndex
    from storytrace.ingest import read_inputs
    from storytrace.text.prepared import prepare

    db = sqlite3.connect(args.db, isolation_level=None)
    storage = SqliteStorage(db)
    features = features_of(prepare(read_inputs([args.queries]).articles))
    seconds, found = {"scan": [], "expected": []}, {}
    for round_ in range(2 * args.rounds):
        mode = ("scan", "expected")[round_ % 2]
        db.execute("BEGIN")
        index = VectorIndex(storage)
        storage.vectors()  # loaded before the clock starts, as a warm store has it
        started = time.perf_counter()
        with (index.expecting(features) if mode == "expected" else contextlib.nullcontext()):
            candidates = []
            for n, f in enumerate(features):
                candidates.append(index.query(f))
                index.insert(10 ** 6 + n, f)
        seconds[mode].append((time.perf_counter() - started) / len(features))
        found[mode] = candidates
        db.execute("ROLLBACK")
        storage.forget()
    for mode, times in seconds.items():
        print(f"{mode}: median {1000 * statistics.median(times):.2f} ms an article ({len(times)} rounds)")
    print(f"expected / scan: {statistics.median(seconds['expected']) / statistics.median(seconds['scan']):.2f}; "
          f"same candidates: {found['scan'] == found['expected']}")


def _baseline_storage(src: str):
    """SqliteStorage of another version's sqlite_storage.py, loaded as a module of this package
    (its relative imports find this checkout's modules, which it shares)."""
    import importlib.util
    from pathlib import Path

    path = Path(src) / "storytrace" / "index" / "sqlite_storage.py"
    spec = importlib.util.spec_from_file_location("storytrace.index._baseline_sqlite_storage", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SqliteStorage


def _against(args) -> None:
    import hashlib

    from storytrace.index.features import as_keys, features_of
    from storytrace.index.sqlite_storage import SqliteStorage
    from storytrace.index.terms import term_keys
    from storytrace.ingest import read_inputs
    from storytrace.text.prepared import prepare

    db = sqlite3.connect(args.db, isolation_level=None)
    storages = {"baseline": _baseline_storage(args.baseline)(db), "this": SqliteStorage(db)}
    features = features_of(prepare(read_inputs([args.queries]).articles))
    keys = [(("ngrams", as_keys(f.sampled)), ("terms", term_keys(f.terms)), ("bands", as_keys(f.bands))) for f in features]
    seconds, queried, answers, tables = {m: [] for m in storages}, {m: [] for m in storages}, {}, {}
    for round_ in range(2 * args.rounds):
        name = ("baseline", "this")[round_ % 2]
        storage, found, asking = storages[name], [], 0.0
        db.execute("BEGIN")
        started = time.perf_counter()
        with storage.holding():
            for n, article_keys in enumerate(keys):
                asked = time.perf_counter()
                for kind, k in article_keys:
                    found.append(storage.postings(kind, k))
                asking += time.perf_counter() - asked
                for kind, k in article_keys:
                    storage.add_postings(kind, 10 ** 6 + n, k)
        seconds[name].append((time.perf_counter() - started) / len(features))
        queried[name].append(asking / len(features))
        answers.setdefault(name, set()).add(hashlib.sha256(repr([sorted((key, v.tolist()) for key, v in f.items())
                                                                  for f in found]).encode()).hexdigest())
        tables.setdefault(name, set()).add(hashlib.sha256(repr([db.execute(f"SELECT * FROM index_{kind} ORDER BY bucket").fetchall()
                                                                for kind in ("ngrams", "terms", "bands")]).encode()).hexdigest())
        db.execute("ROLLBACK")
    for name, times in seconds.items():
        print(f"{name}: median {1000 * statistics.median(times):.2f} ms an article, query + insert + write, of which "
              f"query {1000 * statistics.median(queried[name]):.2f} ({len(times)} rounds)")
    print(f"this / baseline: {statistics.median(seconds['this']) / statistics.median(seconds['baseline']):.2f}; "
          f"same owners: {len(answers['this'] | answers['baseline']) == 1}; "
          f"same tables: {len(tables['this'] | tables['baseline']) == 1}")


if __name__ == "__main__":
    main()
