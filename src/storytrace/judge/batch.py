"""The pair judge over many pairs: the event model on all text-free pairs at once, the others aligned
one by one, in forked worker processes when there are enough of them."""

from __future__ import annotations

from functools import partial

import numpy as np

from .. import thresholds as T
from .event import event_features_batch, get_event_model
from ..encode.embed import DIMENSIONS
from ..encode.leads import unpack_many
from ..model import Coverage, Pair
from ..text.prepared import Prepared, Progress
from ..engine.processes import MIN_PAIRS, can_fork, chunked, map_chunks
from .relate import event_relation, event_similarity_of
from .alignment import NeedsEncoder, is_short
from .restated import short_paragraphs
from .pair import compare_prepared, salad_event


def needs_alignment(left: list[Prepared], right: list[Prepared], pairs: np.ndarray, cosines: np.ndarray,
                    shares_text: np.ndarray) -> np.ndarray:
    """Which pairs must be aligned one by one: those sharing text, those whose vocabulary is close
    enough for a rewording (the paraphrase gate), pairs of sentence-sized texts and of short
    paragraphs. For the rest
    (most candidate pairs of a large corpus: same beat, other story) nothing can be aligned, and the
    event model alone decides, for all of them at once (``judge_by_event``)."""
    def both(test) -> np.ndarray:
        on_left = np.array([test(p) for p in left], dtype=bool)
        on_right = on_left if right is left else np.array([test(p) for p in right], dtype=bool)
        return on_left[pairs[:, 0]] & on_right[pairs[:, 1]] if len(pairs) else np.zeros(0, bool)

    # two short paragraphs may be a heavy rewrite of one another (``restated``), which the event
    # model alone cannot see
    return shares_text | (cosines >= T.PARAPHRASE_GATE_TFIDF) | both(is_short) | both(short_paragraphs)


# Event-only pairs are featured a block at a time: the features of one block (dicts, the block's
# leads unpacked, their term sets) are held, not a float32 stack of every article's lead (1.5 KB an
# article) and a dict for every such pair at once (BENCHMARKS.md "Memory of `analyze`, sixth
# session"). The similarities are still made in one product over all the pairs' rows, as before.
EVENT_BLOCK = 16_384
_EVENT_COLUMNS = ("lead_cosine", "tfidf_cosine", "term_overlap", "number_overlap", "days_apart")


def judge_by_event(left: list[Prepared], right: list[Prepared], pairs: np.ndarray,
                   cosines: np.ndarray) -> list[Pair | None]:
    """``compare_prepared`` for pairs that share no text and fail the paraphrase gate: no passages,
    no coverage, the relation is the event model's (same_event, related or none), decided in one
    vectorised pass. Gives what ``compare_prepared`` gives for such pairs, field for field."""
    if not len(pairs):
        return []
    # one list of articles that the pair rows index: right's follow left's, unless they are the same
    members = left if right is left else [*left, *right]
    both = pairs + np.array([0, 0 if right is left else len(left)])
    table = event_table(members, both, cosines)
    model = get_event_model()
    similarity = model.similarities(table[:, [_EVENT_COLUMNS.index(name) for name in model.features]])
    out: list[Pair | None] = []
    for (i, j), row, sim in zip(pairs.tolist(), table.tolist(), similarity.tolist()):
        f = dict(zip(_EVENT_COLUMNS, row))
        f["days_apart"] = None if np.isnan(f["days_apart"]) else f["days_apart"]
        evidence: dict = {}
        relation = salad_event(event_relation(sim, model.same_event_threshold, model.related_threshold,
                                              f["days_apart"]), left[i], right[j], evidence)
        if relation is None:
            out.append(None)
            continue
        evidence = dict(f, **evidence, event_similarity=sim, same_event=relation == "same_event")
        score = event_similarity_of(relation, sim, model.same_event_threshold)
        out.append(Pair(left[i].id, right[j].id, relation, score, Coverage(), Coverage(), [], None, None,
                        evidence))
    return out


def event_table(members: list[Prepared], pairs: np.ndarray, cosines: np.ndarray) -> np.ndarray:
    """``event_features_batch`` of the pairs (rows index ``members``) as one float64 row each, in
    ``_EVENT_COLUMNS`` order (NaN: days apart unknown), made EVENT_BLOCK pairs at a time from the
    members' packed leads."""
    table = np.empty((len(pairs), len(_EVENT_COLUMNS)))
    for first in range(0, len(pairs), EVENT_BLOCK):
        block = pairs[first:first + EVENT_BLOCK]
        ids, local = np.unique(block.ravel(), return_inverse=True)
        chosen = [members[i] for i in ids.tolist()]
        feats = event_features_batch(unpack_many([p.packed_lead for p in chosen], DIMENSIONS),
                                     local.reshape(-1, 2), cosines[first:first + EVENT_BLOCK],
                                     [p.terms for p in chosen], [p.article.published for p in chosen])
        table[first:first + len(block)] = [[np.nan if f[c] is None else f[c] for c in _EVENT_COLUMNS]
                                           for f in feats]
    return table


def compare_many(left: list[Prepared], right: list[Prepared], pairs: np.ndarray, cosines: np.ndarray,
                 shares_text: np.ndarray, weight: dict[str, float],
                 progress: Progress | None = None, processes: int = 1) -> list[Pair | None]:
    """``compare_prepared`` on every pair (rows of ``pairs`` index ``left`` and ``right``), in order;
    None where a pair is unrelated. Pairs only the event model can judge are judged together; the
    others are aligned one by one, in ``processes`` forked workers when there are enough of them."""
    out: list[Pair | None] = [None] * len(pairs)
    aligned = needs_alignment(left, right, pairs, cosines, shares_text)
    event_only = np.flatnonzero(~aligned)
    for k, pair in zip(event_only.tolist(), judge_by_event(left, right, pairs[event_only], cosines[event_only])):
        out[k] = pair
    one_by_one = np.flatnonzero(aligned)
    done = len(event_only)
    if progress:
        progress("compare", done, len(pairs))
    context = (left, right, pairs, cosines, shares_text, weight)
    chunks = chunked(one_by_one)
    pending: list[int] = []  # pairs the workers left for the encoder, which stays in this process
    if processes > 1 and len(one_by_one) >= MIN_PAIRS and can_fork():
        results = map_chunks(partial(_compare_chunk, can_encode=False), chunks, context, processes)
    else:
        results = ((n, _compare_chunk(context, chunk, can_encode=True)) for n, chunk in enumerate(chunks))
    for n, chunk_pairs in results:
        for k, pair in zip(chunks[n].tolist(), chunk_pairs):
            if isinstance(pair, str):  # NEEDS_ENCODER
                pending.append(k)
            else:
                out[k] = pair
                done += 1
        if progress:
            progress("compare", done, len(pairs))
    # the encoder runs on every core already: pairs needing it are aligned here, one at a time
    for n, k in enumerate(sorted(pending), 1):
        out[k] = _compare_chunk(context, np.array([k]), can_encode=True)[0]
        if progress and (n % 16 == 0 or n == len(pending)):
            progress("compare", done + n, len(pairs))
    return out


NEEDS_ENCODER = "needs the encoder"  # a worker's answer for a pair it leaves to this process


def _compare_chunk(context: tuple, chunk: np.ndarray, can_encode: bool) -> list[Pair | None | str]:
    """``compare_prepared`` on the chunk's pairs; without ``can_encode``, NEEDS_ENCODER for a pair
    that needs sentence vectors."""
    left, right, pairs, cosines, shares_text, weight = context
    out: list[Pair | None | str] = []
    for k, (i, j) in zip(chunk.tolist(), pairs[chunk].tolist()):
        try:
            out.append(compare_prepared(left[i], right[j], float(cosines[k]), weight,
                                        shares_text=bool(shares_text[k]), can_encode=can_encode))
        except NeedsEncoder:
            out.append(NEEDS_ENCODER)
    return out
