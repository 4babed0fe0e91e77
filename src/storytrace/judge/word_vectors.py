"""Where the pair scorer's word vectors come from besides the encoder: a source that keeps them
between processes (the store's table ``word_vectors``, store/word_vectors.py), set for the length
of a batch or a trace with ``kept_in``.

A word vector is the encoder's vector of the word alone, so a kept one is exactly what encoding it
again would give (the source answers only for the encoder that made its vectors). Each word costs
one model run of ~1-2 ms that batching cannot share (encode/onnx_encoder.py), and a trace that
aligns a rewrite by meaning needs a few hundred: about half its time when none is kept
(BENCHMARKS.md, "Word vectors kept in the store").
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Protocol

import numpy as np


class WordVectorSource(Protocol):
    def vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """The kept vectors of those of ``words`` it has."""

    def encoded(self, vectors: dict[str, np.ndarray]) -> None:
        """Vectors just encoded, to keep (or not)."""


_SOURCE: ContextVar[WordVectorSource | None] = ContextVar("storytrace_word_vector_source", default=None)


@contextmanager
def kept_in(source: WordVectorSource) -> Iterator[None]:
    token = _SOURCE.set(source)
    try:
        yield
    finally:
        _SOURCE.reset(token)


def current_source() -> WordVectorSource | None:
    return _SOURCE.get()
