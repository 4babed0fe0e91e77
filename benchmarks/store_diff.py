"""How two stores, or the traces two versions give, differ: for changes meant to keep the answers
(or to move only numbers in their last places).

    python benchmarks/store_diff.py pairs A.db B.db
    python benchmarks/store_diff.py traces QUERIES A.db SRC_A B.db SRC_B

``pairs``: the stored pairs of each (by article id): how many only in one, how many whose relation
or direction differs, and how far their similarity and lead cosine moved. Each store is read with
plain SQL and the codec of the code running this script (which reads both schemas 3 and 4).

``traces``: each query of QUERIES (JSON lines) traced against A.db by storytrace from SRC_A and
against B.db by SRC_B (each in its own process, vector cache off): how many traces are byte for
byte equal, how many give the same (partner, relation, source), the same story joins (stored
stories' row numbers, which depend on which stories earlier batches rewrote) and the same story
members, and how far the pairs' similarities moved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def _pairs(db: str) -> dict:
    import sqlite3

    from storytrace.store.codec import unpack_pair_data

    con = sqlite3.connect(db)
    out = {}
    for a, b, relation, similarity, source, data in con.execute(
            "SELECT a, b, relation, similarity, source, data FROM pairs"):
        lead = unpack_pair_data(data).get("evidence", {}).get("lead_cosine")
        out[(a, b)] = (relation, similarity, source, lead)
    con.close()
    return out


def compare_pairs(first: str, second: str) -> dict:
    x, y = _pairs(first), _pairs(second)
    both = x.keys() & y.keys()
    relation = sum(x[k][0] != y[k][0] for k in both)
    source = sum(x[k][2] != y[k][2] for k in both)
    sims = [abs(x[k][1] - y[k][1]) for k in both]
    leads = [abs(x[k][3] - y[k][3]) for k in both if x[k][3] is not None and y[k][3] is not None]
    counts: dict = {}
    for k in x.keys() - y.keys():
        counts.setdefault("only_first", {}).setdefault(x[k][0], 0)
        counts["only_first"][x[k][0]] += 1
    for k in y.keys() - x.keys():
        counts.setdefault("only_second", {}).setdefault(y[k][0], 0)
        counts["only_second"][y[k][0]] += 1
    return {"first": len(x), "second": len(y), **counts, "relation_differs": relation, "direction_differs": source,
            "similarity_max_diff": max(sims, default=0.0), "similarity_differs": sum(s > 0 for s in sims),
            "lead_cosine_max_diff": max(leads, default=0.0), "lead_cosine_differs": sum(d > 0 for d in leads)}


def worker(queries: str, db: str, out: str) -> None:
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, trace_article

    with Store(db, create=False) as store:
        results = [trace_article(store, a) for a in read_inputs([queries]).articles]
    Path(out).write_text(json.dumps(results, sort_keys=True), "utf-8")


def compare_traces(queries: str, first: str, first_src: str, second: str, second_src: str) -> dict:
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for n, (db, src) in enumerate(((first, first_src), (second, second_src))):
            out = str(Path(folder) / f"{n}.json")
            subprocess.run([sys.executable, __file__, "--worker", queries, db, out], check=True,
                           env={**os.environ, "PYTHONPATH": src, "STORYTRACE_VECTOR_CACHE": "off"})
            runs.append(json.loads(Path(out).read_text("utf-8")))
    same_bytes = same_links = same_joins = same_members = 0
    sims = []
    for x, y in zip(*runs):
        same_bytes += json.dumps(x, sort_keys=True) == json.dumps(y, sort_keys=True)

        def links(t):
            return sorted((p["a"], p["b"], p["relation"], p.get("source")) for p in t["pairs"])

        same_links += links(x) == links(y)
        same_joins += [s.get("joins") for s in x["stories"]] == [s.get("joins") for s in y["stories"]]
        same_members += [sorted(s["articles"]) for s in x["stories"]] == [sorted(s["articles"]) for s in y["stories"]]
        py = {(p["a"], p["b"]): p["similarity"] for p in y["pairs"]}
        sims += [abs(p["similarity"] - py[(p["a"], p["b"])]) for p in x["pairs"] if (p["a"], p["b"]) in py]
    return {"queries": len(runs[0]), "byte_equal": same_bytes, "same_pairs_relations_sources": same_links,
            "same_story_joins": same_joins, "same_story_members": same_members, "pairs": len(sims), "similarity_max_diff": max(sims, default=0.0),
            "similarity_differs": sum(s > 0 for s in sims)}


def main() -> None:
    if sys.argv[1] == "--worker":
        worker(*sys.argv[2:5])
    elif sys.argv[1] == "pairs":
        print(json.dumps(compare_pairs(sys.argv[2], sys.argv[3])))
    elif sys.argv[1] == "traces":
        print(json.dumps(compare_traces(*sys.argv[2:7])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
