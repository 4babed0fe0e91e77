"""One `add` batch into a fresh copy of a store, with timers around add's phases: wall and CPU time of
the main thread (where add's own work runs; compare aligns in other processes and prepare encodes on
the encoder's threads), and digests of every row the batch writes. Appends one JSON line to OUT.

    STORYTRACE_VECTOR_CACHE=off PYTHONPATH=SRC python benchmarks/add_phases.py STORE.db NEW.jsonl OUT.json

Run it with this checkout's src and another version's, alternating, and compare the phases; NEW's
articles get the id prefix "new-", so that they are new to STORE. Timing is reported, never asserted.
"""
import hashlib, json, os, sqlite3, sys, time
store_path, new, out = sys.argv[1:4]
from storytrace.ingest import read_inputs
from storytrace.store import Store, add_articles
import storytrace
from storytrace.store import add as A
times = {}
def timed(name, fn):
    def wrapper(*args, **kw):
        w, c = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kw)
        finally:
            t = times.setdefault(name, [0.0, 0.0])
            t[0] += time.perf_counter() - w; t[1] += time.thread_time() - c
    return wrapper
for name in ("prepare", "mark_batch", "_candidates", "compare_members" if hasattr(A, "compare_members") else "_compare_members", "rejudge", "orient_and_source", "restory", "pair_row", "features_of"):
    setattr(A, name, timed(name, getattr(A, name)))
arts = read_inputs([new]).articles
for a in arts:
    a.id = "new-" + a.id
copy = out + ".db"
for ext in ("", "-wal", "-shm"):
    if os.path.exists(copy + ext): os.unlink(copy + ext)
src, dst = sqlite3.connect(store_path), sqlite3.connect(copy)
src.backup(dst); dst.close(); src.close()
with Store(copy) as store:
    w, c, p = time.perf_counter(), time.thread_time(), time.process_time()
    report = add_articles(store, arts)
    wall, cpu, proc = time.perf_counter() - w, time.thread_time() - c, time.process_time() - p
    digests = {t: hashlib.sha256(repr(store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()).encode()).hexdigest()[:12]
               for t in ("pair_rows", "stories", "story_of", "sources")}
rec = {"src": os.path.dirname(storytrace.__file__), "wall": round(wall, 2), "main_cpu": round(cpu, 2), "process_cpu": round(proc, 2),
       "phases": {k: [round(v[0], 2), round(v[1], 2)] for k, v in times.items()}, "pairs": len(report.pairs),
       "digests": digests, "load": round(os.getloadavg()[0], 1)}
print(json.dumps(rec))
with open(out, "a") as f: f.write(json.dumps(rec) + "\n")
for ext in ("", "-wal", "-shm"):
    if os.path.exists(copy + ext): os.unlink(copy + ext)
