"""Is a text prose at all? Word salad (an article's words in random order) shares vocabulary, names
and numbers with the article, so the event model calls it the same event; its word order gives it
away without any language model.

In English a determiner is followed by a noun phrase, never by another function word ("the of",
"a and", "this was"), and a preposition by its object, not by a preposition, a conjunction or an
auxiliary ("of in", "with and", "from was"). In prose such pairs are slips (under 1% of those
words; BENCHMARKS.md, "Word salad"); in a text whose words are shuffled about half of the
function words are followed by another function word, so a third or more of them break the rule.
"""

from __future__ import annotations

import numpy as np

from .. import thresholds as T
from ..model import Doc

DETERMINERS = frozenset("the a an this these those its their every each".split())
PREPOSITIONS = frozenset("of in on at for with by from into about against between through during".split())
# what cannot follow either: function words that start no noun phrase
# ("which", "it", "that", "not" and "being" are left out: "in which", "with it", "in that case", "for not
# acting", "for being late" are prose)
_NEVER_AFTER = frozenset(
    """the a an of to in on at for with by from into and or but nor is was were are am be been has have had
    does did will would shall should can could may might must who he she they we i""".split())


def _categories(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Per token: opens a noun phrase (a determiner or a preposition), cannot follow one."""
    ids = doc.word_ids
    unique, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    words = [doc.norms[i] for i in first.tolist()]
    opens = np.array([w in DETERMINERS or w in PREPOSITIONS for w in words], dtype=bool)
    never = np.array([w in _NEVER_AFTER for w in words], dtype=bool)
    # "the a" is a determiner before a determiner: counted; "of the" is fine: the only exception
    # for a preposition is a following determiner
    return opens[inverse], never[inverse]


def broken_order(doc: Doc) -> tuple[int, int]:
    """(determiners and prepositions followed, in the same sentence, by a word that cannot follow
    them; determiners and prepositions followed by any word in the same sentence)."""
    n = len(doc)
    if n < 2:
        return 0, 0
    opens, never = _categories(doc)
    sentence_of = np.repeat(np.arange(len(doc.sentences)), doc.sentence_sizes)
    if len(sentence_of) != n:  # tokens outside sentences (none in practice): judge them as one run
        sentence_of = np.zeros(n, dtype=np.int64)
    has_next = sentence_of[:-1] == sentence_of[1:]
    head = opens[:-1] & has_next
    norms = doc.norms
    is_preposition = np.array([norms[i] in PREPOSITIONS for i in np.flatnonzero(head).tolist()], dtype=bool)
    following = np.flatnonzero(head) + 1
    following_determiner = np.array([norms[i] in DETERMINERS for i in following.tolist()], dtype=bool)
    broken = never[following] & ~(is_preposition & following_determiner)
    return int(broken.sum()), int(head.sum())


def is_word_salad(doc: Doc) -> bool:
    """Enough determiners and prepositions to tell, and too many of them followed by a word that
    cannot follow them."""
    broken, heads = broken_order(doc)
    return heads >= T.SALAD_MIN_FUNCTION_WORDS and broken >= T.SALAD_BROKEN_SHARE * heads
