"""The decision on two sentence-sized texts (``compare`` on two sentences, short texts in a corpus).

Paraphrase or not is the blend (mean log-odds) of the cross-encoder (``judge/cross_encoder.py``), which
reads both sentences together, and a pair scorer of ``judge/pairscore.py``'s recipe (features of names,
numbers, rare words, word order), fitted on the same MRPC pairs as the cross-encoder (never the
locked ones). On the development split the blend beat either alone (BENCHMARKS.md, "Paraphrase
judge"). Its scorer part, weights and threshold are ``data/judge.json`` (``scripts/calibrate_judge.py``).
The graded similarity stays the shipped pair scorer's STS head.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .cross_encoder import get_judge
from .pairscore import N_ODDS, _Head, features_batch, get_scorer, odds_columns, pair_stem_sets

JUDGE_PATH = Path(__file__).parent.parent / "data" / "judge.json"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def blend(p_cross, p_scorer, weights: dict) -> np.ndarray:
    """Mean of the two probabilities' log-odds, weighted, as a probability."""
    z = weights["cross_encoder"] * _logit(np.asarray(p_cross, float)) + weights["scorer"] * _logit(np.asarray(p_scorer, float))
    return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def load_judge() -> dict:
    spec = json.loads(JUDGE_PATH.read_text(encoding="utf-8"))
    part = spec["scorer"]
    odds = part["word_odds"]
    return {"weights": spec["weights"], "threshold": float(spec["threshold"]), "head": _Head(part["paraphrase"]),
            "mean": np.asarray(part["mean"]), "scale": np.asarray(part["scale"]),
            "odds": (odds["unmatched"], odds["shared"])}


def judge_sentence_pair(text_a: str, text_b: str, cosine: float) -> tuple[float, float, float]:
    """(paraphrase probability, the threshold it is judged against, graded similarity in [0, 1])."""
    judge = load_judge()
    features = features_batch([(text_a, text_b)], [cosine])
    similarity = float(get_scorer().similarity(features)[0])
    # the scorer part has its own word-evidence tables (learned without the locked pairs)
    features[:, -N_ODDS:] = odds_columns(pair_stem_sets([(text_a, text_b)]), *judge["odds"])
    p_scorer = judge["head"]((features - judge["mean"]) / judge["scale"])
    p_cross = get_judge().probability(text_a, text_b)
    return float(blend(p_cross, p_scorer, judge["weights"])[0]), judge["threshold"], similarity
