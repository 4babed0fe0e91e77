"""Extraction benchmark: storytrace's HTML path on the Zyte/ScrapingHub article-extraction set.

    python benchmarks/extraction.py [--data DIR] [--limit N]

DIR holds ground-truth.json ({id: {articleBody, url}}) and html/<id>.html.gz (181 pages). Each
page goes through ``storytrace.ingest.read_inputs`` (gunzip, decoding, trafilatura with
metadata, comments excluded) and then ``clean.mark_furniture`` over all the pages together;
the text scored is the article body storytrace compares: the extracted text with furniture cut
out. Beside it, in the same run: the text before furniture marking, trafilatura's default
``extract(html, include_comments=False)`` (the benchmark's own trafilatura runner), and a plain
html-to-text floor (every text node outside script/style).

Scoring is the benchmark's evaluate.py: per page, multisets of word 4-grams (\\w+ tokens) give
TP/FP/FN normalised by their sum; precision and recall are averaged over pages, F1 is their
harmonic mean. Published (trafilatura 2.0.0): F1 0.958.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storytrace.text.clean import mark_furniture  # noqa: E402
from storytrace.ingest import read_inputs  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "scrapinghub_article_extraction"
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    precisions, recalls, exact = [], [], []
    for key, true in truth.items():
        pred = predicted.get(key, "")
        tp, fp, fn = tp_fp_fn(true, pred)
        perfect = fp == fn == 0
        if tp + fp > 0:
            precisions.append(1.0 if perfect else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if perfect else tp / (tp + fn))
        exact.append(_TOKEN.findall(true) == _TOKEN.findall(pred))
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r), "exact": statistics.mean(exact)}


def body_text(text: str, furniture: list[tuple[int, int]]) -> str:
    """The text with furniture spans cut out (each replaced by a line break)."""
    parts, pos = [], 0
    for start, end in furniture:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return "\n".join(parts)


def plain_text(html: str) -> str:
    try:
        tree = lxml.html.fromstring(html)
    except Exception:
        return ""
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


def run(data: Path, limit: int | None) -> None:
    truth_all = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth_all)[:limit] if limit else sorted(truth_all)
    truth = {k: truth_all[k]["articleBody"] for k in keys}
    paths = {k: data / "html" / f"{k}.html.gz" for k in keys}

    times: dict[str, list[float]] = {"storytrace": [], "trafilatura": [], "plain": []}
    extracted, articles, errors = {}, [], []
    for k in keys:
        started = time.perf_counter()
        result = read_inputs([paths[k]])
        times["storytrace"].append(time.perf_counter() - started)
        errors += result.errors
        for a in result.articles:
            articles.append(a)
            extracted[k] = a.text
    started = time.perf_counter()
    mark_furniture(articles)
    clean_seconds = time.perf_counter() - started
    body = {a.id: body_text(a.text, a.furniture) for a in articles}

    baseline, plain = {}, {}
    for k in keys:
        with gzip.open(paths[k], "rt", encoding="utf8") as f:  # as the benchmark's runner reads pages
            html = f.read()
        started = time.perf_counter()
        baseline[k] = trafilatura.extract(html, include_comments=False) or ""
        times["trafilatura"].append(time.perf_counter() - started)
        started = time.perf_counter()
        plain[k] = plain_text(html)
        times["plain"].append(time.perf_counter() - started)

    print(f"{len(keys)} pages from {data}; {len(articles)} read by storytrace; "
          f"trafilatura {trafilatura.__version__}")
    for line in errors:
        print(f"  input note: {line}")
    rows = [("storytrace (body, furniture excluded)", body, "storytrace"),
            ("storytrace (extracted text, furniture kept)", extracted, "storytrace"),
            ("baseline: trafilatura.extract default", baseline, "trafilatura"),
            ("baseline: plain html-to-text", plain, "plain")]
    print(f"{'extractor':<45} {'precision':>9} {'recall':>7} {'F1':>7} {'exact':>6} {'median ms/page':>15}")
    for name, predicted, clock in rows:
        s = score(truth, predicted)
        ms = 1000 * statistics.median(times[clock])
        print(f"{name:<45} {s['precision']:>9.4f} {s['recall']:>7.4f} {s['f1']:>7.4f} {s['exact']:>6.3f} {ms:>15.1f}")
    print(f"furniture marking over all pages: {clean_seconds:.2f} s; "
          f"pages with furniture: {sum(1 for a in articles if a.furniture)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="first N pages only (sorted by id)")
    args = parser.parse_args()
    run(args.data, args.limit)


if __name__ == "__main__":
    main()
