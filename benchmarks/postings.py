"""The index's posting tables alone: how long one article's queries and inserts take on a kept store.

    PYTHONPATH=SRC python benchmarks/postings.py QUERIES.jsonl STORE.db [--rounds 3]

For each article of QUERIES (features computed as ``add`` computes them): query the n-gram, term
and band postings as the indexes do (``posting_stats`` of its keys, then ``posting_owners`` of
those held by fewer than 50 articles), then, in a transaction rolled back at the end of each
round, insert its postings as a new article's. Prints the median and mean milliseconds per
article of each. The store is opened with plain sqlite3 (no migration), so the code under SRC must
read its posting layout: run it on a copy. Timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries")
    parser.add_argument("db")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from storytrace.index.features import as_keys, features_of
    from storytrace.index.sqlite_storage import SqliteStorage
    from storytrace.index.terms import term_keys
    from storytrace.ingest import read_inputs
    from storytrace.text.prepared import prepare

    db = sqlite3.connect(args.db, isolation_level=None)
    storage = SqliteStorage(db)
    features = features_of(prepare(read_inputs([args.queries]).articles))
    queried, inserted = [], []
    for _ in range(args.rounds):
        db.execute("BEGIN")
        for n, f in enumerate(features):
            keys = (("ngrams", as_keys(f.sampled)), ("terms", term_keys(f.terms)), ("bands", as_keys(f.bands)))
            started = time.perf_counter()
            for kind, k in keys:
                stats = storage.posting_stats(kind, k)
                storage.posting_owners(kind, [key for key, (owners, _) in stats.items() if owners < 50])
            queried.append(time.perf_counter() - started)
            started = time.perf_counter()
            for kind, k in keys:
                storage.add_postings(kind, 10 ** 6 + n, k)  # a new article (below 2^24)
            inserted.append(time.perf_counter() - started)
        db.execute("ROLLBACK")
    for name, times in (("query", queried), ("insert", inserted)):
        print(f"{name}: median {1000 * statistics.median(times):.2f} ms, mean {1000 * statistics.mean(times):.2f} ms "
              f"per article ({len(times)} timed)")


if __name__ == "__main__":
    main()
