"""Word-level diff of two wordings of one claim: which words were kept, inserted, deleted or changed."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

# A word with the punctuation that clings to it, so the pieces put back together are the text.
_PIECE = re.compile(r"\S+\s*|\s+")
_STRIP = re.compile(r"[^\w]+")


def _key(piece: str) -> str:
    """What two words are compared by: case, punctuation, quote marks and spacing aside (as claim
    grading does), so "peace;" and "peace." count as the same word."""
    return _STRIP.sub("", piece.casefold())


def word_diff(a: str, b: str) -> list[list]:
    """Operations turning ``a`` into ``b``: ``[op, a_text, b_text]`` with op ``equal``, ``delete``
    (only in a), ``insert`` (only in b) or ``replace`` (changed words). Joining the a_texts gives
    ``a`` back, and the b_texts ``b``."""
    pa, pb = _PIECE.findall(a), _PIECE.findall(b)
    matcher = SequenceMatcher(None, [_key(p) for p in pa], [_key(p) for p in pb], autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append([tag, "".join(pa[i1:i2]), "".join(pb[j1:j2])])
    return ops
