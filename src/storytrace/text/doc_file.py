"""Segmented articles' arrays kept in a temporary file instead of the heap (issue 13, item 8).

A batch run holds every prepared article from ``prepare`` to the end of compare: its token and row
arrays (word ids, token starts and lengths, quoted flags, paragraph and sentence rows) are about
4.8 KB of a 616-token synthetic article, most of what an article holds then. ``DocFile.move`` writes
a chunk of documents' arrays to an unlinked temporary file and puts read-only views of a memory map
of it in their place, holding the same values (a prepared article then holds 1.9 KB on the heap
instead of 6.8, tracemalloc). The pages are then the page cache's: shared with the aligning
processes forked later, read back from the file when touched, and given back by the kernel under
memory pressure (a file page is never written again, so it is dropped, not swapped). ``release``
drops this process's mapped pages (``madvise``) after a pass over every document, ``releasing``
during one, ``releasing_progress`` now and then during compare: its resident size is then its heap
and the pages it read lately.

The file goes where ``tempfile`` puts temporary files ($TMPDIR, else /tmp): on a system whose /tmp
is a RAM disk (tmpfs), set TMPDIR to a folder on disk, or the pages stay in memory. When no
temporary file can be made, the documents stay on the heap (the run goes on unchanged).
"""

from __future__ import annotations

import mmap
import tempfile
import time
from typing import Callable, Iterable, Iterator

import numpy as np

from ..model import Doc, Sentences, Spans

_ALIGN = 8  # every array starts at a multiple of its widest item


class DocFile:
    """An unlinked temporary file holding documents' arrays, mapped a chunk at a time."""

    def __init__(self) -> None:
        try:
            self._file = tempfile.TemporaryFile(prefix="storytrace-docs-")
        except OSError:
            self._file = None  # no writable temporary folder: the documents stay on the heap
        self._maps: list[mmap.mmap] = []
        self._size = 0
        self.bytes = 0  # of arrays moved

    def move(self, docs: list[Doc]) -> None:
        """Write the documents' arrays to the file and replace them by read-only views of it."""
        if self._file is None or not docs:
            return
        pieces, layout, position = [], [], 0
        for doc in docs:
            spots = []
            for array in _arrays(doc):
                array = np.ascontiguousarray(array)
                pad = -position % _ALIGN
                if pad:
                    pieces.append(bytes(pad))
                    position += pad
                spots.append((position, array.dtype, array.shape))
                pieces.append(array.tobytes())
                position += array.nbytes
            layout.append(spots)
        start = self._size  # a multiple of the page size: a map's offset must be
        try:
            self._file.seek(start)
            self._file.write(b"".join(pieces))
            self._file.flush()
            mapped = mmap.mmap(self._file.fileno(), position, offset=start, access=mmap.ACCESS_READ) if position else None
        except OSError:  # the disk is full, say: these and later documents stay on the heap
            self._close()
            return
        self._size = start + position + (-position % mmap.ALLOCATIONGRANULARITY)
        self.bytes += position
        if mapped is None:
            return
        self._maps.append(mapped)
        # views of one byte array of the map: each holds that array as its base (an ndarray header,
        # ~100 bytes), where np.frombuffer on the map would hold a memoryview of its own too
        whole = np.frombuffer(mapped, np.uint8)
        for doc, spots in zip(docs, layout):
            views = [whole[offset:offset + dtype.itemsize * int(np.prod(shape))].view(dtype).reshape(shape)
                     for offset, dtype, shape in spots]
            doc.words, doc.starts, doc.lengths, doc.quote_bits = views[:4]
            doc.paragraphs, doc.sentences = Spans(views[4]), Sentences(views[5])

    def release(self) -> None:
        """Drop this process's mapped pages (the page cache keeps them: touching them again reads them
        back from it, or from the file)."""
        if not hasattr(mmap, "MADV_DONTNEED"):  # a system without madvise: the kernel drops them alone
            return
        for mapped in self._maps:
            mapped.madvise(mmap.MADV_DONTNEED)

    def releasing(self, items: Iterable, every: int = 8192) -> Iterator:
        """``items``, with this process's mapped pages dropped every ``every`` of them and at the end:
        a pass over every document (the TF-IDF bags' word ids) holds a few MB of pages, not all."""
        for k, item in enumerate(items, 1):
            yield item
            if k % every == 0:
                self.release()
        self.release()

    def releasing_progress(self, progress: Callable, seconds: float = 5.0) -> Callable:
        """``progress``, which also drops this process's mapped pages when ``seconds`` have passed
        since it last did: a long stage reading documents here and there (compare) holds the pages
        it read lately, not every one it ever read."""
        last = [time.monotonic()]

        def report(*args) -> None:
            if time.monotonic() - last[0] >= seconds:
                self.release()
                last[0] = time.monotonic()
            progress(*args)

        return report

    def finish(self) -> None:
        """No more documents: close the file (the maps stay, as long as a view of them lives)."""
        self._close()

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _arrays(doc: Doc) -> tuple[np.ndarray, ...]:
    return doc.words, doc.starts, doc.lengths, doc.quote_bits, doc.paragraphs.rows, doc.sentences.rows
