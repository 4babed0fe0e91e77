"""Plain records passed between the stages.

Every offset anywhere in storytrace is a character offset into ``Article.text``,
the article's text exactly as it was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

Span = tuple[int, int]


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


@dataclass
class Doc:
    """An article segmented: paragraphs, sentences and tokens of its body (furniture excluded).

    Tokens are parallel arrays, not objects (a corpus has millions): ``norms[i]`` is token i's
    normalised form, ``starts[i]``/``ends[i]`` its character span in ``article.text``."""

    article: Article
    paragraphs: list[Span]
    sentences: list[Sentence]
    norms: list[str]
    starts: np.ndarray  # int32 (int64 for a text of 2**31 characters or more)
    ends: np.ndarray  # int32 (int64 for a text of 2**31 characters or more)
    body_chars: int  # characters of body text (furniture and whitespace excluded)
    quoted: np.ndarray  # bool per token: inside quotation marks (a speaker's words)

    @property
    def id(self) -> str:
        return self.article.id

    def __len__(self) -> int:
        """Number of tokens."""
        return len(self.norms)

    @property
    def tokens(self) -> list[Token]:
        """The tokens as objects, for callers that want them one at a time (built on each call)."""
        return [Token(n, s, e) for n, s, e in zip(self.norms, self.starts.tolist(), self.ends.tolist())]

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.article.text[s.start : s.end]

    # Derived per-token arrays, computed on first use (only documents in aligned pairs need them).
    # Word ids are this process's (text/vocab.py): a Doc pickled to another process leaves them behind.
    _PROCESS_LOCAL = ("word_ids", "alphabetic", "alphanumeric")

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._PROCESS_LOCAL}

    @cached_property
    def word_ids(self) -> np.ndarray:
        from .text.vocab import word_ids
        return word_ids(self.norms)

    @cached_property
    def alphabetic(self) -> np.ndarray:
        """Tokens that bags of words count (vocab.is_counted)."""
        from .text.vocab import ALPHABETIC
        return ALPHABETIC[self.word_ids]

    @cached_property
    def alphanumeric(self) -> np.ndarray:
        from .text.vocab import ALPHANUMERIC
        return ALPHANUMERIC[self.word_ids]

    @cached_property
    def sentence_firsts(self) -> np.ndarray:
        return np.array([s.first_token for s in self.sentences], dtype=np.int64)

    @cached_property
    def sentence_sizes(self) -> np.ndarray:
        return np.array([s.last_token - s.first_token for s in self.sentences], dtype=np.int64)


@dataclass
class Passage:
    """Text shared by a pair: a span in each article, how it matches, and how well."""

    a: Span
    b: Span
    kind: str  # "verbatim" or "paraphrase"
    score: float

    def to_json(self) -> dict:
        return {"a": list(self.a), "b": list(self.b), "kind": self.kind, "score": round(self.score, 4)}


@dataclass
class Coverage:
    verbatim: float = 0.0
    paraphrase: float = 0.0

    @property
    def total(self) -> float:
        return min(1.0, self.verbatim + self.paraphrase)

    def to_json(self) -> dict:
        return {"verbatim": round(self.verbatim, 4), "paraphrase": round(self.paraphrase, 4)}


@dataclass
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
