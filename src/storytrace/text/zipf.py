"""English Zipf frequencies (wordfreq's ``zipf_frequency(word, "en")``) without its tokenizer for
plain words, and without importing wordfreq or building its dictionary in a short process.

wordfreq normalises and tokenizes every word it is asked about (Unicode normalisation, a large
regular expression, case folding): about 14 µs a word, and a trace weighs a few hundred words new
to the process (the stored candidates' vocabulary). For a word of lowercase ASCII letters only,
those steps give the word back unchanged, so its frequency is a lookup in wordfreq's English list
followed by wordfreq's own arithmetic, repeated here step for step (wordfreq 3.1,
``_word_frequency`` and ``zipf_frequency``; tests/test_zipf.py checks the two agree word for word).
Anything else goes to wordfreq.

The lookup: importing wordfreq and building its 321,180-word dictionary took about a quarter of a
second, paid by every command started (a cold ``storytrace trace`` took ~1.3 s). The list's plain
words are kept instead as one sorted array with their centibel buckets (``PLAIN_TABLE`` in the
cache directory, derived once from wordfreq's own data file, rebuilt when that file changes) and
looked up by binary search: ~15 ms to load, ~3 µs a word (BENCHMARKS.md, "Cold start").
"""

from __future__ import annotations

import gzip
import math
import os
import re
import zipfile
from pathlib import Path

import numpy as np

_PLAIN = re.compile(r"[a-z]+")
_MINIMUM = 10 ** 0.0 / 1e9  # wordfreq.zipf_to_freq(0.0): zipf_frequency's default floor
PLAIN_TABLE = "wordfreq-en-plain-v1.npz"


class _PlainWords:
    """wordfreq's English ("best": the large list) plain words, sorted, and each one's bucket: the
    word occurs with frequency 10 ** (-bucket / 100) (wordfreq's cBpack format)."""

    def __init__(self) -> None:
        self._dictionary: dict[str, float] | None = None
        try:
            self.words, self.buckets = _table()
        except (ImportError, OSError, ValueError):  # not wordfreq 3.1's list as it keeps it
            from wordfreq import get_frequency_dict

            self._dictionary = get_frequency_dict("en", "best")

    def frequency(self, word: str) -> float | None:
        """The word's frequency in wordfreq's list (None: not listed)."""
        if self._dictionary is not None:
            return self._dictionary.get(word)
        key = word.encode("ascii")
        at = int(self.words.searchsorted(key))
        if at < len(self.words) and self.words[at] == key:
            return 10 ** (-int(self.buckets[at]) / 100)  # wordfreq's cB_to_freq(-bucket)
        return None


def _table() -> tuple[np.ndarray, np.ndarray]:
    """The sorted plain words and their buckets: the cache directory's table when it was derived
    from wordfreq's data file as it is now, else derived again (and saved)."""
    source = _data_file()
    stamp = np.array([source.stat().st_size, source.stat().st_mtime_ns], np.int64)
    table = _cache_dir() / PLAIN_TABLE
    try:
        with np.load(table) as saved:
            if np.array_equal(saved["stamp"], stamp):
                return saved["words"], saved["buckets"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        pass  # no table yet, or a damaged one
    words, buckets = _read_plain(source)
    _save(table, stamp, words, buckets)
    return words, buckets


def _cache_dir() -> Path:
    from ..encode.onnx_encoder import cache_dir

    return cache_dir()


def _data_file() -> Path:
    """wordfreq's English list, found without importing wordfreq (its import costs ~0.1 s)."""
    from importlib.util import find_spec

    spec = find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("wordfreq is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "large_en.msgpack.gz"


def _read_plain(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """The plain words of a cBpack file (gzipped msgpack: a header, then one list of words per
    centibel of frequency, most frequent first), sorted, with their buckets."""
    import msgpack

    try:
        with gzip.open(source, "rb") as f:
            data = msgpack.unpackb(f.read(), raw=False)
    except (EOFError, msgpack.UnpackException) as exc:  # a cut or damaged file (gzip's own are OSErrors)
        raise ValueError(f"{source}: not a readable word list ({exc})") from exc
    header = data[0] if isinstance(data, list) and data else None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"{source}: not a cBpack word list (header {header!r})")
    words, buckets = [], []
    for bucket, listed in enumerate(data[1:]):
        for word in listed:
            if _PLAIN.fullmatch(word):
                words.append(word)
                buckets.append(bucket)
    as_bytes = np.array(words, dtype="S")
    order = np.argsort(as_bytes, kind="stable")
    words_sorted, buckets_sorted = as_bytes[order], np.array(buckets, np.uint16)[order]
    # a word listed twice keeps its last bucket, as wordfreq's dictionary does
    last = np.r_[words_sorted[1:] != words_sorted[:-1], True] if len(words_sorted) else np.zeros(0, bool)
    return words_sorted[last], buckets_sorted[last]


def _save(table: Path, stamp: np.ndarray, words: np.ndarray, buckets: np.ndarray) -> None:
    """Written to a temporary name and renamed (another process may be writing it too); a cache
    directory that cannot be written only means the next process reads wordfreq's file again."""
    temporary = table.with_name(f"{table.name}.{os.getpid()}.tmp")
    try:
        table.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as f:
            np.savez(f, stamp=stamp, words=words, buckets=buckets)
        os.replace(temporary, table)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


_LIST: _PlainWords | None = None


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``, the same number."""
    global _LIST
    if not _PLAIN.fullmatch(word):
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en")
    if _LIST is None:
        _LIST = _PlainWords()
    frequency = _LIST.frequency(word)
    if frequency is None:
        value = _MINIMUM  # a word not listed: wordfreq returns its floor as it is
    else:
        unrounded = max(1.0 / (0.0 + 1.0 / frequency), _MINIMUM)  # its 1/f sum over the one token
        value = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)  # 3 significant digits
    return round(math.log(value, 10) + 9, 2)
