"""The relation of one pair of prepared articles: sentence-sized texts judged as wholes, articles by
the coverage of their alignment and, without reuse, by the event model."""

from __future__ import annotations

from .. import thresholds as T
from ..provenance.direction import context_fit, direction
from .event import event_features, get_event_model
from ..model import Doc, Pair
from ..text.prepared import Prepared
from .relate import REUSE_RELATIONS, article_similarity, event_relation, reuse_relation
from .sentence_judge import judge_sentence_pair
from .alignment import Alignment, NeedsEncoder, align_pair, is_short
from .restated import restated


def judge_sentences(pa: Prepared, pb: Prepared, aligned: Alignment, evidence: dict,
                    always_report: bool) -> tuple[str | None, float, Alignment]:
    """Sentence-sized texts: judged as wholes, paraphrase by ``sentence_judge`` (cross-encoder + pair
    scorer). Returns the alignment too: without its paraphrase passages when the judge says the
    texts are no paraphrase of each other."""
    if not len(pa.doc) or not len(pb.doc):
        return None, 0.0, aligned  # an empty text shares nothing with anything
    relation = reuse_relation(aligned.coverage_a, aligned.coverage_b, same_event=False)
    cos = float(pa.body_vector @ pb.body_vector)
    probability, threshold, similarity = judge_sentence_pair(_body(pa.doc), _body(pb.doc), cos)
    evidence["paraphrase_probability"] = probability
    paraphrase = probability >= threshold and similarity >= T.SHORT_PARAPHRASE_MIN_SIMILARITY
    if paraphrase:
        if relation not in ("duplicate", "version"):
            relation = "rewrite"
    elif relation in ("rewrite", "partial"):
        relation = None  # sentence matches the whole-text scorer does not confirm
    elif relation == "version" and min(aligned.coverage_a.verbatim, aligned.coverage_b.verbatim) < T.SHORT_VERSION_VERBATIM:
        # a shared frame ("The prime minister announced that the ...") around other facts: not one
        # statement edited, unless nearly every word is the same (a figure or a name changed)
        relation = None
    if relation is None and always_report and similarity >= T.SHORT_RELATED_SIMILARITY:
        relation = "related"
    # the graded similarity agrees with the relation: a reuse pair at least "roughly equivalent",
    # a related one at most that
    if relation in REUSE_RELATIONS:
        similarity = max(similarity, T.SHORT_REUSE_SIMILARITY)
    elif relation == "related":
        similarity = min(similarity, T.SHORT_REUSE_SIMILARITY)
    if not paraphrase and relation not in REUSE_RELATIONS:
        aligned = aligned.verbatim_only()
    return relation, similarity, aligned


def judge_articles(pa: Prepared, pb: Prepared, tfidf_cosine: float, aligned: Alignment,
                   evidence: dict, can_encode: bool = True) -> tuple[str | None, float]:
    """Articles: reuse by coverage; without reuse, the event model tells same event from related,
    unless two short texts say the same things in other words (``restated``: a heavy rewrite)."""
    feats = pair_event_features(pa, pb, tfidf_cosine)
    model = get_event_model()
    event_similarity = model.similarity(feats)
    event = salad_event(event_relation(event_similarity, model.same_event_threshold, model.related_threshold,
                                       feats["days_apart"]), pa, pb, evidence)
    evidence.update(feats, event_similarity=event_similarity, same_event=event == "same_event")
    relation = reuse_relation(aligned.coverage_a, aligned.coverage_b, same_event=event == "same_event")
    if relation is None and event is not None:
        found = restated(pa, pb, can_encode)
        if found is not None:
            evidence["restated"] = found.to_json()
            if found.holds:
                relation = "rewrite"  # by the order-free evidence, not the in-order coverage
    relation = relation or event
    if relation is None:
        return None, event_similarity
    return relation, article_similarity(relation, aligned.coverage_a, aligned.coverage_b, event_similarity,
                                        model.same_event_threshold)


def salad_event(event: str | None, pa: Prepared, pb: Prepared, evidence: dict) -> str | None:
    """Word salad reports no event: a pair with one is `related` at most (its words are the other's),
    never `same_event`; ``evidence["word_salad"]`` then names the side(s). Only a same-event verdict
    is checked (the check reads every word of both texts: most pairs need not pay for it)."""
    if event != "same_event":
        return event
    salad = [side for side, p in (("a", pa), ("b", pb)) if p.word_salad]
    if not salad:
        return event
    evidence["word_salad"] = salad
    return "related"


def compare_prepared(pa: Prepared, pb: Prepared, tfidf_cosine: float, weight: dict[str, float],
                     always_report: bool = False, shares_text: bool = True, can_encode: bool = True) -> Pair | None:
    """Align one pair and decide its relation; None when the two are unrelated. A pair known to share
    no text (``shares_text`` False: neither the n-gram index nor the sketches saw any) skips the
    verbatim alignment: it could find a phrase or two at most, never a coverage that changes the
    relation. Without ``can_encode``, a pair that needs sentence vectors raises ``NeedsEncoder``."""
    da, db = pa.doc, pb.doc
    short = is_short(pa) and is_short(pb)
    if short and not can_encode:
        raise NeedsEncoder  # sentence-sized texts are judged by their vectors
    aligned = align_pair(pa, pb, tfidf_cosine, weight, short, shares_text, can_encode)
    evidence: dict = {"lead_cosine": float(pa.lead @ pb.lead), "tfidf_cosine": tfidf_cosine}
    if short:
        relation, similarity, aligned = judge_sentences(pa, pb, aligned, evidence, always_report)
    else:
        relation, similarity = judge_articles(pa, pb, tfidf_cosine, aligned, evidence, can_encode)
    if relation is None:
        if not always_report:
            return None
        relation = "unrelated"
    cov_a, cov_b = aligned.coverage_a, aligned.coverage_b
    fit = context_fit(da, db, aligned.passages, weight) if relation in ("version", "rewrite", "partial") else None
    source, derived = direction(relation, da.article, db.article, cov_a, cov_b, len(da), len(db), fit)
    return Pair(da.id, db.id, relation, similarity, cov_a, cov_b, aligned.passages, source, derived, evidence)


def pair_event_features(pa: Prepared, pb: Prepared, tfidf_cosine: float) -> dict:
    return event_features(pa.lead, pb.lead, tfidf_cosine, pa.terms, pb.terms,
                          pa.doc.article.published, pb.doc.article.published)


def _body(doc: Doc) -> str:
    return " ".join(doc.sentence_text(i) for i in range(len(doc.sentences)))
