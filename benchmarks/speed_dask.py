"""Speed and memory of the dask engine on the speed benchmark's synthetic corpus, and whether its
result equals the local engine's.

    python benchmarks/speed_dask.py --size 2000                 # 2 workers, default encoder
    python benchmarks/speed_dask.py --size 20000 --no-local     # skip the local run (and the check)
    python benchmarks/speed_dask.py --size 2000 --encoder torch

``dask_speed(size, ...)`` does the work (``benchmarks/speed.py`` calls it). The corpus from
``benchmarks/synthetic.py`` (seeded) is written as JSONL parts, so the workers read it partitioned.
Each engine runs in a fresh subprocess, so peak memory is the run's own: the client's ``ru_maxrss``
and each worker process's, asked of the workers before the cluster closes. ``seconds`` is the
analysis with the cluster up (reading, stages, result); starting the LocalCluster is reported apart.
Runs are cold, as speed.py's: ``STORYTRACE_VECTOR_CACHE=off`` for the client and the workers, so no
vector comes from an earlier run's store.

Equality: the two results, stats left out, compared field by field, floats to 1e-3 (both are
rounded to 4 places); the difference summary says how many pairs and stories differ.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOAT_TOLERANCE = 1e-3


def peak_rss_bytes() -> int:
    """Peak resident memory of this process: VmHWM, which starts afresh at exec (ru_maxrss carries a
    parent's peak over into a child it starts)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _write_corpus(size: int, seed: int, folder: Path, parts: int) -> list[Path]:
    sys.path.insert(0, str(HERE))
    try:
        import synthetic
    finally:
        sys.path.remove(str(HERE))
    articles, _ = synthetic.make_corpus_detailed(size, seed)
    folder.mkdir(parents=True, exist_ok=True)
    step = math.ceil(len(articles) / parts)
    paths = []
    for k in range(0, len(articles), step):
        path = folder / f"part-{k // step:03d}.jsonl"
        synthetic.write_jsonl(articles[k:k + step], path)
        paths.append(path)
    return paths


# ---- runs, each in its own process (``speed_dask.py --run ENGINE OUT PATH...``) ---------------------


def _run_dask(paths: list[str], workers: int, encoder: str | None) -> tuple[dict, dict]:
    from storytrace.engine import distributed

    started = time.perf_counter()
    with distributed.dask_client(workers=workers) as client:
        cluster_seconds = time.perf_counter() - started
        started = time.perf_counter()
        ingested = distributed.read_partitioned(client, paths)
        result = distributed.analyze_articles(client, ingested.articles, ingested.errors, encoder=encoder,
                                              read_seconds=time.perf_counter() - started).to_json()
        seconds = time.perf_counter() - started
        workers_rss = sorted(client.run(peak_rss_bytes).values())
    return result, {"seconds": seconds, "cluster_start_seconds": cluster_seconds,
                    "peak_rss_client": peak_rss_bytes(), "peak_rss_workers": workers_rss}


def _run_local(paths: list[str], encoder: str | None) -> tuple[dict, dict]:
    from storytrace.encode import embed
    from storytrace.engine.pipeline import analyze

    if encoder:
        embed.use_encoder(encoder)
    started = time.perf_counter()
    result = analyze(paths).to_json()
    return result, {"seconds": time.perf_counter() - started, "peak_rss_client": peak_rss_bytes()}


def _run_main(engine: str, out: str, workers: int, encoder: str | None, paths: list[str]) -> int:
    result, figures = _run_dask(paths, workers, encoder) if engine == "dask" else _run_local(paths, encoder)
    figures["stats"] = result.pop("stats")
    Path(out).write_text(json.dumps({"result": result, "figures": figures}), encoding="utf-8")
    return 0


def _spawn(engine: str, paths: list[Path], workdir: Path, workers: int, encoder: str | None,
           timeout: float | None) -> dict:
    out = workdir / f"{engine}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--run", engine, str(out), str(workers), encoder or "-",
           *map(str, paths)]
    # cold, as speed.py's runs: no vectors from an earlier run's store (the workers inherit this)
    env = dict(os.environ, STORYTRACE_VECTOR_CACHE="off")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0 or not out.exists():
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise RuntimeError(f"{engine} run failed ({proc.returncode}): {tail}")
    return json.loads(out.read_text(encoding="utf-8"))


# ---- equality ---------------------------------------------------------------------------------------


def differences(local: dict, dask: dict) -> dict:
    """How two results (stats left out) differ: pairs found by one only, relations, stories, other
    fields (floats to FLOAT_TOLERANCE)."""
    pairs_local = {(p["a"], p["b"]): p for p in local["pairs"]}
    pairs_dask = {(p["a"], p["b"]): p for p in dask["pairs"]}
    both = pairs_local.keys() & pairs_dask.keys()
    other: list[str] = []
    _walk(local, dask, "result", other)
    return {"pairs_local_only": len(pairs_local.keys() - both), "pairs_dask_only": len(pairs_dask.keys() - both),
            "relations_differing": sum(pairs_local[k]["relation"] != pairs_dask[k]["relation"] for k in both),
            "stories_equal": local["stories"] == dask["stories"], "fields_differing": len(other),
            "first_fields_differing": other[:5]}


def _walk(a, b, path: str, out: list[str]) -> None:
    if isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, abs_tol=FLOAT_TOLERANCE)):
            out.append(path)
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            out.append(path)
        for k in a.keys() & b.keys():
            _walk(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(path)
            return
        for i, (x, y) in enumerate(zip(a, b)):
            _walk(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(path)


# ---- the benchmark ---------------------------------------------------------------------------------


def dask_speed(size: int, seed: int = 1, workers: int = 2, check_local: bool = True, encoder: str | None = None,
               workdir: str | os.PathLike | None = None, timeout: float | None = None) -> dict:
    """Run the dask engine on a LocalCluster of ``workers`` processes over the seeded synthetic corpus of
    ``size`` articles, and (``check_local``) the local engine too. Returns a dict: ``articles``,
    ``seconds``, ``articles_per_second``, ``cluster_start_seconds``, ``peak_rss_client``,
    ``peak_rss_workers`` (bytes, one per worker), ``peak_rss_total`` (client + workers), ``stats`` (the
    result's), and with ``check_local``: ``local_seconds``, ``local_peak_rss``, ``equal_to_local``
    (bool) and ``differences`` (see ``differences``); else ``equal_to_local`` is None."""
    with tempfile.TemporaryDirectory(prefix="storytrace-speed-dask-") as tmp:
        folder = Path(workdir) if workdir else Path(tmp)
        paths = _write_corpus(size, seed, folder / f"synthetic-{size}-seed{seed}", parts=4 * workers)
        dask = _spawn("dask", paths, folder, workers, encoder, timeout)
        f = dask["figures"]
        report = {"articles": size, "seconds": f["seconds"], "articles_per_second": size / f["seconds"],
                  "cluster_start_seconds": f["cluster_start_seconds"], "peak_rss_client": f["peak_rss_client"],
                  "peak_rss_workers": f["peak_rss_workers"],
                  "peak_rss_total": f["peak_rss_client"] + sum(f["peak_rss_workers"]), "stats": f["stats"],
                  "equal_to_local": None}
        if check_local:
            local = _spawn("local", paths, folder, workers, encoder, timeout)
            diff = differences(local["result"], dask["result"])
            report.update(local_seconds=local["figures"]["seconds"], local_peak_rss=local["figures"]["peak_rss_client"],
                          equal_to_local=diff["fields_differing"] == 0, differences=diff)
    return report


def _mb(b: float) -> str:
    return f"{b / 2**20:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run"]:
        engine, out, workers, encoder, *paths = argv[1:]
        return _run_main(engine, out, int(workers), None if encoder == "-" else encoder, paths)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=2000, help="articles (default 2000)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1, as speed.py)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--encoder", choices=("auto", "onnx", "torch"), help="encoder backend for both engines")
    ap.add_argument("--no-local", action="store_true", help="do not run the local engine (no equality check)")
    ap.add_argument("--timeout", type=float, help="seconds allowed per run")
    ap.add_argument("--keep", metavar="DIR", help="keep the corpus and both results here")
    args = ap.parse_args(argv)
    r = dask_speed(args.size, args.seed, args.workers, not args.no_local, args.encoder, args.keep, args.timeout)
    print(f"dask engine, {args.workers}-worker LocalCluster, {r['articles']:,} synthetic articles (seed {args.seed}), "
          f"encoder {r['stats'].get('encoder')}")
    print(f"  {r['seconds']:.1f} s ({r['articles_per_second']:,.1f} articles/s; cluster start "
          f"{r['cluster_start_seconds']:.1f} s not included)")
    print(f"  stage seconds: {r['stats']['seconds']}")
    print(f"  peak RSS: client {_mb(r['peak_rss_client'])}, workers "
          f"{' + '.join(_mb(w) for w in r['peak_rss_workers'])}, total {_mb(r['peak_rss_total'])}")
    if r["equal_to_local"] is not None:
        print(f"  local engine: {r['local_seconds']:.1f} s, peak RSS {_mb(r['local_peak_rss'])}")
        print(f"  equal to the local engine's result: {'yes' if r['equal_to_local'] else 'no'} {r['differences']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
