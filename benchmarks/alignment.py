#!/usr/bin/env python
"""Alignment quality on the PAN-13 text-alignment subset (no obfuscation), beside a naive baseline.

    python benchmarks/alignment.py [--data ../shared/data] [--limit N]

Data: ``pan13_textalign_subset`` (500 source/suspicious document pairs, 624 plagiarism cases
copied without obfuscation). The texts were re-encoded after the truth was written, so the
truth offsets drift (by up to a few per cent of the position). Each case is therefore
*re-located* before scoring: inside a window around its stated spans (margin: 200 characters
plus 8% of the offset) the two texts' words are matched (``difflib``, blocks of >= 4 words) and
the case becomes the hull of the ordered chain of blocks; a case whose re-located spans keep
less than half of its stated length cannot be scored, and its pair is left out (and counted). Scores are therefore
approximate, not official PAN figures.

storytrace: ``storytrace.compare(source, suspicious)``; every passage (verbatim or paraphrase)
is a detection ``(source span, suspicious span)``.
Baseline (same run): every shared word 5-gram, runs of consecutive shared 5-grams merged into one
detection (no gap bridging): plain shingle matching.

Figures (Potthast et al. 2010, on characters of both documents, macro-averaged):

* recall: mean over cases of the share of the case's characters covered by detections;
* precision: mean over detections of the share of their characters inside some case;
* granularity: mean number of detections overlapping each detected case (1 is ideal);
* plagdet: F1 / log2(1 + granularity);
* cases detected: share of cases with >= 50% of their characters covered in both documents.
"""

from __future__ import annotations

import argparse
import difflib
import math
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORD = re.compile(r"\w+")
MIN_BLOCK_WORDS = 4
BASELINE_NGRAM = 5


# ---------------------------------------------------------------- data

def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _words(text: str, lo: int, hi: int) -> tuple[list[str], list[tuple[int, int]]]:
    lo, hi = max(0, lo), min(len(text), hi)
    spans = [(m.start() + lo, m.end() + lo) for m in WORD.finditer(text[lo:hi])]
    return [text[s:e].lower() for s, e in spans], spans


def relocate(src: str, susp: str, so: int, sl: int, to: int, tl: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The case's (source span, suspicious span) re-found in the texts, or None."""
    ms = 200 + int(0.08 * so)
    mt = 200 + int(0.08 * to)
    ws, ss = _words(src, so - ms, so + sl + ms)
    wt, st = _words(susp, to - mt, to + tl + mt)
    if not ws or not wt:
        return None
    blocks = [b for b in difflib.SequenceMatcher(None, ws, wt, autojunk=False).get_matching_blocks()
              if b.size >= MIN_BLOCK_WORDS]
    if not blocks:
        return None
    # the chain of blocks around the longest one, joined while the gaps stay small in both texts
    k = max(range(len(blocks)), key=lambda i: blocks[i].size)
    lo = hi = k
    gap = 12
    while lo > 0 and blocks[lo].a - (blocks[lo - 1].a + blocks[lo - 1].size) <= gap \
            and blocks[lo].b - (blocks[lo - 1].b + blocks[lo - 1].size) <= gap:
        lo -= 1
    while hi < len(blocks) - 1 and blocks[hi + 1].a - (blocks[hi].a + blocks[hi].size) <= gap \
            and blocks[hi + 1].b - (blocks[hi].b + blocks[hi].size) <= gap:
        hi += 1
    a0, a1 = blocks[lo].a, blocks[hi].a + blocks[hi].size - 1
    b0, b1 = blocks[lo].b, blocks[hi].b + blocks[hi].size - 1
    s_span = (ss[a0][0], ss[a1][1])
    t_span = (st[b0][0], st[b1][1])
    if (s_span[1] - s_span[0]) < 0.5 * sl or (t_span[1] - t_span[0]) < 0.5 * tl:
        return None
    return s_span, t_span


def load_pairs(data: Path, limit: int = 0):
    """[(source text, suspicious text, [(source span, suspicious span), ...]), ...], stated cases, lost cases."""
    folder = data / "pan13_textalign_subset"
    pairs, stated, lost = [], 0, 0
    files = sorted((folder / "02-no-obfuscation").glob("*.xml"))
    if limit:
        files = files[:limit]
    cache: dict[Path, str] = {}

    def text(p: Path) -> str:
        if p not in cache:
            cache[p] = _read(p)
        return cache[p]

    for f in files:
        root = ET.parse(f).getroot()
        susp = text(folder / "susp" / root.get("reference"))
        src_name, cases, missing = None, [], 0
        for feat in root.findall("feature"):
            if feat.get("name") != "plagiarism":
                continue
            src_name = feat.get("source_reference")
            src = text(folder / "src" / src_name)
            stated += 1
            case = relocate(src, susp, int(feat.get("source_offset")), int(feat.get("source_length")),
                            int(feat.get("this_offset")), int(feat.get("this_length")))
            if case is None:
                missing += 1
            else:
                cases.append(case)
        lost += missing
        # a pair with a case that could not be re-located is left out: its detections would count as false
        if src_name is not None and not missing:
            pairs.append((text(folder / "src" / src_name), susp, cases))
    return pairs, stated, lost


# ---------------------------------------------------------------- detectors

def storytrace_detections(src: str, susp: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    import storytrace

    pair = storytrace.compare(src, susp)
    return [(tuple(p["a"]), tuple(p["b"])) for p in pair["passages"]]


def baseline_detections(src: str, susp: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    ws, ss = _words(src, 0, len(src))
    wt, st = _words(susp, 0, len(susp))
    n = BASELINE_NGRAM
    where: dict[tuple, list[int]] = {}
    for i in range(len(ws) - n + 1):
        where.setdefault(tuple(ws[i:i + n]), []).append(i)
    hits = sorted((j - i, i) for j in range(len(wt) - n + 1) for i in where.get(tuple(wt[j:j + n]), ()))
    out = []
    run = None
    for diag, i in hits:
        if run and run[0] == diag and i == run[2] + 1:
            run[2] = i
            continue
        if run:
            out.append(run)
        run = [diag, i, i]
    if run:
        out.append(run)
    dets = []
    for diag, i0, i1 in out:
        a0, a1 = i0, i1 + n - 1
        dets.append(((ss[a0][0], ss[a1][1]), (st[a0 + diag][0], st[a1 + diag][1])))
    return dets


# ---------------------------------------------------------------- measures

def _mask(length: int, spans) -> np.ndarray:
    m = np.zeros(length, dtype=bool)
    for s, e in spans:
        m[s:e] = True
    return m


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


def score(pairs, detections) -> dict:
    """PAN character measures (both documents), macro-averaged over all cases and detections."""
    case_recall, det_precision, gran, detected = [], [], [], 0
    for (src, susp, cases), dets in zip(pairs, detections):
        ds = _mask(len(src), [d[0] for d in dets])
        dt = _mask(len(susp), [d[1] for d in dets])
        cs = _mask(len(src), [c[0] for c in cases])
        ct = _mask(len(susp), [c[1] for c in cases])
        for c in cases:
            rs = ds[c[0][0]:c[0][1]].mean() if c[0][1] > c[0][0] else 0.0
            rt = dt[c[1][0]:c[1][1]].mean() if c[1][1] > c[1][0] else 0.0
            n_s, n_t = c[0][1] - c[0][0], c[1][1] - c[1][0]
            case_recall.append((rs * n_s + rt * n_t) / max(1, n_s + n_t))
            if rs >= 0.5 and rt >= 0.5:
                detected += 1
            hits = sum(1 for d in dets if _overlap(d[0], c[0]) and _overlap(d[1], c[1]))
            if hits:
                gran.append(hits)
        for d in dets:
            n_s, n_t = d[0][1] - d[0][0], d[1][1] - d[1][0]
            inside = cs[d[0][0]:d[0][1]].sum() + ct[d[1][0]:d[1][1]].sum()
            det_precision.append(inside / max(1, n_s + n_t))
    n_cases = len(case_recall)
    recall = float(np.mean(case_recall)) if case_recall else 0.0
    precision = float(np.mean(det_precision)) if det_precision else 0.0
    granularity = float(np.mean(gran)) if gran else 1.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return {"recall": recall, "precision": precision, "granularity": granularity,
            "plagdet": f1 / math.log2(1 + granularity), "cases_detected": detected / max(1, n_cases),
            "cases": n_cases, "detections": len(det_precision)}


def run(data: Path, limit: int = 0, out=print) -> dict:
    t = time.perf_counter()
    pairs, stated, lost = load_pairs(data, limit)
    n_cases = sum(len(c) for _, _, c in pairs)
    out(f"PAN-13 subset: {stated} cases stated, {lost} not re-located; scored: {len(pairs)} pairs whose cases "
        f"all re-located, {n_cases} cases")
    t = time.perf_counter()
    ours = score(pairs, [storytrace_detections(s, p) for s, p, _ in pairs])
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    base = score(pairs, [baseline_detections(s, p) for s, p, _ in pairs])
    t_base = time.perf_counter() - t
    out(f"{'PAN figure':<28} {'storytrace':>10} {'5-gram runs':>11}")
    for key in ("recall", "precision", "granularity", "plagdet", "cases_detected"):
        out(f"{key:<28} {ours[key]:>10.4f} {base[key]:>11.4f}")
    out(f"{'detections':<28} {ours['detections']:>10d} {base['detections']:>11d}")
    out(f"{'seconds':<28} {t_ours:>10.1f} {t_base:>11.1f}")
    return {"storytrace": ours, "baseline": base, "stated": stated, "lost": lost}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="storytrace alignment quality on the PAN-13 subset")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs (quick check)")
    args = ap.parse_args(argv)
    run(args.data, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
