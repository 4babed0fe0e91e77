"""Plain records passed between the stages.

Every offset anywhere in storytrace is a character offset into ``Article.text``,
the article's text exactly as it was read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .text import vocab

Span = tuple[int, int]


def has_surrogates(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def without_surrogates(text: str) -> str:
    """``text`` with every unpaired surrogate code point replaced by U+FFFD (the same length)."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Article:
    """One article as ingested. ``text`` is never modified after reading."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    byline: str | None = None
    origin: str | None = None  # file (and line) the article came from, for messages
    credits: list[str] = field(default_factory=list)
    furniture: list[Span] = field(default_factory=list)
    language: str | None = None  # as the page declares it (HTML input)
    dateline: str | None = None  # the place a report is filed from ("KYIV, Ukraine")
    headings: list[Span] = field(default_factory=list)  # lines the page marks up as headings (HTML input)

    def __post_init__(self) -> None:
        # an unpaired surrogate (a JSON "\udc80" escape, an argument not valid UTF-8) cannot be
        # tokenized, encoded as UTF-8 or written to JSON: it becomes U+FFFD, one code point for
        # one, so offsets are unchanged (readers say so for their records: readers/records.py)
        for name in ("id", "text", "title", "url", "outlet", "published", "byline"):
            value = getattr(self, name)
            if isinstance(value, str) and has_surrogates(value):
                setattr(self, name, without_surrogates(value))


@dataclass(slots=True)  # millions of them in a large corpus: no per-instance dict
class Token:
    norm: str  # normalised form used for matching (lower case, unified quotes and spellings)
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    first_token: int  # index into Doc.tokens
    last_token: int  # exclusive
    paragraph: int


class Rows(Sequence):
    """Small records as the rows of one integer array instead of one object each (a corpus has
    millions of sentences and paragraphs): ``record`` builds one from a row when it is asked for."""

    __slots__ = ("rows",)

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def __reduce__(self):
        return type(self), (self.rows,)

    @staticmethod
    def record(row: list[int]):
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self.record(r) for r in self.rows[k].tolist()]
        return self.record(self.rows[k].tolist())

    def __iter__(self):
        return map(self.record, self.rows.tolist())


class Sentences(Rows):
    """Rows (start, end, first_token, last_token, paragraph): 10 bytes a sentence (20 for a text of
    65,536 characters or more) where a Sentence object with its five ints took ~150."""

    @staticmethod
    def record(row: list[int]) -> Sentence:
        return Sentence(*row)


class Spans(Rows):
    """Rows (start, end), given as tuples: 4 or 8 bytes a span where a tuple of two ints took ~120."""

    @staticmethod
    def record(row: list[int]) -> Span:
        return tuple(row)


class Words(Sequence):
    """A document's normalised words, read as strings from its word ids (text/vocab.py): 4 bytes a
    token where a list of str took 8 and more. Slices give lists of str."""

    __slots__ = ("ids",)

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return list(map(vocab.WORDS.__getitem__, self.ids[k].tolist()))
        return vocab.WORDS[self.ids[k]]

    def __iter__(self):
        return map(vocab.WORDS.__getitem__, self.ids.tolist())


@dataclass
class Doc:
    """An article segmented: paragraphs, sentences and tokens of its body (furniture excluded).

    Tokens are parallel arrays, not objects (a corpus has millions): ``words[i]`` is the id of token
    i's normalised form in this process's vocabulary (text/vocab.py; ``norms[i]`` the form itself),
    ``starts[i]``/``ends[i]`` its character span in ``article.text``. A batch run holds every Doc
    until compare ends, so the token lengths and the quoted flags are kept in their smallest form
    (``lengths``, ``quote_bits``: 1.3 bytes a token instead of 5) and ``ends``/``quoted`` made from
    them when asked for."""

    article: Article
    paragraphs: Spans
    sentences: Sentences
    words: np.ndarray  # int32 word ids, this process's (text/vocab.py)
    starts: np.ndarray  # uint16 for a text under 65,536 characters, else int32 (int64 from 2**31)
    lengths: np.ndarray  # each token's characters: uint8, or a wider type when a token is longer (token_lengths)
    body_chars: int  # characters of body text (furniture and whitespace excluded)
    quote_bits: np.ndarray  # np.packbits of the per-token flag "inside quotation marks" (a speaker's words)

    @property
    def ends(self) -> np.ndarray:
        """Each token's end offset, in the type of ``starts``."""
        return (self.starts + self.lengths).astype(self.starts.dtype, copy=False)

    @property
    def quoted(self) -> np.ndarray:
        """bool per token: inside quotation marks."""
        return np.unpackbits(self.quote_bits, count=len(self.words)).view(bool)

    @property
    def id(self) -> str:
        return self.article.id

    def __len__(self) -> int:
        """Number of tokens."""
        return len(self.words)

    @property
    def norms(self) -> Words:
        """The normalised words, as a sequence of str."""
        return Words(self.words)

    @property
    def tokens(self) -> list[Token]:
        """The tokens as objects, for callers that want them one at a time (built on each call)."""
        return [Token(n, s, e) for n, s, e in zip(self.norms, self.starts.tolist(), self.ends.tolist())]

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.article.text[s.start : s.end]

    # Word ids are this process's: a Doc pickled to another process (a dask worker) carries its
    # words as strings, once each, and takes that process's ids for them on arrival.
    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k != "words"}
        distinct, inverse = np.unique(self.words, return_inverse=True)
        state["words"] = (list(Words(distinct)), inverse.astype(np.int32))
        return state

    def __setstate__(self, state: dict) -> None:
        distinct, inverse = state["words"]
        self.__dict__.update(state, words=vocab.word_ids(distinct).astype(np.int32)[inverse])

    @property
    def word_ids(self) -> np.ndarray:
        return self.words

    @property
    def alphabetic(self) -> np.ndarray:
        """Tokens that bags of words count (vocab.is_counted)."""
        return vocab.ALPHABETIC[self.words]

    @property
    def alphanumeric(self) -> np.ndarray:
        return vocab.ALPHANUMERIC[self.words]

    @property
    def sentence_firsts(self) -> np.ndarray:
        return self.sentences.rows[:, 2].astype(np.int64)

    @property
    def sentence_sizes(self) -> np.ndarray:
        rows = self.sentences.rows
        return (rows[:, 3] - rows[:, 2]).astype(np.int64)


def token_lengths(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """ends - starts in the narrowest unsigned type that holds the longest (uint8 for any text of
    ordinary words; a URL or a run of characters without a space can be longer)."""
    lengths = ends - starts
    longest = int(lengths.max()) if len(lengths) else 0
    for kind in (np.uint8, np.uint16, np.uint32):
        if longest <= np.iinfo(kind).max:
            return lengths.astype(kind)
    return lengths.astype(np.int64)


@dataclass(slots=True)
class Passage:
    """Text shared by a pair: a span in each article, how it matches, and how well."""

    a: Span
    b: Span
    kind: str  # "verbatim" or "paraphrase"
    score: float

    def to_json(self) -> dict:
        return {"a": list(self.a), "b": list(self.b), "kind": self.kind, "score": round(self.score, 4)}


@dataclass(slots=True)
class Coverage:
    verbatim: float = 0.0
    paraphrase: float = 0.0

    @property
    def total(self) -> float:
        return min(1.0, self.verbatim + self.paraphrase)

    def to_json(self) -> dict:
        return {"verbatim": round(self.verbatim, 4), "paraphrase": round(self.paraphrase, 4)}


@dataclass(slots=True)
class Pair:
    a: str
    b: str
    relation: str
    similarity: float
    coverage_a: Coverage
    coverage_b: Coverage
    passages: list[Passage]
    source: str | None = None
    derived: str | None = None
    evidence: dict = field(default_factory=dict)  # the figures the relation was decided on

    def to_json(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "relation": self.relation,
            "similarity": round(self.similarity, 4),
            "source": self.source,
            "derived": self.derived,
            "coverage": {"a": self.coverage_a.to_json(), "b": self.coverage_b.to_json()},
            "passages": [p.to_json() for p in self.passages],
            "evidence": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.evidence.items()},
        }


@dataclass
class Story:
    id: str
    articles: list[str]
    origin: str
    title: str | None

    def to_json(self) -> dict:
        return {"id": self.id, "articles": self.articles, "origin": self.origin, "title": self.title}
