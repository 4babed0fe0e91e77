"""The pair judge: given two prepared articles, what links them (relation, similarity, coverage,
passages, direction). One judge for the batch engines (engine/pipeline.py, engine/distributed.py)
and the store.

- ``alignment``: the passages two texts share and how much of each they cover;
- ``pair``: the relation of one pair (sentence-sized texts as wholes, articles by coverage and
  the event model);
- ``batch``: many pairs at once (the event model vectorised, alignments in worker processes);
- the evidence they use: ``passages`` (verbatim passages), ``paraphrase`` (sentences matched by
  meaning), ``event`` (same happening or only the same actors), ``relate`` (one relation from
  coverage and event evidence), ``sentence_judge`` with ``cross_encoder`` and ``pairscore``
  (sentence-sized texts), ``restated``, ``word_order`` (word salad).
"""

from importlib import import_module

# name -> the module defining it. Loaded on first use, not here: text/ and provenance/ import judge's
# sentence-level modules (passages, paraphrase, relate), and the pair judge imports them back.
_EXPORTS = {
    "Alignment": "alignment", "NeedsEncoder": "alignment", "align_pair": "alignment",
    "counted_words": "alignment", "is_short": "alignment",
    "NEEDS_ENCODER": "batch", "compare_many": "batch", "judge_by_event": "batch", "needs_alignment": "batch",
    "compare_prepared": "pair", "judge_articles": "pair", "judge_sentences": "pair",
    "pair_event_features": "pair",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
