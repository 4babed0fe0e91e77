"""Hostile and oversized input, as a user would meet it: each case runs `storytrace analyze` (or
`compare`) in its own process and the table gives its exit status, wall time, peak memory and
outcome, beside the figure issue 15 measured before the limits (the "before" column).

    python benchmarks/robustness.py [--skip CASE,...] [--timeout S] [--keep DIR]

Inputs are built in a scratch folder (the 4 GB gzip bomb takes about half a minute to write, then
occupies 4 MB). Peak RSS is the process's own high-water mark (its children's too: forked workers).
The article-size rows time one article of 1, 3, 10 and 30 MB (repeated real-looking paragraphs,
the article limit raised to hold it) and give the ratio of 30 MB to 3 MB (target ≤ 12).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bombs import gzip_bomb  # noqa: E402

# A child's own peak memory: a wrapper process runs the command and reads its children's rusage.
_WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
try:
    p = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))
    code, out, err = p.returncode, p.stdout, p.stderr
except subprocess.TimeoutExpired as e:
    code, out, err = "timeout", "", (e.stderr or b"").decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
print(json.dumps({"code": code, "seconds": time.perf_counter() - t, "stderr": err[-4000:], "stdout": out[-20000:],
                  "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

PARAGRAPHS = [
    "The harbour authority said on Monday that the north pier would stay closed until engineers had "
    "inspected the damage left by the weekend storm.",
    "Fishing crews moved their boats to the southern basin, where the breakwater held, and the ferry "
    "company said crossings would run to a reduced timetable.",
    "Local councillors called for an emergency meeting to discuss repairs, which the authority "
    "estimated could cost several million pounds.",
    "Residents of the waterfront described waves breaking over the sea wall and debris carried into "
    "the streets behind it during the night.",
]


def storytrace_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "storytrace.cli", *args]


def measure(cmd: list[str], timeout: float, env: dict | None = None) -> dict:
    run = subprocess.run([sys.executable, "-c", _WRAP, str(timeout), *cmd], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    return json.loads(run.stdout)


def _bomb(path: Path, expanded: int) -> None:
    if not path.exists():
        gzip_bomb(path, expanded)


def _big_text(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts, total, n = [], 0, 0
    while total < size:
        n += 1
        p = rng.choice(PARAGRAPHS).replace("Monday", rng.choice(["Monday", "Tuesday", "Friday"]))
        p = f"{p} Update {n}."  # not all lines equal: furniture detection and seeds see a long document
        parts.append(p)
        total += len(p) + 1
    return "\n".join(parts)


def _warc(path: Path, html: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    import io

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/big", "response",
                                                      payload=io.BytesIO(html.encode()), http_headers=headers))


def _templated(path: Path, n: int) -> None:
    """One-sentence items of four events sharing one template: the case that chained stories."""
    rng = random.Random(5)
    subjects = ["Firefighters", "Police", "Officials", "Union leaders", "The ministry"]
    events = ["that the strike would continue", "that the vote was delayed", "that the bridge had collapsed",
              "that the factory would close"]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            event = i % len(events)
            f.write(json.dumps({"id": f"t{i:05d}-e{event}", "text": f"{rng.choice(subjects)} denied reports "
                                f"{events[event]}."}) + "\n")


def _normal_articles(folder: Path) -> None:
    examples = HERE.parent / "examples" / "nato-kyiv"
    for name in sorted(os.listdir(examples))[:2]:
        (folder / name).write_text((examples / name).read_text(encoding="utf-8"), encoding="utf-8")


def cases(work: Path) -> list[tuple[str, str, callable]]:
    """(name, before (issue 15's figure), runner) — each runner returns (measurement, outcome)."""
    def bomb():
        d = work / "bomb"
        d.mkdir(exist_ok=True)
        _bomb(d / "z.html.gz", 4 << 30)
        m = measure(storytrace_cmd("analyze", str(d), "--quiet"), 600)
        return m, _first_line(m)

    def devzero():
        d = work / "devzero"
        d.mkdir(exist_ok=True)
        if not (d / "z.txt").is_symlink():
            os.symlink("/dev/zero", d / "z.txt")
        m = measure(storytrace_cmd("analyze", str(d), "--quiet"), 120)
        return m, _first_line(m)

    def fifo():
        d = work / "fifo"
        d.mkdir(exist_ok=True)
        if not (d / "x.txt").exists():
            os.mkfifo(d / "x.txt")
        _normal_articles(d)
        m = measure(storytrace_cmd("analyze", str(d), "--quiet", "--json", str(work / "fifo.json")), 300)
        return m, _first_line(m) + f"; {_articles(work / 'fifo.json')} articles analysed"

    def sparse():
        d = work / "sparse"
        d.mkdir(exist_ok=True)
        with open(d / "big.txt", "wb") as f:
            f.truncate(1 << 30)
        m = measure(storytrace_cmd("analyze", str(d), "--quiet", "--max-file-bytes", "512M"), 120)
        return m, _first_line(m)

    def warc_page():
        path = work / "page.warc"
        if not path.exists():
            body = "".join(f"<p>{line}</p>" for line in _big_text(30 << 20).split("\n"))
            _warc(path, f"<html><head><title>Big page</title></head><body><article>{body}</article></body></html>")
        m = measure(storytrace_cmd("analyze", str(path), "--quiet", "--json", str(work / "warc.json")), 900)
        return m, _first_line(m) + f"; {_articles(work / 'warc.json')} article analysed"

    def jsonl_article():
        d = work / "jsonl"
        d.mkdir(exist_ok=True)
        if not (d / "big.jsonl").exists():
            with open(d / "big.jsonl", "w", encoding="utf-8") as f:
                f.write(json.dumps({"id": "big", "text": _big_text(50 << 20)}) + "\n")
        _normal_articles(d)
        m = measure(storytrace_cmd("analyze", str(d), "--quiet", "--json", str(work / "jsonl.json")), 900)
        return m, _first_line(m) + f"; {_articles(work / 'jsonl.json')} articles analysed"

    def templated():
        path = work / "templated.jsonl"
        _templated(path, 5000)
        m = measure(storytrace_cmd("analyze", str(path), "--quiet", "--json", str(work / "templated.json")), 1800)
        try:
            data = json.loads((work / "templated.json").read_text())
            largest = max(data["stories"], key=lambda s: len(s["articles"]))
            events = {a.rsplit("-e", 1)[1] for a in largest["articles"]}
            return m, f"largest story {len(largest['articles'])} articles, {len(events)} event(s) mixed"
        except (OSError, ValueError, KeyError):
            return m, "no result"

    def deep():
        path = work / "deep.html"
        path.write_text("<html><head><title>Deep</title></head><body><article>" + "<div>" * 300
                        + "<p>Long text. More text.</p>" + "</div>" * 300 + "</article></body></html>")
        m = measure(storytrace_cmd("analyze", str(path), "--quiet", "--json", str(work / "deep.json")), 300)
        return m, _first_line(m)[:90]

    def bad_output():
        m = measure(storytrace_cmd("analyze", str(HERE.parent / "examples" / "nato-kyiv"), "--json",
                                   "/nonexistent/x.json"), 120)
        return m, _first_line(m)

    return [
        ("4 GB gzip bomb (.html.gz)", "7.7 GB peak", bomb),
        ("symlink to /dev/zero", "never ends (14 GB after 40 s)", devzero),
        ("FIFO beside two articles", "hangs", fifo),
        ("1 GB sparse file (limit 512M)", "read whole, then binary", sparse),
        ("WARC, one 30 MB page", "> 180 s", warc_page),
        ("50 MB JSONL article + 2 normal", "> 180 s at 4.5 GB", jsonl_article),
        ("5,000 one-sentence items, 4 events", "one story of 2,470 mixing 4 events", templated),
        ("300 nested <div>s", "title only, no message", deep),
        ("--json /nonexistent/x.json", "traceback after the run", bad_output),
    ]


def _first_line(m: dict) -> str:
    lines = [line for line in m["stderr"].splitlines() if line.strip() and not line.startswith("analysed")]
    return lines[0][:140] if lines else "(no message)"


def _articles(path: Path) -> str:
    try:
        return str(len(json.loads(path.read_text())["articles"]))
    except (OSError, ValueError, KeyError):
        return "no"


def article_scaling(work: Path, sizes_mb: list[int], timeout: float) -> list[tuple[int, dict]]:
    rows = []
    for mb in sizes_mb:
        path = work / f"article-{mb}mb.txt"
        if not path.exists():
            path.write_text(_big_text(mb << 20), encoding="utf-8")
        rows.append((mb, measure(storytrace_cmd("analyze", str(path), "--quiet", "--max-article-chars", "64M",
                                                "--json", str(work / f"article-{mb}.json")), timeout)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip", default="", help="comma-separated words: cases whose name contains one are skipped")
    parser.add_argument("--sizes", default="1,3,10,30", help="article sizes in MB for the scaling rows")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--keep", metavar="DIR", help="build the inputs in DIR and keep them (default: a temporary folder)")
    args = parser.parse_args(argv)
    skip = [s.strip().lower() for s in args.skip.split(",") if s.strip()]
    tmp = None
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        work = Path(tmp.name)
    env_note = {k: v for k, v in os.environ.items() if k.startswith("STORYTRACE_")}
    print(f"storytrace robustness ({time.strftime('%Y-%m-%d')}), settings {env_note or 'default'}")
    header = f"{'case':<38} {'exit':>7} {'seconds':>8} {'peak RSS':>9}  {'before (issue 15)':<36} outcome"
    print(header)
    print("-" * len(header))
    for name, before, run in cases(work):
        if any(word in name.lower() for word in skip):
            continue
        m, outcome = run()
        print(f"{name:<38} {str(m['code']):>7} {m['seconds']:8.1f} {m['peak_kb'] / 1024:7.0f} MB  {before:<36} {outcome}",
              flush=True)
    if "scaling" not in skip:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        print()
        print("one article alone (--max-article-chars 64M), analyze wall time and stage seconds")
        rows = article_scaling(work, sizes, args.timeout)
        by_mb = {}
        for mb, m in rows:
            stages = "-"
            try:
                data = json.loads((work / f"article-{mb}.json").read_text())
                stages = ", ".join(f"{k} {v:.1f}" for k, v in data["stats"]["seconds"].items())
            except (OSError, ValueError, KeyError):
                pass
            by_mb[mb] = m["seconds"]
            print(f"  {mb:>3} MB: exit {m['code']}, {m['seconds']:.1f} s, peak {m['peak_kb'] / 1024:.0f} MB; {stages}")
        if 3 in by_mb and 30 in by_mb:
            print(f"  30 MB / 3 MB time: {by_mb[30] / by_mb[3]:.1f}x (target <= 12; size ratio 10)")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
