"""Vectorised tokenisation finds exactly the tokens of the reference regex, and segmentation keeps
every token inside its sentence."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.model import Article
from storytrace.text.segment import paragraphs, segment, sentences, token_spans, tokenize

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"

# letters, digits, the separators that may join them, quotes, dashes, spaces and line breaks,
# accented and non-Latin letters, a superscript digit and a lone surrogate
ALPHABET = "aZé9’'.,-_ —\n\t“”\"!?ß²Ж中\ud800"


def _reference(text: str) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in tokenize(text)]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_token_spans_equal_the_regex(text):
    starts, ends = token_spans(text)
    assert list(zip(starts.tolist(), ends.tolist())) == _reference(text)


def test_token_spans_on_the_example_corpus():
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        starts, ends = token_spans(text)
        assert list(zip(starts.tolist(), ends.tolist())) == _reference(text)


def test_segment_tokens_are_those_of_each_sentence():
    text = ("U.S. officials met Mr. Smith on Jan. 5. “We agreed,” he said. Prices rose 3.5% — e.g. rock’n’roll.\n\n"
            "A second paragraph: 1,000 people, 155-mm shells. Is it over? Yes!")
    doc = segment(Article("t", text))
    expected_sentences = [s for p in paragraphs(text) for s in sentences(text, *p)]
    assert [(s.start, s.end) for s in doc.sentences] == expected_sentences
    assert len(doc.sentences) == 6  # no break after "U.S.", "Mr." or "Jan." before a lower-case word
    for s in doc.sentences:
        words = [t.norm for t in tokenize(text, s.start, s.end)]
        assert doc.norms[s.first_token:s.last_token] == words
    assert "u.s" in doc.norms and "rock'n'roll" in doc.norms and "1000" in doc.norms
    quoted = [w for w, q in zip(doc.norms, doc.quoted.tolist()) if q]
    assert quoted == ["we", "agreed"]


def test_furniture_sentences_leave_no_tokens():
    text = "Body sentence one here.\nSubscribe to our newsletter today.\nBody sentence two here."
    line = text.index("Subscribe")
    doc = segment(Article("t", text, furniture=[(line, text.index("\nBody sentence two"))]))
    assert "subscribe" not in doc.norms and doc.norms.count("body") == 2
    assert doc.ends.tolist()[-1] == len(text) - 1 and doc.tokens[-1].norm == "here"


def test_token_ends_and_quote_flags_kept_small_give_the_spans_back():
    """A Doc keeps token lengths in the narrowest type and the quote flags as bits: ends and flags
    made from them are the tokenizer's, also for a token too long for one byte."""
    import numpy as np

    long_word = "x" * 300  # a run of characters without a space, as a pasted URL or hash makes
    text = f"Short words first. He said “all of this {long_word} was quoted” and left.\n\nA last one."
    doc = segment(Article("t", text))
    starts, ends = token_spans(text)
    assert doc.starts.tolist() == starts.tolist() and doc.ends.tolist() == ends.tolist()
    assert doc.ends.dtype == doc.starts.dtype and doc.lengths.dtype == np.uint16
    assert [text[s:e] for s, e in zip(doc.starts.tolist(), doc.ends.tolist())][8] == long_word
    assert [w for w, q in zip(doc.norms, doc.quoted.tolist()) if q] == ["all", "of", "this", long_word, "was", "quoted"]
    assert doc.quoted.dtype == bool and len(doc.quoted) == len(doc)
    short = segment(Article("s", "No quotes at all here."))
    assert short.lengths.dtype == np.uint8 and not short.quoted.any() and len(short.quoted) == len(short) == 5


def test_word_ids_stay_in_their_process():
    """Word ids index this process's vocabulary: a pickled Doc (sent to a dask worker) carries its
    words as strings and takes the ids of the process it arrives in."""
    import os
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    import storytrace

    doc = segment(Article("t", "Kyiv said on Thursday that Kyiv would answer."))
    ids = doc.word_ids
    assert ids[0] == ids[5] and len(set(ids.tolist())) == len(set(doc.norms))
    copy = pickle.loads(pickle.dumps(doc))
    assert list(copy.norms) == list(doc.norms) and copy.word_ids.tolist() == ids.tolist()  # same vocabulary
    # another process, whose vocabulary met other words first: other ids, the same words
    script = ("import pickle, sys; from storytrace.model import Article; from storytrace.text.segment import segment; "
              "segment(Article('x', 'Zebras answer slowly on Thursday.')); "
              "d = pickle.loads(sys.stdin.buffer.read()); print(' '.join(d.norms)); print(d.word_ids.tolist())")
    env = dict(os.environ, PYTHONPATH=str(Path(storytrace.__file__).parents[1]))
    out = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(doc), capture_output=True, check=True,
                         env=env).stdout.decode().splitlines()
    assert out[0] == " ".join(doc.norms) == "kyiv said on thursday that kyiv would answer"
    there = eval(out[1])
    assert there != ids.tolist() and there[0] == there[5] and there[3] == 4  # "thursday": that process's 5th word


def test_offsets_are_narrow_under_65536_characters_and_passages_stay_right_past_them():
    """A text under 65,536 characters keeps its token offsets and its sentence and paragraph rows in
    uint16 (a batch run holds every Doc), a longer one in int32; both give the tokenizer's spans,
    and a passage shared after the 65,536th character of one text is placed at its characters."""
    import numpy as np

    from storytrace.judge.passages import verbatim_passages
    from storytrace.text.fingerprint import token_hashes

    shared = ("The harbour authority said on Monday that the northern pier would close for repairs "
              "until the end of the season, and ferries would dock at the old quay instead.")
    short_text = f"A short report first.\n\n{shared}\n\nA last line."
    filler = "\n\n".join(f"Paragraph {k} lists item {k} of the long inventory, number {k * 7}." for k in range(1200))
    long_text = f"{filler}\n\n{shared}\n\nThe end of the inventory."
    assert len(short_text) < 65536 < long_text.index(shared)
    short, long = segment(Article("s", short_text)), segment(Article("l", long_text))
    assert short.starts.dtype == short.sentences.rows.dtype == short.paragraphs.rows.dtype == np.uint16
    assert long.starts.dtype == long.sentences.rows.dtype == long.paragraphs.rows.dtype == np.int32
    for doc, text in ((short, short_text), (long, long_text)):
        starts, ends = token_spans(text)
        assert doc.starts.tolist() == starts.tolist() and doc.ends.tolist() == ends.tolist()
        assert doc.ends.dtype == doc.starts.dtype
        assert [text[s.start:s.end] for s in doc.sentences][-2:] == [shared, text.rsplit("\n\n", 1)[1]]
        assert [text[s:e] for s, e in doc.paragraphs][-2] == shared
    passages, _, _ = verbatim_passages(short, long, token_hashes(short), token_hashes(long))
    [p] = passages
    assert short_text[p.a[0]:p.a[1]] == long_text[p.b[0]:p.b[1]] == shared.rstrip(".")
    assert p.b[0] == long_text.index(shared) > 65536
