#!/bin/bash
# One `add` batch, this checkout against another version, alternated in fresh copies of a store:
# wall and CPU seconds of each run (/usr/bin/time), the pairs it stored and digests of what the
# batch writes (every column of pair_rows, bytes of the pair data and re-judged batch numbers
# included; stories, story_of, sources): equal digests mean the same store. Timing is reported,
# never asserted; read the medians.
#
#   STORYTRACE_VECTOR_CACHE=off benchmarks/add_ab.sh STORE.db NEW.jsonl BASELINE_SRC [ROUNDS]
#
# NEW's articles get the id prefix "new-", so that they are new to STORE.
set -euo pipefail
store=$1; new=$2; baseline=$3; rounds=${4:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for _ in $(seq "$rounds"); do
  for who in this baseline; do
    cp "$store" "$work/copy.db"
    src=$here/src; [ "$who" = baseline ] && src=$baseline
    PYTHONPATH=$src /usr/bin/time -f "$who: wall %e s, user %U s, sys %S s" python -c "
import hashlib, sys, time
from storytrace.ingest import read_inputs
from storytrace.store import Store, add_articles
articles = read_inputs([sys.argv[1]]).articles
for a in articles:
    a.id = 'new-' + a.id
with Store(sys.argv[2]) as store:
    started = time.perf_counter()
    report = add_articles(store, articles)
    seconds = time.perf_counter() - started
    digests = {table: hashlib.sha256(repr(store.db.execute(f'SELECT * FROM {table} ORDER BY 1, 2').fetchall()).encode()).hexdigest()[:12]
               for table in ('pair_rows', 'stories', 'story_of', 'sources')}
    print(f'$who: add {seconds:.1f} s, {len(report.pairs)} pairs;', ' '.join(f'{t} {d}' for t, d in digests.items()))
" "$new" "$work/copy.db"
  done
done
