"""Checks of the synthetic benchmark corpus (benchmarks/synthetic.py): shape, prose, planted reuse."""

from __future__ import annotations

import importlib.util
import itertools
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
_spec = importlib.util.spec_from_file_location("storytrace_bench_synthetic", _PATH)
synthetic = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = synthetic
_spec.loader.exec_module(synthetic)

N, SEED = 1200, 11


def shingles(text: str, k: int = 5) -> set[str]:
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}


def norm_ws(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus():
    articles, kinds = synthetic.make_corpus_detailed(N, SEED)
    by_id = {a["id"]: a for a in articles}
    sh = {a["id"]: shingles(a["text"]) for a in articles}
    return articles, kinds, by_id, sh


def containment_short(sh, a, b):
    A, B = sh[a], sh[b]
    return len(A & B) / min(len(A), len(B))


def test_shape_and_determinism(corpus):
    articles, kinds, by_id, _ = corpus
    assert len(articles) == N
    assert len(by_id) == N, "ids must be unique"
    for a in articles:
        assert set(a) == {"id", "title", "text", "outlet", "published"}
        assert all(isinstance(v, str) and v for v in a.values())
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["published"])
    again, pairs = synthetic.make_corpus(N, SEED)
    assert again == articles and pairs == set(kinds)
    other, _ = synthetic.make_corpus(N, SEED + 1)
    assert [a["text"] for a in other] != [a["text"] for a in articles]
    small, small_pairs = synthetic.make_corpus(37, 3)
    assert len(small) == 37
    assert synthetic.make_corpus(0, 3) == ([], set())


def test_pairs_are_sorted_and_known(corpus):
    _, kinds, by_id, _ = corpus
    assert kinds, "some reuse must be planted"
    for a, b in kinds:
        assert a < b and a in by_id and b in by_id
    counts = Counter(kinds.values())
    for kind in ("duplicate", "version", "partial"):
        assert counts[kind] > 0, counts


def test_family_rates(corpus):
    """~5% of originals have duplicates, ~5% a version, ~3% a partial copy."""
    articles, kinds, _, _ = corpus
    graph = defaultdict(set)
    for a, b in kinds:
        graph[a].add(b)
        graph[b].add(a)
    in_family = len(graph)
    # Derived articles are about 0.23 of the corpus; families with their sources a bit more.
    assert 0.15 * N < in_family < 0.45 * N, in_family
    n_version_pairs = sum(1 for k in kinds.values() if k == "version")
    n_partial_pairs = sum(1 for k in kinds.values() if k == "partial")
    assert 0.02 * N < n_version_pairs and 0.01 * N < n_partial_pairs


def test_prose_looks_like_news(corpus):
    articles, _, _, _ = corpus
    words_per_article = [len(a["text"].split()) for a in articles]
    assert 520 <= statistics.mean(words_per_article) <= 700
    assert min(words_per_article) >= 250 and max(words_per_article) <= 1000
    tokens = Counter()
    caps = 0
    nums = 0
    for a in articles[:200]:
        text = a["text"]
        paras = [p for p in re.split(r"(?:\r?\n){2,}", text) if p.strip()]
        assert len(paras) >= 4, "paragraphs are separated by blank lines"
        for p in paras:
            assert p.rstrip()[-1] in '."', p[-40:]
        caps += len(re.findall(r"\b[A-Z][a-z]+", text))
        nums += len(re.findall(r"\d", text))
        tokens.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
        assert a["title"].lstrip("'\"")[0].isupper()
    total = sum(tokens.values())
    assert 0.04 < tokens["the"] / total < 0.15
    assert tokens["said"] > 0 and tokens["of"] > 0 and tokens["in"] > 0
    assert caps > 200 * 20 and nums > 200 * 5
    # Zipf-like: a heavy head and a long tail of invented words.
    content = [c for w, c in tokens.most_common() if w not in synthetic.FUNCTION_WORDS]
    assert len(content) > 2000
    assert content[0] > 30 * content[len(content) // 2]


def test_duplicates_are_identical_texts(corpus):
    _, kinds, by_id, _ = corpus
    dups = [p for p, k in kinds.items() if k == "duplicate"]
    raw_differs = outlet_differs = 0
    for a, b in dups:
        ta, tb = by_id[a]["text"], by_id[b]["text"]
        assert norm_ws(ta) == norm_ws(tb)
        raw_differs += ta != tb
        outlet_differs += by_id[a]["outlet"] != by_id[b]["outlet"]
    assert raw_differs > 0 and outlet_differs > 0


def test_versions_share_most_shingles(corpus):
    _, kinds, by_id, sh = corpus
    for a, b in (p for p, k in kinds.items() if k == "version"):
        assert norm_ws(by_id[a]["text"]) != norm_ws(by_id[b]["text"])
        assert containment_short(sh, a, b) >= 0.5, (a, b)


def test_partials_share_some_shingles(corpus):
    _, kinds, _, sh = corpus
    for a, b in (p for p, k in kinds.items() if k == "partial"):
        assert 0.15 <= containment_short(sh, a, b) <= 0.5, (a, b, containment_short(sh, a, b))
        A, B = sh[a], sh[b]
        assert len(A & B) / max(len(A), len(B)) < 0.5
    for a, b in (p for p, k in kinds.items() if k == "partial_of_version"):
        assert 0 < containment_short(sh, a, b) <= 0.5


def test_unrelated_pairs_share_almost_no_text(corpus):
    articles, kinds, _, sh = corpus
    rng = random.Random(0)
    ids = [a["id"] for a in articles]
    values = []
    shared_names = 0
    names = {i: set(re.findall(r"\b[A-Z][a-z]{3,}\b", a["text"])) - {"The", "Officials", "According"}
             for i, a in zip(ids, articles)}
    while len(values) < 3000:
        a, b = sorted(rng.sample(ids, 2))
        if (a, b) in kinds:
            continue
        values.append(containment_short(sh, a, b))
        shared_names += bool(names[a] & names[b])
    assert statistics.mean(values) < 0.003
    assert max(values) < 0.08
    # Topics recur, so some unrelated articles share names (but not text).
    assert shared_names > 0.01 * len(values)


def test_every_text_sharing_pair_is_planted(corpus):
    """The generator must not create reuse it does not report (nor report pairs that share nothing)."""
    articles, kinds, _, sh = corpus
    post = defaultdict(list)
    for i, s in sh.items():
        for g in s:
            post[g].append(i)
    common = Counter()
    for ids in post.values():
        if 1 < len(ids) <= 50:
            for a, b in itertools.combinations(sorted(ids), 2):
                common[a, b] += 1
    for (a, b), c in common.items():
        if c / min(len(sh[a]), len(sh[b])) >= 0.1:
            assert (a, b) in kinds, (a, b, c)
    for a, b in kinds:
        assert sh[a] & sh[b], (a, b)


def test_cli_writes_jsonl(tmp_path):
    import json
    import subprocess

    out = tmp_path / "c.jsonl"
    pairs = tmp_path / "p.tsv"
    subprocess.run([sys.executable, str(_PATH), "60", "--seed", "4", "--out", str(out), "--pairs", str(pairs)],
                   check=True, capture_output=True)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    articles, planted = synthetic.make_corpus(60, 4)
    assert rows == articles
    got = {tuple(line.split("\t")[:2]) for line in pairs.read_text().splitlines()}
    assert got == planted
