"""Re-judging pairs when the corpus statistics move (issue 13, item 2).

A pair is judged with the word weights of the store at its batch; as the store grows the weights
move (rarity capped by the corpus IDF from MIN_DOCUMENTS_FOR_CORPUS_IDF articles on), and with
them the TF-IDF cosine the event model reads. Measured on synthetic corpora this moves only the
relations the event model decides (related, same_event), and the similarity of reuse pairs: so
those are re-judged, from what the store
keeps, without segmenting or encoding anything: the cosine again from the two stored bags of
words with today's weights, the event model on the pair's stored features with it, the reuse
rule on its stored coverage. A pair found by meaning whose cosine falls below MIN_CANDIDATE_TFIDF
is dropped (analyze would not have compared it); one the event model now calls unrelated too.

When: at the end of a batch, the pairs whose judging batch saw fewer than 1 / STORE_REJUDGE_GROWTH
of today's articles (or fewer than MIN_DOCUMENTS_FOR_CORPUS_IDF, when the weights were rarity
alone). With a growth factor g each pair is re-judged O(log_g N) times over the store's life, so
the work stays proportional to the pairs. Each re-judged pair takes the batch's number (the
batch that last judged it, whose ``judged_by`` names the versions).

Reuse pairs keep their relation and direction; their similarity follows the re-computed event
similarity (relate.article_similarity lifts a reuse pair to it, up to the same-event threshold).
Not re-judged: a pair whose relation would become a reuse relation (partial by paraphrase once
it is no longer same_event: its direction needs the texts), and pairs never compared because
their cosine was below the threshold when their later article came (README).
"""

from __future__ import annotations

from itertools import accumulate

from .. import thresholds as T
from ..judge.event import FEATURES, get_event_model
from ..model import Coverage
from ..judge.relate import REUSE_RELATIONS, article_similarity, event_relation, reuse_relation
from . import stats
from .codec import pack_pair_data, relation_code, unpack_pair_data, with_evidence
from .store import Store

REJUDGE_CHUNK = 20_000  # pairs re-judged at a time (their articles' bags and TF-IDF rows in memory)


def stale_batches(store: Store, batch: int, documents: int) -> list[int]:
    """The batches before ``batch`` judged with weights that have moved enough since."""
    # an index, so the counts do not read the articles' texts (made in stores of schema 1 on first use)
    store.db.execute("CREATE INDEX IF NOT EXISTS articles_batch ON articles (batch)")
    rows = store.db.execute("SELECT batch, COUNT(*) FROM articles WHERE batch < ? GROUP BY batch ORDER BY batch",
                            (batch,)).fetchall()
    seen = list(accumulate(n for _, n in rows))  # articles stored when each batch was judged
    return [b for (b, _), n in zip(rows, seen)
            if n * T.STORE_REJUDGE_GROWTH < documents
            or n < T.MIN_DOCUMENTS_FOR_CORPUS_IDF <= documents]


def rejudge(store: Store, batch: int, weights: stats.Weights) -> set[str]:
    """Re-judge the stale batches' event pairs with ``weights`` (today's); the ids of the articles
    whose pairs changed relation or were dropped (their stories and sources are to be redone)."""
    stale = stale_batches(store, batch, weights.documents)
    if not stale:
        return set()
    rows = []
    for first in range(0, len(stale), 500):
        chunk = stale[first:first + 500]
        rows += store.db.execute(f"SELECT a, b, relation, data FROM pairs WHERE batch IN ({','.join('?' * len(chunk))}) "
                                 f"AND relation != 'duplicate'", chunk).fetchall()
    model = get_event_model()
    changed: set[str] = set()
    rows.sort()  # by article: a chunk's pairs share their articles' bags
    for first in range(0, len(rows), REJUDGE_CHUNK):
        changed |= _rejudge_rows(store, batch, weights, model, rows[first:first + REJUDGE_CHUNK])
        weights.forget_rows()  # memory bounded by the chunk, not by the store
    return changed


def _rejudge_rows(store: Store, batch: int, weights: stats.Weights, model, rows) -> set[str]:
    numbers = store.numbers(sorted({x for a, b, *_ in rows for x in (a, b)}))
    bags = store.bag_rows(list(numbers.values()))
    changed, updates, dropped = set(), [], []
    for a, b, relation, blob in rows:
        spans = {}  # where each evidence value's bytes are: only the re-judged ones are packed again
        data = unpack_pair_data(blob, spans)
        evidence = data["evidence"]
        if not all(f in evidence for f in FEATURES) or "event_similarity" not in evidence:
            continue  # sentence-sized texts: judged by the paraphrase judge, not by the event model
        cosine = stats.cosine(weights.row(bags[numbers[a]]), weights.row(bags[numbers[b]]))
        features = dict(evidence, tfidf_cosine=cosine)
        event_similarity = model.similarity(features)
        event = event_relation(event_similarity, model.same_event_threshold, model.related_threshold,
                               evidence.get("days_apart"))
        if "word_salad" in evidence and event == "same_event":
            event = "related"  # as judge.pair.salad_event: word salad reports no event
        coverage = Coverage(*data["coverage"][0]), Coverage(*data["coverage"][1])
        reuse = reuse_relation(*coverage, same_event=event == "same_event")
        if relation in REUSE_RELATIONS:
            # a reuse pair keeps its relation (and direction); its similarity follows its event
            # evidence (relate.article_similarity), unless the relation itself would move
            # (a rewrite the coverage does not give was found restated: judge.restated, kept)
            if reuse != relation and not (relation == "rewrite" and reuse is None and "restated" in evidence):
                continue
            new = relation
        elif reuse is not None:
            continue  # would be reuse: left as judged (see above)
        elif event is None or (data.get("meaning") and cosine < T.MIN_CANDIDATE_TFIDF):
            dropped.append((numbers[a], numbers[b]))
            changed.update((a, b))
            continue
        else:
            new = event
        similarity = article_similarity(new, *coverage, event_similarity, model.same_event_threshold)
        moved = {"tfidf_cosine": cosine, "event_similarity": event_similarity, "same_event": event == "same_event"}
        evidence.update(moved)
        # the same bytes as packing the whole pair again (codec.with_evidence), for a fifth of the
        # time; a pair whose evidence has no known layout (schema 2's bytes) is packed whole
        packed = with_evidence(blob, spans, moved) if spans.keys() >= moved.keys() else pack_pair_data(data)
        updates.append((relation_code(new), similarity, packed, batch, numbers[a], numbers[b]))
        if new != relation:
            changed.update((a, b))
    store.db.executemany("UPDATE pair_rows SET relation = ?, similarity = ?, data = ?, batch = ? WHERE a = ? AND b = ?",
                         updates)
    store.db.executemany("DELETE FROM pair_rows WHERE a = ? AND b = ?", dropped)
    return changed
