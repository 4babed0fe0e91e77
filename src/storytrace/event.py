"""Same happening or only the same actors? Article-pair evidence for "same event".

Features a desk editor would weigh: how close the article vectors (title and lead) and the
rarity-weighted bags of words are, and how many of the uncommon names and numbers the two
share. (Sentence-vector features added little in cross-validation and cost an encoder pass
over every sentence of every candidate, so they are left out.) A linear model over them,
fitted by ``scripts/calibrate_events.py`` on SemEval-2022 Task 8 (graded same-event judgements) and WikiRef220 (different topics),
predicts a similarity in [0, 1] (1 = same event told the same way, 0 = unrelated).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

import numpy as np

from .dates import parse_date
from .tfidf import rarity

FEATURES = ("lead_cosine", "tfidf_cosine", "term_overlap", "number_overlap")


def weighted_overlap(a: set[str], b: set[str]) -> float:
    """Rarity-weighted share of the smaller term set found in the other: rare names count more than
    common words that happen to be capitalised."""
    if not a or not b:
        return 0.0
    # fsum: the same figure whatever order the sets iterate in (string hashing varies between runs)
    shared = math.fsum(rarity(t) for t in a & b)
    return shared / min(math.fsum(rarity(t) for t in a), math.fsum(rarity(t) for t in b))


def days_apart(published_a: str | None, published_b: str | None) -> float | None:
    """Days between two publication dates, None unless both are known. Not a model feature: the
    calibration data's pairs are all published within days of each other, so time is a rule
    (thresholds.MAX_SAME_EVENT_DAYS), not a learned weight."""
    da, db = parse_date(published_a), parse_date(published_b)
    if not (da and db):
        return None
    return abs((da - db).total_seconds()) / 86400.0


def event_features(lead_a: np.ndarray, lead_b: np.ndarray, tfidf_cosine: float, terms_a: set[str],
                   terms_b: set[str], published_a: str | None, published_b: str | None) -> dict[str, float]:
    """Cheap article-pair evidence (no sentence vectors), so every candidate pair can afford it."""
    numbers_a = {t for t in terms_a if t[:1].isdigit()}
    numbers_b = {t for t in terms_b if t[:1].isdigit()}
    return {"lead_cosine": float(lead_a @ lead_b), "tfidf_cosine": float(tfidf_cosine),
            "term_overlap": weighted_overlap(terms_a, terms_b),
            "number_overlap": len(numbers_a & numbers_b) / max(1, min(len(numbers_a), len(numbers_b))),
            "days_apart": days_apart(published_a, published_b)}


def event_features_batch(leads: np.ndarray, pairs: np.ndarray, tfidf_cosines: np.ndarray,
                         terms: list[set[str]], published: list[str | None]) -> list[dict[str, float]]:
    """``event_features`` of many pairs (rows of ``pairs`` index ``leads``, ``terms``, ``published``):
    the lead cosines are one vectorised product, the term sets are read once per article."""
    lead_cos = np.einsum("ij,ij->i", leads[pairs[:, 0]], leads[pairs[:, 1]]) if len(pairs) else np.zeros(0)
    numbers = [{t for t in ts if t[:1].isdigit()} for ts in terms]
    mass = [math.fsum(rarity(t) for t in ts) for ts in terms]
    dates = [parse_date(p) for p in published]
    out = []
    for (i, j), lc, tc in zip(pairs.tolist(), lead_cos.tolist(), tfidf_cosines.tolist()):
        ta, tb = terms[i], terms[j]
        shared = ta & tb
        overlap = math.fsum(rarity(t) for t in shared) / min(mass[i], mass[j]) if ta and tb else 0.0
        na, nb = numbers[i], numbers[j]
        da, db = dates[i], dates[j]
        out.append({"lead_cosine": lc, "tfidf_cosine": tc, "term_overlap": overlap,
                    "number_overlap": len(na & nb) / max(1, min(len(na), len(nb))),
                    "days_apart": abs((da - db).total_seconds()) / 86400.0 if da and db else None})
    return out


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
        return float(self.similarities(np.array([[features[f] for f in self.features]]))[0])

    def similarities(self, rows: np.ndarray) -> np.ndarray:
        """One similarity per row of feature values (columns in ``self.features`` order)."""
        return np.clip(((rows - self.mean) / self.scale) @ self.coef + self.intercept, 0.0, 1.0)


@lru_cache(maxsize=1)
def get_event_model() -> EventModel:
    return EventModel.load()
