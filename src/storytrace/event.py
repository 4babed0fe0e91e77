"""Same happening or only the same actors? Article-pair evidence for "same event".

Features a desk editor would weigh: how close the article vectors (title and lead) and the
body vectors are, how many of the uncommon names and numbers the two share (weighted by
rarity), how many sentences find a close partner, and how far apart the publication dates
are when both are known. A linear model over them, fitted by ``scripts/calibrate_events.py``
on SemEval-2022 Task 8 (graded same-event judgements) and WikiRef220 (different topics),
predicts a similarity in [0, 1] (1 = same event told the same way, 0 = unrelated).
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from functools import lru_cache
from importlib import resources

import numpy as np
from wordfreq import zipf_frequency

FEATURES = ("lead_cosine", "body_cosine", "term_overlap", "number_overlap", "sentence_match_share",
            "best_sentence_cosine", "date_gap_known", "date_gap_days_log")


@lru_cache(maxsize=1 << 18)
def term_weight(term: str) -> float:
    """Rarity of a term: rare names count more than common words that happen to be capitalised."""
    if term[:1].isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf_frequency(term, "en"))


def weighted_overlap(a: set[str], b: set[str]) -> float:
    """Rarity-weighted share of the smaller term set found in the other."""
    if not a or not b:
        return 0.0
    shared = sum(term_weight(t) for t in a & b)
    return shared / min(sum(term_weight(t) for t in a), sum(term_weight(t) for t in b))


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")[:19])
    except ValueError:
        return None


def event_features(lead_a: np.ndarray, lead_b: np.ndarray, body_a: np.ndarray | None, body_b: np.ndarray | None,
                   terms_a: set[str], terms_b: set[str], sent_a: np.ndarray | None, sent_b: np.ndarray | None,
                   published_a: str | None, published_b: str | None) -> dict[str, float]:
    lead_cos = float(lead_a @ lead_b)
    body_cos = float(body_a @ body_b) if body_a is not None and body_b is not None else lead_cos
    numbers_a = {t for t in terms_a if t[:1].isdigit()}
    numbers_b = {t for t in terms_b if t[:1].isdigit()}
    number_overlap = len(numbers_a & numbers_b) / max(1, min(len(numbers_a), len(numbers_b)))
    if sent_a is not None and sent_b is not None and len(sent_a) and len(sent_b):
        sims = sent_a @ sent_b.T
        best_a, best_b = sims.max(axis=1), sims.max(axis=0)
        match_share = 0.5 * (float((best_a >= 0.6).mean()) + float((best_b >= 0.6).mean()))
        best = float(sims.max())
    else:
        match_share, best = 0.0, lead_cos
    da, db = _date(published_a), _date(published_b)
    gap_known = 1.0 if da and db else 0.0
    gap = math.log1p(abs((da.replace(tzinfo=None) - db.replace(tzinfo=None)).days)) if da and db else 0.0
    return {"lead_cosine": lead_cos, "body_cosine": body_cos, "term_overlap": weighted_overlap(terms_a, terms_b),
            "number_overlap": number_overlap, "sentence_match_share": match_share, "best_sentence_cosine": best,
            "date_gap_known": gap_known, "date_gap_days_log": gap}


class EventModel:
    def __init__(self, params: dict):
        self.features = tuple(params["features"])
        self.mean = np.array(params["mean"])
        self.scale = np.array(params["scale"])
        self.coef = np.array(params["coef"])
        self.intercept = float(params["intercept"])
        self.same_event_threshold = float(params["same_event_threshold"])
        self.related_threshold = float(params["related_threshold"])

    @classmethod
    def load(cls) -> "EventModel":
        text = resources.files("storytrace").joinpath("data/event_model.json").read_text(encoding="utf-8")
        return cls(json.loads(text))

    def similarity(self, features: dict[str, float]) -> float:
        x = (np.array([features[f] for f in self.features]) - self.mean) / self.scale
        return float(min(1.0, max(0.0, x @ self.coef + self.intercept)))


@lru_cache(maxsize=1)
def get_event_model() -> EventModel:
    return EventModel.load()
