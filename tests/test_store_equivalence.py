"""Equivalence of the store with analyze (issue 13): a corpus added in any split into batches gives
analyze's pairs, relations, directions, stories, origins, best sources and claims.

Random splits by hypothesis (few examples: each one adds a corpus). Below
MIN_DOCUMENTS_FOR_CORPUS_IDF articles no corpus-wide statistic moves as the store grows (word
weights are rarity alone, no n-gram, band, term or neighbour cap binds), and the store is
analyze exactly: tested on the example corpus with articles written here. Above it the store
keeps analyze's links, stories and sources but not its set of 'related' pairs (README, "What is
not yet equivalent"): asserted as far as it holds, the rest marked xfail(strict=True).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from storytrace import thresholds as T
from storytrace.ingest import read_inputs
from storytrace.engine.pipeline import analyze
from storytrace.store import Store, add_articles

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nato-kyiv"

_PORT = ("Dock workers at the port of Valmere walked off the job on Tuesday after talks over night-shift pay "
         "collapsed, leaving 14 container ships waiting offshore.\n\n"
         "The union said its 2,300 members would stay out until the port authority restored the overtime "
         "rate it cut in March. \"We have been patient for six months and patience has not paid a single "
         "bill,\" said union secretary Ilse Marchetti.\n\n"
         "The port authority called the strike unlawful and said it would ask a court on Wednesday to order "
         "the workers back. Its director, Tomas Brenner, said the dispute was costing the region about "
         "4 million euros a day in delayed cargo.\n\n"
         "Shipping lines began diverting vessels to Kessling, 90 kilometres up the coast, where the harbour "
         "master said berths would be full by the weekend.")
_FLOOD = ("The river Aune burst its banks near the town of Drellin overnight, flooding more than 400 homes "
          "and forcing the evacuation of a care home, the regional fire service said on Friday.\n\n"
          "Rescue crews in boats took 37 residents from the Linden care home to a school gym on higher "
          "ground. No one was hurt, according to fire chief Marta Olsen, who said water had risen 1.8 "
          "metres in six hours.\n\n"
          "Forecasters expect more rain through Sunday. The mayor of Drellin, Piet Vanhoven, asked people "
          "living along the river to move valuables upstairs and to avoid driving through standing water.")
_CHESS = ("A 15-year-old from Oravia won the national junior chess championship on Sunday, beating the "
          "top seed in a tense final game that lasted more than five hours.\n\n"
          "Lena Korhonen, who learned the game from her grandfather, finished with seven wins and two draws. "
          "Organisers said a record 212 players had entered the tournament, held this year in the old grain "
          "hall of Sarvik.\n\n"
          "She will represent the country at the world youth event in the autumn.")

WRITTEN = [
    {"id": "w-port", "outlet": "Valmere Herald", "published": "2024-05-14", "text": _PORT},
    {"id": "w-port-copy", "outlet": "Coast Daily", "published": "2024-05-14", "text": _PORT.replace("\n\n", "\n\n\n")},
    {"id": "w-port-update", "outlet": "Valmere Herald", "published": "2024-05-15",
     "text": _PORT.replace(_PORT.split("\n\n")[2],
                           "A court on Wednesday refused the port authority's request to order the workers "
                           "back, saying the union had given the notice the law requires. Director Tomas "
                           "Brenner said the authority would appeal.").replace(
         "by the weekend.", "by the weekend. By Wednesday evening, 21 ships were waiting offshore and two "
                            "ferry operators had cancelled their evening crossings.")},
    {"id": "w-port-partial", "outlet": "Freight Weekly", "published": "2024-05-16",
     "text": "Freight rates on the northern routes rose sharply this week as the strike at Valmere entered "
             "its third day and forwarders scrambled for space elsewhere.\n\n"
             + _PORT.split("\n\n")[1] + "\n\n"
             "Analysts at Norrland Logistics said the disruption could add two weeks to deliveries of "
             "spare parts and furniture, and that smaller ports lacked the cranes to absorb the traffic "
             "for long.\n\n" + _PORT.split("\n\n")[3]},
    {"id": "w-flood", "outlet": "Aune Valley News", "published": "2024-03-08", "text": _FLOOD},
    {"id": "w-flood-other", "outlet": "National Wire", "published": "2024-03-08",
     "text": "Hundreds of homes in Drellin were under water on Friday after the Aune overflowed during the "
             "night, and firefighters used boats to move 37 elderly residents of the Linden care home to "
             "safety.\n\n"
             "Fire chief Marta Olsen told reporters the river had climbed almost two metres within a few "
             "hours. Mayor Piet Vanhoven urged residents near the water to carry their belongings to upper "
             "floors.\n\n"
             "More rain is forecast for the weekend, and the road between Drellin and Aster remains closed."},
    {"id": "w-chess", "outlet": "Sarvik Post", "published": "2024-06-02", "text": _CHESS},
]


def _example_and_written() -> list:
    return read_inputs([str(EXAMPLE)]).articles + read_inputs(WRITTEN).articles


def _synthetic(n: int, seed: int) -> list[dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return synthetic.make_corpus(n, seed)[0]


def _view(result: dict) -> dict:
    """What must be equal: pairs with relation and direction, stories with their origin, each
    article's best source (relation, credited), and the claims (without the story ids, which are
    the store's own)."""
    return {"pairs": {(p["a"], p["b"]): (p["relation"], p["source"], p["derived"]) for p in result["pairs"]},
            "similarity": {(p["a"], p["b"]): p["similarity"] for p in result["pairs"]},
            "stories": sorted((s["articles"], s["origin"]) for s in result["stories"]),
            "best": {a["id"]: (a["sources"][0]["id"], a["sources"][0]["relation"], a["sources"][0]["credited"])
                     for a in result["articles"] if a["sources"]},
            "sources": {a["id"]: a["sources"] for a in result["articles"]},
            "claims": sorted(json.dumps({k: v for k, v in c.items() if k != "story"}, sort_keys=True)
                             for c in result["claims"])}


_ANALYZED: dict[str, dict] = {}


def _analyzed(name: str, articles) -> dict:
    if name not in _ANALYZED:
        _ANALYZED[name] = _view(analyze(articles, processes=1).to_json())
    return _ANALYZED[name]


def _added_in(articles, order: list[int], cuts: list[int]) -> dict:
    """The store's export after adding ``articles`` in ``order``, cut into batches at ``cuts``."""
    shuffled = [articles[i] for i in order]
    bounds = [0, *sorted(set(cuts)), len(shuffled)]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "s.db") as store:
        for first, last in zip(bounds, bounds[1:]):
            if last > first:
                add_articles(store, [_fresh(a) for a in shuffled[first:last]], processes=1)
        return _view(store.export())


def _fresh(article):
    """The article as read (add marks furniture in place; each example starts from the input)."""
    import dataclasses

    return dataclasses.replace(article, furniture=[], credits=[])


def _splits(n: int, at_least: int = 1):
    """An order and at least ``at_least`` cuts (hypothesis tries the simplest first: no cuts would
    be analyze on the whole corpus again)."""
    return st.tuples(st.permutations(range(n)), st.lists(st.integers(1, n - 1), min_size=at_least, max_size=4))


SMALL = _example_and_written()
assert len(SMALL) < T.MIN_DOCUMENTS_FOR_CORPUS_IDF  # the premise of the exact test


# how far a similarity may be from analyze's while its pair waits for re-judging (weights moved by
# under STORE_REJUDGE_GROWTH since it was judged): benchmarks/store_equivalence.py measured 0.013
# on 120 synthetic articles in 12 batches
REJUDGE_DRIFT = 0.02

# each example adds a whole corpus: no shrinking (a failure is reported as found, in seconds);
# derandomized as the suite's other property tests, so CI checks the same splits every run
# (to explore other splits, drop derandomize locally)
QUICK = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
             phases=[Phase.explicit, Phase.reuse, Phase.generate])


@settings(max_examples=6, **QUICK)
@given(_splits(len(SMALL)))
def test_small_corpus_in_any_split_is_analyze(split):
    order, cuts = split
    expected = _analyzed("small", [_fresh(a) for a in SMALL])
    assert len(expected["pairs"]) >= 15 and len({r for r, _, _ in expected["pairs"].values()}) >= 4
    assert _added_in(SMALL, order, cuts) == expected


SYNTHETIC = _synthetic(60, 5)


@settings(max_examples=3, **QUICK)
@given(_splits(len(SYNTHETIC), at_least=2))
def test_corpus_above_the_idf_threshold_keeps_analyze_links_stories_and_sources(split):
    """60 synthetic articles (word weights capped by the corpus IDF, which moves as the store grows)
    in random splits: every pair analyze reports other than 'related' is stored with the same
    relation and direction, and no other; the stories, origins, sources and claims are analyze's;
    analyze's 'related' pairs are stored with the same relation, bar at most 2%."""
    order, cuts = split
    articles = read_inputs(SYNTHETIC).articles
    expected = _analyzed("synthetic", [_fresh(a) for a in articles])
    got = _added_in(articles, order, cuts)
    linking = lambda v: {k: x for k, x in v["pairs"].items() if x[0] != "related"}
    assert linking(got) == linking(expected)
    # a reuse pair's similarity follows its event similarity (relate.article_similarity), which
    # moves with the word weights: equal once re-judged, within the re-judging's drift before
    drift = [abs(got["similarity"][k] - expected["similarity"][k]) for k in linking(expected)]
    assert max(drift, default=0.0) <= REJUDGE_DRIFT, max(drift)
    assert got["stories"] == expected["stories"] and got["sources"] == expected["sources"]
    assert got["best"] == expected["best"] and got["claims"] == expected["claims"]
    related = {k for k, x in expected["pairs"].items() if x[0] == "related"}
    assert all(got["pairs"].get(k, ("related",))[0] == "related" for k in related)
    assert len(related - got["pairs"].keys()) <= 0.02 * len(related)


@settings(max_examples=2, **QUICK)
@given(_splits(len(SYNTHETIC), at_least=2))
def test_rejudged_at_every_batch_related_pairs_are_analyze_too(split):
    """With every batch re-judging the pairs the event model decided (STORE_REJUDGE_GROWTH 1.0),
    each pair both report has analyze's relation and similarity, 'related' ones included (the
    TF-IDF cosine taken again with the final weights); a few 'related' pairs differ either way
    (a pair dropped when its cosine fell below the candidate threshold stays dropped). Without
    re-judging, related similarities differ by up to 0.03 (120 articles in 12 batches)."""
    order, cuts = split
    articles = read_inputs(SYNTHETIC).articles
    expected = _analyzed("synthetic", [_fresh(a) for a in articles])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(T, "STORE_REJUDGE_GROWTH", 1.0)
        got = _added_in(articles, order, cuts)
    both = got["pairs"].keys() & expected["pairs"].keys()
    assert {k: got["pairs"][k] for k in both} == {k: expected["pairs"][k] for k in both}
    assert {k: got["similarity"][k] for k in both} == {k: expected["similarity"][k] for k in both}
    missing, extra = expected["pairs"].keys() - both, got["pairs"].keys() - both
    assert len(missing) <= 0.02 * len(expected["pairs"]) and len(extra) <= 0.03 * len(expected["pairs"])
    assert {expected["pairs"][k][0] for k in missing} | {got["pairs"][k][0] for k in extra} <= {"related"}


@pytest.mark.xfail(strict=True, reason=(
    "the store's 'related' pairs are a superset of analyze's (120 synthetic articles in 5 batches: "
    "11 more than analyze's 683 with re-judging, 21 without, none missing): a stored pair stays when "
    "a later article pushes a vector out of another's 20 nearest, ties among equal lead vectors "
    "(copies) count, and a pair judged within the last 1.25x growth of the store is not re-judged"))
def test_corpus_above_the_idf_threshold_has_analyze_related_pairs_too():
    articles = read_inputs(_synthetic(120, 5)).articles
    expected = _analyzed("synthetic-120", [_fresh(a) for a in articles])
    import random

    rng = random.Random(1)
    order = list(range(len(articles)))
    rng.shuffle(order)
    got = _added_in(articles, order, rng.sample(range(1, len(articles)), 4))
    assert got["pairs"].keys() == expected["pairs"].keys()
