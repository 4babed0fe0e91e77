"""Claims: what changed on the way -- quotes, figures and hedges compared across a story.

``find_claims(articles, pairs, stories)`` is the stage: for every reported pair inside one story
(pairs whose relation is ``related`` are another event's, and skipped), the pair's reference is its
``source``, else the earlier-published article, else the story's origin, else the first by id; the
other article's mentions are matched to the reference's through the pair's alignment
(compare.py) and graded. Speakers are made canonical per story (speakers.py).

Modules, one job each: quotes.py (finding quotes), speakers.py (who said them, one name per
person), numbers.py (figures and what they count), hedges.py (markers of doubt, from
data/hedges.json), compare.py (matching and grading one pair).
"""

from __future__ import annotations

from ..text.dates import parse_date
from ..model import Article, Doc, Pair, Story
from ..text.segment import segment
from .compare import Mentions, Quote, pair_claims
from .quotes import find_quotes, quote_words
from .speakers import attribute, canonical_names

__all__ = ["find_claims", "mentions_of", "pair_claims", "claims_of_pair"]

GRADES = {"quote": ("same", "variant", "altered", "truncated", "extended"), "number": ("conflict",),
          "hedge": ("dropped", "added")}


def mentions_of(article: Article, doc: Doc | None = None, known: dict | None = None) -> Mentions:
    """An article's speaker quotes (scare quotes left out); its figures and hedges are found per
    sentence on first need. ``doc``: the article already segmented, if at hand. ``known``: quotes
    found before, by text and segmentation (the copies of one story share theirs)."""
    doc = doc or segment(article)
    text = article.text
    key = (text, doc.paragraphs.rows.tobytes(), doc.sentences.rows.tobytes()) if known is not None else None
    quotes = known.get(key) if key is not None else None
    if quotes is None:
        sentences = [(s.start, s.end) for s in doc.sentences]
        raw = find_quotes(text, doc.paragraphs)
        quotes = [Quote(a.quote.start, a.quote.end, a.speaker, quote_words(text[a.quote.start:a.quote.end]))
                  for a in attribute(text, raw, doc.paragraphs, sentences) if a.speaker_quote]
        if key is not None:
            known[key] = quotes
    return Mentions(doc, quotes)


def reference_of(pair: Pair, story: Story, by_id: dict[str, Article]) -> str:
    """The pair's source, else the article published first, else the story's origin, else pair.a."""
    if pair.source:
        return pair.source
    pa, pb = by_id[pair.a].published, by_id[pair.b].published
    da, db = parse_date(pa), parse_date(pb)
    if da and db:
        if not ("T" in pa and "T" in pb):  # a day alone cannot be ordered within its day
            da, db = da.date(), db.date()
        if da != db:
            return pair.a if da < db else pair.b
    if story.origin in (pair.a, pair.b):
        return story.origin
    return pair.a


def _public(claim: dict, story: str, speaker: str | None) -> dict:
    return {"story": story, "kind": claim["kind"], "speaker": speaker, "grade": claim["grade"],
            "items": claim["items"]}


_STORIES_A_REPORT = 1024  # stories between two progress reports of find_claims


def find_claims(articles: list[Article], pairs: list[Pair], stories: list[Story],
                docs: dict[str, Doc] | None = None, forget_encoded: bool = False,
                progress=None) -> list[dict]:
    """The claims of every story, story by story in order, pairs in their order within a story.
    ``docs``: the articles already segmented, by id (else they are segmented here). ``progress``
    (a run's): told ("claims", stories done, stories) every _STORIES_A_REPORT stories.

    An article belongs to one story, so each story's mentions are let go of once its claims are
    made, and with ``forget_encoded`` (a batch run, where nothing asks for them again) the sentence
    vectors its pairs had the encoder make: the run holds one story's at a time, not the corpus's
    (at 50,000 synthetic articles the stage's peak was ~200 MB above its start)."""
    from ..encode.embed import get_encoder

    docs = docs or {}
    by_id = {a.id: a for a in articles}
    story_of = {aid: s for s in stories for aid in s.articles}
    pairs_of: dict[str, list[Pair]] = {}
    for pair in pairs:
        story = story_of.get(pair.a)
        if story is None or story is not story_of.get(pair.b) or pair.relation in ("related", "unrelated"):
            continue
        pairs_of.setdefault(story.id, []).append(pair)
    out = []
    for done, story in enumerate(stories):
        if progress is not None and done % _STORIES_A_REPORT == 0:
            progress("claims", done, len(stories))
        if story.id not in pairs_of:
            continue
        encoded = get_encoder().cached if forget_encoded else None
        out += _story_claims(story, pairs_of.pop(story.id), by_id, docs)
        if forget_encoded:
            get_encoder().forget_since(encoded)  # its sentences are in no other story's articles
    return out


def _story_claims(story: Story, pairs: list[Pair], by_id: dict[str, Article], docs: dict[str, Doc]) -> list[dict]:
    mentions: dict[str, Mentions] = {}
    quotes_by_text: dict = {}

    def of(aid: str) -> Mentions:
        if aid not in mentions:
            mentions[aid] = mentions_of(by_id[aid], docs.get(aid), quotes_by_text)
        return mentions[aid]

    found = []
    for pair in pairs:
        ref = reference_of(pair, story, by_id)
        other = pair.b if ref == pair.a else pair.a
        found += [(c, ref, other) for c in pair_claims(of(ref), of(other), pair.passages, ref_is_a=ref == pair.a)]
    if not found:
        return []
    speakers = {aid: [q.speaker for q in of(aid).quotes] for aid in story.articles if aid in mentions}
    names = canonical_names(speakers, {aid: by_id[aid].text for aid in speakers})
    out = []
    for c, ref, other in found:
        speaker = None
        if c["kind"] == "quote":
            ref_speaker, other_speaker = c["_speakers"]
            speaker = names.get((ref, ref_speaker)) if ref_speaker else None
            speaker = speaker or (names.get((other, other_speaker)) if other_speaker else None)
        out.append(_public(c, story.id, speaker))
    return out


def claims_of_pair(article_a: Article, article_b: Article, pair: Pair) -> list[dict]:
    """``storytrace compare``'s claims: the pair's source is the reference, else A."""
    ref_is_a = pair.source != pair.b
    ref, other = (article_a, article_b) if ref_is_a else (article_b, article_a)
    mr, mo = mentions_of(ref), mentions_of(other)
    found = pair_claims(mr, mo, pair.passages, ref_is_a)
    speakers = {ref.id: [q.speaker for q in mr.quotes], other.id: [q.speaker for q in mo.quotes]}
    names = canonical_names(speakers, {ref.id: ref.text, other.id: other.text})
    out = []
    for c in found:
        speaker = None
        if c["kind"] == "quote":
            rs, os_ = c["_speakers"]
            speaker = (names.get((ref.id, rs)) if rs else None) or (names.get((other.id, os_)) if os_ else None)
        out.append(_public(c, None, speaker))
    return out
