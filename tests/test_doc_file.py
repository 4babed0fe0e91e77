"""Segmented articles' arrays moved to a mapped temporary file (text/doc_file.py): the same values,
read-only, usable by everything that reads a Doc, and a run that gives the same result."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import numpy as np
import pytest

from storytrace.engine import pipeline
from storytrace.model import Article
from storytrace.text.doc_file import DocFile
from storytrace.text.prepared import prepare
from storytrace.text.segment import segment

ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    "The council voted on Tuesday to close the old bridge. \u201cIt is not safe,\u201d the mayor said.\n\n"
    "Repairs would cost 4.2 million euros, engineers estimated. The vote was 7 to 2.",
    "",  # no tokens at all: empty arrays
    "Short.",
    "A long text whose offsets need 32 bits. " * 2000,  # over 65,536 characters: int32 offsets
]


def _arrays(doc) -> list[np.ndarray]:
    return [doc.words, doc.starts, doc.lengths, doc.quote_bits, doc.paragraphs.rows, doc.sentences.rows]


def _docs():
    return [segment(Article(f"t{k}", text)) for k, text in enumerate(TEXTS)]


def test_moved_documents_hold_the_same_values_read_only():
    docs, before = _docs(), _docs()
    moved = DocFile()
    moved.move(docs[:2])
    moved.move(docs[2:])  # a second chunk: mapped from the next page
    moved.finish()
    assert moved.bytes > 0
    for doc, old in zip(docs, before):
        for new, was in zip(_arrays(doc), _arrays(old)):
            assert new.dtype == was.dtype and new.shape == was.shape
            assert np.array_equal(new, was)
            if new.size:
                assert not new.flags.writeable  # views of the file, not copies
        # what readers of a Doc use, built from the moved arrays
        assert list(doc.norms) == list(old.norms)
        assert np.array_equal(doc.ends, old.ends) and np.array_equal(doc.quoted, old.quoted)
        assert [doc.sentence_text(i) for i in range(len(doc.sentences))] == \
            [old.sentence_text(i) for i in range(len(old.sentences))]
        assert list(doc.paragraphs) == list(old.paragraphs)
    assert docs[3].starts.dtype == np.int32 and docs[0].starts.dtype == np.uint16
    assert any(docs[0].quoted)  # the mayor's words stay quoted


def test_released_pages_are_read_again_and_a_moved_document_pickles():
    docs, before = _docs(), _docs()
    moved = DocFile()
    moved.move(docs)
    moved.finish()
    moved.release()  # this process's pages dropped: reading reads them back
    for doc, old in zip(docs, before):
        assert all(np.array_equal(a, b) for a, b in zip(_arrays(doc), _arrays(old)))
        copy = pickle.loads(pickle.dumps(doc))  # as a dask worker gets one
        assert all(np.array_equal(a, b) for a, b in zip(_arrays(copy), _arrays(old)))


def test_without_a_temporary_folder_the_documents_stay_on_the_heap(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    docs = _docs()
    moved = DocFile()
    moved.move(docs)
    assert moved.bytes == 0
    assert docs[0].words.flags.writeable  # not moved, still usable
    assert list(docs[0].norms)[:3] == ["the", "council", "voted"]


def test_prepare_moves_each_chunk_and_gives_the_same_documents():
    articles = [Article(f"a{k}", f"Report number {k} on the harbour strike. " * (k + 3)) for k in range(300)]
    plain = prepare(articles)
    moved = DocFile()
    mapped = prepare(articles, doc_file=moved)
    moved.finish()
    assert moved.bytes > 0 and len(moved._maps) == 2  # 300 articles: two chunks of prepare
    for p, q in zip(plain, mapped):
        assert all(np.array_equal(a, b) for a, b in zip(_arrays(p.doc), _arrays(q.doc)))
        assert p.terms == q.terms and p.packed_lead == q.packed_lead
        assert not q.doc.words.flags.writeable


@pytest.mark.parametrize("processes", [1, 2])
def test_a_run_with_its_documents_in_the_file_equals_one_with_them_on_the_heap(monkeypatch, processes):
    from storytrace.judge import batch

    monkeypatch.setattr(batch, "MIN_PAIRS", 0)  # with 2: forked workers read the mapped pages
    corpus = ROOT / "examples" / "nato-kyiv"
    mapped = pipeline.analyze([corpus], processes=processes).to_json()

    class OnTheHeap(DocFile):
        def move(self, docs):
            pass

    monkeypatch.setattr(pipeline, "DocFile", OnTheHeap)
    heap = pipeline.analyze([corpus], processes=processes).to_json()
    for result in (mapped, heap):
        result.pop("stats")
    assert mapped == heap
    assert mapped["pairs"]


def test_progress_that_drops_pages_passes_every_report_on():
    docs, before = _docs(), _docs()
    moved = DocFile()
    moved.move(docs)
    moved.finish()
    released, seen = [], []
    moved.release = lambda: released.append(True)  # what the wrapper calls
    report = moved.releasing_progress(lambda *a: seen.append(a), seconds=0.0)
    report("compare", 1, 3)
    report("compare", 3, 3)
    assert seen == [("compare", 1, 3), ("compare", 3, 3)] and len(released) == 2
    rarely = moved.releasing_progress(lambda *a: seen.append(a), seconds=3600.0)
    rarely("compare", 1, 3)
    assert len(released) == 2 and seen[-1] == ("compare", 1, 3)  # not due yet: reported, nothing dropped
    items = list(moved.releasing(iter(range(5)), every=2))
    assert items == [0, 1, 2, 3, 4] and len(released) == 5  # after 2, after 4, at the end
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(docs[0]), _arrays(before[0])))
