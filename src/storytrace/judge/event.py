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
from collections.abc import Collection
from functools import lru_cache
from importlib import resources

import numpy as np

from ..text.dates import parse_date
from ..text.tfidf import rarity

FEATURES = ("lead_cosine", "tfidf_cosine", "term_overlap", "number_overlap")


def event_features(lead_a: np.ndarray, lead_b: np.ndarray, tfidf_cosine: float, terms_a: Collection[str],
                   terms_b: Collection[str], published_a: str | None, published_b: str | None) -> dict[str, float]:
    """Cheap article-pair evidence (no sentence vectors), so every candidate pair can afford it."""
    return event_features_batch(np.stack([lead_a, lead_b]), np.array([[0, 1]]), np.array([tfidf_cosine]),
                                [terms_a, terms_b], [published_a, published_b])[0]


def event_features_batch(leads: np.ndarray, pairs: np.ndarray, tfidf_cosines: np.ndarray,
                         terms: list[Collection[str]], published: list[str | None]) -> list[dict[str, float]]:
    """``event_features`` of many pairs (rows of ``pairs`` index ``leads``, ``terms``, ``published``):
    the lead cosines are one vectorised product, each article's terms and date are read once.

    * term_overlap: the rarity-weighted share of the smaller term set found in the other (rare names
      count more than common words that happen to be capitalised), summed with fsum so that it does
      not depend on the order the sets iterate in (string hashing varies between runs);
    * number_overlap: the share of the smaller set of numbers found in the other;
    * days_apart: None unless both dates are known. Not a model feature: the calibration pairs are
      all published within days of each other, so time is a rule (thresholds.MAX_SAME_EVENT_DAYS)."""
    lead_cos = np.einsum("ij,ij->i", leads[pairs[:, 0]], leads[pairs[:, 1]]) if len(pairs) else np.zeros(0)
    terms = [ts if isinstance(ts, (set, frozenset)) else set(ts) for ts in terms]  # kept as tuples (key_terms)
    numbers = [{t for t in ts if t[:1].isdigit()} for ts in terms]
    mass = [math.fsum(rarity(t) for t in ts) for ts in terms]
    dates = [parse_date(p) for p in published]
    out = []
    for (i, j), lc, tc in zip(pairs.tolist(), lead_cos.tolist(), np.asarray(tfidf_cosines, float).tolist()):
        ta, tb = terms[i], terms[j]
        overlap = math.fsum(rarity(t) for t in ta & tb) / min(mass[i], mass[j]) if ta and tb else 0.0
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
