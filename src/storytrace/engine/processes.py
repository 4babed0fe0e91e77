"""The local engine's compare stage on every core: pairs are aligned in forked worker processes.

Aligning a pair is Python work that holds the interpreter lock, so threads cannot share it out;
forked processes can, and they inherit the prepared articles without copying them up front (pages
are shared until written). Pairs that need the sentence encoder are handed back: the encoder runs
on every core in the parent already, and workers of their own would encode the same sentences
twice. Results come back per chunk and are put in candidate order, so the output is the same as
one process would give.

Fork is only used where it is the platform's safe default (Linux); elsewhere, and for small jobs,
the pairs are compared in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from ..encode.embed import get_encoder

MIN_PAIRS = 2000  # fewer pairs than this are compared in-process: starting workers costs more
_CHUNK = 128  # pairs per task: small enough to balance, large enough to keep messages few

_job: tuple | None = None  # what the workers compare, set just before they are forked


def default_processes() -> int:
    """Worker processes: $STORYTRACE_PROCESSES, else one per core this process may use."""
    configured = os.environ.get("STORYTRACE_PROCESSES", "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            print(f"storytrace: STORYTRACE_PROCESSES={configured!r} is not a number; using one process per core",
                  file=sys.stderr)
    return default_cores()


def default_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def map_chunks(function, chunks: list[np.ndarray], context: tuple, processes: int):
    """Yield ``(chunk index, function(context, chunk))`` for every chunk, in completion order, from
    ``processes`` forked workers. Should a worker die (the system out of memory, say), the chunks not
    done yet are done in this process, after one line on stderr."""
    global _job
    _job = (function, context)
    done: set[int] = set()
    try:
        with ProcessPoolExecutor(processes, multiprocessing.get_context("fork"), _start_worker) as pool:
            for future in as_completed([pool.submit(_run_chunk, task) for task in enumerate(chunks)]):
                index, result = future.result()
                done.add(index)
                yield index, result
    except BrokenProcessPool:
        print("storytrace: a worker process ended abruptly (out of memory?); aligning the remaining pairs in "
              "this process", file=sys.stderr)
        for index, chunk in enumerate(chunks):
            if index not in done:
                yield index, function(context, chunk)
    finally:
        _job = None


def _start_worker() -> None:
    # the work given to workers does not encode; should it, the parent's runtime is not reused
    get_encoder().after_fork()


def _run_chunk(task: tuple[int, np.ndarray]):
    index, chunk = task
    function, context = _job
    return index, function(context, chunk)


def chunked(indices: np.ndarray) -> list[np.ndarray]:
    return [indices[k:k + _CHUNK] for k in range(0, len(indices), _CHUNK)]
