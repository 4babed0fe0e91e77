"""The pair judge: given two prepared articles, what links them (relation, similarity, coverage,
passages, direction). One judge for the batch engines (pipeline.py, distributed.py) and the store.

- ``alignment``: the passages two texts share and how much of each they cover;
- ``pair``: the relation of one pair (sentence-sized texts as wholes, articles by coverage and
  the event model);
- ``batch``: many pairs at once (the event model vectorised, alignments in worker processes).
"""

from .alignment import Alignment, NeedsEncoder, align_pair, counted_words, is_short
from .batch import NEEDS_ENCODER, compare_many, judge_by_event, needs_alignment
from .pair import compare_prepared, judge_articles, judge_sentences, pair_event_features

__all__ = ["Alignment", "NeedsEncoder", "align_pair", "counted_words", "is_short", "NEEDS_ENCODER",
           "compare_many", "judge_by_event", "needs_alignment", "compare_prepared", "judge_articles",
           "judge_sentences", "pair_event_features"]
