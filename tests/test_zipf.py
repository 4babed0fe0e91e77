"""text/zipf.zipf_en gives wordfreq's zipf_frequency(word, "en") for every word: listed or not,
plain lowercase (its fast path) or anything else (wordfreq's own)."""

import random
import string

from wordfreq import iter_wordlist, zipf_frequency

from storytrace.text.zipf import zipf_en


def test_listed_words_agree_with_wordfreq():
    listed = list(iter_wordlist("en"))[::10]  # every 10th of the ~320,000 listed words, common to rare
    assert len(listed) > 30_000
    assert [w for w in listed if zipf_en(w) != zipf_frequency(w, "en")] == []


def test_unlisted_and_odd_words_agree_with_wordfreq():
    rng = random.Random(7)
    made_up = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    odd = ["Kyiv", "don't", "café", "x1", "2024", "naïve", "’s", "", "a-b", "straße", "ﬁne", "ΑΘΗΝΑ", "东京", "e.g"]
    words = made_up + odd
    assert [w for w in words if zipf_en(w) != zipf_frequency(w, "en")] == []
    assert zipf_en("the") > 7 and zipf_en("qzxvbnm") == 0.0  # the fast path answers both kinds


def test_plain_words_table_is_derived_once_and_rebuilt_when_stale(tmp_path, monkeypatch):
    """The sorted table of plain words is written to the cache directory on first use, read from it
    afterwards without wordfreq's dictionary, and rebuilt when its stamp no longer matches."""
    import numpy as np

    from storytrace.text import zipf

    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(zipf, "_LIST", None)
    assert zipf_en("harbour") == zipf_frequency("harbour", "en")
    table = tmp_path / zipf.PLAIN_TABLE
    assert table.exists()
    with np.load(table) as saved:
        words, buckets, stamp = saved["words"], saved["buckets"], saved["stamp"]
    assert len(words) > 280_000 and (words[1:] > words[:-1]).all()  # sorted, no word twice

    # a stale table (another wordfreq release) is not trusted: its answers would be wrong
    np.savez(table, stamp=stamp + 1, words=words[:10], buckets=buckets[:10])
    monkeypatch.setattr(zipf, "_LIST", None)
    assert zipf_en("harbour") == zipf_frequency("harbour", "en")
    with np.load(table) as saved:
        assert np.array_equal(saved["stamp"], stamp) and len(saved["words"]) == len(words)

    # a damaged table (a cut copy) is derived again, not fatal
    table.write_bytes(table.read_bytes()[:1000])
    monkeypatch.setattr(zipf, "_LIST", None)
    assert zipf_en("harbour") == zipf_frequency("harbour", "en")
    with np.load(table) as saved:
        assert len(saved["words"]) == len(words)


def test_plain_words_without_a_writable_cache(tmp_path, monkeypatch):
    from storytrace.text import zipf

    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(zipf, "_LIST", None)
    assert zipf_en("minister") == zipf_frequency("minister", "en")
    assert zipf_en("qzxvbnm") == zipf_frequency("qzxvbnm", "en")


def test_without_wordfreq_s_data_file_where_expected(tmp_path, monkeypatch):
    """Another wordfreq release keeping its list elsewhere: wordfreq's own dictionary answers."""
    from storytrace.text import zipf

    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(zipf, "_data_file", lambda: tmp_path / "nowhere" / "large_en.msgpack.gz")
    monkeypatch.setattr(zipf, "_LIST", None)
    for word in ("harbour", "the", "qzxvbnm", "minister"):
        assert zipf_en(word) == zipf_frequency(word, "en")
    assert not (tmp_path / zipf.PLAIN_TABLE).exists()


def test_a_word_list_in_another_format_falls_back_to_wordfreq(tmp_path, monkeypatch):
    """wordfreq's file where expected but not in the format read here (another release, a damaged
    file): wordfreq's own dictionary answers, and no table is derived from it."""
    import gzip

    import msgpack

    from storytrace.text import zipf

    other = tmp_path / "large_en.msgpack.gz"
    other.write_bytes(gzip.compress(msgpack.packb([{"format": "other", "version": 2}, ["harbour"]])))
    cut = tmp_path / "cut.msgpack.gz"
    cut.write_bytes(gzip.compress(msgpack.packb([{"format": "cB", "version": 1}, ["harbour"] * 50]))[:40])
    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path / "cache"))
    for source in (other, cut):
        monkeypatch.setattr(zipf, "_data_file", lambda source=source: source)
        monkeypatch.setattr(zipf, "_LIST", None)
        for word in ("harbour", "the", "qzxvbnm"):
            assert zipf_en(word) == zipf_frequency(word, "en")
        assert zipf._LIST._dictionary is not None
    assert not (tmp_path / "cache" / zipf.PLAIN_TABLE).exists()
