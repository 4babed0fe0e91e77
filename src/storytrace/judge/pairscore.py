"""A small learned scorer for sentence pairs: paraphrase probability and graded similarity.

Raw embedding cosine is a blunt instrument for news: "profits rose 5%" and "profits rose 50%"
embed almost identically, and a sentence naming a different minister still scores high.
This module adds the evidence a journalist checks by eye (shared rare words, shared and
conflicting numbers, names present in one sentence and absent from the other, word order,
negation, and how close the words left unmatched are to the other side's words by the
encoder's vectors of single words) to the cosine, and feeds them to two small heads trained by
``scripts/train_scorer.py`` on MRPC (paraphrase) and STS-B (graded similarity).

At run time only numpy is used: the model is a JSON file (``data/pair_scorer.json``) holding
feature names, standardisation constants and the heads' parameters. A head is either linear
(logistic or identity link) or a sum of regression trees (evaluated with numpy, vectorised over
pairs and trees), or a weighted blend of such heads.

API::

    sentence_features(a, b, cosine) -> 1-D vector (len(FEATURE_NAMES))
    features_batch(pairs, cosines)  -> 2-D matrix
    get_scorer().paraphrase_probability(X), .similarity(X), .paraphrase_threshold
    score_sentences(a, b)           -> (probability, similarity), encoder included
"""

from __future__ import annotations

import itertools
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..text.segment import tokenize
from .word_vectors import current_source

MODEL_PATH = Path(__file__).parent.parent / "data" / "pair_scorer.json"

FEATURE_NAMES = (
    "cosine",            # embedding cosine (all-MiniLM-L6-v2)
    "idf_cover_min",     # rarity-weighted share of one side's content words found in the other (worse side)
    "idf_cover_max",     # ... better side
    "idf_jaccard",       # rarity-weighted Jaccard of content-word stems
    "idf_dice",          # rarity-weighted Dice of content-word stems
    "idf_unmatched_min", # rarity mass of content words left unmatched (smaller side)
    "idf_unmatched_max", # ... larger side
    "content_cover_min", # unweighted share of content stems found in the other (worse side)
    "content_cover_max",
    "tok_jaccard",       # plain token-set Jaccard (stopwords included)
    "tok_cover_min",
    "tok_cover_max",
    "bigram_dice",       # Dice of token bigram sets
    "trigram_dice",      # Dice of token trigram sets
    "lcs_min",           # longest common token subsequence / shorter length
    "lcs_max",           # ... / longer length
    "char3_cos",         # cosine of character-trigram count vectors
    "num_shared",        # numbers in both
    "num_unmatched",     # numbers present in one and absent from the other
    "num_conflict",      # 1 when both carry numbers and the sets differ
    "name_shared",       # capitalised names in both
    "name_missing",      # capitalised names in one, absent (any case) from the other
    "name_missing_ratio",
    "len_min",           # tokens in the shorter sentence (log1p)
    "len_ratio",         # shorter / longer token count
    "neg_mismatch",      # 1 when one side is negated and the other is not
    "bigram_prec_min",   # share of one side's bigrams (with repeats) found in the other (worse side)
    "bigram_prec_max",
    "trigram_prec_min",
    "trigram_prec_max",
    "fourgram_prec_min",
    "fourgram_prec_max",
    "char5_dice",        # Dice of character 5-gram sets
    "len_diff",          # |difference| of token counts
    "len_max",           # tokens in the longer sentence (log1p)
    "unmatched_min",     # tokens absent from the other side (smaller side)
    "unmatched_max",
    "gap_min",           # longest run of consecutive unmatched tokens (an added clause), smaller side
    "gap_max",
    "gap_ratio_max",     # longest run / sentence length, larger side
    "edge_unmatched_max", # unmatched tokens at the start and end of a sentence (lead-in or tail added)
    "num_close",         # unmatched numbers with a value within 10% on the other side (rounding, updates)
    "num_far",           # unmatched numbers with no close value on the other side
    # soft word alignment: each content word matched to its closest word on the other side by the
    # cosine of the encoder's vectors of the two words (exact stem matches count 1), rarity-weighted
    "soft_cover_min",    # rarity-weighted mean best-match cosine of one side's content words (worse side)
    "soft_cover_max",
    "soft_new_min",      # rarity mass of content words with no counterpart above SOFT_MATCH_COSINE (smaller side)
    "soft_new_max",
    "soft_unmatched_min",  # like soft_cover, over the words with no exact stem match only
    "soft_unmatched_max",
    "soft_worst_max",    # rarity x (1 - best-match cosine) of the worst-aligned content word, larger side
    "soft_worst_min",    # ... smaller side
    "soft_miss_mass",    # sum of rarity x (1 - best-match cosine) over both sides' content words
    "soft_min_cos",      # lowest best-match cosine of any content word
    "soft_hmean",        # harmonic mean of the two sides' soft_cover
    "date_mismatch",     # 1 when both name days/months/yesterday-today and the sets differ
    "prefix_ratio",      # identical leading tokens / shorter length
    "prefix_suffix_ratio",  # identical leading + trailing tokens / longer length
    "content_lcs",       # longest common subsequence of content-word stems / longer stem sequence
    "content_edit",      # (stems deleted + inserted between the two stem sequences) / both lengths
    "stem_bigram_dice",  # Dice of content-stem bigram sets
    # learned word evidence: smoothed log-odds of "paraphrase" when a stem is on one side only /
    # on both sides, estimated on MRPC train (the table is part of the model file)
    "odds_unmatched_sum",
    "odds_unmatched_min",
    "odds_shared_sum",
    "odds_shared_max",
)
N_FEATURES = len(FEATURE_NAMES)

_STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where
    why how all any both each few more most other some such only own same so than too very s t can will
    just don should now i me my myself we our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing would
    could ought i'm you're he's she's it's we're they're i've you've we've they've i'd you'd he'd she'd
    we'd they'd i'll you'll he'll she'll we'll they'll let's that's who's what's here's there's when's
    where's why's how's as until while also said says say told according mr mrs ms per via""".split()
)
_NEGATIONS = frozenset("not no never none nobody nothing neither nor without cannot cant dont nowhere".split())
SOFT_MATCH_COSINE = 0.55  # two words whose vectors are this close count as counterparts
WORD_PIECES_PER_WORD = 16  # word vectors: one word encoded alone, cut at this many word pieces
_DATE_WORDS = frozenset("""january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow""".split())
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly")


@lru_cache(maxsize=200_000)
def _rarity(word: str) -> float:
    """IDF-like weight from general English frequency: 7 - zipf, floored at 0.3 (unknown words: 7)."""
    from ..text.zipf import zipf_en

    return max(0.3, 7.0 - zipf_en(word))


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


_STEM_IDS: dict[str, int] = {}
_NEXT_STEM_ID = itertools.count()  # next() is atomic: two threads (dask workers) never give two stems one id


def _stem_id(stem: str) -> int:
    """A small integer per stem, so that stem equality between two sentences is one array comparison."""
    sid = _STEM_IDS.get(stem)
    return sid if sid is not None else _STEM_IDS.setdefault(stem, next(_NEXT_STEM_ID))


def _number_key(norm: str) -> str:
    s = norm.replace(",", "")
    try:
        v = float(s)
    except ValueError:
        return s
    if math.isfinite(v):
        return repr(v)
    return s


class _Side:
    """Everything about one sentence that the pair features need, computed once."""

    __slots__ = ("norms", "n", "set", "content", "numbers", "values", "names", "neg", "bigrams", "trigrams",
                 "fourgrams", "bigram_list", "trigram_list", "fourgram_list", "char3", "char5", "stems",
                 "words", "word_stems", "word_rarity", "vectors", "stem_seq", "dates")

    def __init__(self, text: str) -> None:
        toks = tokenize(text)
        norms = [t.norm for t in toks]
        self.norms = norms
        self.n = len(norms)
        self.set = set(norms)
        content: dict[str, float] = {}
        words: dict[str, tuple[str, float]] = {}  # content word -> (stem, rarity), for soft alignment
        numbers = set()
        names = set()
        neg = 0
        # Headline-style Title Case makes capitals uninformative: then only rare words count as names.
        caps = [text[t.start].isupper() for t in toks]
        title_case = self.n >= 4 and sum(caps) > 0.6 * self.n
        for i, (tok, w) in enumerate(zip(toks, norms)):
            if w in _NEGATIONS or w.endswith("n't"):
                neg += 1
            if any(ch.isdigit() for ch in w):
                numbers.add(_number_key(w))
                continue
            if w in _STOPWORDS or len(w) < 2:
                continue
            r = _rarity(w)
            content[_stem(w)] = r
            if w not in _NEGATIONS and any(ch.isalpha() for ch in w):
                words[w] = (_stem(w), r)
            if caps[i]:
                if (i == 0 or title_case) and r < 3.0:
                    continue  # a capital only because it opens the sentence or the headline
                names.add(w)
        self.content = content
        self.numbers = numbers
        self.names = names
        self.neg = neg % 2
        values = []
        for k in numbers:
            try:
                values.append(float(k))
            except ValueError:
                pass
        self.values = values
        self.bigram_list = list(zip(norms, norms[1:]))
        self.trigram_list = list(zip(norms, norms[1:], norms[2:]))
        self.fourgram_list = list(zip(norms, norms[1:], norms[2:], norms[3:]))
        self.bigrams = set(self.bigram_list)
        self.trigrams = set(self.trigram_list)
        self.fourgrams = set(self.fourgram_list)
        low = " ".join(norms)
        grams: dict[str, int] = {}
        for j in range(len(low) - 2):
            g = low[j : j + 3]
            grams[g] = grams.get(g, 0) + 1
        self.char3 = grams
        self.char5 = {low[j : j + 5] for j in range(len(low) - 4)}
        self.stems = frozenset(_stem(w) for w in norms if any(ch.isalnum() for ch in w))
        self.words = list(words)
        self.word_stems = np.array([_stem_id(words[w][0]) for w in self.words], dtype=np.int64)
        self.word_rarity = np.array([words[w][1] for w in self.words], dtype=np.float64)
        self.vectors = None  # (len(words), d) word vectors, filled by _attach_vectors
        self.stem_seq = [_stem(w) for w in norms if w not in _STOPWORDS and any(ch.isalnum() for ch in w)]
        self.dates = {w for w in norms if w in _DATE_WORDS}


def _dice(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    return 2.0 * len(a & b) / (len(a) + len(b))


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Allison–Dix): O(len(b)) big-int steps."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, w in enumerate(a):
        masks[w] = masks.get(w, 0) | (1 << i)
    full = (1 << len(a)) - 1
    s = full
    for w in b:
        m = masks.get(w)
        if m is None:
            continue
        u = s & m
        s = ((s + u) | (s - u)) & full
    return len(a) - bin(s).count("1")


def _precision(grams: list, other: set) -> float:
    if not grams:
        return 1.0 if not other else 0.0
    return sum(1 for g in grams if g in other) / len(grams)


def _gaps(norms: list[str], other: set) -> tuple[int, int, int]:
    """(unmatched tokens, longest run of unmatched tokens, unmatched tokens at the two edges)."""
    unmatched = best = cur = 0
    for w in norms:
        if w in other:
            cur = 0
        else:
            unmatched += 1
            cur += 1
            if cur > best:
                best = cur
    lead = 0
    while lead < len(norms) and norms[lead] not in other:
        lead += 1
    tail = 0
    while tail < len(norms) - lead and norms[-1 - tail] not in other:
        tail += 1
    return unmatched, best, lead + tail


def _numbers_close(a: _Side, b: _Side) -> tuple[int, int]:
    close = far = 0
    for x, ys in ((x, b.values) for x in a.values if x not in b.values):
        if any(abs(x - y) <= 0.1 * max(abs(x), abs(y)) for y in ys):
            close += 1
        else:
            far += 1
    return close, far


def _pair(a: _Side, b: _Side, cosine: float) -> list[float]:
    # Content words, rarity-weighted.
    ca, cb = a.content, b.content
    wa = sum(ca.values())
    wb = sum(cb.values())
    shared = ca.keys() & cb.keys()
    inter = sum(max(ca[k], cb[k]) for k in shared)
    cov_a = inter / wa if wa else (1.0 if not cb else 0.0)
    cov_b = inter / wb if wb else (1.0 if not ca else 0.0)
    union = wa + wb - inter
    idf_j = inter / union if union > 0 else 1.0
    idf_d = 2 * inter / (wa + wb) if wa + wb > 0 else 1.0
    un_a = wa - sum(ca[k] for k in shared)
    un_b = wb - sum(cb[k] for k in shared)
    ccov_a = len(shared) / len(ca) if ca else (1.0 if not cb else 0.0)
    ccov_b = len(shared) / len(cb) if cb else (1.0 if not ca else 0.0)
    # Plain tokens.
    ts = len(a.set & b.set)
    tu = len(a.set | b.set)
    tok_j = ts / tu if tu else 1.0
    tcov_a = ts / len(a.set) if a.set else 0.0
    tcov_b = ts / len(b.set) if b.set else 0.0
    # Order.
    lcs = _lcs(a.norms, b.norms)
    nmin, nmax = min(a.n, b.n), max(a.n, b.n)
    # Characters.
    ga, gb = a.char3, b.char3
    if len(ga) > len(gb):
        ga, gb = gb, ga
    dot = sum(c * gb.get(g, 0) for g, c in ga.items())
    na = math.sqrt(sum(c * c for c in a.char3.values()))
    nb = math.sqrt(sum(c * c for c in b.char3.values()))
    c3 = dot / (na * nb) if na and nb else 0.0
    # Numbers.
    nsh = len(a.numbers & b.numbers)
    nun = len(a.numbers ^ b.numbers)
    nconf = 1.0 if (a.numbers and b.numbers and a.numbers != b.numbers) else 0.0
    # Names: missing = a name on one side whose word appears nowhere (any case) on the other.
    name_sh = len(a.names & b.names)
    missing = len(a.names - b.set) + len(b.names - a.set)
    n_names = len(a.names | b.names)
    out = [
        cosine,
        min(cov_a, cov_b), max(cov_a, cov_b), idf_j, idf_d,
        min(un_a, un_b), max(un_a, un_b),
        min(ccov_a, ccov_b), max(ccov_a, ccov_b),
        tok_j, min(tcov_a, tcov_b), max(tcov_a, tcov_b),
        _dice(a.bigrams, b.bigrams), _dice(a.trigrams, b.trigrams),
        lcs / nmin if nmin else 0.0, lcs / nmax if nmax else 0.0,
        c3,
        float(nsh), float(nun), nconf,
        float(name_sh), float(missing), missing / n_names if n_names else 0.0,
        math.log1p(nmin), nmin / nmax if nmax else 1.0,
        float(a.neg != b.neg),
    ]
    for la, lb, sa, sb in ((a.bigram_list, b.bigram_list, a.bigrams, b.bigrams),
                           (a.trigram_list, b.trigram_list, a.trigrams, b.trigrams),
                           (a.fourgram_list, b.fourgram_list, a.fourgrams, b.fourgrams)):
        pa, pb = _precision(la, sb), _precision(lb, sa)
        out += [min(pa, pb), max(pa, pb)]
    out.append(_dice(a.char5, b.char5))
    out += [float(nmax - nmin), math.log1p(nmax)]
    ua, ga, ea = _gaps(a.norms, b.set)
    ub, gb, eb = _gaps(b.norms, a.set)
    out += [float(min(ua, ub)), float(max(ua, ub)), float(min(ga, gb)), float(max(ga, gb)),
            max(ga / a.n if a.n else 0.0, gb / b.n if b.n else 0.0), float(max(ea, eb))]
    c1, f1 = _numbers_close(a, b)
    c2, f2 = _numbers_close(b, a)
    out += [float(c1 + c2), float(f1 + f2)]
    return out


# ---------------------------------------------------------------- word vectors and soft alignment

_WORD_CACHE: tuple[object, dict[str, np.ndarray]] = (None, {})
# word vectors kept, the most recently encoded (about 80 MB): a bound for every caller (analyze,
# add, trace, compare), since the words of a large corpus's compared pairs have no bound of their
# own. A vector is the word's alone (each text one model run), so what is dropped comes back equal.
WORD_VECTOR_CACHE = 50_000


def _attach_vectors(sides) -> None:
    """Give every side the vectors of its content words: each word encoded alone by the sentence
    encoder (``embed.get_encoder``, so the same backend as the sentence vectors), cached per word."""
    global _WORD_CACHE
    from ..encode.embed import get_encoder

    encoder = get_encoder()
    if _WORD_CACHE[0] is not encoder:  # another backend: its vectors differ
        _WORD_CACHE = (encoder, {})
    cache = _WORD_CACHE[1]
    missing = sorted({w for s in sides if s.vectors is None for w in s.words if w not in cache})
    source = current_source()
    if missing and source is not None:  # kept by the store: exactly what encoding them would give
        kept = source.vectors(missing)
        cache.update(kept)
        missing = [w for w in missing if w not in kept]
    if missing:
        encoded = dict(zip(missing, encoder.encode(missing, WORD_PIECES_PER_WORD)))
        cache.update(encoded)
        if source is not None:
            source.encoded(encoded)
    for s in sides:
        if s.vectors is None:
            s.vectors = np.stack([cache[w] for w in s.words]) if s.words else np.zeros((0, 1), np.float32)
    if len(cache) > WORD_VECTOR_CACHE:  # the oldest go (a dict keeps insertion order)
        for w in list(itertools.islice(cache, len(cache) - WORD_VECTOR_CACHE)):
            del cache[w]


def _soft(a: _Side, b: _Side) -> list[float]:
    if not a.words or not b.words:
        empty = 1.0 if not a.words and not b.words else 0.0
        worst = 0.0 if empty else 7.0
        return [empty, empty, 0.0, 0.0, empty, empty, worst, worst, 0.0, empty, empty]
    S = (a.vectors @ b.vectors.T).astype(np.float64)
    same = a.word_stems[:, None] == b.word_stems[None, :]
    S[same] = 1.0
    exact_a, exact_b = same.any(axis=1), same.any(axis=0)
    ma, mb = S.max(axis=1), S.max(axis=0)
    ra, rb = a.word_rarity, b.word_rarity
    cov_a, cov_b = float(ra @ ma / ra.sum()), float(rb @ mb / rb.sum())
    new_a = float(ra[ma < SOFT_MATCH_COSINE].sum())
    new_b = float(rb[mb < SOFT_MATCH_COSINE].sum())
    ua, ub = ~exact_a, ~exact_b
    un_a = float(ra[ua] @ ma[ua] / ra[ua].sum()) if ua.any() else 1.0
    un_b = float(rb[ub] @ mb[ub] / rb[ub].sum()) if ub.any() else 1.0
    wa, wb = ra * (1.0 - ma), rb * (1.0 - mb)
    hmean = 2 * cov_a * cov_b / (cov_a + cov_b) if cov_a + cov_b > 0 else 0.0
    return [min(cov_a, cov_b), max(cov_a, cov_b), min(new_a, new_b), max(new_a, new_b),
            min(un_a, un_b), max(un_a, un_b),
            max(wa.max(), wb.max()), min(wa.max(), wb.max()), float(wa.sum() + wb.sum()),
            float(min(ma.min(), mb.min())), hmean]


def _sequence(a: _Side, b: _Side) -> list[float]:
    """Date-word mismatch, shared opening/closing tokens, and order of the content-word stems."""
    out = [float(bool(a.dates) and bool(b.dates) and a.dates != b.dates)]
    n = min(a.n, b.n)
    p = 0
    while p < n and a.norms[p] == b.norms[p]:
        p += 1
    q = 0
    while q < n - p and a.norms[-1 - q] == b.norms[-1 - q]:
        q += 1
    out += [p / n if n else 1.0, (p + q) / max(a.n, b.n) if n else 1.0]
    sa, sb = a.stem_seq, b.stem_seq
    lcs = _lcs(sa, sb)
    out += [lcs / max(len(sa), len(sb)) if sa and sb else 1.0,
            (len(sa) + len(sb) - 2 * lcs) / max(1, len(sa) + len(sb)),
            _dice(set(zip(sa, sa[1:])), set(zip(sb, sb[1:])))]
    return out


# ---------------------------------------------------------------- learned word evidence

def stem_sets(a: _Side, b: _Side) -> tuple[frozenset, frozenset]:
    """(stems on one side only, stems on both sides) of a pair."""
    return a.stems ^ b.stems, a.stems & b.stems


def odds_columns(sets: list[tuple[frozenset, frozenset]], unmatched: dict[str, float],
                 shared: dict[str, float]) -> np.ndarray:
    """The four word-evidence features of each pair from log-odds tables (missing stem: 0)."""
    out = np.zeros((len(sets), 4))
    for i, (un, sh) in enumerate(sets):
        lu = [unmatched.get(w, 0.0) for w in un]
        ls = [shared.get(w, 0.0) for w in sh]
        out[i] = (sum(lu), min(lu, default=0.0), sum(ls), max(ls, default=0.0))
    return out


N_ODDS = 4


def sentence_features(text_a: str, text_b: str, cosine: float) -> np.ndarray:
    """Feature vector (ordered as FEATURE_NAMES) for one pair; symmetric in a and b."""
    return features_batch([(text_a, text_b)], [cosine])[0]


def features_batch(pairs: list[tuple[str, str]], cosines, word_odds=None) -> np.ndarray:
    """Feature matrix, one row per pair. Sentences repeated across pairs are analysed once.
    ``word_odds`` = (unmatched, shared) log-odds tables; by default the shipped model's."""
    cosines = np.asarray(cosines, dtype=np.float64).reshape(-1)
    if len(cosines) != len(pairs):
        raise ValueError(f"{len(pairs)} pairs but {len(cosines)} cosines")
    sides: dict[str, _Side] = {}

    def side(t: str) -> _Side:
        s = sides.get(t)
        if s is None:
            s = sides[t] = _Side(t)
        return s

    analysed = [(side(a), side(b)) for a, b in pairs]
    _attach_vectors(list(sides.values()))
    if word_odds is None:
        word_odds = get_scorer().word_odds
    out = np.empty((len(pairs), N_FEATURES), dtype=np.float64)
    for i, (sa, sb) in enumerate(analysed):
        out[i, : N_FEATURES - N_ODDS] = _pair(sa, sb, float(cosines[i])) + _soft(sa, sb) + _sequence(sa, sb)
    out[:, N_FEATURES - N_ODDS :] = odds_columns([stem_sets(sa, sb) for sa, sb in analysed], *word_odds)
    return out


def pair_stem_sets(pairs: list[tuple[str, str]]) -> list[tuple[frozenset, frozenset]]:
    """stem_sets of each pair (for estimating the word-evidence tables)."""
    return [stem_sets(_Side(a), _Side(b)) for a, b in pairs]


# ---------------------------------------------------------------- heads (numpy only)

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class _Trees:
    """A sum of binary regression trees flattened into node arrays (x <= threshold goes left)."""

    def __init__(self, spec: dict) -> None:
        self.feature = np.asarray(spec["feature"], dtype=np.int64)
        self.threshold = np.asarray(spec["threshold"], dtype=np.float64)
        self.left = np.asarray(spec["left"], dtype=np.int64)
        self.right = np.asarray(spec["right"], dtype=np.int64)
        self.value = np.asarray(spec["value"], dtype=np.float64)
        self.roots = np.asarray(spec["roots"], dtype=np.int64)
        self.depth = int(spec["max_depth"])
        self.base = float(spec.get("base", 0.0))
        self.leaf = self.left < 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        # scikit-learn trees compare float32 inputs with float64 thresholds: do the same so that a
        # value lying between its float32 rounding and a threshold goes the same way.
        X = X.astype(np.float32).astype(np.float64)
        n = X.shape[0]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            leaf = self.leaf[node]
            if leaf.all():
                break
            f = self.feature[node]
            go_left = X[rows, np.maximum(f, 0)] <= self.threshold[node]
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(leaf, node, nxt)
        return self.base + self.value[node].sum(axis=1)


class _Head:
    """One output: linear or trees on standardised features, then a link; or a blend of heads."""

    def __init__(self, spec: dict) -> None:
        self.kind = spec["kind"]
        self.link = spec.get("link", "identity")
        if self.kind == "linear":
            self.coef = np.asarray(spec["coef"], dtype=np.float64)
            self.intercept = float(spec["intercept"])
        elif self.kind == "trees":
            self.trees = _Trees(spec)
        elif self.kind == "blend":
            self.parts = [_Head(p) for p in spec["parts"]]
            self.weights = np.asarray(spec["weights"], dtype=np.float64)
        else:
            raise ValueError(f"unknown head kind {self.kind!r}")
        self.clip = spec.get("clip")

    def __call__(self, Z: np.ndarray) -> np.ndarray:
        if self.kind == "linear":
            y = Z @ self.coef + self.intercept
        elif self.kind == "trees":
            y = self.trees(Z)
        else:
            y = sum(w * p(Z) for w, p in zip(self.weights, self.parts))
        if self.link == "logistic":
            y = _sigmoid(y)
        if self.clip is not None:
            y = np.clip(y, self.clip[0], self.clip[1])
        return y


class PairScorer:
    """Paraphrase probability and graded similarity for sentence pairs, from ``features_batch`` rows."""

    def __init__(self, spec: dict) -> None:
        names = tuple(spec["features"])
        if names != FEATURE_NAMES:
            raise ValueError("pair_scorer.json was trained on different features; retrain with scripts/train_scorer.py")
        self.spec = spec
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self._paraphrase = _Head(spec["paraphrase"])
        self._similarity = _Head(spec["similarity"])
        self.paraphrase_threshold = float(spec["paraphrase_threshold"])
        odds = spec.get("word_odds", {})
        self.word_odds = (odds.get("unmatched", {}), odds.get("shared", {}))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PairScorer":
        with open(path or MODEL_PATH, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def _standardise(self, features) -> np.ndarray:
        X = np.asarray(features, dtype=np.float64)
        if X.ndim == 1:
            X = X[None, :]
        if X.shape[1] != N_FEATURES:
            raise ValueError(f"expected {N_FEATURES} features, got {X.shape[1]}")
        return (X - self.mean) / self.scale

    def paraphrase_probability(self, features_2d) -> np.ndarray:
        """Probability that each pair says the same thing (MRPC sense)."""
        return self._paraphrase(self._standardise(features_2d))

    def is_paraphrase(self, features_2d) -> np.ndarray:
        return self.paraphrase_probability(features_2d) >= self.paraphrase_threshold

    def similarity(self, features_2d) -> np.ndarray:
        """Graded similarity in [0, 1] (STS sense: 1 = same meaning, 0 = unrelated)."""
        return np.clip(self._similarity(self._standardise(features_2d)), 0.0, 1.0)


_SCORER: PairScorer | None = None


def get_scorer() -> PairScorer:
    global _SCORER
    if _SCORER is None:
        _SCORER = PairScorer.load()
    return _SCORER


def score_sentences(text_a: str, text_b: str) -> tuple[float, float]:
    """(paraphrase probability, similarity) for one pair, encoding both sentences."""
    from ..encode.embed import get_encoder

    va, vb = get_encoder().encode([text_a, text_b])
    cos = float(np.clip(np.dot(va, vb), -1.0, 1.0))
    x = features_batch([(text_a, text_b)], [cos])
    scorer = get_scorer()
    return float(scorer.paraphrase_probability(x)[0]), float(scorer.similarity(x)[0])
