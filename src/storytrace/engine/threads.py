"""BLAS kept to one thread while storytrace computes.

Its matrix products are small (sentences x sentences, a pair's words): waking a pool of BLAS
threads for each costs more than the product, and on a busy machine far more (measured: the
lexical gate of paraphrase alignment took 8.4 ms a pair with OpenBLAS's default threads,
1.0 ms with one). The limit holds only inside the analysis; the caller's settings come back after.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

_CONTROLLER = None


@contextmanager
def single_threaded_blas():
    global _CONTROLLER
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # without threadpoolctl the products are only slower
        yield
        return
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()  # inspecting the loaded libraries is the slow part: once
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        yield


def with_single_threaded_blas(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with single_threaded_blas():
            return function(*args, **kwargs)
    return wrapper
