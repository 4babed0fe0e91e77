"""Seeded synthetic news corpus with planted reuse, for speed and recall benchmarks.

``make_corpus(n_articles, seed)`` returns ``(articles, planted_pairs)``:

* ``articles``: JSONL-style dicts ``{"id", "title", "text", "outlet", "published"}``;
* ``planted_pairs``: the set of ``(id_a, id_b)`` pairs (sorted within each pair) that
  genuinely share text because the generator copied it.

How the text is made
--------------------
Words come from an invented vocabulary (a few thousand lowercase words, shorter words
more frequent) drawn with a Zipf-Mandelbrot distribution, mixed into sentence templates
with real English function words ("the", "of", "said", "in", ...), capitalised invented
names, places and organisations, numbers, quotes and sentence punctuation. Paragraphs
(2-5 sentences, a one-sentence lead) are separated by blank lines; articles run to
400-800 words (about 600 on average).

Every original article belongs to a random *topic* (a few hundred of them). A topic
owns a cast of people, places, organisations and favourite words, so unrelated articles
of one topic share names and vocabulary -- as real coverage of one beat does -- but
not running text.

Planted reuse, as families around a source article (drawn independently, so a source
can have several kinds):

* ~5% of originals get 1-5 exact duplicates (other outlet, sometimes different
  whitespace: CRLF, double spaces, extra blank lines, trailing newline);
* ~5% get a *version*: one or two paragraphs re-worded by swapping many words, and a
  paragraph added or cut;
* ~3% get a *partial* copy: a new article of the same topic in which 2-4 source
  paragraphs appear verbatim (20-45% of its words), the rest new text.

Within a family every pair whose members share at least one verbatim source paragraph
is planted (duplicates of a source are duplicates of each other, a version or partial
copy is paired with the source's duplicates too, and a version with a partial copy when
they keep a common paragraph). ``make_corpus_detailed`` also gives each planted pair its
kind: ``duplicate``, ``version``, ``partial``, or ``partial_of_version`` for a partial copy
and a version of the same source (rare; they may share a single paragraph, < 15%).

Everything depends only on ``(n_articles, seed)``: the same call gives the same corpus.

Command line::

    python benchmarks/synthetic.py 2000 --seed 1 --out corpus.jsonl [--pairs pairs.tsv]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import json
import random
import re
import sys
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------
# Parameters (kept together so they can be read and tuned in one place)

VOCAB_SIZE = 6000          # invented content words
ZIPF_S = 1.0               # Zipf exponent ...
ZIPF_Q = 2.7               # ... and Mandelbrot offset: p(rank r) ~ 1 / (r + q) ** s
TOPIC_WORDS = 60           # favourite words per topic
TOPIC_WORD_P = 0.22        # chance a content slot uses a topic word
N_FIRST_NAMES = 300
N_SURNAMES = 2500
N_PLACES = 900
N_ORGS = 500
N_OUTLETS = 40
WORDS_MIN, WORDS_MAX = 400, 800

DUP_P = 0.05               # share of originals that get exact duplicates
DUP_COUNT_WEIGHTS = [0.4, 0.25, 0.15, 0.1, 0.1]   # 1..5 duplicates
VERSION_P = 0.05
PARTIAL_P = 0.03
REWORD_P = 0.6             # share of content words swapped in a re-worded paragraph
PARTIAL_SHARE = (0.20, 0.45)   # share of the partial copy's words copied from the source

_EPOCH = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)

# ---------------------------------------------------------------------------
# Invented words

_ONSETS = ("b c d f g h j k l m n p r s t v w z br cr dr fr gr pr tr st sl sh ch th pl bl "
           "cl gl sk sp sn qu").split()
_VOWELS = "a e i o u a e i o ai ea ou io ei oo au".split()
_CODAS = ["", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "st", "rk", "ng", "x", "ck", "sh"]

FUNCTION_WORDS = frozenset(
    """the a an of in on for with at from by after over to and but while as said says has had was
    were will would could is are be been have not that this its their it he she they who which
    also more than about according officials whether when did there".""".split()
)


def _syllables(rng: random.Random, n: int) -> str:
    word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(n))
    return word + rng.choice(_CODAS)


def _invent(rng: random.Random, count: int, syl_weights: list[float], taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        n = rng.choices(range(1, len(syl_weights) + 1), weights=syl_weights)[0]
        w = _syllables(rng, n)
        if len(w) < 3 or w in taken or w in FUNCTION_WORDS:
            continue
        taken.add(w)
        out.append(w)
    return out


@dataclass
class _Lexicon:
    vocab: list[str]
    cum_weights: list[float]
    vocab_set: frozenset[str]
    first_names: list[str]
    surnames: list[str]
    places: list[str]
    orgs: list[str]
    outlets: list[str]


def _make_lexicon(rng: random.Random) -> _Lexicon:
    taken: set[str] = set()
    vocab = _invent(rng, VOCAB_SIZE, [3, 5, 3, 1], taken)
    # Zipf's law of abbreviation: frequent words are short.
    vocab.sort(key=len)
    weights = [1.0 / (r + 1 + ZIPF_Q) ** ZIPF_S for r in range(len(vocab))]
    cum = list(itertools.accumulate(weights))
    cap = str.capitalize
    first = [cap(w) for w in _invent(rng, N_FIRST_NAMES, [1, 4, 2], taken)]
    surnames = [cap(w) for w in _invent(rng, N_SURNAMES, [1, 4, 3, 1], taken)]
    place_roots = [cap(w) for w in _invent(rng, N_PLACES, [1, 4, 3, 1], taken)]
    places = []
    for p in place_roots:
        k = rng.random()
        places.append(p if k < 0.75 else f"{p} {rng.choice(['City', 'Valley', 'Heights', 'Bay', 'Province'])}"
                      if k < 0.9 else f"North {p}" if k < 0.95 else f"San {p}")
    org_roots = [cap(w) for w in _invent(rng, N_ORGS, [1, 4, 3], taken)]
    org_forms = ["{} Ministry", "{} Council", "{} Party", "{} Group", "{} Institute", "{} Union",
                 "Bank of {}", "{} Authority", "{} Corp", "{} Foundation"]
    orgs = [rng.choice(org_forms).format(r) for r in org_roots]
    outlet_roots = [cap(w) for w in _invent(rng, N_OUTLETS, [1, 3, 2], taken)]
    outlet_forms = ["The {} Herald", "{} Times", "{} Daily", "{} News", "The {} Post", "{} Tribune",
                    "{} Wire", "{} Observer"]
    outlets = [rng.choice(outlet_forms).format(r) for r in outlet_roots]
    return _Lexicon(vocab, cum, frozenset(vocab), first, surnames, places, orgs, outlets)


@dataclass
class _Topic:
    persons: list[tuple[str, str]]
    places: list[str]
    orgs: list[str]
    words: list[str]
    base: _dt.datetime


def _make_topic(rng: random.Random, lex: _Lexicon) -> _Topic:
    persons = [(rng.choice(lex.first_names), rng.choice(lex.surnames)) for _ in range(8)]
    places = rng.sample(lex.places, 4)
    orgs = rng.sample(lex.orgs, 3)
    words = rng.sample(lex.vocab[100:], TOPIC_WORDS)
    base = _EPOCH + _dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
    return _Topic(persons, places, orgs, words, base)


# ---------------------------------------------------------------------------
# Prose

_PREPS = ["in", "of", "on", "for", "with", "at", "from", "by", "after", "over", "to"]
_PREP_W = [8, 7, 4, 4, 3, 3, 2, 2, 2, 1, 3]
_CONJ = ["and", "but", "while", "as"]
_WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
         "on Sunday", "next week", "last week", "this year", "by March", "by June", "in the autumn",
         "later this month", "earlier this year"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


_TEMPLATES = list(range(12))
_TEMPLATE_CUM = list(itertools.accumulate([3, 2, 1.5, 2, 1, 1.5, 1, 2, 0.3, 1, 1, 2]))


class _Writer:
    """Writes the sentences of one article: its topic, its cast, a seeded RNG."""

    def __init__(self, rng: random.Random, lex: _Lexicon, topic: _Topic):
        self.rng = rng
        self.lex = lex
        self.topic = topic
        self.persons = rng.sample(topic.persons, 3)
        if rng.random() < 0.15:  # an occasional outsider
            self.persons.append((rng.choice(lex.first_names), rng.choice(lex.surnames)))
        self.places = rng.sample(topic.places, 2)
        if rng.random() < 0.15:
            self.places.append(rng.choice(lex.places))
        self.orgs = rng.sample(topic.orgs, 2)
        self._buf: list[str] = []

    # -- slots ---------------------------------------------------------
    def w(self) -> str:
        rng = self.rng
        if rng.random() < TOPIC_WORD_P:
            return rng.choice(self.topic.words)
        if not self._buf:
            self._buf = rng.choices(self.lex.vocab, cum_weights=self.lex.cum_weights, k=256)
        return self._buf.pop()

    def person(self) -> str:
        f, s = self.rng.choice(self.persons)
        return f"{f} {s}"

    def surname(self) -> str:
        return self.rng.choice(self.persons)[1]

    def place(self) -> str:
        return self.rng.choice(self.places)

    def org(self) -> str:
        return self.rng.choice(self.orgs)

    def num(self) -> str:
        rng = self.rng
        k = rng.random()
        if k < 0.35:
            return str(rng.randint(2, 99))
        if k < 0.55:
            return f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}"
        if k < 0.7:
            return f"{rng.randint(1, 9)}.{rng.randint(1, 9)} million"
        if k < 0.8:
            return f"${rng.randint(1, 99)}.{rng.randint(1, 9)} billion"
        if k < 0.92:
            return f"{rng.randint(2, 95)} percent of the"
        return str(rng.randint(120, 990))

    def np(self) -> str:
        rng, w = self.rng, self.w
        k = rng.random()
        if k < 0.17:
            return f"the {w()}"
        if k < 0.27:
            return f"the {w()} {w()}"
        if k < 0.37:
            x = w()
            return f"{'an' if x[0] in 'aeiou' else 'a'} {x} {w()}"
        if k < 0.52:
            return f"{w()} {w()}s"
        if k < 0.57:
            return f"the {w()} of {self.place()}"
        if k < 0.69:
            return self.person() if rng.random() < 0.4 else self.surname()
        if k < 0.79:
            return f"{self.num()} {w()}s"
        if k < 0.83:
            return f"the {self.org()}"
        if k < 0.87:
            return f"{w()}s in {self.place()}"
        if k < 0.93:
            return f"{rng.choice(['their', 'its', 'his', 'her', 'this', 'some', 'many'])} {w()}"
        return f"{w()}s and {w()}s"

    def vp(self) -> str:
        rng, v = self.rng, self.w()
        k = rng.random()
        if k < 0.35:
            return f"{v}ed"
        if k < 0.55:
            return f"{v}s"
        if k < 0.65:
            return f"will {v}"
        if k < 0.75:
            return f"has {v}ed"
        if k < 0.82:
            return f"had {v}ed"
        if k < 0.9:
            return f"was {v}ing"
        if k < 0.96:
            return f"could {v}"
        return f"did not {v}"

    def pp(self) -> str:
        return f"{self.rng.choices(_PREPS, weights=_PREP_W)[0]} {self.np()}"

    def opt_pp(self) -> str:
        return " " + self.pp() if self.rng.random() < 0.6 else ""

    def clause(self) -> str:
        return f"{self.np()} {self.vp()} {self.np()}{self.opt_pp()}"

    # -- sentences -----------------------------------------------------
    def sentence(self) -> str:
        rng = self.rng
        t = rng.choices(_TEMPLATES, cum_weights=_TEMPLATE_CUM)[0]
        if t == 0:
            s = f"{self.clause()}."
        elif t == 1:
            s = f"{self.pp()}, {self.np()} {self.vp()} {self.np()}{self.opt_pp()}."
        elif t == 2:
            s = (f"{self.person()}, the {self.w()} {self.w()} of the {self.org()}, said "
                 f"{self.clause()} {rng.choice(_WHEN)}.")
        elif t == 3:
            q = self.clause()
            s = f"\"{q[0].upper()}{q[1:]},\" said {self.surname()}."
        elif t == 4:
            s = (f"{self.np()} {self.vp()} {self.num()} {self.w()}s in {self.place()}, "
                 f"according to the {self.org()}.")
        elif t == 5:
            s = f"{self.surname()} said {self.np()} would {self.w()} {self.np()} {rng.choice(_WHEN)}."
        elif t == 6:
            s = f"Officials in {self.place()} said {self.clause()}{self.opt_pp()}."
        elif t == 7:
            s = f"{self.clause()}, {rng.choice(_CONJ)} {self.np()} {self.vp()} {self.np()}."
        elif t == 8:
            s = f"It was not {self.w()} whether {self.clause()}."
        elif t == 9:
            s = (f"In {rng.choice(_MONTHS)} {rng.randint(2015, 2024)}, {self.np()} {self.vp()} "
                 f"{self.num()} {self.w()}s{self.opt_pp()}.")
        elif t == 10:
            q1, q2 = self.clause(), self.clause()
            s = f"\"{q1[0].upper()}{q1[1:]}. {q2[0].upper()}{q2[1:]},\" {self.person()} said."
        else:
            s = f"{self.np()} {self.vp()} that {self.clause()}{self.opt_pp()}."
        return s[0].upper() + s[1:]

    def paragraph(self, n_sentences: int | None = None) -> str:
        n = n_sentences if n_sentences is not None else self.rng.randint(2, 5)
        return " ".join(self.sentence() for _ in range(n))

    def paragraphs(self, target_words: int) -> list[str]:
        paras = [self.paragraph(1)]  # news lead: one sentence
        words = len(paras[0].split())
        while words < target_words:
            p = self.paragraph()
            paras.append(p)
            words += len(p.split())
        # Trim the overshoot sentence by sentence, keeping at least two paragraphs.
        while words > WORDS_MAX and len(paras) > 2:
            words -= len(paras.pop().split())
        return paras

    def title(self) -> str:
        rng, w = self.rng, self.w
        t = rng.randrange(5)
        if t == 0:
            s = f"{self.surname()} {w()}s {w()} {w()} in {self.place()}"
        elif t == 1:
            s = f"{self.place()} {w()}s {self.num()} {w()}s as {w()} {w()}s"
        elif t == 2:
            s = f"{self.org()} to {w()} {w()} {w()} after {w()}"
        elif t == 3:
            s = f"'{w().capitalize()} {w()}' {w()}s {self.place()} {w()}"
        else:
            s = f"{w().capitalize()} of {self.place()} {w()}s {w()}, {self.surname()} says"
        return s[0].upper() + s[1:]


# ---------------------------------------------------------------------------
# Families


@dataclass
class _Doc:
    title: str
    paragraphs: list[str]
    outlet: str
    published: _dt.datetime
    family: int | None = None            # index of the source's family, if any
    kind: str = "original"               # original / source / duplicate / version / partial
    shared: frozenset[int] = field(default_factory=frozenset)  # verbatim source paragraph indices
    sep: str = "\n\n"
    tail: str = ""
    crlf: bool = False
    double_space: bool = False

    def text(self) -> str:
        paras = self.paragraphs
        if self.double_space:
            paras = [p.replace(". ", ".  ") for p in paras]
        t = self.sep.join(paras) + self.tail
        return t.replace("\n", "\r\n") if self.crlf else t


def _reword(rng: random.Random, lex: _Lexicon, writer: _Writer, para: str) -> str:
    def swap(m: re.Match) -> str:
        word = m.group()
        if word in lex.vocab_set and rng.random() < REWORD_P:
            return writer.w()
        return word
    return re.sub(r"\b[a-z]+\b", swap, para)


def _later(rng: random.Random, t: _dt.datetime, lo_min: int, hi_min: int) -> _dt.datetime:
    return t + _dt.timedelta(minutes=rng.randint(lo_min, hi_min))


def _plan_duplicates(rng, src: _Doc, fam: int, lex: _Lexicon, n: int) -> list[_Doc]:
    out = []
    for _ in range(n):
        d = _Doc(src.title, list(src.paragraphs),
                 src.outlet if rng.random() < 0.2 else rng.choice(lex.outlets),
                 _later(rng, src.published, 5, 12 * 60), fam, "duplicate",
                 frozenset(range(len(src.paragraphs))))
        k = rng.random()  # whitespace variants: the text stays the same
        if k < 0.15:
            d.crlf = True
        elif k < 0.3:
            d.sep = "\n\n\n"
        elif k < 0.45:
            d.double_space = True
        elif k < 0.6:
            d.tail = "\n"
        out.append(d)
    return out


def _plan_version(rng, src: _Doc, fam: int, lex: _Lexicon, writer: _Writer) -> _Doc:
    paras = list(src.paragraphs)
    idx = list(range(len(paras)))            # source index of each paragraph, None if new/changed
    n_reword = 1 if len(paras) < 8 or rng.random() < 0.5 else 2
    for i in rng.sample(range(1, len(paras)), n_reword):
        paras[i] = _reword(rng, lex, writer, paras[i])
        idx[i] = None
    if rng.random() < 0.5 or len(paras) < 6:   # a paragraph added
        pos = rng.randint(1, len(paras))
        paras.insert(pos, writer.paragraph())
        idx.insert(pos, None)
    else:                                      # a paragraph cut
        candidates = [i for i in range(1, len(paras)) if idx[i] is not None]
        cut = rng.choice(candidates)
        del paras[cut]
        del idx[cut]
    title = src.title if rng.random() < 0.5 else _reword(rng, lex, writer, src.title)
    return _Doc(title, paras, src.outlet if rng.random() < 0.6 else rng.choice(lex.outlets),
                _later(rng, src.published, 30, 24 * 60), fam, "version",
                frozenset(i for i in idx if i is not None))


def _plan_partial(rng, src: _Doc, fam: int, lex: _Lexicon, writer: _Writer) -> _Doc:
    words = [len(p.split()) for p in src.paragraphs]
    total = sum(words)
    body = list(range(1, len(src.paragraphs)))    # the lead stays with the source
    k = rng.randint(2, 4)
    while True:
        if rng.random() < 0.5:                    # a contiguous run ...
            start = rng.randint(0, max(0, len(body) - k))
            chosen = body[start:start + k]
        else:                                     # ... or scattered paragraphs, in order
            chosen = sorted(rng.sample(body, min(k, len(body))))
        copied = sum(words[i] for i in chosen)
        if copied <= PARTIAL_SHARE[1] * total or k == 2:
            break
        k -= 1
    # Copied share in PARTIAL_SHARE, keeping the partial copy's length near WORDS_MIN..WORDS_MAX.
    lo = max(PARTIAL_SHARE[0], copied / WORDS_MAX)
    hi = max(lo, min(PARTIAL_SHARE[1], copied / WORDS_MIN))
    share = rng.uniform(lo, hi)
    new_words_target = copied * (1 - share) / share
    new: list[str] = [writer.paragraph(1)]
    while sum(len(p.split()) for p in new) < new_words_target:
        new.append(writer.paragraph())
    # Interleave: the new lead first, copied paragraphs in source order among the new ones.
    slots = sorted(rng.sample(range(1, len(new) + len(chosen)), len(chosen)))
    paras: list[str] = []
    ci = ni = 0
    for pos in range(len(new) + len(chosen)):
        if ci < len(chosen) and pos == slots[ci]:
            paras.append(src.paragraphs[chosen[ci]])
            ci += 1
        else:
            paras.append(new[ni])
            ni += 1
    return _Doc(writer.title(), paras, rng.choice(lex.outlets),
                _later(rng, src.published, 60, 48 * 60), fam, "partial", frozenset(chosen))


def _pair_kind(x: _Doc, y: _Doc) -> str:
    kinds = {x.kind, y.kind}
    if kinds == {"partial", "version"}:
        return "partial_of_version"   # they share only what both kept of the source: may be little
    if "partial" in kinds:
        return "partial"
    if "version" in kinds:
        return "version"
    return "duplicate"


def make_corpus_detailed(n_articles: int, seed: int) -> tuple[list[dict], dict[tuple[str, str], str]]:
    """Like :func:`make_corpus`, but the planted pairs map to their kind."""
    if n_articles < 1:
        return [], {}
    rng = random.Random(f"storytrace-synthetic/{seed}")
    lex = _make_lexicon(random.Random(f"storytrace-lexicon/{seed}"))
    n_topics = min(400, max(10, n_articles // 50))
    topics = [_make_topic(rng, lex) for _ in range(n_topics)]

    # Plan the families first so the corpus has exactly n_articles articles.
    plans: list[tuple[int, bool, bool]] = []   # per original: (n duplicates, version?, partial?)
    n_orig = max(1, round(n_articles / 1.23))
    total = 0
    for _ in range(n_orig):
        n_dup = rng.choices(range(1, 6), weights=DUP_COUNT_WEIGHTS)[0] if rng.random() < DUP_P else 0
        ver = rng.random() < VERSION_P
        par = rng.random() < PARTIAL_P
        plans.append((n_dup, ver, par))
        total += 1 + n_dup + ver + par
    while total > n_articles:               # drop families from the end
        n_dup, ver, par = plans.pop()
        total -= 1 + n_dup + ver + par
    while total < n_articles:               # pad with plain originals
        plans.append((0, False, False))
        total += 1

    docs: list[_Doc] = []
    fam_members: list[list[int]] = []
    for n_dup, ver, par in plans:
        topic = rng.choice(topics)
        writer = _Writer(random.Random(rng.getrandbits(64)), lex, topic)
        paras = writer.paragraphs(rng.randint(WORDS_MIN, WORDS_MAX))
        src = _Doc(writer.title(), paras, rng.choice(lex.outlets), _later(rng, topic.base, 0, 72 * 60))
        if not (n_dup or ver or par):
            docs.append(src)
            continue
        fam = len(fam_members)
        src.family, src.kind, src.shared = fam, "source", frozenset(range(len(paras)))
        members = [src]
        if n_dup:
            members += _plan_duplicates(random.Random(rng.getrandbits(64)), src, fam, lex, n_dup)
        if ver:
            members.append(_plan_version(random.Random(rng.getrandbits(64)), src, fam, lex, writer))
        if par:
            pw = _Writer(random.Random(rng.getrandbits(64)), lex, topic)
            members.append(_plan_partial(random.Random(rng.getrandbits(64)), src, fam, lex, pw))
        fam_members.append(list(range(len(docs), len(docs) + len(members))))
        docs.extend(members)

    # Shuffle so derived articles do not sit beside their sources; ids carry no family hint.
    order = list(range(len(docs)))
    rng.shuffle(order)
    ids = [""] * len(docs)
    articles: list[dict] = []
    for pos, di in enumerate(order):
        d = docs[di]
        ids[di] = f"syn{seed}-{pos:06d}"
        articles.append({"id": ids[di], "title": d.title, "text": d.text(), "outlet": d.outlet,
                         "published": d.published.strftime("%Y-%m-%dT%H:%M:%SZ")})

    pairs: dict[tuple[str, str], str] = {}
    for members in fam_members:
        for i, j in itertools.combinations(members, 2):
            x, y = docs[i], docs[j]
            if x.shared & y.shared:
                a, b = sorted((ids[i], ids[j]))
                pairs[(a, b)] = _pair_kind(x, y)
    return articles, pairs


def make_corpus(n_articles: int, seed: int) -> tuple[list[dict], set[tuple[str, str]]]:
    """``n_articles`` synthetic news articles and the set of planted reuse pairs (ids sorted)."""
    articles, pairs = make_corpus_detailed(n_articles, seed)
    return articles, set(pairs)


def stored_and_queries(size: int, queries: int, seed: int) -> tuple[list[dict], list[dict]]:
    """``size + queries`` articles split into a store's articles and held-out queries: half the
    queries from planted reuse families (so they have a source among the stored), half at random."""
    articles, planted = make_corpus(size + queries, seed)
    rng = random.Random(seed)
    in_families = sorted({i for pair in planted for i in pair})
    picked = set(rng.sample(in_families, min(len(in_families), queries // 2)))
    rest = [a["id"] for a in articles if a["id"] not in picked]
    picked |= set(rng.sample(rest, queries - len(picked)))
    return [a for a in articles if a["id"] not in picked], [a for a in articles if a["id"] in picked]


def write_jsonl(articles: list[dict], path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a seeded synthetic news corpus with planted reuse.")
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="JSONL file to write (default: stdout)")
    ap.add_argument("--pairs", help="also write the planted pairs here (TSV: a, b, kind)")
    args = ap.parse_args(argv)
    articles, pairs = make_corpus_detailed(args.n, args.seed)
    if args.out:
        write_jsonl(articles, args.out)
    else:
        for a in articles:
            sys.stdout.write(json.dumps(a, ensure_ascii=False) + "\n")
    if args.pairs:
        with open(args.pairs, "w", encoding="utf-8") as f:
            for (a, b), kind in sorted(pairs.items()):
                f.write(f"{a}\t{b}\t{kind}\n")
    counts: dict[str, int] = {}
    for kind in pairs.values():
        counts[kind] = counts.get(kind, 0) + 1
    words = sum(len(a["text"].split()) for a in articles)
    print(f"{len(articles)} articles, {words / max(1, len(articles)):.0f} words on average, "
          f"{len(pairs)} planted pairs {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
