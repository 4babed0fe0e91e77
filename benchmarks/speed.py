"""Speed, memory and planted-reuse recall of the whole storytrace pipeline on synthetic corpora.

    python benchmarks/speed.py                 # 2,000 and 20,000 articles, baselines on 20,000
    python benchmarks/speed.py --quick         # 500 and 2,000 articles, baselines on 2,000
    python benchmarks/speed.py --sizes 1000,5000 --repeat 3 --no-baselines

For each size the corpus from ``benchmarks/synthetic.py`` (seeded) is written as JSONL to a
temporary directory and ``storytrace.analyze([path], quiet=True)`` is timed in a fresh
subprocess, so each run's peak RSS (``ru_maxrss``) is its own: interpreter, imports, model
and pipeline; "largest worker" is the peak of the largest process it forked to align pairs
(pages shared with the parent count in both). Reported pairs whose relation is duplicate / version / rewrite / partial count
as found reuse; recall and precision are against the planted pairs.

Baselines, on the largest corpus, each in its own subprocess and timed over the
near-duplicate stages alone (5-word shingles + MinHash 128 + LSH index + query of every
document; reading the JSONL is not timed):

* datasketch: ``MinHash(128)`` + ``MinHashLSH(params=(32, 4))`` (32 bands x 4 rows);
* rensa: ``RMinHash(128)`` + ``RMinHashLSH(0.5, 128, 32)``;
* storytrace's own near-duplicate stage, ``storytrace.text.neardup`` (vectorized shingling and
  one-permutation MinHash with 128 bins, 32 x 4 banding), timed the same way.

The Jaccard MAE column is each sketch's mean absolute error against the exact Jaccard of
its own shingle sets, on planted pairs and as many random pairs.

Their candidate pairs are scored against the planted pairs too (they are candidates, not
classified relations). With ``--repeat N`` every figure is the median of N runs. Timing
is reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REUSE = frozenset({"duplicate", "version", "rewrite", "partial"})
KINDS = ("duplicate", "version", "partial")   # planted kinds shown separately
_WORD = re.compile(r"\w+")


# ---------------------------------------------------------------------------
# Workers (run in a subprocess: ``speed.py --worker KIND CORPUS RESULT``)


from speed_dask import peak_rss_bytes  # noqa: E402  (this folder is the script's: sys.path[0])


def _shingles(text: str, k: int = 5) -> set[str]:
    w = _WORD.findall(text.lower())
    return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}


def _read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _worker_storytrace(corpus: str) -> dict:
    t0 = time.perf_counter()
    import storytrace
    import storytrace.engine.pipeline  # noqa: F401  (``import storytrace`` alone loads nothing: its API imports lazily)
    from storytrace.encode.embed import get_encoder

    get_encoder()._load()  # the model (and the ONNX export, if not cached): the fixed start-up cost
    import_s = time.perf_counter() - t0
    rss_import = peak_rss_bytes()
    analyze = storytrace.analyze
    kwargs = {}
    try:
        import inspect

        params = inspect.signature(analyze).parameters
        if "quiet" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
            kwargs["quiet"] = True
        elif "progress" in params:
            kwargs["progress"] = None
    except (TypeError, ValueError):
        kwargs["quiet"] = True
    t1 = time.perf_counter()
    result = analyze([corpus], **kwargs)
    seconds = time.perf_counter() - t1
    pairs = result.get("pairs", [])
    relations: dict[str, int] = {}
    reuse = []
    for p in pairs:
        rel = p.get("relation")
        relations[rel] = relations.get(rel, 0) + 1
        if rel in REUSE:
            reuse.append(sorted((str(p["a"]), str(p["b"]))))
    import resource

    # the local engine's forked workers (aligning pairs) have ended: the largest one's peak
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "import_seconds": import_s, "rss_import": rss_import,
            "rss_peak": peak_rss_bytes(), "rss_workers_peak": workers_peak, "found": reuse, "relations": relations,
            "n_articles": len(result.get("articles", [])), "stats": result.get("stats", {})}


def _worker_datasketch(corpus: str) -> dict:
    from datasketch import MinHash, MinHashLSH

    articles = _read_jsonl(corpus)
    texts = [a["text"] for a in articles]
    t0 = time.perf_counter()
    lsh = MinHashLSH(num_perm=128, params=(32, 4))
    sigs = []
    for i, text in enumerate(texts):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode("utf-8") for s in _shingles(text)])
        lsh.insert(i, m)
        sigs.append(m)
    return _query_all(lsh, sigs, articles, t0)


def _query_all(lsh, sigs: list, articles: list[dict], t0: float) -> dict:
    """Query every signature against the LSH index (part of the timed baseline) and report the pairs."""
    found = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                found.add((min(i, j), max(i, j)))
    seconds = time.perf_counter() - t0
    ids = [a["id"] for a in articles]
    return {"seconds": seconds, "rss_peak": peak_rss_bytes(),
            "found": [sorted((ids[i], ids[j])) for i, j in found]}


def _worker_rensa(corpus: str) -> dict:
    from rensa import RMinHash, RMinHashLSH

    articles = _read_jsonl(corpus)
    texts = [a["text"] for a in articles]
    t0 = time.perf_counter()
    lsh = RMinHashLSH(0.5, 128, 32)
    sigs = []
    for i, text in enumerate(texts):
        m = RMinHash(128, 1)
        m.update(list(_shingles(text)))
        lsh.insert(i, m)
        sigs.append(m)
    return _query_all(lsh, sigs, articles, t0)


def _worker_neardup(corpus: str) -> dict:
    """storytrace's own near-duplicate stage (storytrace.text.neardup): vectorized shingling, one-permutation
    MinHash 128 and 32x4 banding over the whole corpus at once."""
    from storytrace.text.neardup import band_pairs, sketch

    articles = _read_jsonl(corpus)
    texts = [a["text"] for a in articles]
    # Two passes over the corpus: the first (cold: fresh memory, power tables built) is what a
    # one-shot run pays and is the one scored; the second is the steady cost in a long-running process.
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        pairs = band_pairs(sketch(texts, k=5, bins=128), bands=32, rows=4)
        times.append(time.perf_counter() - t0)
    ids = [a["id"] for a in articles]
    return {"seconds": times[0], "warm_seconds": times[1], "rss_peak": peak_rss_bytes(),
            "found": [sorted((ids[i], ids[j])) for i, j in pairs.tolist()]}


_WORKERS = {"storytrace": _worker_storytrace, "datasketch": _worker_datasketch, "rensa": _worker_rensa,
            "neardup": _worker_neardup}


def jaccard_errors(corpus: Path, planted: dict, limit: int = 1000, seed: int = 1) -> dict[str, float]:
    """Mean absolute error of each sketch's Jaccard estimate against the exact Jaccard of its own
    shingle sets, over planted pairs (Jaccard from about 0.1 to 1) and as many random pairs."""
    import random

    import numpy as np
    from datasketch import MinHash
    from rensa import RMinHash
    from storytrace.text.neardup import estimated_jaccard, shingle_hashes, sketch, word_hashes

    articles = _read_jsonl(str(corpus))
    index = {a["id"]: i for i, a in enumerate(articles)}
    rng = random.Random(seed)
    pairs = [(index[a], index[b]) for a, b in sorted(planted)]
    pairs = rng.sample(pairs, min(limit, len(pairs)))
    pairs += [tuple(rng.sample(range(len(articles)), 2)) for _ in range(len(pairs))]
    used = sorted({i for p in pairs for i in p})
    texts = {i: articles[i]["text"] for i in used}

    hashes, offsets = word_hashes([texts[i] for i in used])
    shingles, owner = shingle_hashes(hashes, offsets, 5)
    own_sets = {i: set(shingles[owner == n].tolist()) for n, i in enumerate(used)}
    own_sketch = dict(zip(used, sketch([texts[i] for i in used]).values))
    word_sets = {i: _shingles(texts[i]) for i in used}
    ds, rs = {}, {}
    for i in used:
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([w.encode("utf-8") for w in word_sets[i]])
        ds[i] = m
        r = RMinHash(128, 1)
        r.update(list(word_sets[i]))
        rs[i] = r

    def exact(x: set, y: set) -> float:
        return len(x & y) / len(x | y) if x | y else 0.0

    errors = {"storytrace.text.neardup": [], "datasketch": [], "rensa": []}
    for i, j in pairs:
        truth_own, truth_words = exact(own_sets[i], own_sets[j]), exact(word_sets[i], word_sets[j])
        errors["storytrace.text.neardup"].append(abs(float(estimated_jaccard(own_sketch[i], own_sketch[j])) - truth_own))
        errors["datasketch"].append(abs(ds[i].jaccard(ds[j]) - truth_words))
        errors["rensa"].append(abs(rs[i].jaccard(rs[j]) - truth_words))
    return {k: float(np.mean(v)) for k, v in errors.items()}


def _worker_main(kind: str, corpus: str, out: str) -> int:
    try:
        res = _WORKERS[kind](corpus)
        res["ok"] = True
    except Exception as exc:  # reported in the table, not raised
        import traceback

        traceback.print_exc()
        res = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(res, f)
    return 0


# ---------------------------------------------------------------------------
# Driver


def _load_synthetic():
    sys.path.insert(0, str(HERE))
    try:
        import synthetic
    finally:
        sys.path.remove(str(HERE))
    return synthetic


def _run(kind: str, corpus: Path, workdir: Path, tag: str, timeout: float | None) -> dict:
    out = workdir / f"result-{kind}-{tag}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(corpus), str(out)]
    # cold runs: vectors stored on disk by an earlier run would make a re-run look faster
    env = dict(os.environ, PYTHONUNBUFFERED="1", STORYTRACE_VECTOR_CACHE="off")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout:.0f} s"}
    if not out.exists():
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
        return {"ok": False, "error": f"worker exited {proc.returncode}: {' | '.join(tail)}"}
    res = json.loads(out.read_text(encoding="utf-8"))
    if not res.get("ok"):
        tail = (proc.stderr or "").strip().splitlines()[-1:]
        res["error"] = res.get("error") or " | ".join(tail)
    return res


def _score(found: list, planted: dict[tuple[str, str], str]) -> dict:
    found_set = {tuple(p) for p in found}
    hit = found_set & planted.keys()
    by_kind = {}
    for k in KINDS:
        want = [p for p, kind in planted.items() if kind == k]
        by_kind[k] = (sum(1 for p in want if p in found_set) / len(want)) if want else float("nan")
    return {"reported": len(found_set),
            "recall": len(hit) / len(planted) if planted else float("nan"),
            "precision": len(hit) / len(found_set) if found_set else float("nan"),
            "by_kind": by_kind}


def _median_runs(runs: list[dict]) -> dict:
    ok = [r for r in runs if r.get("ok")]
    if not ok:
        return {"ok": False, "error": runs[-1].get("error", "failed") if runs else "not run"}
    med = dict(ok[0])
    for key in ("seconds", "warm_seconds", "rss_peak", "rss_workers_peak", "rss_import", "import_seconds"):
        if key in ok[0]:
            med[key] = statistics.median(r[key] for r in ok)
    med["runs"] = len(ok)
    med["failed_runs"] = len(runs) - len(ok)
    return med


def _mb(b: float) -> str:
    return f"{b / 2**20:,.0f} MB"


def _pct(x: float) -> str:
    return "   -" if x != x else f"{100 * x:5.1f}%"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    rows = [list(r) + [""] * (len(headers) - len(r)) for r in rows]  # an error row has fewer cells
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


def _dask_row(size: int, args, results: dict[int, dict], workdir: Path) -> None:
    """The dask engine on a 2-worker LocalCluster (benchmarks/speed_dask.py), beside the local engine's
    run of the same size from this benchmark."""
    from speed_dask import dask_speed  # beside this script, on sys.path like peak_rss_bytes's module

    print()
    print(f"  running the dask engine on {size:,} articles (2-worker LocalCluster) ...", flush=True)
    try:
        r = dask_speed(size, seed=args.seed, workers=2, check_local=False, workdir=workdir / "dask",
                       timeout=args.timeout)
    except Exception as exc:  # reported, not raised
        print(f"  dask engine: {type(exc).__name__}: {exc}")
        return
    local = results.get(size)
    ratio = f"{local['seconds'] / r['seconds']:.2f}" if local and local.get("ok") else "-"
    print()
    print(_table(["engine", "articles", "seconds", "articles/s", "peak RSS client", "peak RSS workers",
                  "peak RSS total", "local/dask time"],
                 [["dask, 2-worker LocalCluster", f"{size:,}", f"{r['seconds']:.1f}",
                   f"{r['articles_per_second']:,.0f}", _mb(r["peak_rss_client"]),
                   " + ".join(_mb(w) for w in r["peak_rss_workers"]), _mb(r["peak_rss_total"]), ratio]]))
    print(f"  cluster start {r['cluster_start_seconds']:.1f} s not included; stage seconds {r['stats'].get('seconds')}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return _worker_main(*argv[1:4])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2000,20000", help="corpus sizes, comma-separated (default 2000,20000)")
    ap.add_argument("--quick", action="store_true", help="sizes 500,2000 for a fast check")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; medians are printed")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--no-baselines", action="store_true", help="skip the datasketch and rensa baselines")
    ap.add_argument("--baseline-size", type=int, help="corpus size for the baselines (default: the largest)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds allowed per run")
    ap.add_argument("--keep", metavar="DIR", help="write corpora and results here instead of a temp dir")
    ap.add_argument("--dask-size", type=int, help="corpus size for the dask engine run (default: the largest)")
    ap.add_argument("--no-dask", action="store_true", help="skip the dask engine run")
    args = ap.parse_args(argv)
    sizes = [500, 2000] if args.quick else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    base_size = args.baseline_size or max(sizes)
    repeat = max(1, args.repeat)

    synthetic = _load_synthetic()
    tmp = None
    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="storytrace-speed-")
        workdir = Path(tmp.name)

    print(f"storytrace speed benchmark: sizes {', '.join(map(str, sizes))}; seed {args.seed}; "
          f"repeat {repeat}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    corpora: dict[int, tuple[Path, dict]] = {}
    for n in sorted(set(sizes) | ({base_size} if not args.no_baselines else set())):
        t0 = time.perf_counter()
        articles, planted = synthetic.make_corpus_detailed(n, args.seed)
        path = workdir / f"synthetic-{n}-seed{args.seed}.jsonl"
        synthetic.write_jsonl(articles, path)
        words = sum(len(a["text"].split()) for a in articles)
        counts = {k: sum(1 for v in planted.values() if v == k) for k in KINDS}
        print(f"  corpus {n:>6,}: {words / n:.0f} words/article, {len(planted):,} planted pairs "
              f"(dup {counts['duplicate']:,}, version {counts['version']:,}, partial {counts['partial']:,}); "
              f"generated in {time.perf_counter() - t0:.1f} s")
        corpora[n] = (path, planted)

    # storytrace, each size and repeat in its own process
    results: dict[int, dict] = {}
    for n in sizes:
        runs = []
        for r in range(repeat):
            print(f"  running storytrace on {n:,} articles (run {r + 1}/{repeat}) ...", flush=True)
            runs.append(_run("storytrace", corpora[n][0], workdir, f"{n}-{r}", args.timeout))
        results[n] = _median_runs(runs)

    print()
    print("storytrace.analyze (whole pipeline, fresh process per run"
          + (f", median of {repeat}" if repeat > 1 else "") + ")")
    rows = []
    for n in sizes:
        res = results[n]
        if not res.get("ok"):
            rows.append([f"{n:,}", "error"])
            continue
        sc = _score(res["found"], corpora[n][1])
        rows.append([f"{n:,}", f"{res['seconds']:.1f}", f"{n / res['seconds']:,.0f}", _mb(res["rss_peak"]),
                     _mb(res.get("rss_workers_peak", 0)), _mb(res["rss_import"]), f"{sc['reported']:,}", _pct(sc["recall"]), _pct(sc["precision"]),
                     " / ".join(_pct(sc["by_kind"][k]).strip() for k in KINDS),
                     f"{res['import_seconds']:.1f}"])
    print(_table(["articles", "seconds", "articles/s", "peak RSS", "largest worker", "RSS after import", "reuse pairs",
                  "recall", "precision", "recall dup / ver / part", "start-up s"], rows))
    print("  start-up s: importing the pipeline and loading the encoder, before analyze; not in seconds")
    for n in sizes:
        res = results[n]
        if not res.get("ok"):
            print(f"  {n:,}: {res.get('error')}")
        else:
            rel = ", ".join(f"{k} {v:,}" for k, v in sorted(res["relations"].items(), key=lambda kv: -kv[1]))
            print(f"  {n:,}: relations reported: {rel or 'none'}")
            stats = res.get("stats") or {}
            if stats.get("seconds"):
                stages = ", ".join(f"{k} {v:.1f}" for k, v in stats["seconds"].items())
                print(f"  {n:,}: stage seconds: {stages}; {stats.get('candidate_pairs', 0):,} candidate pairs, "
                      f"{stats.get('encoded_texts', 0):,} texts encoded ({stats.get('encoder')})")
    for small, big in zip(sizes, sizes[1:]):
        if results[small].get("ok") and results[big].get("ok"):
            ratio = results[big]["seconds"] / results[small]["seconds"]
            size_ratio = big / small
            target = "; target <= 12" if abs(size_ratio - 10) < 1e-9 else ""
            print(f"  time ratio {big:,}/{small:,}: {ratio:.2f} (size ratio {size_ratio:g}{target})")

    if not args.no_baselines:
        path, planted = corpora[base_size]
        print()
        print(f"near-duplicate baselines on {base_size:,} articles (shingle + MinHash + LSH index + query; "
              f"LSH candidates scored as reuse)")
        st = results.get(base_size)
        st_rate = base_size / st["seconds"] if st and st.get("ok") else None
        rows = []
        stage_rate = None
        warm = None
        errors = jaccard_errors(path, planted)
        for kind, label in (("neardup", "storytrace.text.neardup OPH128 + LSH 32x4"),
                            ("datasketch", "datasketch MinHash128 + LSH 32x4"),
                            ("rensa", "rensa RMinHash128 + RMinHashLSH(0.5, 32 bands)")):
            runs = []
            for r in range(repeat):
                print(f"  running {kind} (run {r + 1}/{repeat}) ...", flush=True)
                runs.append(_run(kind, path, workdir, f"{base_size}-{r}", args.timeout))
            res = _median_runs(runs)
            if not res.get("ok"):
                rows.append([label, "error"])
                print(f"  {kind}: {res.get('error')}")
                continue
            sc = _score(res["found"], planted)
            rate = base_size / res["seconds"]
            stage_rate = stage_rate or rate
            warm = warm or res.get("warm_seconds")
            error = errors.get("storytrace.text.neardup" if kind == "neardup" else kind)
            rows.append([label, f"{res['seconds']:.2f}", f"{rate:,.0f}", _mb(res["rss_peak"]),
                         _pct(sc["recall"]), _pct(sc["precision"]),
                         " / ".join(_pct(sc["by_kind"][k]).strip() for k in KINDS),
                         f"{error:.4f}" if error is not None else "-",
                         f"{stage_rate / rate:.2f}",
                         f"{st_rate / rate:.3f}" if st_rate else "-"])
        print()
        print(_table(["near-duplicate stage", "seconds", "docs/s", "peak RSS", "recall", "precision",
                      "recall dup / ver / part", "Jaccard MAE", "neardup/this speed",
                      "whole pipeline/this speed"], rows))
        print("  Jaccard MAE: mean absolute error of the sketch's Jaccard estimate against the exact Jaccard of its "
              "own 5-word shingle sets (planted and random pairs); docs/s is one process, one core for storytrace.text.neardup, first (cold) pass")
        if st_rate is None:
            print(f"  (no storytrace run at {base_size:,} articles to compare with)")
        if warm:
            print(f"  storytrace.text.neardup, second pass in the same process (steady state): {warm:.2f} s, "
                  f"{base_size / warm:,.0f} docs/s")

    if not args.no_dask:
        _dask_row(args.dask_size or max(sizes), args, results, workdir)

    if tmp is not None:
        tmp.cleanup()
    else:
        print(f"\ncorpora and results kept in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
